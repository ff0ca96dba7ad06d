/**
 * k-nearest-neighbour manifold metrics over feature vectors: improved precision and recall
 * (Kynkäänniemi et al. 2019, arXiv:1904.06991) and density and coverage (Naeem et al. 2020,
 * arXiv:2002.09797).
 *
 * @packageDocumentation
 */
import { ShapeError } from '../errors.js';
import { checkInt } from '../util/validate.js';
import { type FeatureMatrix, type FeaturesLike, toFeatureMatrix } from './feature-matrix.js';
import { ballMembershipCounts, kthNeighbourSquaredRadii, nearestSquaredDistances } from './nearest-neighbours.js';

/** Default neighbour counts: k = 3 for precision/recall (Kynkäänniemi), k = 5 for density/coverage (Naeem). */
export const MANIFOLD_DEFAULTS = Object.freeze({
  /** The neighbour rank k of precision and recall. */
  precisionRecallK: 3,
  /** The neighbour rank k of density and coverage. */
  densityCoverageK: 5,
});

/** The result of {@link precisionRecallFromFeatures}. */
export interface PrecisionRecall {
  /** The share of fake samples inside the real manifold, in [0, 1]: realism. */
  readonly precision: number;
  /** The share of real samples inside the fake manifold, in [0, 1]: diversity. */
  readonly recall: number;
}

/** The result of {@link densityCoverageFromFeatures}. */
export interface DensityCoverage {
  /** How many real neighbourhoods contain a fake sample on average, divided by k; about 1 for one distribution, unbounded above. */
  readonly density: number;
  /** The share of real samples whose neighbourhood contains a fake sample, in [0, 1]. */
  readonly coverage: number;
}

/** Options of the manifold metrics. */
export interface ManifoldOptions {
  /** The neighbour rank that sets each ball's radius. @defaultValue 3 (precision/recall), 5 (density/coverage) */
  readonly k?: number;
}

/** Cached k-NN radii of a feature set. @internal */
export type RadiiCache = (features: FeatureMatrix, k: number) => Float32Array;

const computeRadii: RadiiCache = (features, k) => kthNeighbourSquaredRadii(features, k);

function prepare(realFeatures: FeaturesLike, fakeFeatures: FeaturesLike, k: number, owner: string): [FeatureMatrix, FeatureMatrix] {
  const real = toFeatureMatrix(realFeatures, 'realFeatures', owner);
  const fake = toFeatureMatrix(fakeFeatures, 'fakeFeatures', owner);
  if (real.dim !== fake.dim) {
    throw new ShapeError(`${owner}: the two sets must have features of one dimension, received ${real.dim} and ${fake.dim}.`);
  }
  checkInt(k, 'k', owner, 1);
  if (real.count <= k || fake.count <= k) {
    throw new ShapeError(`${owner}: each set needs more than k = ${k} vectors, received ${real.count} and ${fake.count}.`);
  }
  return [real, fake];
}

/**
 * Improved precision and recall (Kynkäänniemi et al. 2019): each set's manifold is the union of balls
 * around its vectors, each ball reaching the vector's k-th nearest neighbour. Precision is the share
 * of fake vectors inside the real manifold, recall the share of real vectors inside the fake one
 * (a vector on a ball's surface counts as inside).
 *
 * @param realFeatures - N > k vectors.
 * @param fakeFeatures - M > k vectors of the same dimension.
 * @param options - `k` (default 3).
 * @returns precision and recall in [0, 1]; both 1 for a set against itself.
 * @throws ShapeError on too few vectors or different dimensions; ConfigError on a bad k.
 * @example
 * ```ts
 * precisionRecallFromFeatures(realFeatures, realFeatures);   // { precision: 1, recall: 1 }
 * ```
 */
export function precisionRecallFromFeatures(realFeatures: FeaturesLike, fakeFeatures: FeaturesLike, options: ManifoldOptions = {}): PrecisionRecall {
  return precisionRecallWithRadii(realFeatures, fakeFeatures, options, computeRadii);
}

/** {@link precisionRecallFromFeatures} with the k-NN radii from a cache. @internal */
export function precisionRecallWithRadii(
  realFeatures: FeaturesLike,
  fakeFeatures: FeaturesLike,
  options: ManifoldOptions,
  radii: RadiiCache,
): PrecisionRecall {
  const k = options.k ?? MANIFOLD_DEFAULTS.precisionRecallK;
  const [real, fake] = prepare(realFeatures, fakeFeatures, k, 'metrics.precisionRecallFromFeatures');
  const inReal = ballMembershipCounts(fake, real, radii(real, k));
  const inFake = ballMembershipCounts(real, fake, radii(fake, k));
  return { precision: shareAbove(inReal, 0), recall: shareAbove(inFake, 0) };
}

/**
 * Density and coverage (Naeem et al. 2020): with balls around the real vectors reaching their k-th
 * nearest real neighbour, density is `(1 / kM) sum_j #{real balls containing fake j}` and coverage is
 * the share of real balls that contain at least one fake vector. Unlike precision, density does not
 * reward fakes near real outliers; unlike recall, coverage needs no fake manifold.
 *
 * @param realFeatures - N > k vectors.
 * @param fakeFeatures - M > k vectors of the same dimension.
 * @param options - `k` (default 5).
 * @returns density (>= 0, about 1 for one distribution) and coverage in [0, 1].
 * @throws ShapeError on too few vectors or different dimensions; ConfigError on a bad k.
 * @example
 * ```ts
 * densityCoverageFromFeatures(realFeatures, fakeFeatures, { k: 5 });   // { density: 0.97, coverage: 0.95 }
 * ```
 */
export function densityCoverageFromFeatures(realFeatures: FeaturesLike, fakeFeatures: FeaturesLike, options: ManifoldOptions = {}): DensityCoverage {
  return densityCoverageWithRadii(realFeatures, fakeFeatures, options, computeRadii);
}

/** {@link densityCoverageFromFeatures} with the k-NN radii from a cache. @internal */
export function densityCoverageWithRadii(
  realFeatures: FeaturesLike,
  fakeFeatures: FeaturesLike,
  options: ManifoldOptions,
  radii: RadiiCache,
): DensityCoverage {
  const k = options.k ?? MANIFOLD_DEFAULTS.densityCoverageK;
  const [real, fake] = prepare(realFeatures, fakeFeatures, k, 'metrics.densityCoverageFromFeatures');
  const realRadii = radii(real, k);
  const counts = ballMembershipCounts(fake, real, realRadii);
  let total = 0;
  for (const count of counts) total += count;
  const nearest = nearestSquaredDistances(real, fake);
  let covered = 0;
  for (let i = 0; i < real.count; i++) if (nearest[i] <= realRadii[i]) covered++;
  return { density: total / (k * fake.count), coverage: covered / real.count };
}

function shareAbove(values: Float32Array, threshold: number): number {
  let count = 0;
  for (const value of values) if (value > threshold) count++;
  return count / values.length;
}
