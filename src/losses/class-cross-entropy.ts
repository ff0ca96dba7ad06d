import * as tf from '@tensorflow/tfjs';

/** Inputs of {@link classCrossEntropy}. */
export interface ClassCrossEntropyInputs {
  /** Class logits `[batch, numClasses]` (unnormalised; never probabilities). */
  readonly classLogits: tf.Tensor;
  /** True class ids `[batch]`, int32. */
  readonly labels: tf.Tensor1D;
}

/**
 * The auxiliary classifier's loss of ACGAN (Odena et al. 2017, arXiv:1610.09585): the mean softmax
 * cross-entropy `mean_i(logsumexp(classLogits_i) - classLogits_i[labels_i])`, a scalar to minimise.
 * The Trainer adds it, times `auxiliaryClassifierWeight`, to the discriminator's loss (on the real batch
 * with the data's labels and on the fake batch with the labels it was generated for) and to the
 * generator's loss (on its fake batch). Its gradients are built from `logSoftmax` and products, so it
 * works on every backend and under gradient penalties.
 *
 * @returns a scalar, >= 0; ln(numClasses) for uniform logits.
 * @example
 * ```ts
 * classCrossEntropy({ classLogits: tf.tensor2d([[0, 0]]), labels: tf.tensor1d([1], 'int32') });   // ln 2 = 0.693
 * ```
 */
export function classCrossEntropy({ classLogits, labels }: ClassCrossEntropyInputs): tf.Scalar {
  return tf.tidy(() => {
    const numClasses = classLogits.shape[classLogits.rank - 1];
    const targets = tf.oneHot(tf.cast(labels, 'int32') as tf.Tensor1D, numClasses);
    const logProbabilities = tf.logSoftmax(classLogits);
    return tf.neg(tf.mean(tf.sum(tf.mul(targets, logProbabilities), -1))) as tf.Scalar;
  });
}
