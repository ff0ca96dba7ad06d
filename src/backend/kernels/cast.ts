/**
 * `Cast` for wasm to the dtype the tensor already has: the shipped kernel copies its bytes, and tfjs's
 * `moments` casts every batch-normalized activation to float32 (four [64, 14, 14, 64] copies per DCGAN
 * step). Tensors are immutable, so the replacement shares the buffer, as `Identity` does (see
 * `identity.ts`). Casts to another dtype run the shipped kernel.
 *
 * @packageDocumentation
 */
import type { DataType, KernelBackend, KernelFunc, TensorInfo } from '@tensorflow/tfjs';

import { BackendError } from '../../errors.js';
import { shareBuffer } from './identity.js';

/** Makes the `Cast` kernel of `backendName` around its shipped one. */
export function makeCastKernel(backendName: string, fallback: () => KernelFunc | undefined): KernelFunc {
  return (args) => {
    const shipped = fallback();
    if (shipped == null) throw new BackendError(`Cast on '${backendName}': the backend ships no Cast kernel to build on.`);
    const { x } = args.inputs as { x: TensorInfo };
    const { dtype } = args.attrs as unknown as { dtype: DataType };
    return (x.dtype === dtype ? shareBuffer(args.backend as KernelBackend, x) : undefined) ?? shipped(args);
  };
}
