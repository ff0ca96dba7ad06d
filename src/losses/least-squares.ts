import * as tf from '@tensorflow/tfjs';
import type { GanLoss } from './gan-loss.js';

/**
 * Least-squares GAN loss (Mao et al. 2017, arXiv:1611.04076) with targets a = 0 (fake), b = 1 (real),
 * c = 1 (what the generator wants), on the discriminator's raw outputs.
 * Discriminator: ½·mean((real - 1)²) + ½·mean(fake²). Generator: ½·mean((fake - 1)²).
 * Inputs are logits; higher = more real.
 *
 * @example
 * ```ts
 * const loss = losses.leastSquares();
 * loss.discriminator({ realLogits: tf.tensor1d([1]), fakeLogits: tf.tensor1d([0]) }); // 0
 * ```
 */
export function leastSquares(): GanLoss {
  return {
    name: 'least-squares',
    config: {},
    discriminator: ({ realLogits, fakeLogits }) =>
      tf.tidy(
        () => tf.mul(0.5, tf.add(tf.mean(tf.square(tf.sub(realLogits, 1))), tf.mean(tf.square(fakeLogits)))) as tf.Scalar,
      ),
    generator: ({ fakeLogits }) => tf.tidy(() => tf.mul(0.5, tf.mean(tf.square(tf.sub(fakeLogits, 1)))) as tf.Scalar),
  };
}
