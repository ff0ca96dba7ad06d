import * as tf from '@tensorflow/tfjs';
import type { GanLoss } from './gan-loss.js';

/**
 * Wasserstein loss (Arjovsky et al. 2017, arXiv:1701.07875): the critic maximises
 * mean(real) - mean(fake). Discriminator: mean(fake) - mean(real). Generator: -mean(fake).
 * Needs a Lipschitz constraint on the critic (a gradient penalty or spectral norm) to be meaningful.
 * Inputs are logits (critic scores); higher = more real.
 *
 * @example
 * ```ts
 * const loss = losses.wasserstein();
 * loss.discriminator({ realLogits: tf.tensor1d([3]), fakeLogits: tf.tensor1d([1]) }); // -2
 * ```
 */
export function wasserstein(): GanLoss {
  return {
    name: 'wasserstein',
    config: {},
    discriminator: ({ realLogits, fakeLogits }) =>
      tf.tidy(() => tf.sub(tf.mean(fakeLogits), tf.mean(realLogits)) as tf.Scalar),
    generator: ({ fakeLogits }) => tf.tidy(() => tf.neg(tf.mean(fakeLogits)) as tf.Scalar),
  };
}
