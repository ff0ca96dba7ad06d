/**
 * `Cast` for wasm to the dtype the tensor already has: the shipped kernel copies its bytes, and tfjs's
 * `moments` casts every batch-normalized activation to float32 (four [64, 14, 14, 64] copies per DCGAN
 * step). Tensors are immutable, so the replacement shares the buffer, as `Identity` does (see
 * `identity.ts`). Casts to another dtype run the shipped kernel.
 *
 * @packageDocumentation
 */
import type { DataType, KernelBackend, KernelFunc, TensorInfo } from '@tensorflow/tfjs';

import { shareBuffer } from './identity.js';
import { requireShipped } from './kernel-calls.js';

/** Makes the `Cast` kernel of `backendName` around its shipped one. */
export function makeCastKernel(backendName: string, fallback: () => KernelFunc | undefined): KernelFunc {
  return (args) => {
    const shipped = requireShipped('Cast', backendName, fallback);
    const { x } = args.inputs as { x: TensorInfo };
    const { dtype } = args.attrs as unknown as { dtype: DataType };
    return (x.dtype === dtype ? shareBuffer(args.backend as KernelBackend, x) : undefined) ?? shipped(args);
  };
}
