import * as tf from '@tensorflow/tfjs';
import { ConfigError, describeValue } from '../errors.js';
import type { GanLoss } from './gan-loss.js';

/** Options of {@link wasserstein}. */
export interface WassersteinOptions {
  /**
   * Weight clipping (the original WGAN's Lipschitz constraint): after every discriminator update, each
   * of its trainable weights is clipped to [-clip, clip] (the paper uses 0.01). Leave it out when a
   * gradient penalty or spectral normalisation constrains the critic instead. @defaultValue no clipping
   */
  readonly clip?: number;
}

/**
 * Wasserstein loss (Arjovsky et al. 2017, arXiv:1701.07875): the critic maximises
 * mean(real) - mean(fake). Discriminator: mean(fake) - mean(real). Generator: -mean(fake).
 * Needs a Lipschitz constraint on the critic to be meaningful: a gradient penalty
 * (`penalties.gradientPenalty()`), spectral normalisation, or weight clipping (`{ clip: 0.01 }`).
 * Inputs are logits (critic scores); higher = more real.
 *
 * @param options - see {@link WassersteinOptions}.
 * @throws ConfigError for a clip value that is not a finite number > 0.
 * @example
 * ```ts
 * const loss = losses.wasserstein();
 * loss.discriminator({ realLogits: tf.tensor1d([3]), fakeLogits: tf.tensor1d([1]) }); // -2
 * const clipped = losses.wasserstein({ clip: 0.01 }); // the original WGAN
 * ```
 */
export function wasserstein(options: WassersteinOptions = {}): GanLoss {
  const owner = 'losses.wasserstein';
  if (options === null || typeof options !== 'object') {
    throw new ConfigError(`${owner}: options must be an object, received ${describeValue(options)}.`);
  }
  for (const key of Object.keys(options)) {
    if (key !== 'clip') throw new ConfigError(`${owner}: unknown option '${key}'. Expected one of ["clip"].`);
  }
  const { clip } = options;
  if (clip !== undefined && !(typeof clip === 'number' && Number.isFinite(clip) && clip > 0)) {
    throw new ConfigError(`${owner}: 'clip' must be a finite number > 0, received ${describeValue(clip)}.`);
  }
  const loss: GanLoss = {
    name: 'wasserstein',
    config: clip === undefined ? {} : { clip },
    discriminator: ({ realLogits, fakeLogits }) =>
      tf.tidy(() => tf.sub(tf.mean(fakeLogits), tf.mean(realLogits)) as tf.Scalar),
    generator: ({ fakeLogits }) => tf.tidy(() => tf.neg(tf.mean(fakeLogits)) as tf.Scalar),
  };
  if (clip === undefined) return loss;
  return {
    ...loss,
    afterDiscriminatorUpdate: (variables) => {
      for (const variable of variables) {
        if (variable.dtype !== 'float32') continue;
        const clipped = tf.tidy(() => tf.clipByValue(variable, -clip, clip));
        variable.assign(clipped);
        clipped.dispose();
      }
    },
  };
}
