/**
 * Blocked pairwise distances on the tfjs backend: k-nearest-neighbour radii and the "inside some
 * neighbourhood ball" counts that precision/recall and density/coverage are made of. Distances are
 * computed a block of rows at a time (`|a|^2 + |b|^2 - 2 a.b` with one matmul per block), so 10,000 x
 * 10,000 pairs need only `blockSize x 10,000` floats at once.
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs';
import type { FeatureMatrix } from './feature-matrix.js';

/** Rows per block: 256 x 10,000 distances are 10 MB. */
export const DISTANCE_BLOCK_ROWS = 256;

/** Squared distances `[rows, b.count]` between rows `start..start+rows` of `a` and all of `b`. */
function squaredDistances(a: tf.Tensor2D, aNorms: tf.Tensor1D, bTransposed: tf.Tensor2D, bNorms: tf.Tensor1D, start: number, rows: number): tf.Tensor2D {
  const block = tf.slice(a, [start, 0], [rows, -1]);
  const blockNorms = tf.slice(aNorms, [start], [rows]);
  // An explicit transpose: on wasm, matMul(a, b^T) with transposeB is about ten times slower.
  const products = tf.matMul(block, bTransposed);
  const squared = tf.add(tf.sub(tf.expandDims(blockNorms, 1), tf.mul(products, 2)), tf.expandDims(bNorms, 0));
  return tf.relu(squared) as tf.Tensor2D;
}

/** Runs `perBlock` over row blocks of `a` against all of `b`; collects one float per row of `a`. */
function overBlocks(
  a: FeatureMatrix,
  b: FeatureMatrix,
  perBlock: (distances: tf.Tensor2D, start: number, rows: number) => tf.Tensor1D,
): Float32Array {
  const out = new Float32Array(a.count);
  // Centred on b's mean: distances do not change, and the norms that cancel in |a|^2 + |b|^2 - 2 a.b
  // get smaller, so float32 loses less.
  const [aTensor, bTensor] = tf.tidy(() => {
    const bRaw = tf.tensor2d(b.data, [b.count, b.dim]);
    const centre = tf.mean(bRaw, 0, true);
    const bCentred = tf.sub(bRaw, centre) as tf.Tensor2D;
    return [a === b ? bCentred : (tf.sub(tf.tensor2d(a.data, [a.count, a.dim]), centre) as tf.Tensor2D), bCentred];
  });
  const aNorms = tf.tidy(() => tf.sum(tf.square(aTensor), 1) as tf.Tensor1D);
  const bNorms = a === b ? aNorms : tf.tidy(() => tf.sum(tf.square(bTensor), 1) as tf.Tensor1D);
  const bTransposed = tf.transpose(bTensor);
  try {
    for (let start = 0; start < a.count; start += DISTANCE_BLOCK_ROWS) {
      const rows = Math.min(DISTANCE_BLOCK_ROWS, a.count - start);
      const result = tf.tidy(() => perBlock(squaredDistances(aTensor, aNorms, bTransposed, bNorms, start, rows), start, rows));
      out.set(result.dataSync(), start);
      result.dispose();
    }
  } finally {
    tf.dispose(a === b ? [aTensor, aNorms, bTransposed] : [aTensor, bTensor, aNorms, bNorms, bTransposed]);
  }
  return out;
}

/**
 * The squared distance of each vector to its k-th nearest neighbour in the same set, itself excluded
 * (the k+1-th smallest distance counting itself, as Kynkäänniemi et al. and Naeem et al. compute it).
 *
 * @param features - N > k vectors.
 * @param k - the neighbour rank, >= 1.
 * @returns N squared radii.
 */
export function kthNeighbourSquaredRadii(features: FeatureMatrix, k: number): Float32Array {
  return overBlocks(features, features, (distances) => {
    const { values } = tf.topk(tf.neg(distances), k + 1, true);
    return tf.neg(tf.squeeze(tf.slice(values, [0, k], [-1, 1]), [1])) as tf.Tensor1D;
  });
}

/**
 * For each query vector, how many reference balls contain it: `#{i : |q - r_i|^2 <= radii_i}`.
 *
 * @param queries - M vectors.
 * @param references - N vectors (ball centres).
 * @param squaredRadii - N squared ball radii.
 * @returns M counts (as floats).
 */
export function ballMembershipCounts(queries: FeatureMatrix, references: FeatureMatrix, squaredRadii: Float32Array): Float32Array {
  const radii = tf.tensor2d(squaredRadii, [1, squaredRadii.length]);
  try {
    // #{d <= r} = N - #{d - r > 0}, counted with step(): on wasm a broadcast lessEqual and a cast from
    // bool are each ten times slower than a broadcast subtraction and step.
    const n = references.count;
    return overBlocks(queries, references, (distances) => tf.sub(n, tf.sum(tf.step(tf.sub(distances, radii)), 1)) as tf.Tensor1D);
  } finally {
    radii.dispose();
  }
}

/**
 * The squared distance from each query vector to its nearest reference vector.
 *
 * @param queries - M vectors.
 * @param references - N vectors.
 * @returns M squared distances.
 */
export function nearestSquaredDistances(queries: FeatureMatrix, references: FeatureMatrix): Float32Array {
  return overBlocks(queries, references, (distances) => tf.min(distances, 1) as tf.Tensor1D);
}
