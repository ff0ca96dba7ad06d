import * as tf from '@tensorflow/tfjs';
import { ConfigError, describeValue } from '../errors.js';
import { checkInt } from '../util/validate.js';

/** How to walk between two latent vectors. */
export type InterpolationMethod = 'lerp' | 'slerp';

/** The interpolation methods, for validation and docs. */
export const INTERPOLATION_METHODS = Object.freeze(['lerp', 'slerp'] as const);

/**
 * The mixing weights of `steps` evenly spaced points from 0 to 1, both ends included.
 * @throws ConfigError when `steps` is not an integer >= 2.
 */
export function interpolationSteps(steps: number, owner: string): number[] {
  checkInt(steps, 'steps', owner, 2, Infinity, { note: ' (both endpoints are included)' });
  return Array.from({ length: steps }, (_, i) => i / (steps - 1));
}

/**
 * Points on the path between two latent vectors, endpoints included, computed on the host in float64.
 *
 * - `'lerp'`: the straight line `(1 - t) a + t b`. Between two N(0, I) draws its midpoint has a norm
 *   about 1/sqrt(2) of theirs, a region the generator rarely saw in training.
 * - `'slerp'`: the great-circle path (White 2016, arXiv:1609.04468)
 *   `sin((1 - t) w) / sin(w) a + sin(t w) / sin(w) b`, with `w` the angle between `a` and `b`; between
 *   vectors of equal norm every point keeps that norm. Falls back to lerp for (anti-)parallel vectors.
 *
 * @param from - the start, `latentDim` numbers (t = 0 returns it exactly).
 * @param to - the end, `latentDim` numbers (t = 1 returns it exactly).
 * @param steps - number of points, >= 2.
 * @param method - `'lerp'` or `'slerp'`. @defaultValue 'slerp'
 * @returns a float32 tensor `[steps, latentDim]`.
 * @throws ConfigError for vectors of different lengths, a bad `steps` or an unknown method.
 * @example
 * ```ts
 * const path = interpolateLatents([1, 0], [0, 1], 3, 'slerp');   // [[1, 0], [0.7071, 0.7071], [0, 1]]
 * ```
 */
export function interpolateLatents(
  from: ArrayLike<number>,
  to: ArrayLike<number>,
  steps: number,
  method: InterpolationMethod = 'slerp',
): tf.Tensor2D {
  const owner = 'interpolateLatents';
  if (!INTERPOLATION_METHODS.includes(method)) {
    throw new ConfigError(`${owner}: 'method' must be one of ${describeValue(INTERPOLATION_METHODS)}, received ${describeValue(method)}.`);
  }
  if (from.length !== to.length || from.length === 0) {
    throw new ConfigError(`${owner}: 'from' and 'to' must have the same non-zero length, received ${from.length} and ${to.length}.`);
  }
  const ts = interpolationSteps(steps, owner);
  const dim = from.length;
  let dot = 0;
  let normA = 0;
  let normB = 0;
  for (let i = 0; i < dim; i++) {
    dot += from[i] * to[i];
    normA += from[i] * from[i];
    normB += to[i] * to[i];
  }
  const cos = normA > 0 && normB > 0 ? Math.min(1, Math.max(-1, dot / Math.sqrt(normA * normB))) : 1;
  const omega = Math.acos(cos);
  const useSlerp = method === 'slerp' && Math.sin(omega) > 1e-6;
  const out = new Float32Array(steps * dim);
  ts.forEach((t, s) => {
    let wa: number;
    let wb: number;
    if (t === 0) [wa, wb] = [1, 0];
    else if (t === 1) [wa, wb] = [0, 1];
    else if (useSlerp) [wa, wb] = [Math.sin((1 - t) * omega) / Math.sin(omega), Math.sin(t * omega) / Math.sin(omega)];
    else [wa, wb] = [1 - t, t];
    for (let i = 0; i < dim; i++) out[s * dim + i] = wa * from[i] + wb * to[i];
  });
  return tf.tensor2d(out, [steps, dim]);
}
