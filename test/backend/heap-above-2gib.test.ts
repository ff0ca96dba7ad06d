/**
 * tfjs-gan's kernels with tensors and scratch space past 2 GiB of the wasm heap (a 64x64 style GAN at
 * batch 32 grows it there): emscripten's `malloc` returns those addresses as negative int32s, which must
 * be read unsigned (they were not: "Start offset -2140424232 is outside the bounds of the buffer").
 * Checked against the cpu backend, on wasm with 2 threads (kernels split among them).
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { useBackend } from '../../src/backend/index.js';
import { setSimdSplitThreshold } from '../../src/backend/simd/simd-module.js';
import { pseudoRandom } from './conv-reference.js';

/** Kernel outputs on the active backend, for inputs from fixed seeds. */
function outputs(): Float32Array[] {
  return tf.tidy(() => {
    const x = tf.tensor4d(pseudoRandom(4 * 16 * 16 * 3, 1), [4, 16, 16, 3]);
    const dy = tf.tensor4d(pseudoRandom(4 * 16 * 16 * 8, 2), [4, 16, 16, 8]);
    const wide = tf.tensor4d(pseudoRandom(4 * 8 * 8 * 16, 3), [4, 8, 8, 16]);
    const filter = tf.tensor4d(pseudoRandom(3 * 3 * 16 * 16, 4), [3, 3, 16, 16]);
    const attrs = (channels: number, out: number) => ({ strides: 1, pad: 'same', dataFormat: 'NHWC', dimRoundingMode: undefined, filterShape: [3, 3, channels, out] });
    return [
      // The filter gradient of few input channels takes scratch space from tfjs's allocator.
      tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, attrs(3, 8) as unknown as tf.NamedAttrMap) as tf.Tensor,
      tf.engine().runKernel('Conv2DBackpropFilter', { x: wide, dy: tf.conv2d(wide, filter, 1, 'same') }, attrs(16, 16) as unknown as tf.NamedAttrMap) as tf.Tensor,
      tf.conv2d(wide, filter, 1, 'same'),
      tf.grad((t: tf.Tensor) => tf.sum(tf.avgPool(t as tf.Tensor4D, 2, 2, 'valid')))(wide),
    ].map((t) => t.dataSync() as Float32Array);
  });
}

describe('kernels past 2 GiB of the wasm heap', () => {
  let expected: Float32Array[];
  let threshold = 0;
  beforeAll(async () => {
    await useBackend('cpu');
    expected = outputs();
    await useBackend('wasm', { threads: 2 });
    threshold = setSimdSplitThreshold(0);
  });
  afterAll(() => {
    setSimdSplitThreshold(threshold);
  });

  it('agree with cpu when their tensors and scratch space lie above 2 GiB', { timeout: 120_000 }, () => {
    // 2.25 GiB of ballast: what is allocated after it lies past 2^31.
    const ballast = tf.zeros([604_000_000]);
    try {
      const actual = outputs();
      actual.forEach((values, k) => {
        expect(values.length).toBe(expected[k].length);
        for (let i = 0; i < values.length; i++) expect(Math.abs(values[i] - expected[k][i])).toBeLessThanOrEqual(1e-4 * (1 + Math.abs(expected[k][i])));
      });
    } finally {
      ballast.dispose();
    }
  });
});
