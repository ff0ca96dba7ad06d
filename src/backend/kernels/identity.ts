/**
 * `Identity` for wasm: the shipped kernel copies the tensor's bytes, and tfjs's engine runs it for every
 * tensor it saves for the backward pass and for every `tf.clone` (about 60 copies of activations per
 * DCGAN training step). Tensors are immutable, so the replacement shares the input's buffer and counts
 * one more reference to it, as the backend's own `Reshape` and the cpu backend's `Identity` do. String
 * tensors use the shipped kernel.
 *
 * @packageDocumentation
 */
import type { KernelBackend, KernelFunc, TensorInfo } from '@tensorflow/tfjs';

import { BackendError } from '../../errors.js';

/** The reference counting that tfjs's backends expose (not in `KernelBackend`'s public type). */
interface RefCountingBackend {
  incRef(dataId: TensorInfo['dataId']): void;
}

/** Makes the `Identity` kernel of `backendName` around its shipped one. */
export function makeIdentityKernel(backendName: string, fallback: () => KernelFunc | undefined): KernelFunc {
  return (args) => {
    const shipped = fallback();
    if (shipped == null) throw new BackendError(`Identity on '${backendName}': the backend ships no Identity kernel to build on.`);
    const { x } = args.inputs as { x: TensorInfo };
    const backend = args.backend as KernelBackend & Partial<RefCountingBackend>;
    if (x.dtype === 'string' || typeof backend.incRef !== 'function') return shipped(args);
    backend.incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  };
}
