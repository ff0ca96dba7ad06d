/**
 * `_FusedMatMul` for wasm (a dense layer's forward pass): large products without bias or activation (a
 * generator's first layer, whose batch norm follows) run tfjs-gan's SIMD128 GEMM split among the kernel
 * threads (see `simd-mat-mul.ts`); everything else runs the shipped kernel.
 *
 * @packageDocumentation
 */
import type { KernelBackend, KernelFunc, TensorInfo } from '@tensorflow/tfjs';

import { requireShipped, tryKernelCalls } from './kernel-calls.js';
import { matMulOnHeap } from './simd-mat-mul.js';

/** Makes the `_FusedMatMul` kernel of `backendName` around its shipped one. */
export function makeFusedMatMulKernel(backendName: string, fallback: () => KernelFunc | undefined): KernelFunc {
  return (args) => {
    const shipped = requireShipped('_FusedMatMul', backendName, fallback);
    const { a, b, bias, preluActivationWeights } = args.inputs as Record<string, TensorInfo | undefined>;
    const { transposeA, transposeB, activation } = args.attrs as unknown as { transposeA: boolean; transposeB: boolean; activation?: string };
    if (a == null || b == null || bias != null || preluActivationWeights != null || (activation ?? 'linear') !== 'linear') return shipped(args);
    return tryKernelCalls(args.backend as KernelBackend, backendName, (calls) => matMulOnHeap(calls, a, b, transposeA, transposeB)) ?? shipped(args);
  };
}
