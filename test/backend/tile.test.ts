import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../src/backend/index.js';
import { patchedKernels } from '../../src/backend/kernel-patches.js';
import { expectLeakFree } from '../helpers/leaks.js';
import { runShippedWasm } from './kernel-test-utils.js';

/** Tiles `x` with the shipped wasm kernel, for reference. */
function shippedTile(x: tf.Tensor, reps: number[]): tf.Tensor {
  return runShippedWasm('Tile', { x }, { reps });
}

describe('Tile on wasm', () => {
  beforeAll(async () => {
    await useBackend('wasm');
  });

  it('is patched and equals the shipped kernel for broadcasting and other tilings, float32 and int32', () => {
    expect(patchedKernels('wasm')).toContain('Tile');
    const cases: Array<[number[], number[]]> = [
      [[1, 1, 1, 64], [8, 7, 7, 1]], // batch-norm statistics over an activation
      [[1, 1, 1, 627], [1, 1, 16, 1]],
      [[3, 1], [1, 5]],
      [[1], [7]],
      [[2, 3], [2, 2]], // not a broadcast: the shipped kernel
      [[2, 1, 3], [1, 4, 2]], // mixed
      [[4], [1]],
    ];
    for (const [shape, reps] of cases) {
      for (const dtype of ['float32', 'int32'] as const) {
        const size = shape.reduce((a, b) => a * b, 1);
        const x = tf.tensor(Array.from({ length: size }, (_, i) => (dtype === 'int32' ? i - 3 : Math.sin(i) * 10)), shape, dtype);
        const actual = tf.tile(x, reps);
        const expected = shippedTile(x, reps);
        expect(actual.shape, `${shape} x ${reps}`).toEqual(expected.shape);
        expect(actual.dtype).toBe(dtype);
        expect(Array.from(actual.dataSync())).toEqual(Array.from(expected.dataSync()));
        tf.dispose([x, actual, expected]);
      }
    }
    const flags = tf.tensor([true, false], [2, 1], 'bool');
    expect(Array.from(tf.tile(flags, [1, 3]).dataSync())).toEqual([1, 1, 1, 0, 0, 0]);
  });

  it('keeps NaN and infinities, and leaks nothing', async () => {
    const x = tf.tensor([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 2], [1, 4]);
    expect(Array.from(tf.tile(x, [3, 1]).dataSync())).toEqual([Number.NaN, Infinity, -Infinity, 2, Number.NaN, Infinity, -Infinity, 2, Number.NaN, Infinity, -Infinity, 2]);
    await expectLeakFree(() => tf.tile(x, [5, 1]).dispose());
    x.dispose();
  });

  it('gives batch normalization the same gradients as cpu', async () => {
    const values = Array.from({ length: 4 * 3 * 3 * 5 }, (_, i) => Math.cos(i * 0.7));
    const grads = (): number[][] => {
      const x = tf.tensor4d(values, [4, 3, 3, 5]);
      const scale = tf.ones([5]);
      const f = (xs: tf.Tensor, s: tf.Tensor) => {
        const { mean, variance } = tf.moments(xs, [0, 1, 2]);
        return tf.sum(tf.square(tf.batchNorm(xs, mean, variance, tf.zeros([5]), s, 1e-3)).mul(tf.range(0, 5)));
      };
      const result = tf.grads(f)([x, scale]).map((g) => Array.from(g.dataSync()));
      return result;
    };
    const onWasm = grads();
    await tf.setBackend('cpu');
    const onCpu = grads();
    await useBackend('wasm');
    onWasm.forEach((g, k) => g.forEach((v, i) => expect(v).toBeCloseTo(onCpu[k][i], 3)));
  });
});
