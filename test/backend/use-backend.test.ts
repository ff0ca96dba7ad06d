import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';

import { BackendError, ConfigError } from '../../src/errors.js';
import {
  BACKEND_NAMES,
  type BackendName,
  applyKernelPatches,
  getShippedKernel,
  patchedKernels,
  revertKernelPatches,
  useBackend,
} from '../../src/backend/index.js';
import { KERNEL_PATCH_LIST, KERNEL_PATCHES } from '../../src/backend/kernel-patches.js';
import { HAS_TFJS_NODE } from '../helpers/installed.js';

/** Every kernel tfjs-gan replaces on wasm, in the order it registers them: the order of the kernel list. */
const WASM_PATCHES = KERNEL_PATCH_LIST.filter((patch) => patch.backends.includes('wasm')).map((patch) => patch.kernelName);


describe('BACKEND_NAMES', () => {
  it('lists the five backends and is frozen', () => {
    expect(BACKEND_NAMES).toEqual(['cpu', 'wasm', 'webgl', 'webgpu', 'tensorflow']);
    expect(Object.isFrozen(BACKEND_NAMES)).toBe(true);
  });
});

describe('useBackend', () => {
  it('throws a ConfigError that lists the valid names for an unknown name', async () => {
    const attempt = useBackend('nope' as BackendName);
    await expect(attempt).rejects.toBeInstanceOf(ConfigError);
    await expect(attempt).rejects.toThrow(
      /argument 'name' must be one of 'cpu', 'wasm', 'webgl', 'webgpu', 'tensorflow'; received "nope"/,
    );
  });

  it('switches to cpu and patches its kernels', async () => {
    await expect(useBackend('cpu')).resolves.toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(patchedKernels('cpu')).toEqual(['Conv2DBackpropFilter']);
  });

  it('loads wasm from its package, patches its kernels, and can be called again', async () => {
    await expect(useBackend('wasm')).resolves.toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    const patched = tf.getKernel('Conv2DBackpropInput', 'wasm');
    await expect(useBackend('wasm')).resolves.toBe('wasm');
    expect(tf.getKernel('Conv2DBackpropInput', 'wasm')).toBe(patched);
    expect(patchedKernels('wasm')).toEqual(WASM_PATCHES);
  });

  it.skipIf(HAS_TFJS_NODE)('throws a BackendError naming @tensorflow/tfjs-node when it is not installed', async () => {
    const attempt = useBackend('tensorflow');
    await expect(attempt).rejects.toBeInstanceOf(BackendError);
    await expect(attempt).rejects.toThrow(/npm install @tensorflow\/tfjs-node`/);
  });

  it.skipIf(!HAS_TFJS_NODE)('switches to the native tensorflow backend when tfjs-node is installed', async () => {
    await expect(useBackend('tensorflow')).resolves.toBe('tensorflow');
    expect(tf.getBackend()).toBe('tensorflow');
    expect(patchedKernels('tensorflow')).toEqual([]);
  });

  it('throws a BackendError that says why webgl and webgpu are unavailable in Node', async () => {
    await expect(useBackend('webgl')).rejects.toThrow(/no 'webgl' backend on this platform.*needs a browser/);
    await expect(useBackend('webgpu')).rejects.toThrow(/no 'webgpu' backend on this platform.*navigator\.gpu/);
  });
});

describe('KERNEL_PATCHES', () => {
  it('derives from the kernel list: each backend its kernels in list order, each kernel once', () => {
    expect(KERNEL_PATCHES.wasm).toEqual(WASM_PATCHES);
    expect(KERNEL_PATCHES.wasm).toEqual(
      expect.arrayContaining(['Conv2D', 'Conv2DBackpropFilter', 'Conv2DBackpropInput', 'UnsortedSegmentSum', 'BatchMatMul', 'Tile', 'LeakyRelu', 'Sum', 'Mean', 'FusedBatchNorm', 'Identity', 'GatherV2', 'Tanh', '_FusedMatMul', 'Cast']),
    );
    expect(KERNEL_PATCHES.wasm?.slice(0, 3)).toEqual(['Conv2D', 'Conv2DBackpropFilter', 'Conv2DBackpropInput']);
    expect(KERNEL_PATCHES.cpu).toEqual(['Conv2DBackpropFilter']);
    expect(Object.keys(KERNEL_PATCHES)).toEqual(['wasm', 'cpu']);
    expect(new Set(KERNEL_PATCH_LIST.map((patch) => patch.kernelName)).size).toBe(KERNEL_PATCH_LIST.length);
    expect(Object.isFrozen(KERNEL_PATCHES) && Object.isFrozen(KERNEL_PATCHES.wasm) && Object.isFrozen(KERNEL_PATCH_LIST)).toBe(true);
  });
});

describe('applyKernelPatches', () => {
  it('is idempotent and revertible', async () => {
    await useBackend('wasm');
    const shippedInput = getShippedKernel('Conv2DBackpropInput', 'wasm');
    expect(shippedInput).toBeDefined();
    expect(getShippedKernel('Conv2DBackpropFilter', 'wasm')).toBeUndefined();
    const patched = tf.getKernel('Conv2DBackpropInput', 'wasm');
    expect(patched).not.toBe(shippedInput);

    expect(applyKernelPatches('wasm')).toEqual(WASM_PATCHES);
    expect(tf.getKernel('Conv2DBackpropInput', 'wasm')).toBe(patched);

    expect(revertKernelPatches('wasm')).toEqual(WASM_PATCHES);
    expect(tf.getKernel('Conv2DBackpropInput', 'wasm')).toBe(shippedInput);
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeUndefined();
    expect(patchedKernels('wasm')).toEqual([]);

    applyKernelPatches('wasm');
    expect(patchedKernels('wasm')).toEqual(WASM_PATCHES);
    expect(getShippedKernel('Conv2DBackpropInput', 'wasm')).toBe(shippedInput);
  });

  it('does nothing for backends that need no patch', () => {
    expect(applyKernelPatches('webgl')).toEqual([]);
    expect(applyKernelPatches('tensorflow')).toEqual([]);
  });
});
