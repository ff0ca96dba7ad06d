/**
 * Dense layers' gradients on wasm with tfjs-gan's SIMD128 GEMM (src/backend/kernels/simd-mat-mul.ts):
 * transposed operands read in place, sizes that are not multiples of the tile (6 rows, 8 columns, K step
 * 4), leak-free; the module computes plain products too; plain products through tf.matMul, batches of
 * matrices and short inner dimensions stay on the other paths; products with a vector operand or an
 * inner dimension of 1 run the module's vector kernels. On one thread here; wasm-threads.test.ts
 * splits them among threads.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';

import { useBackend } from '../../src/backend/index.js';
import { simdMatMul, simdVectorProduct } from '../../src/backend/simd/simd-module.js';
import { expectLeakFree } from '../helpers/leaks.js';
import { pseudoRandom, relativeError } from './conv-reference.js';
import { PRODUCT_CASES, productCase, productReference } from './product-reference.js';
import { kernelCallsDuring } from './kernel-test-utils.js';

describe('matrix products on wasm with the SIMD128 GEMM', () => {
  beforeAll(async () => {
    await useBackend('wasm');
  });

  it.each(PRODUCT_CASES)('m %i, k %i, n %i (transposeA %s, transposeB %s) matches the reference, directly and through tf.matMul', (...c) => {
    // (Plain products go to the shipped kernel through tf.matMul; the module computes them directly.)
    const [m, k, n, transposeA, transposeB] = c;
    const { aT, bT, expected } = productCase(c, 31);
    const out = tf.zeros([m, n]);
    expect(simdMatMul(tf.backend(), out, { a: aT, b: bT, m, k, n, transposeA, transposeB })).toBe(true);
    expect(relativeError(out.dataSync(), expected)).toBeLessThanOrEqual(1e-5);
    let actual: Float32Array = new Float32Array();
    // No explicit transpose: the GEMM reads transposed operands where they lie.
    expect(kernelCallsDuring('wasm', ['Transpose'], () => (actual = tf.tidy(() => tf.matMul(aT, bT, transposeA, transposeB)).dataSync() as Float32Array))).toBe(0);
    expect(relativeError(actual, expected)).toBeLessThanOrEqual(1e-5);
    tf.dispose([aT, bT, out]);
  });

  it('computes products with a vector operand or an inner dimension of 1 with the vector kernels, every transpose', () => {
    const shapes = [[1, 1, 1], [1, 7, 1], [5, 1, 9], [1, 33, 17], [33, 17, 1], [64, 6272, 1], [1, 3, 70], [70, 3, 1], [6, 1, 1], [1, 1, 6], [1, 100, 6272]];
    for (const [m, k, n] of shapes) {
      for (const transposeA of [false, true]) {
        for (const transposeB of [false, true]) {
          const { aT, bT, expected } = productCase([m, k, n, transposeA, transposeB], m + k + n);
          const out = tf.zeros([m, n]);
          expect(simdVectorProduct(tf.backend(), out, { a: aT, b: bT, m, k, n, transposeA, transposeB })).toBe(true);
          const label = `m ${m} k ${k} n ${n} transposeA ${transposeA} transposeB ${transposeB}`;
          expect(relativeError(out.dataSync(), expected), label).toBeLessThanOrEqual(1e-5);
          let actual: Float32Array = new Float32Array();
          expect(kernelCallsDuring('wasm', ['Transpose'], () => (actual = tf.tidy(() => tf.matMul(aT, bT, transposeA, transposeB)).dataSync() as Float32Array))).toBe(0);
          expect(relativeError(actual, expected), label).toBeLessThanOrEqual(1e-5);
          tf.dispose([aT, bT, out]);
        }
      }
    }
    // No dimension of 1: not a vector product.
    const [a, out] = [tf.ones([2, 3]), tf.zeros([2, 2])];
    expect(simdVectorProduct(tf.backend(), out, { a, b: a, m: 2, k: 3, n: 2, transposeA: false, transposeB: true })).toBe(false);
    tf.dispose([a, out]);
  });

  it('keeps rank-3 single matrices, and leaks nothing', async () => {
    const [m, k, n] = [10, 20, 12];
    const a = pseudoRandom(m * k, 41);
    const b = pseudoRandom(k * n, 42);
    const aT = tf.tidy(() => tf.tensor3d(a, [1, m, k]).transpose([0, 2, 1]));
    const bT = tf.tensor3d(b, [1, k, n]);
    const product = tf.matMul(aT, bT, true, false);
    expect(product.shape).toEqual([1, m, n]);
    expect(relativeError(product.dataSync(), productReference(a, b, m, k, n))).toBeLessThanOrEqual(1e-5);
    await expectLeakFree(() => tf.matMul(aT, bT, true, false).dispose());
    await expectLeakFree(() => tf.matMul(bT, bT, true, false).dispose());
    tf.dispose([aT, bT, product]);
  });

  it('leaves batches of matrices and short inner dimensions to the other paths, which compute them too', () => {
    const a = tf.tensor3d(pseudoRandom(2 * 5 * 20, 51), [2, 5, 20]);
    const b = tf.tensor3d(pseudoRandom(2 * 20 * 8, 52), [2, 20, 8]);
    const batched = tf.matMul(a, b);
    const expected = tf.tidy(() => tf.concat([tf.matMul(a.slice([0, 0, 0], [1, 5, 20]).squeeze([0]), b.slice([0, 0, 0], [1, 20, 8]).squeeze([0])), tf.matMul(a.slice([1, 0, 0], [1, 5, 20]).squeeze([0]), b.slice([1, 0, 0], [1, 20, 8]).squeeze([0]))]));
    expect(relativeError(batched.dataSync(), expected.dataSync())).toBeLessThanOrEqual(1e-5);
    const outer = tf.tidy(() => tf.matMul(tf.ones([3, 1]), tf.ones([4, 1]), false, true));
    expect(Array.from(outer.dataSync())).toEqual(new Array(12).fill(1));
    tf.dispose([a, b, batched, expected, outer]);
  });
});
