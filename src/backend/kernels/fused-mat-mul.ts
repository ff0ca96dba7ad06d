/**
 * `_FusedMatMul` for wasm (a dense layer's forward pass: product, bias, activation): without activation,
 * tfjs-gan's SIMD128 GEMM with the bias added as the product is stored (see `simd-mat-mul.ts`); with an
 * activation, or a batch of matrices, the shipped kernel.
 *
 * @packageDocumentation
 */
import type { KernelBackend, KernelFunc, TensorInfo } from '@tensorflow/tfjs';

import { BackendError } from '../../errors.js';
import { KernelCalls } from './kernel-calls.js';
import { matMulOnHeap } from './simd-mat-mul.js';

/** Makes the `_FusedMatMul` kernel of `backendName` around its shipped one. */
export function makeFusedMatMulKernel(backendName: string, fallback: () => KernelFunc | undefined): KernelFunc {
  return (args) => {
    const shipped = fallback();
    if (shipped == null) throw new BackendError(`_FusedMatMul on '${backendName}': the backend ships no _FusedMatMul kernel to build on.`);
    const { a, b, bias, preluActivationWeights } = args.inputs as { a: TensorInfo; b: TensorInfo; bias?: TensorInfo; preluActivationWeights?: TensorInfo };
    const { transposeA, transposeB, activation } = args.attrs as unknown as { transposeA: boolean; transposeB: boolean; activation?: string };
    if ((activation ?? 'linear') !== 'linear' || preluActivationWeights != null) return shipped(args);
    const calls = new KernelCalls(args.backend as KernelBackend, backendName);
    const product = matMulOnHeap(calls, a, b, transposeA, transposeB, bias ?? null);
    if (product !== undefined) return calls.finish(product);
    calls.disposeAll();
    return shipped(args);
  };
}
