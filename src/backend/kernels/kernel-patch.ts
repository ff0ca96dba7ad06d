/**
 * The record each kernel module exports: which tfjs kernel it replaces, on which backends, and how to make
 * it. `kernel-patches.ts` lists the records; the list is the one place a kernel is registered.
 *
 * @packageDocumentation
 */
import type { KernelFunc } from '@tensorflow/tfjs';

import type { BackendName } from '../backend-name.js';

/**
 * Makes a kernel for `backendName` around that backend's shipped one.
 *
 * @param backendName - the backend whose kernels it calls.
 * @param fallback - the shipped kernel, looked up when it is needed (`undefined` where tfjs ships none).
 */
export type KernelFactory = (backendName: string, fallback: () => KernelFunc | undefined) => KernelFunc;

/**
 * One kernel that tfjs-gan registers in place of tfjs's (or where tfjs has none). The record's doc
 * comment says why: what is slow, missing or wrong in the shipped kernel, and what replaces it.
 *
 * Declare it `as const satisfies KernelPatch` so that its name stays a literal type: the
 * `PatchedKernelName` union is derived from the list of records.
 */
export interface KernelPatch<Name extends string = string> {
  /** The tfjs kernel name it is registered under, e.g. `'Conv2D'`. */
  readonly kernelName: Name;
  /** The backends it is registered on, e.g. `['wasm']`. */
  readonly backends: readonly BackendName[];
  /** Makes the kernel function for one backend. */
  readonly makeKernel: KernelFactory;
}
