import * as tf from '@tensorflow/tfjs';
import type { GanLoss } from './gan-loss.js';

/**
 * The original minimax GAN loss (Goodfellow et al. 2014, arXiv:1406.2661), on logits.
 * Discriminator: -log σ(real) - log(1 - σ(fake)) = softplus(-real) + softplus(fake).
 * Generator: log(1 - σ(fake)) = -softplus(fake), which saturates early in training; prefer
 * {@link nonSaturating}. Inputs are logits; higher = more real.
 *
 * @example
 * ```ts
 * const loss = losses.minimax();
 * loss.discriminator({ realLogits: tf.tensor1d([0]), fakeLogits: tf.tensor1d([0]) }); // 2·ln 2 ≈ 1.386
 * ```
 */
export function minimax(): GanLoss {
  return {
    name: 'minimax',
    config: {},
    discriminator: ({ realLogits, fakeLogits }) =>
      tf.tidy(() => tf.add(tf.mean(tf.softplus(tf.neg(realLogits))), tf.mean(tf.softplus(fakeLogits))) as tf.Scalar),
    generator: ({ fakeLogits }) => tf.tidy(() => tf.neg(tf.mean(tf.softplus(fakeLogits))) as tf.Scalar),
  };
}
