/**
 * A page that is not cross-origin isolated has no SharedArrayBuffer and cannot run wasm threads:
 * `useBackend('wasm', { threads })` starts the single-threaded build there, silently.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it, vi } from 'vitest';

import { useBackend, wasmThreadsInUse } from '../../src/backend/index.js';

describe('wasm threads in a page that is not cross-origin isolated', () => {
  it('runs the single-threaded build without a warning, whatever the threads asked for', async () => {
    expect(crossOriginIsolated).toBe(false);
    const warn = vi.spyOn(console, 'warn');
    await useBackend('wasm', { threads: 2 });
    expect(tf.getBackend()).toBe('wasm');
    expect(await wasmThreadsInUse()).toBe(1);
    await expect(useBackend('wasm', { threads: 'auto' })).resolves.toBe('wasm');
    expect(await wasmThreadsInUse()).toBe(1);
    expect(warn).not.toHaveBeenCalled();
    warn.mockRestore();
  });
});
