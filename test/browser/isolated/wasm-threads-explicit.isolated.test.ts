/**
 * An explicit thread count in a cross-origin isolated page is the count that runs, whatever the core
 * count the browser reports (tfjs alone would run half of `navigator.hardwareConcurrency`).
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';

import { useBackend, wasmThreadsInUse } from '../../../src/backend/index.js';

describe('an explicit wasm thread count in a cross-origin isolated page', () => {
  it('starts exactly the threads asked for, more than the reported cores', async () => {
    const threads = navigator.hardwareConcurrency + 1;
    await useBackend('wasm', { threads });
    expect(await wasmThreadsInUse()).toBe(threads);
    const sum = tf.tidy(() => tf.conv2d(tf.ones([1, 4, 4, 1]) as tf.Tensor4D, tf.ones([3, 3, 1, 2]) as tf.Tensor4D, 1, 'valid').sum().dataSync()[0]);
    expect(sum).toBe(2 * 4 * 9);
  });
});
