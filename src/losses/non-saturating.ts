import * as tf from '@tensorflow/tfjs';
import type { GanLoss } from './gan-loss.js';

/**
 * The non-saturating GAN loss (Goodfellow et al. 2014, arXiv:1406.2661, section 3), on logits.
 * Discriminator: softplus(-real) + softplus(fake) (binary cross-entropy).
 * Generator: -log σ(fake) = softplus(-fake). Inputs are logits; higher = more real.
 *
 * @example
 * ```ts
 * const loss = losses.nonSaturating();
 * loss.generator({ fakeLogits: tf.tensor1d([0]) }); // ln 2 ≈ 0.693
 * ```
 */
export function nonSaturating(): GanLoss {
  return {
    name: 'non-saturating',
    config: {},
    discriminator: ({ realLogits, fakeLogits }) =>
      tf.tidy(() => tf.add(tf.mean(tf.softplus(tf.neg(realLogits))), tf.mean(tf.softplus(fakeLogits))) as tf.Scalar),
    generator: ({ fakeLogits }) => tf.tidy(() => tf.mean(tf.softplus(tf.neg(fakeLogits))) as tf.Scalar),
  };
}
