/**
 * wasm's `Sum` and `Mean` over leading axes in one pass of tfjs-gan's SIMD128 module (`column_sums`): the
 * same values as the shipped kernels within float32 rounding and close to a float64 sum on random shapes,
 * every other reduction left to them, nothing leaked. The path for a wasm build without SIMD (an
 * `AvgPool` over one window of all rows) is tested in leading-axes-reduction-pooled.test.ts.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';

import { useBackend } from '../../src/backend/index.js';
import { patchedKernels } from '../../src/backend/kernel-patches.js';
import { expectLeakFree } from '../helpers/leaks.js';
import { pseudoRandom } from './conv-reference.js';
import { kernelCallsDuring, runShippedWasm } from './kernel-test-utils.js';

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

  it('sum random shapes within float32 rounding of a float64 sum, in one call of the module', () => {
    let state = 7;
    const next = (n: number) => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) % n);
    for (let trial = 0; trial < 40; trial++) {
      const rows = 2 + next(trial < 20 ? 40 : 700);
      const columns = 1 + next(trial % 3 === 0 ? 5 : 80);
      const values = pseudoRandom(rows * columns, trial + 100);
      const x = tf.tensor(values, [rows, columns]);
      for (const kernel of ['Sum', 'Mean'] as const) {
        const got = (kernel === 'Sum' ? tf.sum(x, 0) : tf.mean(x, 0)).dataSync();
        for (let c = 0; c < columns; c++) {
          let exact = 0;
          let magnitude = 0;
          for (let r = 0; r < rows; r++) {
            exact += values[r * columns + c];
            magnitude += Math.abs(values[r * columns + c]);
          }
          const divisor = kernel === 'Mean' ? rows : 1;
          // The bound of the three-level sum: at most 64 + 64 + rows / 4096 roundings of 2^-24 (and the division's).
          const bound = ((128 + Math.ceil(rows / 4096) + 1) * 2 ** -24 * magnitude) / divisor;
          expect(Math.abs(got[c] - exact / divisor), `${kernel} [${rows}, ${columns}] column ${c}`).toBeLessThanOrEqual(bound + 1e-30);
        }
      }
      x.dispose();
    }
    const ones = tf.ones([64, 14, 14, 64]);
    expect(kernelCallsDuring('wasm', ['AvgPool', 'Transpose'], () => tf.sum(ones, [0, 1, 2]).dispose())).toBe(0);
    ones.dispose();
  });

  it('add long columns in three levels: 200,000 rows of 0.1 sum to 20,000 within 0.05', () => {
    // A running float32 sum of 0.1 over 200,000 rows ends at 19,959.5 (measured with Math.fround); 49 top-level
    // additions of at most half a unit in the last place of 20,000 (0.001) each bound this one.
    const tenths = tf.fill([200000, 17], 0.1);
    for (const value of tf.sum(tenths, 0).dataSync()) expect(Math.abs(value - 20000)).toBeLessThan(0.05);
    const ones = tf.ones([200000, 3]);
    expect(Array.from(tf.sum(ones, 0).dataSync())).toEqual([200000, 200000, 200000]);
    tf.dispose([ones, tenths]);
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
