import * as tf from '@tensorflow/tfjs';
import type { GanLoss } from './gan-loss.js';

/**
 * Hinge loss (Lim & Ye 2017, arXiv:1705.02894; as used by SNGAN and BigGAN).
 * Discriminator: mean(relu(1 - real)) + mean(relu(1 + fake)). Generator: -mean(fake).
 * Inputs are logits; higher = more real.
 *
 * @example
 * ```ts
 * const loss = losses.hinge();
 * loss.discriminator({ realLogits: tf.tensor1d([2]), fakeLogits: tf.tensor1d([-2]) }); // 0
 * ```
 */
export function hinge(): GanLoss {
  return {
    name: 'hinge',
    config: {},
    discriminator: ({ realLogits, fakeLogits }) =>
      tf.tidy(() => tf.add(tf.mean(tf.relu(tf.sub(1, realLogits))), tf.mean(tf.relu(tf.add(1, fakeLogits)))) as tf.Scalar),
    generator: ({ fakeLogits }) => tf.tidy(() => tf.neg(tf.mean(fakeLogits)) as tf.Scalar),
  };
}
