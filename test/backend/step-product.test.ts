/**
 * `dy * step(x, alpha)` as one kernel on wasm (`TfjsGanStepProduct`, the gradient of ReLU and leaky ReLU):
 * exactly `tf.mul(dy, tf.step(x, alpha))` on every size (the SIMD128 tail too), NaN kept, the gradients of
 * `relu` and `leakyRelu` through it on wasm and as two kernels elsewhere, differentiable, leak-free.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { useBackend } from '../../src/backend/index.js';
import { STEP_PRODUCT_KERNEL, stepProduct } from '../../src/backend/gradients/step-product.js';
import { expectLeakFree } from '../helpers/leaks.js';
import { pseudoRandom } from './conv-reference.js';
import { kernelCallsDuring } from './kernel-test-utils.js';

const special = [Number.NaN, -0, 0, 1e-30, -1e-30, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 3, -3];

/** Values as numbers, -0 read as 0 (products with ±0 may differ in the sign of the zero only). */
const valuesOf = (t: tf.Tensor): number[] => Array.from(t.dataSync(), (v) => v + 0);

describe('the step product on wasm', () => {
  beforeAll(async () => {
    await useBackend('wasm');
  });
  afterAll(async () => {
    await useBackend('wasm');
  });

  it('equals tf.mul(dy, tf.step(x, alpha)) exactly, on sizes 0 to 70 and large, NaN kept', () => {
    for (const size of [...Array.from({ length: 71 }, (_, i) => i), 1023, 50177]) {
      const xs = pseudoRandom(size, size + 1).map((v, i) => (i < special.length && size > 20 ? special[i] : v));
      const x = tf.tensor(xs);
      const dy = tf.tensor(pseudoRandom(size, size + 2).map((v) => v * 5));
      for (const alpha of [0, 0.2, -1.5]) {
        const fused = stepProduct(dy, x, alpha);
        const plain = tf.mul(dy, tf.step(x, alpha));
        expect(valuesOf(fused), `size ${size} alpha ${alpha}`).toEqual(valuesOf(plain));
        tf.dispose([fused, plain]);
      }
      tf.dispose([x, dy]);
    }
  });

  it('runs one kernel of its own (no Step, no Multiply) on float32 tensors of one shape, and both otherwise', () => {
    const x = tf.tensor(pseudoRandom(1000, 3), [10, 100]);
    const dy = tf.tensor(pseudoRandom(1000, 4), [10, 100]);
    expect(kernelCallsDuring('wasm', ['Step', 'Multiply'], () => stepProduct(dy, x, 0.2).dispose())).toBe(0);
    expect(tf.getKernel(STEP_PRODUCT_KERNEL, 'wasm')).toBeDefined();
    // A broadcast dy (not one shape with x): Step and Multiply.
    const row = tf.tensor(pseudoRandom(100, 5), [100]);
    expect(kernelCallsDuring('wasm', ['Step', 'Multiply'], () => stepProduct(row, x, 0.2).dispose())).toBe(2);
    tf.dispose([x, dy, row]);
  });

  it('is what the relu and leakyRelu gradients run, and they equal tfjs\'s values', () => {
    const x = tf.tensor(pseudoRandom(4096, 9).map((v, i) => (i < special.length ? special[i] : v)), [64, 64]);
    const dy = tf.tensor(pseudoRandom(4096, 10), [64, 64]);
    const cases: Array<[string, (t: tf.Tensor) => tf.Tensor, tf.Tensor]> = [
      ['relu', (t) => tf.relu(t), tf.mul(dy, tf.cast(tf.step(x), 'float32'))],
      ['leakyRelu', (t) => tf.leakyRelu(t, 0.2), tf.where(tf.greater(x, 0), dy, tf.mul(dy, 0.2))],
    ];
    for (const [name, f, expected] of cases) {
      let grad: tf.Tensor | undefined;
      const calls = kernelCallsDuring('wasm', [STEP_PRODUCT_KERNEL, 'Step'], () => ([grad] = tf.grads(f)([x], dy)));
      expect(calls, name).toBe(1);
      // NaN where x is NaN (tfjs's where gives alpha * dy there for leakyRelu): compare the rest.
      const [got, want] = [valuesOf(grad as tf.Tensor), valuesOf(expected)];
      expect(Number.isNaN(got[0]), name).toBe(true);
      expect(got.slice(1), name).toEqual(want.slice(1));
      tf.dispose([grad as tf.Tensor, expected]);
    }
    tf.dispose([x, dy]);
  });

  it('is differentiable: the second derivative of sum(relu(x)^2 * w) matches cpu', async () => {
    const run = (): number[][] =>
      tf.tidy(() => {
        const x = tf.tensor([-2, -0.5, 0.25, 1, 3, -1, 2, 0.75]);
        const w = tf.tensor([1, 2, 3, 4, 5, 6, 7, 8]);
        // Both second derivatives run through the step product's own gradient (2 w step(x, alpha)^2 for the first).
        const inner = (t: tf.Tensor) => tf.grad((u: tf.Tensor) => tf.sum(tf.mul(w, tf.square(tf.leakyRelu(tf.mul(u, 1), 0.3)))))(t);
        const outer = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(inner(t), tf.range(1, 9))))(x);
        const relu = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.grad((u: tf.Tensor) => tf.sum(tf.square(tf.relu(u))))(t), w)))(x);
        return [Array.from(outer.dataSync()), Array.from(relu.dataSync())];
      });
    const onWasm = run();
    await useBackend('cpu');
    const onCpu = run();
    await useBackend('wasm');
    expect(onWasm).toEqual(onCpu);
    expect(onWasm[1]).toEqual([0, 0, 6, 8, 10, 0, 14, 16]); // 2 w where x > 0
  });

  it('on cpu is Step and Multiply, and the wasm kernel leaks nothing', async () => {
    const x = tf.tensor(pseudoRandom(257, 1));
    const dy = tf.tensor(pseudoRandom(257, 2));
    await expectLeakFree(() => {
      stepProduct(dy, x, 0.1).dispose();
      tf.dispose(tf.grads((t: tf.Tensor) => tf.relu(t))([x], dy));
    });
    tf.dispose([x, dy]);
    await useBackend('cpu');
    const a = tf.tensor([-1, 2]);
    const b = tf.tensor([3, 4]);
    expect(kernelCallsDuring('cpu', ['Step', 'Multiply'], () => stepProduct(b, a, 0.5).dispose())).toBe(2);
    expect(Array.from(stepProduct(b, a, 0.5).dataSync())).toEqual([1.5, 4]);
    tf.dispose([a, b]);
  });
});
