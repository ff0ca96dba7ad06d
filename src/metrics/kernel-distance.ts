/**
 * Kernel Inception Distance (Bińkowski et al. 2018, arXiv:1801.01401): the unbiased estimate of the
 * squared maximum mean discrepancy with the cubic polynomial kernel, averaged over random subsets.
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs';
import { ShapeError } from '../errors.js';
import { checkInt, checkOptions } from '../util/validate.js';
import { SeededRandom } from '../util/random.js';
import { type FeaturesLike, toFeatureMatrix } from './feature-matrix.js';

/** Options of {@link kidFromFeatures}. */
export interface KidOptions {
  /** The number of random subset pairs the estimate is averaged over. @defaultValue 100 */
  readonly subsets?: number;
  /** Vectors per subset (drawn without repeats); at most the size of the smaller set. @defaultValue 1000 */
  readonly subsetSize?: number;
  /** Seed of the subset draws. @defaultValue 0 */
  readonly seed?: number;
}

/** KID defaults, one constant so docs and code agree. */
export const KID_DEFAULTS = Object.freeze({
  /** Subset pairs the estimate is averaged over. */
  subsets: 100,
  /** Vectors per subset. */
  subsetSize: 1000,
  /** Seed of the subset draws. */
  seed: 0,
});

/** The result of KID. */
export interface KidResult {
  /** The mean over subsets of the unbiased MMD^2 estimate; about 0 (it can be slightly negative) for one distribution. */
  readonly mean: number;
  /** The standard deviation over subsets. */
  readonly std: number;
  /** The subset size that was used. */
  readonly subsetSize: number;
  /** The number of subsets. */
  readonly subsets: number;
}

/**
 * KID between two sets of features: for each of `subsets` pairs of random subsets X (real) and Y (fake)
 * of size m, the unbiased MMD^2 estimate with `k(x, y) = (x . y / d + 1)^3`:
 * `sum_{i != j} k(x_i, x_j) / (m (m - 1)) + sum_{i != j} k(y_i, y_j) / (m (m - 1)) - 2 sum_{i, j} k(x_i, y_j) / m^2`;
 * then the mean and standard deviation over subsets. Kernel matrices are computed on the current tfjs
 * backend; the sums are accumulated in float64.
 *
 * @param realFeatures - N >= 2 vectors.
 * @param fakeFeatures - M >= 2 vectors of the same dimension.
 * @param options - see {@link KidOptions}.
 * @returns mean and std of the estimate.
 * @throws ShapeError on fewer than 2 vectors or different dimensions; ConfigError on bad options.
 * @example
 * ```ts
 * const { mean, std } = kidFromFeatures(realFeatures, fakeFeatures, { subsets: 50, subsetSize: 500 });
 * ```
 */
export function kidFromFeatures(realFeatures: FeaturesLike, fakeFeatures: FeaturesLike, options: KidOptions = {}): KidResult {
  const owner = 'metrics.kidFromFeatures';
  const real = toFeatureMatrix(realFeatures, 'realFeatures', owner);
  const fake = toFeatureMatrix(fakeFeatures, 'fakeFeatures', owner);
  if (real.dim !== fake.dim) {
    throw new ShapeError(`${owner}: the two sets must have features of one dimension, received ${real.dim} and ${fake.dim}.`);
  }
  if (real.count < 2 || fake.count < 2) {
    throw new ShapeError(`${owner}: each set needs at least 2 vectors, received ${real.count} and ${fake.count}.`);
  }
  const opts = checkOptions(options, ['subsets', 'subsetSize', 'seed'], owner);
  const subsets = checkInt(opts.subsets ?? KID_DEFAULTS.subsets, 'subsets', owner, 1);
  const requested = checkInt(opts.subsetSize ?? KID_DEFAULTS.subsetSize, 'subsetSize', owner, 2);
  const seed = checkInt(opts.seed ?? KID_DEFAULTS.seed, 'seed', owner, -Number.MAX_SAFE_INTEGER);
  const m = Math.min(requested, real.count, fake.count);
  const random = new SeededRandom(seed);
  const realAll = tf.tensor2d(real.data, [real.count, real.dim]);
  const fakeAll = tf.tensor2d(fake.data, [fake.count, fake.dim]);
  const estimates: number[] = [];
  try {
    for (let s = 0; s < subsets; s++) {
      const realIndex = random.permutation(real.count).subarray(0, m);
      const fakeIndex = random.permutation(fake.count).subarray(0, m);
      const [xxRows, yyRows, xyRows, xxDiag, yyDiag] = tf.tidy(() => {
        const x = tf.gather(realAll, tf.tensor1d(realIndex, 'int32'));
        const y = tf.gather(fakeAll, tf.tensor1d(fakeIndex, 'int32'));
        // (x . y / d + 1)^3, with products of explicit transposes and cubes as products: on wasm both are
        // several times faster than matMul(transposeB) and pow.
        const cube = (t: tf.Tensor): tf.Tensor => tf.mul(tf.mul(t, t), t);
        const kernel = (a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D =>
          cube(tf.add(tf.div(tf.matMul(a, tf.transpose(b)), real.dim), 1)) as tf.Tensor2D;
        const diag = (a: tf.Tensor2D): tf.Tensor1D => cube(tf.add(tf.div(tf.sum(tf.square(a), 1), real.dim), 1)) as tf.Tensor1D;
        return [tf.sum(kernel(x, x), 1), tf.sum(kernel(y, y), 1), tf.sum(kernel(x, y), 1), diag(x), diag(y)];
      });
      const sums = [xxRows, yyRows, xyRows, xxDiag, yyDiag].map((t) => {
        const values = t.dataSync();
        t.dispose();
        let total = 0;
        for (let i = 0; i < values.length; i++) total += values[i];
        return total;
      });
      const [xx, yy, xy, dx, dy] = sums;
      estimates.push((xx - dx) / (m * (m - 1)) + (yy - dy) / (m * (m - 1)) - (2 * xy) / (m * m));
    }
  } finally {
    realAll.dispose();
    fakeAll.dispose();
  }
  const mean = estimates.reduce((a, b) => a + b, 0) / estimates.length;
  const variance = estimates.reduce((a, b) => a + (b - mean) ** 2, 0) / estimates.length;
  return { mean, std: Math.sqrt(variance), subsetSize: m, subsets };
}
