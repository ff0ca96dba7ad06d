/**
 * Pixel-wise feature vector normalization (Karras et al. 2018, arXiv:1710.10196, section 4.2).
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs';
import { checkNumber } from '../util/validate.js';

/** Arguments of {@link PixelNorm}. */
export interface PixelNormArgs {
  /** Added to the mean square before the square root. @defaultValue 1e-8 */
  readonly epsilon?: number;
  /** Name of the layer. */
  readonly name?: string;
}

/** The defaults of {@link PixelNormArgs}. */
export const PIXEL_NORM_DEFAULTS = Object.freeze({
  /** Added to the mean square before the square root. */
  epsilon: 1e-8,
});

/**
 * Pixel norm (ProGAN, Karras et al. 2018, arXiv:1710.10196): scales each feature vector (the last axis:
 * a latent `[batch, f]`, or every pixel of `[batch, h, w, c]`) to unit root mean square,
 * `x / sqrt(mean(x², last axis) + epsilon)`. No weights. StyleGAN normalizes its latent with it, and
 * ProGAN's generator follows every convolution with it so no feature magnitude can escalate.
 *
 * @example
 * ```ts
 * const y = new PixelNorm().apply(tf.tensor2d([[3, 4]])) as tf.Tensor; // [[0.8485, 1.1314]]
 * ```
 */
export class PixelNorm extends tf.layers.Layer {
  /** The class name under which it is registered and saved. */
  static className = 'PixelNorm';
  /** Added to the mean square before the square root. */
  readonly epsilon: number;

  constructor(args: PixelNormArgs = {}) {
    super({ name: args.name });
    const epsilon = args.epsilon ?? PIXEL_NORM_DEFAULTS.epsilon;
    checkNumber(epsilon, 'epsilon', 'PixelNorm', { min: 0, minExclusive: true });
    this.epsilon = epsilon;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    return (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      return tf.mul(x, tf.rsqrt(tf.add(tf.mean(tf.square(x), -1, true), this.epsilon)));
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), epsilon: this.epsilon };
  }
}

tf.serialization.registerClass(PixelNorm, 'tfjs-gan');
