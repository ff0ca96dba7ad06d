import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../src/backend/index.js';
import { getShippedKernel, patchedKernels } from '../../src/backend/kernel-patches.js';
import { expectLeakFree } from '../helpers/leaks.js';

/** A plain JS matrix product of [m, k] by [k, n] (row-major arrays). */
function product(a: number[][], b: number[][]): number[][] {
  return a.map((row) => b[0].map((_, j) => row.reduce((s, x, k) => s + x * b[k][j], 0)));
}
const transpose = (m: number[][]): number[][] => m[0].map((_, j) => m.map((row) => row[j]));

describe('BatchMatMul with transposed operands on wasm', () => {
  beforeAll(async () => {
    await useBackend('wasm');
  });

  it('is patched, and matches the plain product for every transpose combination', () => {
    expect(patchedKernels('wasm')).toContain('BatchMatMul');
    expect(getShippedKernel('BatchMatMul', 'wasm')).toBeDefined();
    const a = Array.from({ length: 3 }, (_, i) => Array.from({ length: 4 }, (_, j) => Math.sin(i * 4 + j)));
    const b = Array.from({ length: 4 }, (_, i) => Array.from({ length: 2 }, (_, j) => Math.cos(i * 2 + j)));
    const expected = product(a, b);
    for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]] as const) {
      const left = tf.tensor2d(ta ? transpose(a) : a);
      const right = tf.tensor2d(tb ? transpose(b) : b);
      const result = tf.matMul(left, right, ta, tb).arraySync() as number[][];
      result.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(expected[i][j], 5)));
      tf.dispose([left, right]);
    }
  });

  it('handles batches and broadcast batch dimensions', () => {
    const a = tf.randomNormal([3, 5, 4], 0, 1, 'float32', 1);
    const b = tf.randomNormal([1, 6, 4], 0, 1, 'float32', 2);
    const patched = tf.matMul(a, b, false, true);
    const plain = tf.matMul(a, tf.transpose(b, [0, 2, 1]));
    expect(patched.shape).toEqual([3, 5, 6]);
    Array.from(patched.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(plain.dataSync()[i], 5));
    const y = tf.randomNormal([3, 4, 2], 0, 1, 'float32', 3);
    const c = tf.matMul(tf.transpose(a, [0, 2, 1]), y, true, false);
    expect(c.shape).toEqual([3, 5, 2]);
    const expected = tf.matMul(a, y).dataSync();
    Array.from(c.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(expected[i], 5));
  });

  it('gives a dense layer the same gradients as cpu, and leaks nothing', async () => {
    const x = tf.randomNormal([8, 5], 0, 1, 'float32', 4);
    const w = tf.randomNormal([5, 3], 0, 1, 'float32', 5);
    const f = (xs: tf.Tensor, ws: tf.Tensor) => tf.sum(tf.square(tf.matMul(xs, ws)));
    const [gx, gw] = tf.grads(f)([x, w]);
    const onWasm = [Array.from(gx.dataSync()), Array.from(gw.dataSync())];
    await expectLeakFree(() => tf.dispose(tf.grads(f)([x, w])));
    const values = [x.arraySync(), w.arraySync()];
    await tf.setBackend('cpu');
    const [cx, cw] = tf.grads(f)([tf.tensor(values[0] as number[][]), tf.tensor(values[1] as number[][])]);
    const onCpu = [Array.from(cx.dataSync()), Array.from(cw.dataSync())];
    await useBackend('wasm');
    onWasm.forEach((grad, k) => grad.forEach((v, i) => expect(v).toBeCloseTo(onCpu[k][i], 4)));
  });
});
