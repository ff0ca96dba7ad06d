import * as tf from '@tensorflow/tfjs';
import type { Penalty } from '../penalty.js';
import { checkNumber } from '../../util/validate.js';
import { checkPenaltyOptions, inputGradients, perSampleShape, perSampleSquaredNorm } from './input-gradients.js';

/** Options of {@link gradientPenalty}. Defaults are in {@link GRADIENT_PENALTY_DEFAULTS}. */
export interface GradientPenaltyOptions {
  /** The penalty's weight λ. @defaultValue 10 */
  readonly weight?: number;
  /** The gradient norm the penalty pulls towards (1 for a 1-Lipschitz critic). @defaultValue 1 */
  readonly target?: number;
  /** Added under the square root of the norm, so the penalty and its gradient are finite at a zero gradient. @defaultValue 1e-12 */
  readonly epsilon?: number;
}

/** The defaults of {@link GradientPenaltyOptions}. */
export const GRADIENT_PENALTY_DEFAULTS = Object.freeze({
  /** The penalty's weight λ. */
  weight: 10,
  /** The gradient norm the penalty pulls towards. */
  target: 1,
  /** Added under the square root of the norm. */
  epsilon: 1e-12,
});

/**
 * The WGAN-GP gradient penalty (Gulrajani et al. 2017, arXiv:1704.00028):
 * `λ · mean((‖∇x̂ D(x̂)‖₂ - target)²)` at `x̂ = real + α·(fake - real)`, with one `α ~ U(0, 1)` per
 * sample drawn from the seed the trainer passes. The norm is `sqrt(Σ g² + ε)`. For a conditional
 * discriminator, `x̂` is scored with the real batch's labels. Returns the weighted value.
 *
 * Pair it with `losses.wasserstein()` (its paper), and avoid batch normalisation in the discriminator.
 *
 * @param options - see {@link GradientPenaltyOptions}.
 * @throws ConfigError for a negative weight or target, a non-positive epsilon, or an unknown option.
 * @example
 * ```ts
 * const trainer = new Trainer({ generator, discriminator, loss: losses.wasserstein(),
 *   penalties: [penalties.gradientPenalty({ weight: 10 })] });
 * ```
 */
export function gradientPenalty(options?: GradientPenaltyOptions): Penalty {
  const owner = 'penalties.gradientPenalty';
  const o = checkPenaltyOptions(options, ['weight', 'target', 'epsilon'], owner);
  const weight = checkNumber(o.weight ?? GRADIENT_PENALTY_DEFAULTS.weight, 'weight', owner, { min: 0 });
  const target = checkNumber(o.target ?? GRADIENT_PENALTY_DEFAULTS.target, 'target', owner, { min: 0 });
  const epsilon = checkNumber(o.epsilon ?? GRADIENT_PENALTY_DEFAULTS.epsilon, 'epsilon', owner, { min: 0, minExclusive: true });
  return {
    name: 'gradient-penalty',
    config: { weight, target, epsilon },
    compute: ({ discriminator, realSamples, fakeSamples, realLabels, seed }) =>
      tf.tidy(() => {
        const alpha = tf.randomUniform(perSampleShape(realSamples.shape), 0, 1, 'float32', seed);
        const interpolated = tf.add(realSamples, tf.mul(alpha, tf.sub(fakeSamples, realSamples)));
        const gradients = inputGradients(discriminator, interpolated, realLabels);
        const norms = tf.sqrt(tf.add(perSampleSquaredNorm(gradients), epsilon));
        return tf.mul(weight, tf.mean(tf.square(tf.sub(norms, target)))) as tf.Scalar;
      }),
  };
}
