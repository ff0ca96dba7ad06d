/** Matrix products with a naive reference, shared by the single- and multi-threaded wasm tests. */
import * as tf from '@tensorflow/tfjs';

import { pseudoRandom } from './conv-reference.js';

/** `a · b` in float64, `a` [m, k] and `b` [k, n] row-major. */
export function productReference(a: Float32Array, b: Float32Array, m: number, k: number, n: number): Float32Array {
  const out = new Float32Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let l = 0; l < k; l++) sum += a[i * k + l] * b[l * n + j];
      out[i * n + j] = sum;
    }
  return out;
}

/** Products the GEMM takes: [m, k, n], transposeA, transposeB. */
export const PRODUCT_CASES: Array<[number, number, number, boolean, boolean]> = [
  [64, 100, 200, false, false],
  [7, 17, 9, false, false],
  [13, 33, 24, true, false],
  [6, 16, 41, false, true],
  [25, 18, 3, true, false],
  [1, 64, 16, true, true],
  [300, 20, 1, true, false], // one column: a vector product through tf.matMul
];

/** The operands of a case as tensors (stored transposed where the case says) and the reference product. */
export function productCase([m, k, n, transposeA, transposeB]: (typeof PRODUCT_CASES)[number], seed: number) {
  const a = pseudoRandom(m * k, seed);
  const b = pseudoRandom(k * n, seed + 1);
  const aT = transposeA ? tf.tidy(() => tf.tensor2d(a, [m, k]).transpose()) : tf.tensor2d(a, [m, k]);
  const bT = transposeB ? tf.tidy(() => tf.tensor2d(b, [k, n]).transpose()) : tf.tensor2d(b, [k, n]);
  return { aT, bT, expected: productReference(a, b, m, k, n) };
}

