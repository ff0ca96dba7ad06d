/**
 * `_FusedMatMul` for wasm (a dense layer's forward pass): large products without bias or activation (a
 * generator's first layer, whose batch norm follows) run tfjs-gan's SIMD128 GEMM split among the kernel
 * threads (see `simd-mat-mul.ts`). The shipped kernel adds the bias wrongly to every row after the first
 * of a batched or transposed product (tfjs 4.22; a dense layer's product is neither): such products with
 * a bias, an activation or PReLU weights run as the backend's `BatchMatMul`, `Add` and activation kernels.
 * Everything else runs the shipped kernel.
 *
 * @packageDocumentation
 */
import type { KernelBackend, KernelFunc, TensorInfo } from '@tensorflow/tfjs';

import { BackendError, describeValue } from '../../errors.js';
import { type KernelCalls, requireShipped, tryKernelCalls, withKernelCalls } from './kernel-calls.js';
import { matMulOnHeap } from './simd-mat-mul.js';
import type { KernelPatch } from './kernel-patch.js';

/** Makes the `_FusedMatMul` kernel of `backendName` around its shipped one. */
export function makeFusedMatMulKernel(backendName: string, fallback: () => KernelFunc | undefined): KernelFunc {
  return (args) => {
    const shipped = requireShipped('_FusedMatMul', backendName, fallback);
    const { a, b, bias, preluActivationWeights } = args.inputs as Record<string, TensorInfo | undefined>;
    const { transposeA, transposeB, activation } = args.attrs as unknown as { transposeA: boolean; transposeB: boolean; activation?: string };
    if (a == null || b == null) return shipped(args);
    const fused = bias != null || preluActivationWeights != null || (activation ?? 'linear') !== 'linear';
    if (fused) {
      const batched = a.shape.slice(0, -2).some((s) => s > 1) || b.shape.slice(0, -2).some((s) => s > 1);
      if (!transposeA && !transposeB && !batched) return shipped(args);
      return withKernelCalls(args.backend as KernelBackend, backendName, (calls) => {
        const product = calls.run('BatchMatMul', { a, b }, { transposeA, transposeB });
        const biased = bias == null ? product : calls.run('Add', { a: product, b: bias });
        return applyActivation(calls, biased, activation ?? 'linear', args.attrs as unknown as ActivationAttrs, preluActivationWeights);
      });
    }
    return tryKernelCalls(args.backend as KernelBackend, backendName, (calls) => matMulOnHeap(calls, a, b, transposeA, transposeB)) ?? shipped(args);
  };
}

/** The attributes of `_FusedMatMul` that its activations read. */
interface ActivationAttrs {
  readonly leakyreluAlpha?: number;
}

/** `x` through the fused activation `name`, with the backend's own kernels. */
function applyActivation(calls: KernelCalls, x: TensorInfo, name: string, attrs: ActivationAttrs, preluWeights: TensorInfo | undefined): TensorInfo {
  switch (name) {
    case 'linear':
      return x;
    case 'relu':
      return calls.run('Relu', { x });
    case 'relu6':
      return calls.run('Relu6', { x });
    case 'elu':
      return calls.run('Elu', { x });
    case 'sigmoid':
      return calls.run('Sigmoid', { x });
    case 'leakyrelu':
      return calls.run('LeakyRelu', { x }, { alpha: attrs.leakyreluAlpha ?? 0.2 });
    case 'prelu':
      if (preluWeights == null) throw new BackendError(`_FusedMatMul: activation 'prelu' needs input 'preluActivationWeights'; received none.`);
      return calls.run('Prelu', { x, alpha: preluWeights });
    default:
      throw new BackendError(`_FusedMatMul: attribute 'activation' must be linear, relu, relu6, elu, sigmoid, leakyrelu or prelu; received ${describeValue(name)}.`);
  }
}

/**
 * wasm's `_FusedMatMul` adds the bias wrongly to every row after the first of a batched or transposed
 * product: those products with a bias or activation run as `BatchMatMul`, `Add` and the activation. Large
 * products without bias or activation run tfjs-gan's SIMD128 GEMM, split among the kernel threads.
 */
export const fusedMatMulPatch = { kernelName: '_FusedMatMul', backends: ['wasm'], makeKernel: makeFusedMatMulKernel } as const satisfies KernelPatch;
