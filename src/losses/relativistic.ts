import * as tf from '@tensorflow/tfjs';
import { ConfigError, describeValue } from '../errors.js';
import type { GanLoss } from './gan-loss.js';

/** The forms of {@link relativistic}: `'standard'` (RaSGAN) or `'hinge'` (RaHingeGAN). */
export type RelativisticForm = 'standard' | 'hinge';

/** Options of {@link relativistic}. */
export interface RelativisticOptions {
  /** `'standard'` (logistic, RaSGAN) or `'hinge'` (RaHingeGAN). @defaultValue 'standard' */
  readonly form?: RelativisticForm;
}

/**
 * The relativistic average GAN loss (Jolicoeur-Martineau 2018, arXiv:1807.00734): the discriminator
 * estimates how much more real a real sample is than the average fake one, and the other way round.
 * With `r̃ = real - mean(fake)` and `f̃ = fake - mean(real)`:
 *
 * - `'standard'` (RaSGAN): D = mean softplus(-r̃) + mean softplus(f̃);
 *   G = mean softplus(-f̃) + mean softplus(r̃).
 * - `'hinge'` (RaHingeGAN): D = mean relu(1 - r̃) + mean relu(1 + f̃);
 *   G = mean relu(1 - f̃) + mean relu(1 + r̃).
 *
 * The generator's loss needs the real batch's logits (`generatorNeedsReal`); the Trainer passes them.
 * Inputs are logits; higher = more real.
 *
 * @param options - see {@link RelativisticOptions}.
 * @throws ConfigError for an unknown form.
 * @example
 * ```ts
 * const loss = losses.relativistic({ form: 'hinge' });
 * loss.discriminator({ realLogits: tf.tensor1d([2]), fakeLogits: tf.tensor1d([-2]) }); // 0
 * ```
 */
export function relativistic(options: RelativisticOptions = {}): GanLoss {
  const owner = 'losses.relativistic';
  if (options === null || typeof options !== 'object') {
    throw new ConfigError(`${owner}: options must be an object, received ${describeValue(options)}.`);
  }
  for (const key of Object.keys(options)) {
    if (key !== 'form') throw new ConfigError(`${owner}: unknown option '${key}'. Expected one of ["form"].`);
  }
  const form = options.form ?? 'standard';
  if (form !== 'standard' && form !== 'hinge') {
    throw new ConfigError(`${owner}: 'form' must be "standard" or "hinge", received ${describeValue(form)}.`);
  }
  // term(x, sign): the per-form penalty for a relative logit that should be high (sign +1) or low (-1).
  const term =
    form === 'standard'
      ? (x: tf.Tensor, sign: 1 | -1) => tf.mean(tf.softplus(tf.mul(-sign, x)))
      : (x: tf.Tensor, sign: 1 | -1) => tf.mean(tf.relu(tf.sub(1, tf.mul(sign, x))));
  const relative = (realLogits: tf.Tensor, fakeLogits: tf.Tensor) => ({
    realVsFake: tf.sub(realLogits, tf.mean(fakeLogits)),
    fakeVsReal: tf.sub(fakeLogits, tf.mean(realLogits)),
  });
  return {
    name: 'relativistic',
    config: { form },
    generatorNeedsReal: true,
    discriminator: ({ realLogits, fakeLogits }) =>
      tf.tidy(() => {
        const { realVsFake, fakeVsReal } = relative(realLogits, fakeLogits);
        return tf.add(term(realVsFake, 1), term(fakeVsReal, -1)) as tf.Scalar;
      }),
    generator: ({ fakeLogits, realLogits }) =>
      tf.tidy(() => {
        if (realLogits === undefined) {
          throw new ConfigError(`${owner}: the generator loss needs 'realLogits' (the loss declares generatorNeedsReal).`);
        }
        const { realVsFake, fakeVsReal } = relative(realLogits, fakeLogits);
        return tf.add(term(fakeVsReal, 1), term(realVsFake, -1)) as tf.Scalar;
      }),
  };
}
