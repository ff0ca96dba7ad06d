import * as tf from '@tensorflow/tfjs';
import { ConfigError, describeValue } from '../errors.js';
import { SeededRandom } from '../util/random.js';
import { checkPositiveInt } from '../util/validate.js';

/**
 * Draws `count` latent vectors from N(0, 1) on the host with a seeded generator, so the same seed gives
 * the same latents on every backend.
 *
 * @param count - number of vectors, >= 1.
 * @param latentDim - size of each vector, >= 1.
 * @param seed - integer seed.
 * @param truncation - when given, every component whose magnitude exceeds it is redrawn until it does
 *   not (the truncation trick of BigGAN, Brock et al. 2018, arXiv:1809.11096). Must be > 0.
 * @returns a float32 tensor of shape [count, latentDim].
 * @throws ConfigError for a non-positive count, size or truncation.
 */
export function sampleLatents(
  count: number,
  latentDim: number,
  seed: number,
  truncation?: number,
): tf.Tensor2D {
  checkPositiveInt(count, 'count', 'sampleLatents');
  if (truncation !== undefined && !(truncation > 0 && Number.isFinite(truncation))) {
    throw new ConfigError(
      `sampleLatents: 'truncation' must be a finite number > 0 (a threshold in standard deviations), received ${describeValue(truncation)}.`,
    );
  }
  const random = new SeededRandom(seed);
  const values = new Float32Array(count * latentDim);
  for (let i = 0; i < values.length; i++) {
    let z = random.nextNormal();
    if (truncation !== undefined) while (Math.abs(z) > truncation) z = random.nextNormal();
    values[i] = z;
  }
  return tf.tensor2d(values, [count, latentDim]);
}
