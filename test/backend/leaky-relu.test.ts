/**
 * wasm's `LeakyRelu` as `x * step(x, alpha)`, and the `LeakyRelu` gradient as `dy * step(x, alpha)` on
 * every backend: both give exactly the shipped values, keep NaN, stay differentiable for gradient
 * penalties, and leak nothing.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';

import { useBackend } from '../../src/backend/index.js';
import { patchedKernels } from '../../src/backend/kernel-patches.js';
import { activeSecondOrderGradients } from '../../src/backend/gradients/index.js';
import { expectLeakFree } from '../helpers/leaks.js';
import { kernelCallsDuring, shippedWasmValues } from './kernel-test-utils.js';

/** `LeakyRelu` with the shipped wasm kernel, for reference. */
function shippedLeakyRelu(x: tf.Tensor, alpha: number): Float32Array {
  return shippedWasmValues('LeakyRelu', { x }, { alpha });
}

const values = [-3.5, -1, -1e-30, -0, 0, 1e-30, 0.5, 2, 1e6, -1e6, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];

describe('LeakyRelu on wasm', () => {
  beforeAll(async () => {
    await useBackend('wasm');
  });

  it('is patched and gives exactly the shipped values (up to the sign of zero), for any alpha', () => {
    expect(patchedKernels('wasm')).toContain('LeakyRelu');
    // 513 values: the SIMD128 pass takes 4 at a time, and the last one alone.
    const x = tf.tensor(values.concat(Array.from({ length: 501 }, (_, i) => Math.sin(i) * 7)));
    for (const alpha of [0.2, 0, 0.01, 1, 1.5, -0.3]) {
      // `+ 0` turns -0 into 0: where x is ±0 the two may differ in the sign of the zero they return.
      const actual = Array.from(tf.leakyRelu(x, alpha).dataSync(), (v) => v + 0);
      expect(actual, `alpha ${alpha}`).toEqual(Array.from(shippedLeakyRelu(x, alpha), (v) => v + 0));
    }
    // One pass of tfjs-gan's SIMD128 module: no Step or Multiply kernel runs.
    expect(kernelCallsDuring('wasm', ['Step', 'Multiply'], () => tf.leakyRelu(x, 0.2).dispose())).toBe(0);
    x.dispose();
  });

  it('keeps NaN, and leaks nothing', async () => {
    const x = tf.tensor([Number.NaN, -1, 1]);
    const y = Array.from(tf.leakyRelu(x, 0.2).dataSync());
    expect(Number.isNaN(y[0])).toBe(true);
    expect(y.slice(1)).toEqual([Math.fround(-0.2), 1]);
    await expectLeakFree(() => tf.leakyRelu(x, 0.2).dispose());
    x.dispose();
  });
});

describe('the LeakyRelu gradient', () => {
  for (const backend of ['wasm', 'cpu'] as const) {
    it(`on ${backend}: equals where(x > 0, dy, alpha * dy) exactly (up to the sign of zero)`, async () => {
      await useBackend(backend);
      expect(activeSecondOrderGradients()).toContain('LeakyRelu');
      const x = tf.tensor(values.slice(0, 10).concat(Array.from({ length: 300 }, (_, i) => Math.cos(i) * 3)));
      const dy = tf.tensor(Array.from({ length: x.size }, (_, i) => Math.sin(i * 0.37) * 2));
      for (const alpha of [0.2, 0.01, 1.5]) {
        const [grad] = tf.grads((t: tf.Tensor) => tf.leakyRelu(t, alpha))([x], dy);
        const expected = tf.where(tf.greater(x, 0), dy, tf.mul(dy, alpha));
        expect(Array.from(grad.dataSync(), (v) => v + 0), `alpha ${alpha}`).toEqual(Array.from(expected.dataSync(), (v) => v + 0));
        tf.dispose([grad, expected]);
      }
      tf.dispose([x, dy]);
    });
  }

  it('is differentiable for gradient penalties: the gradient of a gradient norm matches cpu', async () => {
    const penalty = (w: tf.Tensor, input: tf.Tensor): tf.Scalar => {
      const inner = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.leakyRelu(tf.matMul(t, w as tf.Tensor2D), 0.2), tf.range(1, 4))));
      return tf.sum(tf.square(inner(input)));
    };
    const run = (): number[] => {
      const w = tf.tensor2d([0.3, -0.7, 1.1, -0.4, 0.9, 0.2], [2, 3]);
      const input = tf.tensor2d([1, 2, -1, 0.5, 0.3, -2, 2, 1], [4, 2]);
      const g = tf.grad((ww: tf.Tensor) => penalty(ww, input))(w);
      const out = Array.from(g.dataSync());
      tf.dispose([w, input, g]);
      return out;
    };
    await useBackend('wasm');
    const onWasm = run();
    await useBackend('cpu');
    const onCpu = run();
    onWasm.forEach((v, i) => expect(v).toBeCloseTo(onCpu[i], 4));
    expect(onWasm.some((v) => v !== 0)).toBe(true);
    await useBackend('wasm');
  });

  it('leaks nothing', async () => {
    await useBackend('wasm');
    const x = tf.randomNormal([8, 8]);
    await expectLeakFree(() => tf.dispose(tf.grads((t: tf.Tensor) => tf.sum(tf.leakyRelu(t, 0.2)))([x])));
    x.dispose();
  });
});
