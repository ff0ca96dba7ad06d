/**
 * tfjs-gan's replacements for slow or missing convolution-gradient kernels of the `wasm` and `cpu`
 * backends. Each replacement is built from the backend's own fast forward `Conv2D` (see
 * `kernels/conv2d-backprop-filter.ts` and `kernels/conv2d-backprop-input.ts`) and registered under the
 * shipped kernel's name, so gradients, gradients of gradients and `conv2dTranspose` all use it without
 * any other change. The shipped kernels are kept: the replacements fall back to them for what they do
 * not handle, and {@link revertKernelPatches} puts them back.
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelConfig } from '@tensorflow/tfjs';

import { BackendError } from '../errors.js';
import type { BackendName } from './backend-name.js';
import type { KernelFactory, KernelPatch } from './kernels/kernel-patch.js';
import { avgPoolGradPatch } from './kernels/avg-pool-grad.js';
import { batchMatMulPatch } from './kernels/batch-mat-mul.js';
import { castPatch } from './kernels/cast.js';
import { conv2dPatch } from './kernels/conv2d.js';
import { conv2dBackpropFilterPatch } from './kernels/conv2d-backprop-filter.js';
import { conv2dBackpropInputPatch } from './kernels/conv2d-backprop-input.js';
import { fusedMatMulPatch } from './kernels/fused-mat-mul.js';
import { gatherV2Patch } from './kernels/gather.js';
import { fusedBatchNormPatch } from './kernels/fused-batch-norm.js';
import { identityPatch } from './kernels/identity.js';
import { meanPatch, sumPatch } from './kernels/leading-axes-reduction.js';
import { leakyReluPatch } from './kernels/leaky-relu.js';
import { tanhPatch } from './kernels/tanh.js';
import { tilePatch } from './kernels/tile.js';
import { unsortedSegmentSumPatch } from './kernels/unsorted-segment-sum.js';

/**
 * Every kernel tfjs-gan registers, in the order it registers them on each backend. Adding a kernel: a
 * module under `kernels/` that exports its {@link KernelPatch} record (with the reason as the record's
 * doc comment), and one line here. The name type, {@link KERNEL_PATCHES} and the tests derive from it.
 */
const PATCH_LIST = [
  conv2dPatch,
  conv2dBackpropFilterPatch,
  conv2dBackpropInputPatch,
  unsortedSegmentSumPatch,
  batchMatMulPatch,
  tilePatch,
  leakyReluPatch,
  sumPatch,
  meanPatch,
  fusedBatchNormPatch,
  identityPatch,
  gatherV2Patch,
  tanhPatch,
  fusedMatMulPatch,
  castPatch,
  avgPoolGradPatch,
] as const;

/** The names of the kernels that tfjs-gan can replace. */
export type PatchedKernelName = (typeof PATCH_LIST)[number]['kernelName'];

/** Every kernel patch, in registration order (see each record's doc comment for why it exists). */
export const KERNEL_PATCH_LIST: readonly KernelPatch<PatchedKernelName>[] = Object.freeze([...PATCH_LIST]);

/** Each patch's kernel factory by its kernel name. */
const KERNEL_FACTORIES = Object.fromEntries(KERNEL_PATCH_LIST.map((patch) => [patch.kernelName, patch.makeKernel])) as Readonly<
  Record<PatchedKernelName, KernelFactory>
>;

/** The kernels each backend patches, in list order; backends in the order the list first names them. */
function patchesByBackend(list: readonly KernelPatch<PatchedKernelName>[]): Partial<Record<BackendName, readonly PatchedKernelName[]>> {
  const byBackend: Partial<Record<BackendName, PatchedKernelName[]>> = {};
  for (const patch of list) {
    for (const backendName of patch.backends) (byBackend[backendName] ??= []).push(patch.kernelName);
  }
  for (const names of Object.values(byBackend)) Object.freeze(names);
  return byBackend;
}

/**
 * Which kernels are replaced on which backend, derived from the kernel modules' records: on `wasm`,
 * slow, missing or wrong kernels (each record's doc comment says which and why); on `cpu`, the filter
 * gradient. `webgl`, `webgpu` and `tensorflow` need none.
 */
export const KERNEL_PATCHES: Readonly<Partial<Record<BackendName, readonly PatchedKernelName[]>>> = Object.freeze(
  patchesByBackend(KERNEL_PATCH_LIST),
);

/** What one patch replaced and what it registered. */
interface PatchRecord {
  readonly shipped: KernelConfig | undefined;
  readonly patched: KernelConfig;
}

const records = new Map<string, PatchRecord>();

function recordKey(kernelName: string, backendName: string): string {
  return `${backendName}/${kernelName}`;
}

/** Whether `kernelName` on `backendName` is currently tfjs-gan's replacement. */
function isPatched(kernelName: PatchedKernelName, backendName: string): boolean {
  const record = records.get(recordKey(kernelName, backendName));
  return record != null && tf.getKernel(kernelName, backendName) === record.patched;
}

/**
 * Registers tfjs-gan's convolution-gradient kernels for `backendName`, replacing the shipped ones.
 * Idempotent: kernels already replaced stay as they are. A no-op (returns `[]`) for backends that need
 * no patch (`webgl`, `webgpu`, `tensorflow`).
 *
 * @param backendName - the backend to patch; its package must already be loaded (see `useBackend`).
 * @returns the kernels that are now replaced on that backend.
 * @throws {@link BackendError} when the backend's kernels are not registered (`wasm` before
 *   `@tensorflow/tfjs-backend-wasm` is imported).
 * @example
 * ```ts
 * import '@tensorflow/tfjs-backend-wasm';
 * applyKernelPatches('wasm'); // ['Conv2D', 'Conv2DBackpropFilter', 'Conv2DBackpropInput', ..., '_FusedMatMul', 'Cast']
 * ```
 */
export function applyKernelPatches(backendName: BackendName): readonly PatchedKernelName[] {
  const kernelNames = KERNEL_PATCHES[backendName] ?? [];
  if (kernelNames.length === 0) return [];
  if (tf.getKernel('Conv2D', backendName) == null) {
    const hint = backendName === 'wasm' ? ` Load it first: useBackend('wasm') or import '@tensorflow/tfjs-backend-wasm'.` : '';
    throw new BackendError(
      `applyKernelPatches: argument 'backendName' must name a backend whose kernels are registered; ` +
        `no 'Conv2D' kernel is registered for ${JSON.stringify(backendName)}.${hint}`,
    );
  }
  for (const kernelName of kernelNames) {
    if (isPatched(kernelName, backendName)) continue;
    const key = recordKey(kernelName, backendName);
    const shipped = tf.getKernel(kernelName, backendName) ?? undefined;
    const patched: KernelConfig = {
      kernelName,
      backendName,
      kernelFunc: KERNEL_FACTORIES[kernelName](backendName, () => records.get(key)?.shipped?.kernelFunc),
      // The shipped kernel's setup (wasm binds its C function there) still has to run if the backend is
      // initialised again after the patch.
      setupFunc: shipped?.setupFunc,
      disposeFunc: shipped?.disposeFunc,
    };
    if (shipped != null) tf.unregisterKernel(kernelName, backendName);
    tf.registerKernel(patched);
    records.set(key, { shipped, patched });
  }
  return kernelNames;
}

/**
 * Puts the shipped kernels back where {@link applyKernelPatches} replaced them (for comparisons and
 * tests). Kernels registered by someone else since are left alone.
 *
 * @returns the kernels that were reverted.
 */
export function revertKernelPatches(backendName: BackendName): PatchedKernelName[] {
  const reverted: PatchedKernelName[] = [];
  for (const kernelName of KERNEL_PATCHES[backendName] ?? []) {
    const key = recordKey(kernelName, backendName);
    const record = records.get(key);
    if (record == null) continue;
    if (isPatched(kernelName, backendName)) {
      tf.unregisterKernel(kernelName, backendName);
      if (record.shipped != null) tf.registerKernel(record.shipped);
      reverted.push(kernelName);
    }
    records.delete(key);
  }
  return reverted;
}

/**
 * The kernel that tfjs shipped for `kernelName` on `backendName`, whether or not it is patched now
 * (`undefined` where tfjs ships none, as for `Conv2DBackpropFilter` on wasm).
 */
export function getShippedKernel(kernelName: PatchedKernelName, backendName: BackendName): KernelConfig | undefined {
  const record = records.get(recordKey(kernelName, backendName));
  if (record != null) return record.shipped;
  return tf.getKernel(kernelName, backendName) ?? undefined;
}

/** The kernels of `backendName` that are tfjs-gan's replacements right now. */
export function patchedKernels(backendName: BackendName): PatchedKernelName[] {
  return (KERNEL_PATCHES[backendName] ?? []).filter((kernelName) => isPatched(kernelName, backendName));
}
