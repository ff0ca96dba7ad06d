import * as tf from '@tensorflow/tfjs';
import type { KernelBackend } from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';

import { getShippedKernel, patchedKernels, useBackend } from '../../src/backend/index.js';
import {
  conv2dBackpropInputViaConv2D,
  planConv2dBackpropInput,
} from '../../src/backend/kernels/conv2d-backprop-input.js';
import { withKernelCalls } from '../../src/backend/kernels/kernel-calls.js';
import { type ConvCase, backpropInputReference, caseName, convCases, relativeError } from './conv-reference.js';
import { caseValues, inputAttrs, kernelCallsDuring, liveCounts, runKernel } from './kernel-test-utils.js';

const cases = convCases();

// cpu keeps its shipped Conv2DBackpropInput (faster than its Conv2D); the decomposition still runs
// there through the direct calls below, on cpu's own kernels.
describe.each(['cpu', 'wasm'] as const)('Conv2DBackpropInput on %s', (backendName) => {
  beforeAll(async () => {
    await useBackend(backendName);
  });

  it('is patched on wasm only', () => {
    expect(tf.getBackend()).toBe(backendName);
    expect(patchedKernels(backendName).includes('Conv2DBackpropInput')).toBe(backendName === 'wasm');
  });

  it.each(cases.map((c) => [caseName(c), c] as const))('matches the naive reference: %s', (_name, c) => {
    const { filter, dy, dyShape } = caseValues(c);
    const dyT = tf.tensor(dy, dyShape);
    const filterT = tf.tensor4d(filter, c.filterShape);
    const before = liveCounts();
    const actual = runKernel('Conv2DBackpropInput', { dy: dyT, filter: filterT }, inputAttrs(c));
    expect(liveCounts()).toEqual(before);
    tf.dispose([dyT, filterT]);
    expect(relativeError(actual, backpropInputReference(c, dy, filter))).toBeLessThanOrEqual(1e-4);
  });

  it.each(cases.map((c) => [caseName(c), c] as const))(
    'computes the same with both phase strategies: %s',
    (_name, c) => {
      const { filter, dy, dyShape } = caseValues(c, 3);
      const dyT = tf.tensor(dy, dyShape);
      const filterT = tf.tensor4d(filter, c.filterShape);
      const expected = backpropInputReference(c, dy, filter);
      for (const strategy of ['combined', 'split'] as const) {
        const plan = planConv2dBackpropInput(dyT.shape, filterT.shape, inputAttrs(c), strategy);
        expect(plan).toBeDefined();
        const info = withKernelCalls(tf.backend() as KernelBackend, backendName, (calls) =>
          conv2dBackpropInputViaConv2D(calls, dyT, filterT, plan!),
        );
        const out = tf.engine().makeTensorFromTensorInfo(info);
        expect(out.shape).toEqual(c.inputShape);
        expect(relativeError(out.dataSync(), expected)).toBeLessThanOrEqual(1e-4);
        out.dispose();
      }
      tf.dispose([dyT, filterT]);
    },
  );

  it('runs the shipped kernel for explicit padding wider than the kernel', () => {
    const c: ConvCase = {
      inputShape: [2, 6, 6, 2],
      filterShape: [3, 3, 2, 3],
      strides: [2, 2],
      pad: [[0, 0], [3, 1], [4, 0], [0, 0]],
    };
    const { filter, dy, dyShape } = caseValues(c);
    expect(dyShape).toEqual([2, 4, 4, 3]);
    expect(planConv2dBackpropInput(dyShape, c.filterShape, inputAttrs(c))).toBeUndefined();
    const dyT = tf.tensor(dy, dyShape);
    const filterT = tf.tensor4d(filter, c.filterShape);
    const actual = runKernel('Conv2DBackpropInput', { dy: dyT, filter: filterT }, inputAttrs(c));
    tf.dispose([dyT, filterT]);
    expect(relativeError(actual, backpropInputReference(c, dy, filter))).toBeLessThanOrEqual(1e-4);
  });

  it('is the forward pass of conv2dTranspose', () => {
    const c: ConvCase = { inputShape: [3, 14, 14, 8], filterShape: [5, 5, 8, 16], strides: [2, 2], pad: 'same' };
    const { filter, dy, dyShape } = caseValues(c, 11);
    const x = tf.tensor4d(dy, dyShape as [number, number, number, number]);
    const y = tf.conv2dTranspose(x, tf.tensor4d(filter, c.filterShape), c.inputShape, 2, 'same');
    expect(relativeError(y.dataSync(), backpropInputReference(c, dy, filter))).toBeLessThanOrEqual(1e-4);
  });

  it('throws a BackendError naming dy when its shape does not match', () => {
    const c = cases[0];
    const expected = /argument 'dy' must have shape \[1, 7, 7, 1\]; received \[1, 3, 3, 1\]/;
    expect(() => planConv2dBackpropInput([1, 3, 3, 1], c.filterShape, inputAttrs(c))).toThrow(expected);
    if (backendName !== 'wasm') return;
    const dyT = tf.zeros([1, 3, 3, 1]);
    const filterT = tf.zeros(c.filterShape);
    expect(() => runKernel('Conv2DBackpropInput', { dy: dyT, filter: filterT }, inputAttrs(c))).toThrow(expected);
    tf.dispose([dyT, filterT]);
  });
});

describe('the pixel shuffle on wasm', () => {
  beforeAll(async () => {
    await useBackend('wasm');
  });

  it('runs in one pass of the SIMD128 module, with no concatenation or transpose, for both strategies', () => {
    // Stride 2 with 16 channels (split) and with 1 channel (combined), and a size that is cropped.
    const strided: ConvCase[] = [
      { inputShape: [2, 14, 14, 16], filterShape: [5, 5, 16, 8], strides: [2, 2], pad: 'same' },
      { inputShape: [2, 9, 9, 1], filterShape: [4, 4, 1, 8], strides: [2, 2], pad: 'same' },
    ];
    for (const c of strided) {
      const { filter, dy, dyShape } = caseValues(c, 5);
      const dyT = tf.tensor(dy, dyShape);
      const filterT = tf.tensor4d(filter, c.filterShape);
      let actual: Float32Array = new Float32Array();
      const shuffles = kernelCallsDuring('wasm', ['Concat', 'Transpose'], () => {
        actual = runKernel('Conv2DBackpropInput', { dy: dyT, filter: filterT }, inputAttrs(c));
      });
      expect(shuffles, caseName(c)).toBe(0);
      expect(relativeError(actual, backpropInputReference(c, dy, filter))).toBeLessThanOrEqual(1e-4);
      tf.dispose([dyT, filterT]);
    }
  });
});

describe('the naive reference', () => {
  it('agrees with the kernel that tfjs ships for cpu', async () => {
    await useBackend('cpu');
    const shipped = getShippedKernel('Conv2DBackpropInput', 'cpu');
    expect(shipped).toBeDefined();
    for (const c of cases.slice(0, 8)) {
      const { filter, dy, dyShape } = caseValues(c);
      const dyT = tf.tensor(dy, dyShape);
      const filterT = tf.tensor4d(filter, c.filterShape);
      const info = shipped!.kernelFunc({
        inputs: { dy: dyT, filter: filterT },
        backend: tf.backend(),
        attrs: inputAttrs(c) as unknown as tf.NamedAttrMap,
      }) as tf.TensorInfo;
      const out = tf.engine().makeTensorFromTensorInfo(info);
      expect(relativeError(out.dataSync(), backpropInputReference(c, dy, filter))).toBeLessThanOrEqual(1e-5);
      tf.dispose([dyT, filterT, out]);
    }
  });
});
