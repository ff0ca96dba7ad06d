/**
 * `Tile` for wasm when it broadcasts: the shipped kernel computes every output element's source index
 * one element at a time (measured: [1, 1, 1, 64] tiled to [64, 14, 14, 64] in 169 ms, under load), and
 * tfjs's batch-normalization gradient tiles its per-channel statistics to the whole activation in every
 * training step. When each axis either has size 1 or is repeated once, tiling is broadcasting: the
 * replacement adds the input to a zero tensor of the output's shape (the backend's `Fill` and its
 * broadcasting `Add`: 6 ms for the same case). Other tilings, and bool tensors, use the shipped kernel.
 *
 * @packageDocumentation
 */
import type { KernelBackend, KernelFunc, TensorInfo } from '@tensorflow/tfjs';

import { requireShipped, withKernelCalls } from './kernel-calls.js';
import type { KernelPatch } from './kernel-patch.js';

/** Makes the `Tile` kernel of `backendName` around its shipped one. */
export function makeTileKernel(backendName: string, fallback: () => KernelFunc | undefined): KernelFunc {
  return (args) => {
    const shipped = requireShipped('Tile', backendName, fallback);
    const { x } = args.inputs as { x: TensorInfo };
    const { reps } = args.attrs as unknown as { reps: number[] };
    const broadcasts = x.shape.every((size, axis) => size === 1 || reps[axis] === 1);
    if (!broadcasts || (x.dtype !== 'float32' && x.dtype !== 'int32') || reps.length !== x.shape.length) return shipped(args);
    const shape = x.shape.map((size, axis) => size * reps[axis]);
    if (shape.some((size) => size === 0)) return shipped(args);
    return withKernelCalls(args.backend as KernelBackend, backendName, (calls) => {
      const zeros = calls.run('Fill', {}, { shape, value: 0, dtype: x.dtype });
      return calls.run('Add', { a: x, b: zeros });
    });
  };
}

/**
 * wasm's `Tile` computes each element's source index one by one: the broadcasting tiles of every
 * batch-normalization gradient become a broadcasting `Add`.
 */
export const tilePatch = { kernelName: 'Tile', backends: ['wasm'], makeKernel: makeTileKernel } as const satisfies KernelPatch;
