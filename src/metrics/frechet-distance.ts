/**
 * The Fréchet distance between two Gaussians, the core of FID (Heusel et al. 2017, arXiv:1706.08500).
 *
 * @packageDocumentation
 */
import { ConfigError, ShapeError } from '../errors.js';
import { type FeaturesLike, type GaussianStatistics, gaussianStatistics } from './feature-matrix.js';
import { traceSqrtProduct } from './linalg.js';

/**
 * The squared Fréchet (2-Wasserstein) distance between N(mu1, C1) and N(mu2, C2):
 * `|mu1 - mu2|^2 + tr(C1) + tr(C2) - 2 tr(sqrt(C1 C2))`, with `tr(sqrt(C1 C2))` computed as
 * `tr(sqrt(sqrt(C1) C2 sqrt(C1)))` from symmetric eigendecompositions in float64, so singular
 * covariances (fewer samples than dimensions, dead features) give a finite, non-negative answer.
 *
 * @param a - mean and covariance of the first set (see {@link gaussianStatistics}).
 * @param b - mean and covariance of the second set, of the same dimension.
 * @returns the distance, >= 0 (clamped at 0 against rounding).
 * @throws ShapeError when the dimensions differ.
 * @example
 * ```ts
 * // 1-D: N(0, 1) vs N(3, 4): 9 + 1 + 4 - 2 * 2 = 10
 * frechetDistance(
 *   { mean: Float64Array.of(0), covariance: Float64Array.of(1), count: 2, dim: 1 },
 *   { mean: Float64Array.of(3), covariance: Float64Array.of(4), count: 2, dim: 1 },
 * );   // 10
 * ```
 */
export function frechetDistance(a: GaussianStatistics, b: GaussianStatistics): number {
  const owner = 'metrics.frechetDistance';
  for (const [name, s] of [['a', a], ['b', b]] as const) {
    if (s == null || !(s.mean instanceof Float64Array || Array.isArray(s.mean)) || s.covariance?.length !== s.mean.length ** 2) {
      throw new ConfigError(`${owner}: '${name}' must be { mean [dim], covariance [dim * dim] } (see metrics.gaussianStatistics).`);
    }
  }
  const dim = a.mean.length;
  if (b.mean.length !== dim) {
    throw new ShapeError(`${owner}: the two sets must have features of one dimension, received ${dim} and ${b.mean.length}.`);
  }
  let meanTerm = 0;
  for (let i = 0; i < dim; i++) meanTerm += (a.mean[i] - b.mean[i]) ** 2;
  let traces = 0;
  for (let i = 0; i < dim; i++) traces += a.covariance[i * dim + i] + b.covariance[i * dim + i];
  const cross = traceSqrtProduct(a.covariance, b.covariance, dim);
  return Math.max(0, meanTerm + traces - 2 * cross);
}

/**
 * FID between two sets of feature vectors: {@link frechetDistance} of their {@link gaussianStatistics}.
 *
 * @param realFeatures - N >= 2 vectors.
 * @param fakeFeatures - M >= 2 vectors of the same dimension.
 * @returns the distance, >= 0; about 0 for two large samples of one distribution.
 * @throws ShapeError on fewer than 2 vectors or different dimensions.
 * @example
 * ```ts
 * fidFromFeatures(realFeatures, realFeatures);   // 0
 * ```
 */
export function fidFromFeatures(realFeatures: FeaturesLike, fakeFeatures: FeaturesLike): number {
  return frechetDistance(gaussianStatistics(realFeatures), gaussianStatistics(fakeFeatures));
}
