/**
 * wasm's `Sum` and `Mean` over leading axes where tfjs-gan's SIMD128 module does not run (tfjs's wasm
 * build without SIMD; here the module's `simdColumnSums` is made to decline): an `AvgPool` over one window
 * of all rows, the same values as the shipped kernels within float32 rounding, at most 4,096 channels per
 * pooled pixel (XNNPACK's pooling corrupts the heap from 16,384), NaN recomputed by the shipped kernel.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it, vi } from 'vitest';

vi.mock('../../src/backend/simd/simd-module.js', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../src/backend/simd/simd-module.js')>()),
  simdColumnSums: () => false,
}));

import { useBackend } from '../../src/backend/index.js';
import { MAX_POOLED_CHANNELS, pooledChannels } from '../../src/backend/kernels/leading-axes-reduction.js';
import { expectLeakFree } from '../helpers/leaks.js';
import { pseudoRandom } from './conv-reference.js';
import { kernelCallsDuring, runShippedWasm } from './kernel-test-utils.js';

/** Checks `actual` against the shipped kernel with a tolerance scaled by the sum of magnitudes reduced. */
function expectLikeShipped(kernel: 'Sum' | 'Mean', x: tf.Tensor, axis: number | number[], label: string): void {
  const reduced = Array.isArray(axis) ? axis : [axis];
  const rows = reduced.reduce((p, a) => p * x.shape[a], 1);
  const actual = kernel === 'Sum' ? tf.sum(x, axis) : tf.mean(x, axis);
  const expected = runShippedWasm(kernel, { x }, { axis, keepDims: false });
  const magnitude = tf.sum(tf.abs(x), reduced);
  expect(actual.shape, label).toEqual(expected.shape);
  const [a, e, m] = [actual.dataSync(), expected.dataSync(), magnitude.dataSync()];
  const scale = kernel === 'Mean' ? 1 / rows : 1;
  for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - e[i]), `${label} [${i}]`).toBeLessThanOrEqual(1e-5 * m[i] * scale + 1e-30);
  tf.dispose([actual, expected, magnitude]);
}

describe('Sum and Mean over leading axes on wasm without the SIMD128 module', () => {
  beforeAll(async () => {
    await useBackend('wasm');
  });

  it('average-pool one window of all rows, within float32 rounding of the shipped kernels', () => {
    for (const [shape, axis] of [
      [[64, 14, 14, 64], [0, 1, 2]],
      [[1, 1, 64, 6272], [0, 1, 2]],
      [[300, 7], 0],
      [[5, 4, 3], [0, 1]],
    ] as Array<[number[], number[] | number]>) {
      const x = tf.tensor(pseudoRandom(shape.reduce((p, s) => p * s, 1), shape[0]), shape);
      const pools = kernelCallsDuring('wasm', ['AvgPool'], () => {
        expectLikeShipped('Sum', x, axis, `sum ${shape}`);
        expectLikeShipped('Mean', x, axis, `mean ${shape}`);
      });
      expect(pools, `${shape}`).toBeGreaterThanOrEqual(2);
      x.dispose();
    }
  });

  it('reduce 16,384 columns and more without corrupting the heap (the filter gradient of a 3x3x128x128 convolution)', async () => {
    // XNNPACK's pooling wrote past its buffers from 16,384 channels on; the next allocation trapped.
    for (const [shape, axis] of [
      [[3, 3, 128, 128], [0, 1]],
      [[9, 16384], 0],
      [[4, 40000], 0],
      [[3, 16411], 0], // no divisor between 256 and 4,096: the shipped kernel
    ] as Array<[number[], number[] | number]>) {
      const x = tf.tensor(pseudoRandom(shape.reduce((p, s) => p * s, 1), 5), shape);
      expectLikeShipped('Sum', x, axis, `sum ${shape} over ${axis}`);
      // The heap is intact: further allocations and kernels work.
      const after = tf.add(tf.mul(tf.sum(x, axis), 2), 1);
      await after.data();
      tf.dispose([x, after]);
    }
  });

  it('pool at most 4,096 channels at a time, as a divisor of the columns', () => {
    expect(pooledChannels(4096)).toBe(4096);
    expect(pooledChannels(16384)).toBe(4096);
    expect(pooledChannels(40000)).toBe(4000);
    expect(pooledChannels(16411)).toBeUndefined(); // prime
    expect(pooledChannels(6000)).toBe(3000);
    expect(pooledChannels(3 * 4095)).toBe(4095); // odd: no divisor is a multiple of 4
    expect(pooledChannels(2 * 4099)).toBeUndefined(); // 4,099 is prime: 2 is below the fewest worth pooling
    expect(MAX_POOLED_CHANNELS).toBeLessThan(16384);
  });

  it('recompute a column that is not finite with the shipped kernel (XNNPACK turns NaN into -Infinity), and leak nothing', async () => {
    const columns = [Number.NaN, 2, Number.NEGATIVE_INFINITY, 4];
    const x = tf.tensor(Array.from({ length: 12 }, (_, i) => columns[i % 4] * (i + 1)), [3, 4]);
    for (const kernel of ['Sum', 'Mean'] as const) {
      const reduced = kernel === 'Sum' ? tf.sum(x, 0, true) : tf.mean(x, 0, true);
      const shipped = runShippedWasm(kernel, { x }, { axis: [0], keepDims: true });
      expect(Array.from(reduced.dataSync(), String), kernel).toEqual(Array.from(shipped.dataSync(), String));
      tf.dispose([reduced, shipped]);
    }
    await expectLeakFree(() => tf.sum(x, 0).dispose());
    x.dispose();
  });
});
