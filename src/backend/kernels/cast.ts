/**
 * `Cast` for wasm to the dtype the tensor already has: the shipped kernel copies its bytes, and tfjs's
 * `moments` casts every batch-normalized activation to float32 (four [64, 14, 14, 64] copies per DCGAN
 * step). Tensors are immutable, so the replacement shares the buffer, as `Identity` does (see
 * `identity.ts`). The shipped cast to bool wraps each value into a byte (tfjs 4.22: 0.37 becomes 0, -2.5
 * becomes 254, 256 becomes 0): it becomes `x != 0`. Other casts run the shipped kernel.
 *
 * @packageDocumentation
 */
import type { DataType, KernelBackend, KernelFunc, TensorInfo } from '@tensorflow/tfjs';

import { shareBuffer } from './identity.js';
import { requireShipped, withKernelCalls } from './kernel-calls.js';
import type { KernelPatch } from './kernel-patch.js';

/** Makes the `Cast` kernel of `backendName` around its shipped one. */
export function makeCastKernel(backendName: string, fallback: () => KernelFunc | undefined): KernelFunc {
  return (args) => {
    const shipped = requireShipped('Cast', backendName, fallback);
    const { x } = args.inputs as { x: TensorInfo };
    const { dtype } = args.attrs as unknown as { dtype: DataType };
    if (x.dtype === dtype) return shareBuffer(args.backend as KernelBackend, x) ?? shipped(args);
    // The shipped cast to bool wraps the value into a byte (0.37 becomes 0, -2.5 becomes 254): x != 0 instead.
    if (dtype === 'bool' && (x.dtype === 'float32' || x.dtype === 'int32')) {
      return withKernelCalls(args.backend as KernelBackend, backendName, (calls) =>
        calls.run('NotEqual', { a: x, b: calls.constant(x.dtype === 'int32' ? new Int32Array(1) : new Float32Array(1), []) }),
      );
    }
    return shipped(args);
  };
}

/**
 * wasm's `Cast` copies a tensor cast to the dtype it already has (every batch-norm statistic's input):
 * it shares the buffer instead. Its cast to bool wraps each value into a byte: it becomes `x != 0`.
 */
export const castPatch = { kernelName: 'Cast', backends: ['wasm'], makeKernel: makeCastKernel } as const satisfies KernelPatch;
