/**
 * Path length regularization of StyleGAN2 (Karras et al. 2020, arXiv:1912.04958, section 3.2).
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs';
import { ConfigError, describeValue } from '../errors.js';
import { checkInt, checkNumber } from '../util/validate.js';
import type { Generator } from '../nets/generator.js';

/** Options of the path length regularizer (`TrainerConfig.pathLength`). */
export interface PathLengthOptions {
  /** Weight of the penalty. @defaultValue 2 */
  readonly weight?: number;
  /** Lazy regularization: apply it every `every` generator steps, scaled by `every`. @defaultValue 4 */
  readonly every?: number;
  /** Rate of the moving average of the path length that the penalty pulls towards. @defaultValue 0.01 */
  readonly decay?: number;
}

/** The defaults of {@link PathLengthOptions}. */
export const PATH_LENGTH_DEFAULTS = Object.freeze({
  /** Weight of the penalty. */
  weight: 2,
  /** Generator steps between regularized steps. */
  every: 4,
  /** Rate of the moving average of the path length. */
  decay: 0.01,
});

/**
 * Path length regularization for style-based generators: with `y` ~ N(0, I) / sqrt(height · width)
 * per image, the Jacobian-vector length `|J_wᵀ y|` of the synthesis network with respect to the styles
 * w should be the same for every w, `weight · every · mean((|J_wᵀ y| − a)²)`, where `a` is the moving
 * average of the lengths (smoother latent-to-image mapping, easier inversion). It needs gradients of
 * gradients through the synthesis network, which every shipped layer has on every backend.
 * The Trainer builds it from `TrainerConfig.pathLength` and exposes it as `trainer.pathLength`.
 */
export class PathLengthRegularizer {
  /** Weight of the penalty. */
  readonly weight: number;
  /** Lazy regularization: the penalty applies every `every` generator steps, scaled by `every`. */
  readonly every: number;
  /** Rate of the moving average of the path length that the penalty pulls towards. */
  readonly decay: number;
  /** The moving average of the path length (0 before the first regularized step). */
  mean = 0;

  constructor(options: PathLengthOptions, generator: Generator, owner: string) {
    if (options == null || typeof options !== 'object') {
      throw new ConfigError(`${owner}: 'pathLength' must be an object of options, received ${describeValue(options)}.`);
    }
    if (!generator.styleBased) {
      throw new ConfigError(`${owner}: 'pathLength' needs a style-based generator (Generator.style), received one without a StyleBroadcast layer.`);
    }
    this.weight = checkNumber(options.weight ?? PATH_LENGTH_DEFAULTS.weight, 'pathLength.weight', owner, { min: 0 });
    this.every = checkInt(options.every ?? PATH_LENGTH_DEFAULTS.every, 'pathLength.every', owner, 1);
    this.decay = checkNumber(options.decay ?? PATH_LENGTH_DEFAULTS.decay, 'pathLength.decay', owner, { min: 0, max: 1, minExclusive: true });
  }

  /** Whether generator step `step` (0-based) is regularized. */
  due(step: number): boolean {
    return this.weight > 0 && step % this.every === 0;
  }

  /**
   * The penalty on the active gradient tape, and the batch's mean path length (kept; the caller reads
   * and disposes it, then calls {@link PathLengthRegularizer.update}).
   */
  penalty(
    generator: Generator,
    latents: tf.Tensor,
    labels: tf.Tensor1D | undefined,
    seed: number,
  ): {
    /** The weighted penalty, scaled by `every`. */
    penalty: tf.Scalar;
    /** The batch's mean path length. */
    meanLength: tf.Scalar;
  } {
    const styles = generator.styles(latents, labels, true);
    const [batch, ...sampleShape] = [latents.shape[0], ...generator.outputShape];
    const pixels = sampleShape.length === 3 ? sampleShape[0] * sampleShape[1] : 1;
    const directions = tf.div(tf.randomNormal([batch, ...sampleShape], 0, 1, 'float32', seed), Math.sqrt(pixels));
    const grads = tf.grad((w: tf.Tensor) => tf.sum(tf.mul(generator.synthesize(w, true), directions)))(styles);
    const lengths = tf.sqrt(tf.add(tf.mean(tf.sum(tf.square(grads), 2), 1), 1e-8));
    const meanLength = tf.keep(tf.mean(lengths)) as tf.Scalar;
    const penalty = tf.mul(tf.mean(tf.square(tf.sub(lengths, this.mean))), this.weight * this.every) as tf.Scalar;
    return { penalty, meanLength };
  }

  /** Moves the average path length towards a batch's mean length. */
  update(meanLength: number): void {
    this.mean += this.decay * (meanLength - this.mean);
  }
}
