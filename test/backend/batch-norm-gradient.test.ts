/**
 * tfjs-gan's gradient of `FusedBatchNorm`: the derivatives of `tf.batchNorm` with respect to all five
 * inputs equal those of the same formula written with element-wise ops (tfjs's own gradients) within
 * float32 rounding, for per-channel statistics and for statistics broadcast along other axes, on every
 * test backend; gradients of gradients too; fewer kernels than tfjs's; no leaks.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';

import { activeSecondOrderGradients, registerSecondOrderGradients, revertSecondOrderGradients } from '../../src/backend/gradients/index.js';
import { TEST_BACKENDS, switchBackend } from '../helpers/backends.js';
import { expectLeakFree } from '../helpers/leaks.js';
import { pseudoRandom } from './conv-reference.js';

const EPSILON = 1e-3;

/** `tf.batchNorm`'s formula from element-wise ops, whose gradients are tfjs's own. */
function byHand(x: tf.Tensor, mean: tf.Tensor, variance: tf.Tensor, offset: tf.Tensor, scale: tf.Tensor): tf.Tensor {
  return tf.add(tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, EPSILON))), scale), offset);
}

const fused = (x: tf.Tensor, mean: tf.Tensor, variance: tf.Tensor, offset: tf.Tensor, scale: tf.Tensor): tf.Tensor =>
  tf.batchNorm(x, mean, variance, offset, scale, EPSILON);

type Norm = typeof byHand;

/** Inputs of the given shapes: variance positive, the rest in [-1, 1]. */
function inputs(shapes: number[][], seed: number): tf.Tensor[] {
  return shapes.map((shape, i) => {
    const values = pseudoRandom(shape.reduce((p, s) => p * s, 1), seed + i);
    return tf.tensor(i === 2 ? values.map((v) => v * v + 0.1) : values, shape);
  });
}

/** The five first derivatives of sum(norm(...) * weights). */
function firstOrder(norm: Norm, shapes: number[][]): Float32Array[] {
  return tf.tidy(() => {
    const xs = inputs(shapes, 3);
    const weights = tf.tensor(pseudoRandom(xs[0].size, 99), xs[0].shape);
    const grads = tf.grads((...args: tf.Tensor[]) => tf.sum(tf.mul(norm(...(args as Parameters<Norm>)), weights)))(xs);
    return grads.map((g) => g.dataSync() as Float32Array);
  });
}

function expectClose(actual: Float32Array[], expected: Float32Array[], label: string): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((a, k) => {
    expect(a.length, `${label} input ${k}`).toBe(expected[k].length);
    a.forEach((v, i) => expect(Math.abs(v - expected[k][i]), `${label} input ${k} [${i}]`).toBeLessThanOrEqual(1e-4 * (1 + Math.abs(expected[k][i]))));
  });
}

// [x, mean, variance, offset, scale]
const SHAPE_CASES: Array<[string, number[][]]> = [
  ['per channel, 4-D', [[4, 3, 3, 8], [8], [8], [8], [8]]],
  ['per channel, 2-D (a dense layer)', [[6, 20], [20], [20], [20], [20]]],
  ['statistics of rank 4', [[2, 3, 3, 5], [1, 1, 1, 5], [1, 1, 1, 5], [1, 1, 1, 5], [1, 1, 1, 5]]],
  ['scalar variance and scale, per-channel mean', [[3, 2, 2, 4], [4], [1], [4], [1]]],
  ['per-pixel mean, per-channel variance', [[3, 2, 2, 4], [1, 2, 2, 4], [1, 1, 1, 4], [1, 2, 2, 4], [1, 1, 1, 4]]],
];

describe.each(TEST_BACKENDS)('the FusedBatchNorm gradient on %s', (backendName) => {
  beforeAll(async () => {
    await switchBackend(backendName);
  });

  it('is registered', () => {
    expect(activeSecondOrderGradients()).toContain('FusedBatchNorm');
  });

  it.each(SHAPE_CASES)('equals the element-wise formula\'s, %s', (_, shapes) => {
    expectClose(firstOrder(fused, shapes), firstOrder(byHand, shapes), `${backendName}`);
  });

  it('is differentiable: a gradient penalty through training-mode batch norm equals the element-wise formula\'s', () => {
    const penaltyGrad = (norm: Norm): Float32Array[] =>
      tf.tidy(() => {
        const [x0, , , offset, scale] = inputs([[4, 2, 2, 3], [3], [3], [3], [3]], 7);
        const weights = tf.tensor(pseudoRandom(x0.size, 8), x0.shape);
        const penalty = (scaleVar: tf.Tensor) => {
          const dx = tf.grad((x: tf.Tensor) => {
            const { mean, variance } = tf.moments(x, [0, 1, 2]);
            return tf.sum(tf.mul(tf.tanh(norm(x, mean, variance, offset, scaleVar)), weights));
          })(x0);
          return tf.sum(tf.square(dx));
        };
        return [tf.grad(penalty)(scale).dataSync() as Float32Array];
      });
    expectClose(penaltyGrad(fused), penaltyGrad(byHand), `${backendName} second order`);
  });

  it('leaks nothing', async () => {
    const xs = inputs(SHAPE_CASES[0][1], 5);
    await expectLeakFree(() => tf.dispose(tf.grads((...args: tf.Tensor[]) => tf.sum(fused(...(args as Parameters<Norm>))))(xs)));
    const [, mean, variance, offset, scale] = xs;
    await expectLeakFree(() => tf.dispose(tf.grad((x: tf.Tensor) => tf.sum(fused(x, mean, variance, offset, scale)))(xs[0])));
    tf.dispose(xs);
  });
});

/** Calls of `names` on wasm with an input of `size` elements while `run` runs. */
function fullSizeCalls(names: readonly string[], size: number, run: () => void): number {
  const configs = names.map((name) => tf.getKernel(name, 'wasm') as tf.KernelConfig);
  let calls = 0;
  for (const config of configs) {
    tf.unregisterKernel(config.kernelName, 'wasm');
    const counted: tf.KernelFunc = (args) => {
      if (Object.values(args.inputs).some((t) => t != null && t.shape.reduce((p, d) => p * d, 1) === size)) calls++;
      return config.kernelFunc(args);
    };
    tf.registerKernel({ ...config, kernelFunc: counted });
  }
  try {
    run();
  } finally {
    for (const config of configs) {
      tf.unregisterKernel(config.kernelName, 'wasm');
      tf.registerKernel(config);
    }
  }
  return calls;
}

describe('the FusedBatchNorm gradient on wasm', () => {
  it('runs three element-wise kernels and two sums the size of x for all five derivatives, far fewer than tfjs', async () => {
    await switchBackend('wasm');
    const xs = inputs([[64, 14, 14, 64], [64], [64], [64], [64]], 1);
    const size = xs[0].size;
    const backward = () => tf.dispose(tf.grads((...args: tf.Tensor[]) => tf.sum(fused(...(args as Parameters<Norm>))))(xs));
    const count = () => ({
      elementWise: fullSizeCalls(['Multiply', 'Sub', 'Add', 'Tile', 'Neg'], size, backward),
      sums: fullSizeCalls(['Sum'], size, backward),
    });
    // The loss, a Sum of the output, and its gradient (dy broadcast to x's shape) count too: measured alone.
    const loss = tf.zeros(xs[0].shape);
    const lossOnly = () => tf.dispose(tf.grad((t: tf.Tensor) => tf.sum(t))(loss));
    const base = {
      elementWise: fullSizeCalls(['Multiply', 'Sub', 'Add', 'Tile', 'Neg'], size, lossOnly),
      sums: fullSizeCalls(['Sum'], size, lossOnly),
    };
    loss.dispose();
    expect(base.sums).toBe(1);
    expect(count()).toEqual({ elementWise: base.elementWise + 3, sums: base.sums + 2 });
    try {
      revertSecondOrderGradients();
      const shipped = count();
      expect(shipped.elementWise - base.elementWise).toBeGreaterThanOrEqual(9);
      expect(shipped.sums - base.sums).toBeGreaterThanOrEqual(4);
    } finally {
      registerSecondOrderGradients();
    }
    tf.dispose(xs);
  });
});
