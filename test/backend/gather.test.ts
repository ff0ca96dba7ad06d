/**
 * wasm's `GatherV2` along the first axis copies whole rows (src/backend/kernels/gather.ts): the same values
 * as the shipped kernel for float32 and int32, any index shape, repeated indices, leak-free; other axes and
 * out-of-range indices keep the shipped behaviour.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';

import { patchedKernels, useBackend } from '../../src/backend/index.js';
import { expectLeakFree } from '../helpers/leaks.js';
import { runShippedWasm } from './kernel-test-utils.js';

/** `gather` with the shipped wasm kernel, for reference. */
function shippedGather(x: tf.Tensor, indices: tf.Tensor, axis: number): tf.Tensor {
  return runShippedWasm('GatherV2', { x, indices }, { axis, batchDims: 0 });
}

describe('GatherV2 on wasm', () => {
  beforeAll(async () => {
    await useBackend('wasm');
  });

  it('is patched and gathers rows as the shipped kernel does, for float32 and int32 and any index shape', () => {
    expect(patchedKernels('wasm')).toContain('GatherV2');
    const floats = tf.tidy(() => tf.randomNormal([7, 3, 5], 0, 1, 'float32', 4));
    const ints = tf.tidy(() => tf.range(0, 7 * 6, 1, 'int32').reshape([7, 6]));
    for (const x of [floats, ints]) {
      for (const indices of [tf.tensor1d([6, 0, 0, 3], 'int32'), tf.tensor2d([[1, 2], [5, 5], [0, 6]], [3, 2], 'int32'), tf.tensor1d([], 'int32')]) {
        for (const axis of [0, -x.rank]) {
          const actual = tf.gather(x, indices, axis);
          const expected = shippedGather(x, indices, 0);
          expect(actual.shape).toEqual(expected.shape);
          expect(actual.dtype).toBe(x.dtype);
          expect(Array.from(actual.dataSync())).toEqual(Array.from(expected.dataSync()));
          tf.dispose([actual, expected]);
        }
        indices.dispose();
      }
    }
    tf.dispose([floats, ints]);
  });

  it('leaves other axes, and the error of an out-of-range index, to the shipped kernel', () => {
    const x = tf.tidy(() => tf.randomNormal([4, 6], 0, 1, 'float32', 5));
    const indices = tf.tensor1d([5, 1], 'int32');
    const actual = tf.gather(x, indices, 1);
    const expected = shippedGather(x, indices, 1);
    expect(Array.from(actual.dataSync())).toEqual(Array.from(expected.dataSync()));
    const outside = tf.tensor1d([0, 4], 'int32');
    expect(() => tf.gather(x, outside, 0).dataSync()).toThrow();
    tf.dispose([x, indices, actual, expected, outside]);
  });

  it('leaks nothing', async () => {
    const x = tf.tidy(() => tf.randomNormal([16, 28, 28, 1], 0, 1, 'float32', 6));
    const indices = tf.tensor1d([3, 1, 4, 1, 5, 9, 2, 6], 'int32');
    await expectLeakFree(() => tf.gather(x, indices).dispose());
    tf.dispose([x, indices]);
  });
});
