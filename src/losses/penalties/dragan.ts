import * as tf from '@tensorflow/tfjs';
import type { Penalty } from '../penalty.js';
import { hashInts } from '../../util/random.js';
import { checkNumber } from '../../util/validate.js';
import { checkPenaltyOptions, inputGradients, perSampleShape, perSampleSquaredNorm } from './input-gradients.js';

/** Options of {@link dragan}. Defaults are in {@link DRAGAN_DEFAULTS}. */
export interface DraganOptions {
  /** The penalty's weight λ. @defaultValue 10 */
  readonly weight?: number;
  /** Size of the perturbation, in standard deviations of the real batch. @defaultValue 0.5 */
  readonly scale?: number;
  /** The gradient norm the penalty pulls towards. @defaultValue 1 */
  readonly target?: number;
  /** Added under the square root of the norm, so the penalty is finite at a zero gradient. @defaultValue 1e-12 */
  readonly epsilon?: number;
}

/** The defaults of {@link DraganOptions}. */
export const DRAGAN_DEFAULTS = Object.freeze({
  /** The penalty's weight λ. */
  weight: 10,
  /** Size of the perturbation, in standard deviations of the real batch. */
  scale: 0.5,
  /** The gradient norm the penalty pulls towards. */
  target: 1,
  /** Added under the square root of the norm. */
  epsilon: 1e-12,
});

/**
 * The DRAGAN penalty (Kodali et al. 2017, arXiv:1705.07215): a gradient penalty around the real data.
 * Each real sample x is perturbed to `x_p = x + scale · std(real batch) · u`, `u ~ U(0, 1)` per
 * element, and the penalty is `λ · mean((‖∇D(x̂)‖₂ - target)²)` at `x̂ = x + α·(x_p - x)` with one
 * `α ~ U(0, 1)` per sample. Every draw comes from the seed the trainer passes. Returns the weighted value.
 *
 * @param options - see {@link DraganOptions}.
 * @throws ConfigError for negative values, a non-positive epsilon, or an unknown option.
 * @example
 * ```ts
 * const trainer = new Trainer({ generator, discriminator, penalties: [penalties.dragan({ weight: 10 })] });
 * ```
 */
export function dragan(options?: DraganOptions): Penalty {
  const owner = 'penalties.dragan';
  const o = checkPenaltyOptions(options, ['weight', 'scale', 'target', 'epsilon'], owner);
  const weight = checkNumber(o.weight ?? DRAGAN_DEFAULTS.weight, 'weight', owner, { min: 0 });
  const scale = checkNumber(o.scale ?? DRAGAN_DEFAULTS.scale, 'scale', owner, { min: 0 });
  const target = checkNumber(o.target ?? DRAGAN_DEFAULTS.target, 'target', owner, { min: 0 });
  const epsilon = checkNumber(o.epsilon ?? DRAGAN_DEFAULTS.epsilon, 'epsilon', owner, { min: 0, minExclusive: true });
  return {
    name: 'dragan',
    config: { weight, scale, target, epsilon },
    compute: ({ discriminator, realSamples, realLabels, seed }) =>
      tf.tidy(() => {
        const { variance } = tf.moments(realSamples);
        const noise = tf.randomUniform(realSamples.shape, 0, 1, 'float32', hashInts(seed, 1));
        const perturbed = tf.add(realSamples, tf.mul(tf.mul(scale, tf.sqrt(variance)), noise));
        const alpha = tf.randomUniform(perSampleShape(realSamples.shape), 0, 1, 'float32', hashInts(seed, 2));
        const interpolated = tf.add(realSamples, tf.mul(alpha, tf.sub(perturbed, realSamples)));
        const gradients = inputGradients(discriminator, interpolated, realLabels);
        const norms = tf.sqrt(tf.add(perSampleSquaredNorm(gradients), epsilon));
        return tf.mul(weight, tf.mean(tf.square(tf.sub(norms, target)))) as tf.Scalar;
      }),
  };
}
