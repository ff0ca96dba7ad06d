/**
 * `BatchMatMul` with `transposeA` or `transposeB` for wasm: the shipped kernel multiplies transposed
 * operands about ten times slower than plain ones (measured [256, 128] x [128, 128]: 4.0 ms transposed,
 * 0.39 ms plain), and every dense layer's gradient is such a product (dy · Wᵀ and xᵀ · dy). The
 * replacement runs tfjs-gan's SIMD128 GEMM on single matrices (see `simd-mat-mul.ts`, which also takes
 * large plain products), and otherwise transposes the operand explicitly (the backend's `Transpose`) and
 * runs the shipped plain product.
 *
 * @packageDocumentation
 */
import type { KernelBackend, KernelFunc, TensorInfo } from '@tensorflow/tfjs';

import { requireShipped, tryKernelCalls, withKernelCalls } from './kernel-calls.js';
import { matMulOnHeap } from './simd-mat-mul.js';
import type { KernelPatch } from './kernel-patch.js';

/** The permutation that swaps the last two axes of a rank-`rank` tensor. */
function swapLastTwo(rank: number): number[] {
  const perm = Array.from({ length: rank }, (_, i) => i);
  perm[rank - 2] = rank - 1;
  perm[rank - 1] = rank - 2;
  return perm;
}

/** Makes the `BatchMatMul` kernel of `backendName` around its shipped one. */
export function makeBatchMatMulKernel(backendName: string, fallback: () => KernelFunc | undefined): KernelFunc {
  return (args) => {
    const shipped = requireShipped('BatchMatMul', backendName, fallback);
    const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
    const { transposeA, transposeB } = args.attrs as unknown as { transposeA: boolean; transposeB: boolean };
    const product = tryKernelCalls(args.backend as KernelBackend, backendName, (calls) => matMulOnHeap(calls, a, b, transposeA, transposeB));
    if (product !== undefined) return product;
    if (!transposeA && !transposeB) return shipped(args);
    return withKernelCalls(args.backend as KernelBackend, backendName, (calls) => {
      const plainA = transposeA ? calls.transpose(a, swapLastTwo(a.shape.length)) : a;
      const plainB = transposeB ? calls.transpose(b, swapLastTwo(b.shape.length)) : b;
      return calls.run('BatchMatMul', { a: plainA, b: plainB }, { ...args.attrs, transposeA: false, transposeB: false });
    });
  };
}

/**
 * wasm's `BatchMatMul` is ten times slower with transposed operands (every dense layer's gradient): they
 * are transposed first. Dense layers' gradients and large products run tfjs-gan's SIMD128 GEMM, split
 * among the kernel threads.
 */
export const batchMatMulPatch = { kernelName: 'BatchMatMul', backends: ['wasm'], makeKernel: makeBatchMatMulKernel } as const satisfies KernelPatch;
