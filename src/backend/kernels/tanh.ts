/**
 * `Tanh` for wasm: the shipped kernel calls libm's `tanhf` one element at a time (measured: a batch of 64
 * MNIST images in 0.6 ms, and a generator's output layer applies it to every image it makes). The
 * replacement computes 4 elements at once with tfjs-gan's SIMD128 module (a polynomial, and an exponential
 * from a polynomial and a power of two: within a few units in the last place of `tanhf`, NaN kept).
 * Other dtypes run the shipped kernel.
 *
 * @packageDocumentation
 */
import type { KernelBackend, KernelFunc, TensorInfo } from '@tensorflow/tfjs';

import { simdTanh } from '../simd/simd-module.js';
import { requireShipped, tryKernelCalls } from './kernel-calls.js';
import type { KernelPatch } from './kernel-patch.js';

/** Makes the `Tanh` kernel of `backendName` around its shipped one. */
export function makeTanhKernel(backendName: string, fallback: () => KernelFunc | undefined): KernelFunc {
  return (args) => {
    const shipped = requireShipped('Tanh', backendName, fallback);
    const { x } = args.inputs as { x: TensorInfo };
    if (x.dtype !== 'float32') return shipped(args);
    const out = tryKernelCalls(args.backend as KernelBackend, backendName, (calls) => {
      const y = calls.allocate([...x.shape]);
      return y !== undefined && simdTanh(calls.backend, x, y) ? y : undefined;
    });
    return out ?? shipped(args);
  };
}

/**
 * wasm's `Tanh` calls libm per element: it runs 4 at a time in tfjs-gan's SIMD128 module.
 */
export const tanhPatch = { kernelName: 'Tanh', backends: ['wasm'], makeKernel: makeTanhKernel } as const satisfies KernelPatch;
