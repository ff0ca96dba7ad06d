/**
 * When the threaded wasm build fails to start in a cross-origin isolated page (here: the page may not
 * start workers), `useBackend('wasm', { threads })` warns and runs the single-threaded build.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it, vi } from 'vitest';

import { useBackend, wasmThreadsInUse } from '../../../src/backend/index.js';

describe('wasm threads fallback in a cross-origin isolated page', () => {
  it('warns and runs single-threaded when the pthread workers cannot start', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const Worker = globalThis.Worker;
    globalThis.Worker = class {
      constructor() {
        throw new DOMException('workers are blocked here', 'SecurityError');
      }
    } as unknown as typeof globalThis.Worker;
    try {
      await useBackend('wasm', { threads: 2 });
    } finally {
      globalThis.Worker = Worker;
    }
    expect(warn.mock.calls.some(([m]) => /the multi-threaded wasm build failed to start \(.*workers are blocked here.*\); using the single-threaded build/.test(String(m)))).toBe(true);
    warn.mockRestore();
    expect(tf.getBackend()).toBe('wasm');
    expect(await wasmThreadsInUse()).toBe(1);
    const sum = tf.tidy(() => tf.conv2d(tf.ones([1, 4, 4, 1]) as tf.Tensor4D, tf.ones([3, 3, 1, 2]) as tf.Tensor4D, 1, 'valid').sum().dataSync()[0]);
    expect(sum).toBe(2 * 4 * 9);
  });
});
