/**
 * When the multi-threaded wasm build cannot be prepared (here: the temporary directory cannot be
 * written), `useBackend('wasm', { threads })` warns and starts the single-threaded build. Its own process.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it, vi } from 'vitest';

import { useBackend, wasmThreadsInUse } from '../../src/backend/index.js';

describe('wasm threads fallback', () => {
  it('warns and runs single-threaded when the worker script cannot be written', async () => {
    const tmp = process.env.TMPDIR;
    process.env.TMPDIR = '/dev/null/not-a-directory';
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      await useBackend('wasm', { threads: 2 });
    } finally {
      if (tmp === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = tmp;
    }
    expect(warn.mock.calls.some(([m]) => /cannot prepare the multi-threaded wasm build .*; using the single-threaded build/.test(String(m)))).toBe(true);
    warn.mockRestore();
    expect(tf.getBackend()).toBe('wasm');
    expect(await wasmThreadsInUse()).toBe(1);
    const sum = tf.tidy(() => tf.conv2d(tf.ones([1, 4, 4, 1]) as tf.Tensor4D, tf.ones([3, 3, 1, 2]) as tf.Tensor4D, 1, 'valid').sum().dataSync()[0]);
    expect(sum).toBe(2 * 4 * 9);
  });
});
