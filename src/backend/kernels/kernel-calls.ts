/**
 * Calls a backend's own kernels directly, on `TensorInfo`s, from inside another kernel. Every result is
 * an intermediate owned by the {@link KernelCalls} object until {@link KernelCalls.finish} keeps one of
 * them and frees the others with `backend.disposeData`. Nothing is recorded on the gradient tape and no
 * data ever moves to another backend.
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelBackend, KernelFunc, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs';

import { BackendError } from '../../errors.js';

/** Explicit NHWC padding as tfjs kernels take it: `[[0, 0], [top, bottom], [left, right], [0, 0]]`. */
export type ExplicitPadding = [[number, number], [number, number], [number, number], [number, number]];

/** Calls kernels of one backend and tracks the intermediates they return. */
export class KernelCalls {
  private readonly intermediates: TensorInfo[] = [];

  /**
   * @param backend - the backend instance a kernel function received.
   * @param backendName - its registered name, used to look kernels up (`'wasm'`, `'cpu'`).
   */
  constructor(
    readonly backend: KernelBackend,
    readonly backendName: string,
  ) {}

  /**
   * Runs one registered kernel of this backend and tracks its output.
   *
   * @throws {@link BackendError} when the backend has no such kernel.
   */
  run(kernelName: string, inputs: NamedTensorInfoMap, attrs: NamedAttrMap = {}): TensorInfo {
    const config = tf.getKernel(kernelName, this.backendName);
    if (config == null) {
      throw new BackendError(
        `Kernel '${kernelName}' is not registered for backend '${this.backendName}'; ` +
          `tfjs-gan's convolution kernels need it.`,
      );
    }
    const output = config.kernelFunc({ inputs, backend: this.backend, attrs });
    const outputs = Array.isArray(output) ? output : [output];
    this.intermediates.push(...outputs);
    return outputs[0];
  }

  /** `x` with its axes permuted. Keep ranks at 4 or below: wasm transposes higher ranks element by element. */
  transpose(x: TensorInfo, perm: number[]): TensorInfo {
    return this.run('Transpose', { x }, { perm });
  }

  /** `x` viewed with another shape (shares data). */
  reshape(x: TensorInfo, shape: number[]): TensorInfo {
    return this.run('Reshape', { x }, { shape });
  }

  /**
   * A box of `x`; returns `x` itself (untracked) when the box is all of `x`. On wasm a slice first
   * copies all of `x`: avoid it on big tensors in hot paths.
   */
  slice(x: TensorInfo, begin: number[], size: number[]): TensorInfo {
    if (begin.every((b) => b === 0) && size.every((s, i) => s === x.shape[i])) return x;
    return this.run('Slice', { x }, { begin, size });
  }

  /** The float32 values of `x` (on wasm a copy, on cpu the backend's own array: do not modify). */
  readFloats(x: TensorInfo): Float32Array {
    if (x.dtype !== 'float32') {
      throw new BackendError(`Kernel input must have dtype "float32"; received ${JSON.stringify(x.dtype)}`);
    }
    return this.backend.readSync(x.dataId) as Float32Array;
  }

  /** A new tracked tensor of this backend holding `values` (float32, or int32 for an `Int32Array`). */
  constant(values: Float32Array | Int32Array, shape: number[]): TensorInfo {
    const dtype = values instanceof Int32Array ? 'int32' : 'float32';
    const info: TensorInfo = { dataId: this.backend.write(values, shape, dtype), shape, dtype };
    this.intermediates.push(info);
    return info;
  }

  /**
   * A new tracked tensor of `shape` (float32 unless said) whose values the caller writes, on a backend that
   * allocates outputs itself (wasm's `makeOutput`); undefined on other backends.
   */
  allocate(shape: number[], dtype: 'float32' | 'int32' = 'float32'): TensorInfo | undefined {
    const maker = this.backend as unknown as { makeOutput?: (shape: number[], dtype: 'float32' | 'int32') => TensorInfo };
    if (typeof maker.makeOutput !== 'function') return undefined;
    const info = maker.makeOutput(shape, dtype);
    this.intermediates.push(info);
    return info;
  }

  /** `inputs` concatenated along `axis`. */
  concat(inputs: TensorInfo[], axis: number): TensorInfo {
    return this.run('Concat', inputs as unknown as NamedTensorInfoMap, { axis });
  }

  /** NHWC 2-D convolution with explicit padding. */
  conv2d(
    x: TensorInfo,
    filter: TensorInfo,
    pad: ExplicitPadding,
    dilations: [number, number] = [1, 1],
  ): TensorInfo {
    return this.run(
      'Conv2D',
      { x, filter },
      { strides: [1, 1], pad, dataFormat: 'NHWC', dilations },
    );
  }

  /**
   * Keeps `result` and disposes every other intermediate.
   *
   * @returns `result`, whose reference the caller now owns.
   */
  finish(result: TensorInfo): TensorInfo {
    // A result that is not an intermediate is one of the kernel's inputs: return a copy that we own.
    if (!this.intermediates.includes(result)) result = this.run('Identity', { x: result });
    for (const info of this.intermediates) {
      if (info !== result) this.backend.disposeData(info.dataId);
    }
    this.intermediates.length = 0;
    return result;
  }

  /** Disposes every intermediate (on the error path). */
  disposeAll(): void {
    for (const info of this.intermediates) this.backend.disposeData(info.dataId);
    this.intermediates.length = 0;
  }
}

/**
 * Runs `body` with a fresh {@link KernelCalls}; keeps what it returns and frees every other intermediate,
 * also when it throws.
 */
export function withKernelCalls(
  backend: KernelBackend,
  backendName: string,
  body: (calls: KernelCalls) => TensorInfo,
): TensorInfo {
  const result = tryKernelCalls(backend, backendName, body);
  if (result === undefined) throw new BackendError(`A kernel of backend '${backendName}' produced no result.`);
  return result;
}

/**
 * Like {@link withKernelCalls} for a body that may decline (returns `undefined`, for instance where a fast
 * path does not apply): then every intermediate is freed and the caller runs another kernel.
 */
export function tryKernelCalls(
  backend: KernelBackend,
  backendName: string,
  body: (calls: KernelCalls) => TensorInfo | undefined,
): TensorInfo | undefined {
  const calls = new KernelCalls(backend, backendName);
  let result: TensorInfo | undefined;
  try {
    result = body(calls);
  } catch (error) {
    calls.disposeAll();
    throw error;
  }
  if (result === undefined) {
    calls.disposeAll();
    return undefined;
  }
  return calls.finish(result);
}

/**
 * The shipped kernel a replacement builds on (`fallback`, from `applyKernelPatches`).
 *
 * @throws {@link BackendError} when the backend ships no `kernelName` kernel.
 */
export function requireShipped(kernelName: string, backendName: string, fallback: () => KernelFunc | undefined): KernelFunc {
  const shipped = fallback();
  if (shipped == null) throw new BackendError(`${kernelName} on '${backendName}': the backend ships no ${kernelName} kernel to build on.`);
  return shipped;
}
