/**
 * wasm's `AvgPoolGrad` in tfjs-gan's SIMD128 module (src/backend/kernels/avg-pool-grad.ts) where the
 * windows tile the input: the values of tfjs's cpu kernel exactly, at the shapes of a 64x64 ResNet
 * discriminator and at odd ones; other pools run the shipped kernel; gradients of gradients (R1) agree;
 * leak-free. Random shapes and thread counts are in the kernel fuzz suite (kernel-fuzz-*.test.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';

import { patchedKernels, useBackend } from '../../src/backend/index.js';
import { expectLeakFree } from '../helpers/leaks.js';
import { pseudoRandom } from './conv-reference.js';
import { runKernel, shippedWasmValues } from './kernel-test-utils.js';

/** The pool's input gradient on a backend, as plain numbers. */
async function poolGrad(backend: 'cpu' | 'wasm', shape: [number, number, number, number], window: [number, number], strides: [number, number], pad: 'valid' | 'same', seed: number): Promise<Float32Array> {
  await tf.setBackend(backend);
  return tf.tidy(() => {
    const x = tf.tensor4d(pseudoRandom(shape.reduce((a, b) => a * b), seed), shape);
    const y = tf.avgPool(x, window, strides, pad);
    const dy = tf.tensor4d(pseudoRandom(y.size, seed + 1), y.shape as [number, number, number, number]);
    return tf.grad((input: tf.Tensor) => tf.sum(tf.mul(tf.avgPool(input as tf.Tensor4D, window, strides, pad), dy)))(x).dataSync() as Float32Array;
  });
}

describe('AvgPoolGrad on wasm', () => {
  beforeAll(async () => {
    await useBackend('cpu');
    await useBackend('wasm');
  });

  it('is patched, and equals the cpu kernel exactly where the windows tile the input', async () => {
    expect(patchedKernels('wasm')).toContain('AvgPoolGrad');
    const cases: Array<[[number, number, number, number], [number, number]]> = [
      [[8, 64, 64, 8], [2, 2]],
      [[4, 32, 32, 16], [2, 2]],
      [[2, 8, 8, 128], [2, 2]],
      [[3, 7, 9, 5], [2, 2]], // not a whole number of windows: the last row and column get 0
      [[2, 9, 12, 3], [3, 4]], // a scale that is not a power of two
      [[1, 5, 5, 6], [1, 1]],
    ];
    for (const [shape, window] of cases) {
      const expected = await poolGrad('cpu', shape, window, window, 'valid', 3);
      const actual = await poolGrad('wasm', shape, window, window, 'valid', 3);
      expect(actual.length).toBe(expected.length);
      let first = -1;
      for (let i = 0; i < expected.length && first < 0; i++) if (actual[i] !== expected[i]) first = i;
      expect(first, `first difference for ${JSON.stringify({ shape, window })}`).toBe(-1);
    }
  });

  it('runs the shipped kernel for overlapping windows and padding, with its values', async () => {
    await tf.setBackend('wasm');
    for (const [window, strides, pad] of [[[3, 3], [1, 1], 'same'], [[2, 2], [1, 1], 'valid'], [[3, 3], [2, 2], 'same']] as const) {
      const x = tf.tensor4d(pseudoRandom(2 * 6 * 7 * 4, 5), [2, 6, 7, 4]);
      const y = tf.avgPool(x, [...window], [...strides], pad);
      const dy = tf.tensor4d(pseudoRandom(y.size, 6), y.shape as [number, number, number, number]);
      const attrs = { filterSize: [...window], strides: [...strides], pad };
      expect(Array.from(runKernel('AvgPoolGrad', { dy, input: x }, attrs))).toEqual(Array.from(shippedWasmValues('AvgPoolGrad', { dy, input: x }, attrs)));
      tf.dispose([x, y, dy]);
    }
  });

  it('agrees with cpu on the gradient of a gradient (R1 through a pooled discriminator), and leaks nothing', async () => {
    const penalty = async (backend: 'cpu' | 'wasm'): Promise<Float32Array> => {
      await tf.setBackend(backend);
      return tf.tidy(() => {
        const x = tf.tensor4d(pseudoRandom(2 * 8 * 8 * 4, 9), [2, 8, 8, 4]);
        const w = tf.tensor4d(pseudoRandom(3 * 3 * 4 * 4, 10), [3, 3, 4, 4]);
        const d = (input: tf.Tensor) => tf.sum(tf.square(tf.avgPool(tf.conv2d(input as tf.Tensor4D, w, 1, 'same'), 2, 2, 'valid')));
        return tf.grad((input: tf.Tensor) => tf.sum(tf.square(tf.grad(d)(input))))(x).dataSync() as Float32Array;
      });
    };
    const expected = await penalty('cpu');
    const actual = await penalty('wasm');
    for (let i = 0; i < expected.length; i++) expect(Math.abs(actual[i] - expected[i])).toBeLessThanOrEqual(1e-4 * (1 + Math.abs(expected[i])));
    await tf.setBackend('wasm');
    const x = tf.ones([2, 8, 8, 4]) as tf.Tensor4D;
    await expectLeakFree(() => tf.dispose(tf.grad((input: tf.Tensor) => tf.sum(tf.avgPool(input as tf.Tensor4D, 2, 2, 'valid')))(x)));
    x.dispose();
  });
});
