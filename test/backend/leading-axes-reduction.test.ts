/**
 * wasm's `Sum` and `Mean` over leading axes as an `AvgPool` over one window of all rows: the same values
 * as the shipped kernels within float32 rounding, every other reduction left to them, nothing leaked.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';

import { useBackend } from '../../src/backend/index.js';
import { patchedKernels } from '../../src/backend/kernel-patches.js';
import { MAX_POOLED_CHANNELS, pooledChannels } from '../../src/backend/kernels/leading-axes-reduction.js';
import { expectLeakFree } from '../helpers/leaks.js';
import { pseudoRandom } from './conv-reference.js';
import { runShippedWasm } from './kernel-test-utils.js';

type Reduction = 'Sum' | 'Mean';

/** The reduction with the shipped wasm kernel, for reference. */
function shipped(kernel: Reduction, x: tf.Tensor, axis: number | number[], keepDims: boolean): tf.Tensor {
  return runShippedWasm(kernel, { x }, { axis, keepDims });
}

/** Checks `actual` against `expected` with a tolerance scaled by the sum of magnitudes reduced. */
function expectClose(actual: tf.Tensor, expected: tf.Tensor, magnitude: tf.Tensor, label: string): void {
  expect(actual.shape, label).toEqual(expected.shape);
  const a = actual.dataSync();
  const e = expected.dataSync();
  const m = magnitude.dataSync();
  for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - e[i]), `${label} [${i}]`).toBeLessThanOrEqual(1e-5 * m[i] + 1e-30);
}

describe('Sum and Mean over leading axes on wasm', () => {
  beforeAll(async () => {
    await useBackend('wasm');
  });

  it('are patched and equal the shipped kernels within float32 rounding', () => {
    expect(patchedKernels('wasm')).toEqual(expect.arrayContaining(['Sum', 'Mean']));
    const cases: Array<[number[], number | number[]]> = [
      [[64, 14, 14, 64], [0, 1, 2]], // a batch-norm statistic or a bias gradient
      [[1, 1, 64, 6272], [0, 1, 2]],
      [[300, 7], 0],
      [[5, 4, 3], [0, 1]],
      [[5, 4, 3], [-3, -2]], // negative axes
      [[6, 2, 2], [1, 0]], // unsorted
    ];
    for (const [shape, axis] of cases) {
      const size = shape.reduce((p, s) => p * s, 1);
      const x = tf.tensor(pseudoRandom(size, size % 97), shape);
      const reduced = Array.isArray(axis) ? axis : [axis];
      const magnitude = tf.sum(tf.abs(x), reduced);
      for (const keepDims of [false, true]) {
        const label = `${shape} over ${axis}${keepDims ? ' (keepDims)' : ''}`;
        const sum = tf.sum(x, axis, keepDims);
        const sumRef = shipped('Sum', x, axis, keepDims);
        expectClose(sum, sumRef, magnitude, `sum ${label}`);
        const mean = tf.mean(x, axis, keepDims);
        const meanRef = shipped('Mean', x, axis, keepDims);
        const rows = reduced.reduce((p, a) => p * shape[a < 0 ? a + shape.length : a], 1);
        const meanMagnitude = tf.div(magnitude, rows);
        expectClose(mean, meanRef, meanMagnitude, `mean ${label}`);
        tf.dispose([sum, sumRef, mean, meanRef, meanMagnitude]);
      }
      tf.dispose([x, magnitude]);
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
      const reduced = Array.isArray(axis) ? axis : [axis];
      const magnitude = tf.sum(tf.abs(x), reduced);
      const sum = tf.sum(x, axis);
      const reference = shipped('Sum', x, axis, false);
      expectClose(sum, reference, magnitude, `sum ${shape} over ${axis}`);
      // The heap is intact: further allocations and kernels work.
      const after = tf.add(tf.mul(sum, 2), tf.ones(sum.shape));
      await after.data();
      tf.dispose([x, magnitude, sum, reference, after]);
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

  it('leave other reductions and other dtypes to the shipped kernels', () => {
    const x = tf.tensor(pseudoRandom(60, 3), [5, 4, 3]);
    for (const axis of [[1, 2], 2, [0, 2], [0, 1, 2]]) {
      expect(Array.from(tf.sum(x, axis).dataSync())).toEqual(Array.from(shipped('Sum', x, axis, false).dataSync()));
      expect(Array.from(tf.mean(x, axis).dataSync())).toEqual(Array.from(shipped('Mean', x, axis, false).dataSync()));
    }
    const ints = tf.tensor([[1, 2], [3, 4], [5, 6]], [3, 2], 'int32');
    const intSum = tf.sum(ints, 0);
    expect(intSum.dtype).toBe('int32');
    expect(Array.from(intSum.dataSync())).toEqual([9, 12]);
    tf.dispose([x, ints, intSum]);
  });

  it('keep NaN and infinities in their columns only, and leak nothing', async () => {
    const x = tf.tensor([[1, Number.NaN, 3], [4, 5, Number.POSITIVE_INFINITY]]);
    const sum = Array.from(tf.sum(x, 0).dataSync());
    expect(sum[0]).toBe(5);
    expect(Number.isNaN(sum[1])).toBe(true);
    expect(sum[2]).toBe(Number.POSITIVE_INFINITY);
    await expectLeakFree(() => {
      tf.sum(x, 0).dispose();
      tf.mean(x, 0, true).dispose();
    });
    x.dispose();
  });

  it('give batch normalization the same gradients as cpu', async () => {
    const values = pseudoRandom(8 * 5 * 5 * 6, 11);
    const grads = (): number[][] =>
      tf.tidy(() => {
        const x = tf.tensor4d(values, [8, 5, 5, 6]);
        const f = (xs: tf.Tensor) => {
          const { mean, variance } = tf.moments(xs, [0, 1, 2]);
          return tf.sum(tf.mul(tf.batchNorm(xs, mean, variance, tf.zeros([6]), tf.ones([6]), 1e-3), tf.range(0, 6)));
        };
        return tf.grads(f)([x]).map((g) => Array.from(g.dataSync()));
      });
    const onWasm = grads();
    await tf.setBackend('cpu');
    const onCpu = grads();
    await useBackend('wasm');
    onWasm[0].forEach((v, i) => expect(v).toBeCloseTo(onCpu[0][i], 3));
  });
});
