/**
 * The differential checker itself: it passes tfjs-gan's kernels and catches a wrong one, here the casts to
 * bool and the 'same'-padded strided convolutions that tfjs ships for wasm (tfjs 4.22).
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';

import { useBackend } from '../../../src/backend/index.js';
import { pseudoRandom } from '../conv-reference.js';
import { checkKernelCase } from './differential.js';
import type { KernelCase } from './differential.js';

const castToBool: KernelCase = {
  kernel: 'Cast',
  inputs: { x: { shape: [3], dtype: 'float32', values: Float32Array.from([0.37, 0, -2.5]) } },
  attrs: { dtype: 'bool' },
  comparison: 'exact',
  special: false,
};

const stridedSame: KernelCase = {
  kernel: 'Conv2D',
  inputs: { x: { shape: [1, 10, 1, 8], dtype: 'float32', values: pseudoRandom(80, 1) }, filter: { shape: [1, 2, 8, 1], dtype: 'float32', values: pseudoRandom(16, 2) } },
  attrs: { strides: [2, 1], pad: 'same', dataFormat: 'NHWC', dilations: [1, 1] },
  comparison: 'sum',
  special: false,
};

const biasedBatch: KernelCase = {
  kernel: '_FusedMatMul',
  inputs: {
    a: { shape: [2, 5, 3], dtype: 'float32', values: pseudoRandom(30, 3) },
    b: { shape: [2, 3, 4], dtype: 'float32', values: pseudoRandom(24, 4) },
    bias: { shape: [4], dtype: 'float32', values: pseudoRandom(4, 5) },
  },
  attrs: { transposeA: false, transposeB: false, activation: 'relu' },
  comparison: 'sum',
  special: false,
};

describe('the differential kernel check', () => {
  beforeAll(async () => {
    await useBackend('cpu');
    await useBackend('wasm');
  });

  it.each([
    ['a cast to bool', castToBool, /shipped wasm Cast: output 0\[0\] is 0, expected exactly 1/],
    ['a strided convolution with more stride than filter', stridedSame, /shipped wasm Conv2D: output 0\[0\] is 0, expected/],
    ['a batched product with a bias', biasedBatch, /shipped wasm _FusedMatMul: output 0\[\d+\] is/],
  ])('finds the shipped kernel wrong and tfjs-gan right on %s', (_, c, defect) => {
    const check = checkKernelCase(c);
    expect(check.mismatch).toBeNull();
    expect(check.shippedDefect).toMatch(defect);
  });

  it('reports a tfjs-gan kernel that differs from the reference as a mismatch', () => {
    const patched = tf.getKernel('Tanh', 'wasm')!;
    const relu = tf.getKernel('Relu', 'wasm')!;
    tf.unregisterKernel('Tanh', 'wasm');
    tf.registerKernel({ ...patched, kernelFunc: relu.kernelFunc });
    try {
      const tanh: KernelCase = { kernel: 'Tanh', inputs: { x: { shape: [4], dtype: 'float32', values: Float32Array.from([-1, -0.5, 0.5, 1]) } }, attrs: {}, comparison: 'elementwise', special: false };
      expect(checkKernelCase(tanh).mismatch).toMatch(/^tfjs-gan wasm Tanh: output 0\[0\] is 0, expected -0\.76/);
    } finally {
      tf.unregisterKernel('Tanh', 'wasm');
      tf.registerKernel(patched);
    }
  });
});
