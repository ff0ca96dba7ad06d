import * as tf from '@tensorflow/tfjs';
import type { Penalty, PenaltyInputs } from '../penalty.js';
import { checkInt, checkNumber } from '../../util/validate.js';
import { checkPenaltyOptions, inputGradients, perSampleSquaredNorm } from './input-gradients.js';

/** Options of {@link r1} and {@link r2}. Defaults are in {@link R1_DEFAULTS}. */
export interface R1Options {
  /** The regularisation strength γ; the penalty is `γ/2 · E‖∇D‖²`. @defaultValue 10 */
  readonly gamma?: number;
  /**
   * Lazy regularisation (Karras et al. 2020, arXiv:1912.04958): apply the penalty only at steps that
   * are multiples of `every`, scaled by `every` so that its average strength is unchanged; the other
   * steps skip it (and log no value). @defaultValue 1 (every step)
   */
  readonly every?: number;
}

/** The defaults of {@link R1Options}. */
export const R1_DEFAULTS = Object.freeze({
  /** The regularisation strength γ. */
  gamma: 10,
  /** Apply the penalty at every step. */
  every: 1,
});

/**
 * The R1 penalty (Mescheder et al. 2018, arXiv:1801.04406): `γ/2 · E_real ‖∇x D(x)‖²`, the squared
 * gradient norm of the discriminator on real data. Returns the weighted value; with `every: k` it
 * returns `k` times that value at steps that are multiples of `k` and `null` (skip) at the others.
 *
 * @param options - see {@link R1Options}.
 * @throws ConfigError for a negative gamma, an `every` below 1, or an unknown option.
 * @example
 * ```ts
 * const trainer = new Trainer({ generator, discriminator, penalties: [penalties.r1({ gamma: 1, every: 4 })] });
 * ```
 */
export function r1(options?: R1Options): Penalty {
  return squaredGradientPenalty('r1', 'realSamples', 'realLabels', options);
}

/**
 * The R2 penalty (Mescheder et al. 2018, arXiv:1801.04406): `γ/2 · E_fake ‖∇x D(x)‖²`, the squared
 * gradient norm of the discriminator on generated data. Lazy like {@link r1} with `every`.
 *
 * @param options - see {@link R1Options}.
 * @throws ConfigError for a negative gamma, an `every` below 1, or an unknown option.
 * @example
 * ```ts
 * const trainer = new Trainer({ generator, discriminator, penalties: [penalties.r1(), penalties.r2()] });
 * ```
 */
export function r2(options?: R1Options): Penalty {
  return squaredGradientPenalty('r2', 'fakeSamples', 'fakeLabels', options);
}

function squaredGradientPenalty(
  name: 'r1' | 'r2',
  samplesKey: 'realSamples' | 'fakeSamples',
  labelsKey: 'realLabels' | 'fakeLabels',
  options: R1Options | undefined,
): Penalty {
  const owner = `penalties.${name}`;
  const o = checkPenaltyOptions(options, ['gamma', 'every'], owner);
  const gamma = checkNumber(o.gamma ?? R1_DEFAULTS.gamma, 'gamma', owner, { min: 0 });
  const every = checkInt(o.every ?? R1_DEFAULTS.every, 'every', owner, 1);
  return {
    name,
    config: { gamma, every },
    compute: (inputs: PenaltyInputs) => {
      if (inputs.step % every !== 0) return null;
      return tf.tidy(() => {
        const gradients = inputGradients(inputs.discriminator, inputs[samplesKey], inputs[labelsKey]);
        return tf.mul((gamma / 2) * every, tf.mean(perSampleSquaredNorm(gradients))) as tf.Scalar;
      });
    },
  };
}
