/**
 * wasm's `Tanh` in tfjs-gan's SIMD128 module (src/backend/kernels/tanh.ts): within a few units in the
 * last place of the shipped kernel (libm's tanhf) over the whole range, exact at 0 and saturating at ±1,
 * NaN kept, gradients unchanged, leak-free.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';

import { patchedKernels, useBackend } from '../../src/backend/index.js';
import { expectLeakFree } from '../helpers/leaks.js';
import { simdTanh } from '../../src/backend/simd/simd-module.js';
import { shippedWasmValues } from './kernel-test-utils.js';

/** `tanh` with the shipped wasm kernel, for reference. */
function shippedTanh(x: tf.Tensor): Float32Array {
  return shippedWasmValues('Tanh', { x }, {});
}

describe('Tanh on wasm', () => {
  beforeAll(async () => {
    await useBackend('wasm');
  });

  it('is patched and within a few units in the last place of the shipped kernel', () => {
    expect(patchedKernels('wasm')).toContain('Tanh');
    // Dense over [-12, 12] (both branches, the 0.625 boundary, saturation), tiny values, and a length
    // that leaves a tail after the groups of 4.
    const values = Array.from({ length: 24_003 }, (_, i) => -12 + i * 0.001);
    values.push(0.625, -0.625, 0.62499994, 1e-30, -1e-30, 1e-6, 9, 9.5, 30, -30, 88, -100);
    const x = tf.tensor1d(values);
    const actual = tf.tanh(x).dataSync();
    const expected = shippedTanh(x);
    let worst = 0;
    for (let i = 0; i < values.length; i++) {
      const ulp = Math.max(Math.abs(expected[i]) * 2 ** -23, 2 ** -149);
      worst = Math.max(worst, Math.abs(actual[i] - expected[i]) / ulp);
    }
    expect(worst).toBeLessThanOrEqual(4);
    x.dispose();
  });

  it('is exact at 0, saturates at ±1, keeps NaN, and runs in the module', () => {
    const x = tf.tensor1d([0, -0, Infinity, -Infinity, NaN, 20, -20]);
    const y = Array.from(tf.tanh(x).dataSync());
    expect(y.slice(0, 4)).toEqual([0, -0, 1, -1]);
    expect(Number.isNaN(y[4])).toBe(true);
    expect(y.slice(5)).toEqual([1, -1]);
    // tf.tanh runs the module's pass: the same values as calling it directly.
    const direct = tf.zeros([7]);
    expect(simdTanh(tf.backend(), x, direct)).toBe(true);
    expect(Array.from(direct.dataSync())).toEqual(y);
    tf.dispose([x, direct]);
  });

  it('keeps its gradient, and leaks nothing', async () => {
    const x = tf.tensor1d([-2, -0.3, 0, 0.7, 3]);
    const dx = tf.grad((t: tf.Tensor) => tf.tanh(t).sum())(x).dataSync();
    const expected = [-2, -0.3, 0, 0.7, 3].map((v) => 1 - Math.tanh(v) ** 2);
    dx.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 6));
    await expectLeakFree(() => tf.tanh(x).dispose());
    x.dispose();
  });
});
