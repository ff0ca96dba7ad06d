/**
 * `Identity` for wasm: the shipped kernel copies the tensor's bytes, and tfjs's engine runs it for every
 * tensor it saves for the backward pass and for every `tf.clone` (about 60 copies of activations per
 * DCGAN training step). Tensors are immutable, so the replacement shares the input's buffer and counts
 * one more reference to it, as the backend's own `Reshape` and the cpu backend's `Identity` do. String
 * tensors use the shipped kernel.
 *
 * @packageDocumentation
 */
import type { DataType, KernelBackend, KernelFunc, TensorInfo } from '@tensorflow/tfjs';

import { requireShipped } from './kernel-calls.js';
import type { KernelPatch } from './kernel-patch.js';

/** The reference counting that tfjs's backends expose (not in `KernelBackend`'s public type). */
interface RefCountingBackend {
  incRef(dataId: TensorInfo['dataId']): void;
}

/**
 * `x` as a new output of `dtype` that shares its buffer (one more reference to it), or undefined where the
 * backend counts no references or the dtype is not a plain numeric one.
 */
export function shareBuffer(backend: KernelBackend, x: TensorInfo, dtype: DataType = x.dtype): TensorInfo | undefined {
  const counting = backend as KernelBackend & Partial<RefCountingBackend>;
  if (dtype === 'string' || dtype === 'complex64' || typeof counting.incRef !== 'function') return undefined;
  counting.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype };
}

/** Makes the `Identity` kernel of `backendName` around its shipped one. */
export function makeIdentityKernel(backendName: string, fallback: () => KernelFunc | undefined): KernelFunc {
  return (args) => {
    const shipped = requireShipped('Identity', backendName, fallback);
    const { x } = args.inputs as { x: TensorInfo };
    return shareBuffer(args.backend as KernelBackend, x) ?? shipped(args);
  };
}

/**
 * wasm's `Identity` copies every tensor the engine saves for the backward pass: it shares the buffer
 * instead.
 */
export const identityPatch = { kernelName: 'Identity', backends: ['wasm'], makeKernel: makeIdentityKernel } as const satisfies KernelPatch;
