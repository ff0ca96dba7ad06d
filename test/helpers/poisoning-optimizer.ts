import * as tf from '@tensorflow/tfjs';

/**
 * SGD that, from its `from`-th update on, writes Infinity into the first weight it updates: an update
 * that leaves a weight non-finite while every loss stays finite (the step's guard must undo it).
 */
export class PoisoningSgd extends tf.SGDOptimizer {
  constructor(
    learningRate: number,
    private readonly from = 3,
  ) {
    super(learningRate);
  }

  override applyGradients(gradients: Parameters<tf.SGDOptimizer['applyGradients']>[0]): void {
    super.applyGradients(gradients);
    if (this.iterations >= this.from) {
      const name = Array.isArray(gradients) ? gradients[0].name : Object.keys(gradients)[0];
      const variable = tf.engine().registeredVariables[name];
      tf.tidy(() => variable.assign(tf.fill(variable.shape, Number.POSITIVE_INFINITY)));
    }
  }
}
