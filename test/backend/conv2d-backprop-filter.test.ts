import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';

import { getShippedKernel, patchedKernels, useBackend } from '../../src/backend/index.js';
import { type ConvCase, backpropFilterReference, caseName, convCases, fewChannelCases, relativeError } from './conv-reference.js';
import { caseValues, filterAttrs, kernelCallsDuring, liveCounts, runKernel } from './kernel-test-utils.js';

const cases = convCases();

describe.each(['cpu', 'wasm'] as const)('Conv2DBackpropFilter patched on %s', (backendName) => {
  beforeAll(async () => {
    await useBackend(backendName);
  });

  it('is the patched kernel', () => {
    expect(tf.getBackend()).toBe(backendName);
    expect(patchedKernels(backendName)).toContain('Conv2DBackpropFilter');
  });

  it.each(cases.map((c) => [caseName(c), c] as const))('matches the naive reference: %s', (_name, c) => {
    const { x, dy, dyShape } = caseValues(c);
    const xT = tf.tensor4d(x, c.inputShape);
    const dyT = tf.tensor(dy, dyShape);
    const before = liveCounts();
    const actual = runKernel('Conv2DBackpropFilter', { x: xT, dy: dyT }, filterAttrs(c));
    expect(liveCounts()).toEqual(before);
    tf.dispose([xT, dyT]);
    expect(relativeError(actual, backpropFilterReference(c, x, dy))).toBeLessThanOrEqual(1e-4);
  });

  it('computes the filter gradient of tf.grad through conv2d', () => {
    const c = cases[13];
    const { x, filter, dy, dyShape } = caseValues(c, 7);
    const xT = tf.tensor4d(x, c.inputShape);
    const dyT = tf.tensor4d(dy, dyShape as [number, number, number, number]);
    const gradient = tf.grad((w: tf.Tensor) => tf.conv2d(xT, w as tf.Tensor4D, c.strides, c.pad as 'same'))(
      tf.tensor4d(filter, c.filterShape),
      dyT,
    );
    const actual = gradient.dataSync();
    expect(relativeError(actual, backpropFilterReference(c, x, dy))).toBeLessThanOrEqual(1e-4);
  });
});

describe('the SIMD128 filter gradient for inputs with few channels, on wasm', () => {
  beforeAll(async () => {
    await useBackend('wasm');
  });

  /** Counts the backend's Conv2D calls while `run` runs: the SIMD128 kernel makes none. */
  const conv2dCallsDuring = (run: () => void): number => kernelCallsDuring('wasm', ['Conv2D'], run);

  it.each(fewChannelCases().map((c) => [caseName(c), c] as const))('runs on the heap and matches the naive reference: %s', (_name, c) => {
    const { x, dy, dyShape } = caseValues(c, 3);
    const xT = tf.tensor4d(x, c.inputShape);
    const dyT = tf.tensor(dy, dyShape);
    const before = liveCounts();
    let actual: Float32Array = new Float32Array();
    expect(conv2dCallsDuring(() => (actual = runKernel('Conv2DBackpropFilter', { x: xT, dy: dyT }, filterAttrs(c))))).toBe(0);
    expect(liveCounts()).toEqual(before);
    tf.dispose([xT, dyT]);
    expect(relativeError(actual, backpropFilterReference(c, x, dy))).toBeLessThanOrEqual(1e-4);
  });

  it('leaves more channels, and output channels that are not a multiple of 8, to the convolution', () => {
    // 1 input channel and 4 outputs (not a multiple of 8), and 6 input channels (too many for this kernel,
    // not a multiple of 8 for the general one).
    const sixChannels: ConvCase = { inputShape: [2, 8, 8, 6], filterShape: [3, 3, 6, 16], strides: [2, 2], pad: 'same' };
    for (const c of [cases[13], sixChannels]) {
      const { x, dy, dyShape } = caseValues(c);
      const xT = tf.tensor4d(x, c.inputShape);
      const dyT = tf.tensor(dy, dyShape);
      expect(conv2dCallsDuring(() => runKernel('Conv2DBackpropFilter', { x: xT, dy: dyT }, filterAttrs(c)))).toBeGreaterThan(0);
      tf.dispose([xT, dyT]);
    }
  });
});

describe('the naive reference', () => {
  it('agrees with the kernel that tfjs ships for cpu', async () => {
    await useBackend('cpu');
    const shipped = getShippedKernel('Conv2DBackpropFilter', 'cpu');
    expect(shipped).toBeDefined();
    for (const c of cases.slice(0, 8)) {
      const { x, dy, dyShape } = caseValues(c);
      const xT = tf.tensor4d(x, c.inputShape);
      const dyT = tf.tensor(dy, dyShape);
      const info = shipped!.kernelFunc({ inputs: { x: xT, dy: dyT }, backend: tf.backend(), attrs: filterAttrs(c) as tf.NamedAttrMap }) as tf.TensorInfo;
      const out = tf.engine().makeTensorFromTensorInfo(info);
      expect(relativeError(out.dataSync(), backpropFilterReference(c, x, dy))).toBeLessThanOrEqual(1e-5);
      tf.dispose([xT, dyT, out]);
    }
  });
});

describe('NCHW, which the patched kernels leave to the shipped ones', () => {
  const c = { inputShape: [2, 3, 7, 6], filterShape: [3, 3, 3, 4], strides: [2, 2], pad: 'same', dataFormat: 'NCHW' };
  const attrs = { strides: c.strides, pad: c.pad, dataFormat: 'NCHW', filterShape: c.filterShape };

  it('falls back to the shipped kernel on cpu', async () => {
    await useBackend('cpu');
    const x = tf.tensor4d(Array.from({ length: 2 * 3 * 7 * 6 }, (_, i) => Math.sin(i)), [2, 3, 7, 6]);
    const dy = tf.tensor4d(Array.from({ length: 2 * 4 * 4 * 3 }, (_, i) => Math.cos(i)), [2, 4, 4, 3]);
    const actual = runKernel('Conv2DBackpropFilter', { x, dy }, attrs);
    const shipped = getShippedKernel('Conv2DBackpropFilter', 'cpu')!;
    const info = shipped.kernelFunc({ inputs: { x, dy }, backend: tf.backend(), attrs: attrs as unknown as tf.NamedAttrMap }) as tf.TensorInfo;
    const expected = tf.engine().makeTensorFromTensorInfo(info);
    expect(Array.from(actual)).toEqual(Array.from(expected.dataSync()));
    tf.dispose([x, dy, expected]);
  });

  it('throws a BackendError naming dataFormat on wasm, which ships no filter gradient', async () => {
    await useBackend('wasm');
    const x = tf.zeros([2, 3, 7, 6]);
    const dy = tf.zeros([2, 4, 4, 3]);
    expect(() => runKernel('Conv2DBackpropFilter', { x, dy }, attrs)).toThrow(
      /Conv2DBackpropFilter on backend 'wasm': attribute 'dataFormat' must be "NHWC"; received "NCHW"/,
    );
    tf.dispose([x, dy]);
  });
});
