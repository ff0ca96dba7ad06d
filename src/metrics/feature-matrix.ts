/**
 * Feature vectors in JavaScript memory, and their Gaussian statistics (mean and covariance, float64).
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs';
import { ShapeError, describeValue } from '../errors.js';

/** `count` feature vectors of length `dim`, row-major in one `Float32Array` (10,000 x 128 is 5 MB). */
export interface FeatureMatrix {
  /** The vectors, row-major: `count * dim` values. */
  readonly data: Float32Array;
  /** Number of vectors. */
  readonly count: number;
  /** Length of each vector. */
  readonly dim: number;
}

/** What the feature-level metrics take: a {@link FeatureMatrix}, a tensor `[N, dim]`, or rows of numbers. */
export type FeaturesLike = FeatureMatrix | tf.Tensor | readonly (readonly number[])[];

/** Whether a value is a {@link FeatureMatrix}. */
export function isFeatureMatrix(value: unknown): value is FeatureMatrix {
  const v = value as FeatureMatrix;
  return v != null && typeof v === 'object' && v.data instanceof Float32Array && Number.isInteger(v.count) && Number.isInteger(v.dim);
}

/**
 * Reads features into a {@link FeatureMatrix}: a tensor `[N, ...]` is flattened to `[N, dim]` (read
 * synchronously); rows must all have the same length.
 * @throws ShapeError for an empty set, ragged rows or non-finite values.
 */
export function toFeatureMatrix(features: FeaturesLike, argName: string, owner: string): FeatureMatrix {
  let matrix: FeatureMatrix;
  if (isFeatureMatrix(features)) {
    if (features.data.length !== features.count * features.dim) {
      throw new ShapeError(`${owner}: '${argName}' holds ${features.data.length} values, expected count * dim = ${features.count * features.dim}.`);
    }
    matrix = features;
  } else if (features instanceof tf.Tensor) {
    if (features.rank < 1) throw new ShapeError(`${owner}: '${argName}' must be a tensor [N, dim], received a scalar.`);
    const count = features.shape[0];
    const dim = features.rank === 1 ? 1 : features.size / Math.max(count, 1);
    matrix = { data: Float32Array.from(features.dataSync()), count, dim };
  } else if (Array.isArray(features)) {
    const dim = features.length > 0 && Array.isArray(features[0]) ? features[0].length : -1;
    if (dim < 1 || features.some((row) => !Array.isArray(row) || row.length !== dim)) {
      throw new ShapeError(`${owner}: '${argName}' must be rows [[x0, x1, ...], ...] of one length, received ${describeValue(features.slice(0, 3))}${features.length > 3 ? '...' : ''}.`);
    }
    const data = new Float32Array(features.length * dim);
    features.forEach((row, i) => data.set(row, i * dim));
    matrix = { data, count: features.length, dim };
  } else {
    throw new ShapeError(`${owner}: '${argName}' must be features: { data, count, dim }, a tensor [N, dim] or rows, received ${describeValue(features)}.`);
  }
  if (matrix.count < 1 || matrix.dim < 1) {
    throw new ShapeError(`${owner}: '${argName}' must hold at least one feature vector, received ${matrix.count} x ${matrix.dim}.`);
  }
  for (let i = 0; i < matrix.data.length; i++) {
    if (!Number.isFinite(matrix.data[i])) {
      throw new ShapeError(`${owner}: '${argName}' holds a non-finite value ${matrix.data[i]} in row ${Math.floor(i / matrix.dim)}; the samples or the extractor produced NaN or Infinity.`);
    }
  }
  return matrix;
}

/** Concatenates feature matrices of the same dimension. */
export function concatFeatures(parts: readonly FeatureMatrix[]): FeatureMatrix {
  const dim = parts[0].dim;
  const count = parts.reduce((sum, part) => sum + part.count, 0);
  const data = new Float32Array(count * dim);
  let offset = 0;
  for (const part of parts) {
    data.set(part.data, offset);
    offset += part.data.length;
  }
  return { data, count, dim };
}

/** The mean and covariance of a set of feature vectors, in float64. */
export interface GaussianStatistics {
  /** The mean `[dim]`. */
  readonly mean: Float64Array;
  /** The covariance `[dim, dim]`, row-major, with the unbiased `1 / (count - 1)` normalisation. */
  readonly covariance: Float64Array;
  /** The number of feature vectors. */
  readonly count: number;
  /** The dimension. */
  readonly dim: number;
}

/**
 * The mean and (unbiased) covariance of feature vectors, accumulated in float64 after centring, as
 * `numpy.cov(features, rowvar=False)` computes them.
 *
 * @param features - N >= 2 vectors.
 * @returns mean `[dim]` and covariance `[dim, dim]`.
 * @throws ShapeError for fewer than 2 vectors (no covariance) or bad features.
 * @example
 * ```ts
 * gaussianStatistics([[0, 0], [2, 2]]);   // mean [1, 1], covariance [2, 2, 2, 2]
 * ```
 */
export function gaussianStatistics(features: FeaturesLike): GaussianStatistics {
  const owner = 'metrics.gaussianStatistics';
  const { data, count, dim } = toFeatureMatrix(features, 'features', owner);
  if (count < 2) throw new ShapeError(`${owner}: a covariance needs at least 2 feature vectors, received ${count}.`);
  const mean = new Float64Array(dim);
  for (let n = 0; n < count; n++) for (let j = 0; j < dim; j++) mean[j] += data[n * dim + j];
  for (let j = 0; j < dim; j++) mean[j] /= count;
  const covariance = new Float64Array(dim * dim);
  const centred = new Float64Array(dim);
  for (let n = 0; n < count; n++) {
    for (let j = 0; j < dim; j++) centred[j] = data[n * dim + j] - mean[j];
    for (let i = 0; i < dim; i++) {
      const ci = centred[i];
      if (ci === 0) continue;
      const row = i * dim;
      for (let j = i; j < dim; j++) covariance[row + j] += ci * centred[j];
    }
  }
  for (let i = 0; i < dim; i++) {
    for (let j = i; j < dim; j++) {
      const value = covariance[i * dim + j] / (count - 1);
      covariance[i * dim + j] = value;
      covariance[j * dim + i] = value;
    }
  }
  return { mean, covariance, count, dim };
}
