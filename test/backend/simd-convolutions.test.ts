/**
 * tfjs-gan's SIMD128 convolutions on wasm (src/backend/kernels/simd-convolutions.ts, kernels.c): forward,
 * input gradient and filter gradient against the naive references, through the patched kernels and
 * directly, leak-free, and the channel counts they leave to the other paths. On one thread here; the
 * threaded build runs them split among threads in wasm-threads.test.ts.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';

import { useBackend } from '../../src/backend/index.js';
import { simdConv2D, simdConv2DBackpropFilter, simdConv2DBackpropInput, type ConvGeometry } from '../../src/backend/simd/simd-module.js';
import {
  type ConvCase,
  backpropFilterReference,
  backpropInputReference,
  caseName,
  channelRichCases,
  fewChannelCases,
  convGeometry,
  forwardReference,
  relativeError,
} from './conv-reference.js';
import { caseValues, filterAttrs, inputAttrs, kernelCallsDuring, liveCounts, runKernel } from './kernel-test-utils.js';

const cases = channelRichCases().map((c) => [caseName(c), c] as const);

/** The geometry the module takes for a case. */
function geometry(c: ConvCase): ConvGeometry {
  const { outShape, padTop, padLeft } = convGeometry(c);
  const [batch, inHeight, inWidth, inChannels] = c.inputShape;
  return {
    batch,
    inHeight,
    inWidth,
    inChannels,
    outHeight: outShape[1],
    outWidth: outShape[2],
    outChannels: c.filterShape[3],
    filterHeight: c.filterShape[0],
    filterWidth: c.filterShape[1],
    strideHeight: c.strides[0],
    strideWidth: c.strides[1],
    padTop,
    padLeft,
  };
}

/** Runs one of the module's convolutions into a new tensor of `shape` and returns its values (or null). */
function direct(shape: number[], run: (out: tf.TensorInfo) => boolean): Float32Array | null {
  const out = tf.zeros(shape);
  const ran = run(out);
  const values = out.dataSync() as Float32Array;
  out.dispose();
  return ran ? values : null;
}

/** Counts the calls of the kernels the other paths compose (none when the SIMD128 kernel runs). */
const otherPathCalls = (run: () => void): number => kernelCallsDuring('wasm', ['Conv2D', 'Transpose', 'Concat'], run);

/**
 * Checks one of the module's convolutions against `expected` (1e-5 relative): called directly into a new
 * tensor of `shape`, and through its kernel (leak-free; with `noOtherPath`, no kernel of the other paths
 * runs).
 */
function expectOnHeap(
  expected: Float32Array,
  shape: number[],
  viaModule: (out: tf.TensorInfo) => boolean,
  viaKernel: () => Float32Array,
  noOtherPath = true,
): void {
  const ours = direct(shape, viaModule);
  expect(ours).not.toBeNull();
  expect(relativeError(ours!, expected)).toBeLessThanOrEqual(1e-5);
  const before = liveCounts();
  let actual: Float32Array = new Float32Array();
  const calls = otherPathCalls(() => (actual = viaKernel()));
  if (noOtherPath) expect(calls).toBe(0);
  expect(liveCounts()).toEqual(before);
  expect(relativeError(actual, expected)).toBeLessThanOrEqual(1e-5);
}

describe('tfjs-gan SIMD128 convolutions on wasm', () => {
  beforeAll(async () => {
    await useBackend('wasm');
  });

  it.each(cases)('Conv2D matches the naive reference: %s', (_name, c) => {
    const { x, filter } = caseValues(c, 11);
    const xT = tf.tensor4d(x, c.inputShape);
    const wT = tf.tensor4d(filter, c.filterShape);
    const g = geometry(c);
    expectOnHeap(
      forwardReference(c, x, filter),
      [g.batch, g.outHeight, g.outWidth, g.outChannels],
      (y) => simdConv2D(tf.backend(), xT, wT, y, g),
      () => runKernel('Conv2D', { x: xT, filter: wT }, { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', dilations: [1, 1] }),
      false, // the kernel counted is Conv2D itself
    );
    tf.dispose([xT, wT]);
  });

  it.each(cases)('Conv2DBackpropInput matches the naive reference: %s', (_name, c) => {
    const { filter, dy, dyShape } = caseValues(c, 12);
    const dyT = tf.tensor4d(dy, dyShape as [number, number, number, number]);
    const wT = tf.tensor4d(filter, c.filterShape);
    expectOnHeap(
      backpropInputReference(c, dy, filter),
      c.inputShape,
      (dx) => simdConv2DBackpropInput(tf.backend(), dyT, wT, dx, geometry(c)),
      () => runKernel('Conv2DBackpropInput', { dy: dyT, filter: wT }, inputAttrs(c)),
    );
    tf.dispose([dyT, wT]);
  });

  it.each(cases)('Conv2DBackpropFilter matches the naive reference: %s', (_name, c) => {
    const { x, dy, dyShape } = caseValues(c, 13);
    const xT = tf.tensor4d(x, c.inputShape);
    const dyT = tf.tensor4d(dy, dyShape as [number, number, number, number]);
    expectOnHeap(
      backpropFilterReference(c, x, dy),
      c.filterShape,
      (dw) => simdConv2DBackpropFilter(tf.backend(), xT, dyT, dw, geometry(c)),
      () => runKernel('Conv2DBackpropFilter', { x: xT, dy: dyT }, filterAttrs(c)),
    );
    tf.dispose([xT, dyT]);
  });

  it.each(fewChannelCases().map((c) => [caseName(c), c] as const))(
    'Conv2DBackpropInput into few channels (col2im) matches the naive reference: %s',
    (_name, c) => {
      const { filter, dy, dyShape } = caseValues(c, 17);
      const dyT = tf.tensor4d(dy, dyShape as [number, number, number, number]);
      const wT = tf.tensor4d(filter, c.filterShape);
      expectOnHeap(
        backpropInputReference(c, dy, filter),
        c.inputShape,
        (dx) => simdConv2DBackpropInput(tf.backend(), dyT, wT, dx, geometry(c)),
        () => runKernel('Conv2DBackpropInput', { dy: dyT, filter: wT }, inputAttrs(c)),
      );
      tf.dispose([dyT, wT]);
    },
  );

  it('computes filter gradients with output channels and pixels that are not multiples of 4', () => {
    const c: ConvCase = { inputShape: [5, 7, 7, 8], filterShape: [3, 3, 8, 7], strides: [1, 1], pad: 'same' };
    const { x, dy, dyShape } = caseValues(c, 16);
    const xT = tf.tensor4d(x, c.inputShape);
    const dyT = tf.tensor4d(dy, dyShape as [number, number, number, number]);
    expectOnHeap(
      backpropFilterReference(c, x, dy),
      c.filterShape,
      (dw) => simdConv2DBackpropFilter(tf.backend(), xT, dyT, dw, geometry(c)),
      () => runKernel('Conv2DBackpropFilter', { x: xT, dy: dyT }, filterAttrs(c)),
    );
    tf.dispose([xT, dyT]);
  });

  it('computes any channel counts directly, and leaves the ones it would waste work on to the other paths', () => {
    const c: ConvCase = { inputShape: [2, 8, 8, 6], filterShape: [3, 3, 6, 10], strides: [2, 1], pad: 'same' };
    const { x, filter, dy, dyShape } = caseValues(c, 14);
    const xT = tf.tensor4d(x, c.inputShape);
    const wT = tf.tensor4d(filter, c.filterShape);
    const dyT = tf.tensor4d(dy, dyShape as [number, number, number, number]);
    const g = geometry(c);
    // 6 input and 10 output channels: the GEMMs pad their K and their columns with zeros.
    const forward = direct(dyShape, (y) => simdConv2D(tf.backend(), xT, wT, y, g));
    expect(relativeError(forward!, forwardReference(c, x, filter))).toBeLessThanOrEqual(1e-5);
    const input = direct(c.inputShape, (dx) => simdConv2DBackpropInput(tf.backend(), dyT, wT, dx, g));
    expect(relativeError(input!, backpropInputReference(c, dy, filter))).toBeLessThanOrEqual(1e-5);
    // The filter gradient takes input channels in groups of 8 only.
    expect(direct(c.filterShape, (dw) => simdConv2DBackpropFilter(tf.backend(), xT, dyT, dw, g))).toBeNull();
    // The kernels send these channel counts to the other paths, which compute them as well.
    expect(otherPathCalls(() => runKernel('Conv2DBackpropFilter', { x: xT, dy: dyT }, filterAttrs(c)))).toBeGreaterThan(0);
    expect(otherPathCalls(() => runKernel('Conv2DBackpropInput', { dy: dyT, filter: wT }, inputAttrs(c)))).toBeGreaterThan(0);
    // Dilated convolutions run the shipped kernel.
    const dilated = tf.conv2d(tf.ones([1, 9, 9, 8]) as tf.Tensor4D, tf.ones([3, 3, 8, 8]) as tf.Tensor4D, 1, 'valid', 'NHWC', 2);
    expect(dilated.shape).toEqual([1, 5, 5, 8]);
    expect(dilated.dataSync()[0]).toBe(72);
    tf.dispose([xT, wT, dyT, dilated]);
  });

  it('trains through tf.grad: the filter and input gradients of conv2d and conv2dTranspose', () => {
    const c = channelRichCases()[0];
    const { x, filter, dy, dyShape } = caseValues(c, 15);
    const xT = tf.tensor4d(x, c.inputShape);
    const wT = tf.tensor4d(filter, c.filterShape);
    const dyT = tf.tensor4d(dy, dyShape as [number, number, number, number]);
    const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, 'same'))([xT, wT], dyT);
    expect(relativeError(dx.dataSync(), backpropInputReference(c, dy, filter))).toBeLessThanOrEqual(1e-5);
    expect(relativeError(dw.dataSync(), backpropFilterReference(c, x, dy))).toBeLessThanOrEqual(1e-5);
    tf.dispose([xT, wT, dyT, dx, dw]);
  });
});
