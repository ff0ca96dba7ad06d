/**
 * wasm's `FusedBatchNorm` from vectorised broadcasting kernels: the shipped kernel's values within float32
 * rounding, with and without scale and offset, the same gradients as cpu, and no leak.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';

import { useBackend } from '../../src/backend/index.js';
import { patchedKernels } from '../../src/backend/kernel-patches.js';
import { expectLeakFree } from '../helpers/leaks.js';
import { pseudoRandom } from './conv-reference.js';
import { kernelCallsDuring, shippedWasmValues } from './kernel-test-utils.js';

/** Batch norm with the shipped wasm kernel, for reference. */
function shippedBatchNorm(inputs: Record<string, tf.Tensor>, varianceEpsilon: number): Float32Array {
  return shippedWasmValues('FusedBatchNorm', inputs, { varianceEpsilon });
}

describe('FusedBatchNorm on wasm', () => {
  beforeAll(async () => {
    await useBackend('wasm');
  });

  it('runs per-channel statistics in one pass (no broadcasting kernel), others through the broadcasting kernels', () => {
    const x = tf.tensor(pseudoRandom(4 * 3 * 3 * 8, 6), [4, 3, 3, 8]);
    const mean = tf.tensor(pseudoRandom(8, 7), [1, 1, 1, 8]);
    const variance = tf.abs(tf.tensor(pseudoRandom(8, 8), [1, 1, 1, 8]));
    expect(kernelCallsDuring('wasm', ['Sub', 'Add'], () => tf.batchNorm(x, mean, variance).dispose())).toBe(1); // variance + epsilon only
    const full = tf.tensor(pseudoRandom(4 * 3 * 3 * 8, 9), [4, 3, 3, 8]);
    const fullVariance = tf.abs(tf.tensor(pseudoRandom(4 * 3 * 3 * 8, 10), [4, 3, 3, 8]));
    expect(kernelCallsDuring('wasm', ['Sub'], () => tf.batchNorm(x, full, fullVariance).dispose())).toBe(1);
    const actual = tf.batchNorm(x, full, fullVariance, undefined, undefined, 1e-3).dataSync();
    const expected = shippedBatchNorm({ x, mean: full, variance: fullVariance }, 1e-3);
    actual.forEach((v, i) => expect(Math.abs(v - expected[i])).toBeLessThanOrEqual(1e-5 * (1 + Math.abs(expected[i]))));
    tf.dispose([x, mean, variance, full, fullVariance]);
  });

  it('is patched and equals the shipped kernel within float32 rounding, with and without scale and offset', () => {
    expect(patchedKernels('wasm')).toContain('FusedBatchNorm');
    for (const shape of [[8, 5, 5, 6], [1, 1, 16, 40], [7, 3]]) {
      const channels = shape[shape.length - 1];
      const size = shape.reduce((p, s) => p * s, 1);
      const x = tf.tensor(pseudoRandom(size, 1), shape);
      const mean = tf.tensor1d(pseudoRandom(channels, 2));
      const variance = tf.abs(tf.tensor1d(pseudoRandom(channels, 3)));
      const offset = tf.tensor1d(pseudoRandom(channels, 4));
      const scale = tf.tensor1d(pseudoRandom(channels, 5));
      const variants: Array<[string, Record<string, tf.Tensor>]> = [
        ['scale and offset', { x, mean, variance, offset, scale }],
        ['scale only', { x, mean, variance, scale }],
        ['offset only', { x, mean, variance, offset }],
        ['neither', { x, mean, variance }],
      ];
      for (const [label, inputs] of variants) {
        const actual = tf.batchNorm(x, mean, variance, inputs.offset, inputs.scale, 1e-3).dataSync();
        const expected = shippedBatchNorm(inputs, 1e-3);
        const scaleValues = inputs.scale?.dataSync();
        actual.forEach((v, i) => {
          // Rounding: a few ulp of the terms (x - mean) * factor and offset.
          const c = i % channels;
          const factor = Math.abs(scaleValues?.[c] ?? 1) / Math.sqrt(variance.dataSync()[c] + 1e-3);
          const bound = 1e-6 * (Math.abs(x.dataSync()[i] - mean.dataSync()[c]) * factor + Math.abs(inputs.offset?.dataSync()[c] ?? 0)) + 1e-30;
          expect(Math.abs(v - expected[i]), `${shape} ${label} [${i}]`).toBeLessThanOrEqual(bound);
        });
      }
      tf.dispose([x, mean, variance, offset, scale]);
    }
  });

  it('gives batch normalization the same gradients as cpu, and leaks nothing', async () => {
    const values = pseudoRandom(6 * 4 * 4 * 5, 9);
    const grads = (): number[][] =>
      tf.tidy(() => {
        const x = tf.tensor4d(values, [6, 4, 4, 5]);
        const scale = tf.tensor1d([0.5, 1, 1.5, 2, -1]);
        const offset = tf.tensor1d([0, 0.1, 0.2, 0.3, 0.4]);
        const f = (xs: tf.Tensor, s: tf.Tensor, o: tf.Tensor) => {
          const { mean, variance } = tf.moments(xs, [0, 1, 2]);
          return tf.sum(tf.mul(tf.square(tf.batchNorm(xs, mean, variance, o, s, 1e-3)), tf.range(0, 5)));
        };
        return tf.grads(f)([x, scale, offset]).map((g) => Array.from(g.dataSync()));
      });
    const onWasm = grads();
    await tf.setBackend('cpu');
    const onCpu = grads();
    await useBackend('wasm');
    onWasm.forEach((g, k) => g.forEach((v, i) => expect(v, `grad ${k} [${i}]`).toBeCloseTo(onCpu[k][i], 3)));
    const x = tf.randomNormal([4, 3, 3, 5]);
    await expectLeakFree(() => tf.tidy(() => tf.batchNorm(x, tf.zeros([5]), tf.ones([5]), tf.zeros([5]), tf.ones([5]))).dispose());
    x.dispose();
  });
});

describe('Cast on wasm', () => {
  beforeAll(async () => {
    await useBackend('wasm');
  });

  it('shares the buffer of a cast to the same dtype, converts to another, and leaks nothing', async () => {
    expect(patchedKernels('wasm')).toContain('Cast');
    const buffers = () => tf.engine().backend.numDataIds();
    const x = tf.tensor([1.5, -2.25, 3], [3]);
    const before = buffers();
    const same = tf.cast(x, 'float32');
    expect(buffers()).toBe(before); // no new buffer
    x.dispose();
    expect(Array.from(same.dataSync())).toEqual([1.5, -2.25, 3]);
    const ints = tf.cast(same, 'int32');
    expect(ints.dtype).toBe('int32');
    expect(Array.from(ints.dataSync())).toEqual([1, -2, 3]);
    await expectLeakFree(() => tf.cast(same, 'float32').dispose());
    // The moments of a batch norm cast their input to float32: the same statistics as before.
    const y = tf.tensor(pseudoRandom(4 * 6, 11), [4, 6]);
    const { mean, variance } = tf.moments(y, 0);
    expect(mean.shape).toEqual([6]);
    expect(variance.dataSync().every((v) => v >= 0)).toBe(true);
    tf.dispose([same, ints, y, mean, variance]);
  });
});

describe('Identity on wasm', () => {
  beforeAll(async () => {
    await useBackend('wasm');
  });

  it('is patched: a clone shares the buffer, keeps its values when the original is disposed, and leaks nothing', async () => {
    expect(patchedKernels('wasm')).toContain('Identity');
    const buffers = () => tf.engine().backend.numDataIds();
    const x = tf.tensor([1, 2, 3, 4], [2, 2]);
    const before = buffers();
    const y = tf.clone(x);
    expect(buffers()).toBe(before); // no new buffer
    x.dispose();
    expect(Array.from(y.dataSync())).toEqual([1, 2, 3, 4]);
    expect(y.shape).toEqual([2, 2]);
    y.dispose();
    const z = tf.tensor([5, 6], [2], 'int32');
    const w = tf.clone(z);
    expect(w.dtype).toBe('int32');
    expect(Array.from(w.dataSync())).toEqual([5, 6]);
    tf.dispose([z, w]);
    const s = tf.tensor(['a', 'b']);
    expect(Array.from(tf.clone(s).dataSync())).toEqual(['a', 'b']);
    const big = tf.randomNormal([32, 32]);
    await expectLeakFree(() => tf.clone(big).dispose());
    await expectLeakFree(() => tf.dispose(tf.grads((t: tf.Tensor) => tf.sum(tf.square(tf.tanh(t))))([big])));
    tf.dispose([s, big]);
  });
});
