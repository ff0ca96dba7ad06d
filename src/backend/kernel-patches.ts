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
import type { KernelConfig, KernelFunc } from '@tensorflow/tfjs';

import { BackendError } from '../errors.js';
import type { BackendName } from './backend-name.js';
import { makeBatchMatMulKernel } from './kernels/batch-mat-mul.js';
import { makeCastKernel } from './kernels/cast.js';
import { makeConv2DKernel } from './kernels/conv2d.js';
import { makeConv2DBackpropFilterKernel } from './kernels/conv2d-backprop-filter.js';
import { makeConv2DBackpropInputKernel } from './kernels/conv2d-backprop-input.js';
import { makeFusedMatMulKernel } from './kernels/fused-mat-mul.js';
import { makeGatherV2Kernel } from './kernels/gather.js';
import { makeFusedBatchNormKernel } from './kernels/fused-batch-norm.js';
import { makeIdentityKernel } from './kernels/identity.js';
import { makeMeanKernel, makeSumKernel } from './kernels/leading-axes-reduction.js';
import { makeLeakyReluKernel } from './kernels/leaky-relu.js';
import { makeTanhKernel } from './kernels/tanh.js';
import { makeTileKernel } from './kernels/tile.js';
import { makeUnsortedSegmentSumKernel } from './kernels/unsorted-segment-sum.js';

/** The names of the kernels that tfjs-gan can replace. */
export type PatchedKernelName =
  | 'Conv2D'
  | 'Conv2DBackpropFilter'
  | 'Conv2DBackpropInput'
  | 'UnsortedSegmentSum'
  | 'BatchMatMul'
  | 'Tile'
  | 'LeakyRelu'
  | 'Sum'
  | 'Mean'
  | 'FusedBatchNorm'
  | 'Identity'
  | 'GatherV2'
  | 'Tanh'
  | '_FusedMatMul'
  | 'Cast';

/**
 * Which kernels are replaced on which backend. wasm has no `Conv2DBackpropFilter` at all and a
 * `Conv2DBackpropInput` about ten times slower than its `Conv2D`. cpu's filter gradient is 20 to 100
 * times slower than the same gradient composed from its `Conv2D`; its input gradient, a dot-product
 * loop, is faster than its own `Conv2D` (measured 190 vs 290 ms), so it stays. wasm also lacks
 * `UnsortedSegmentSum`, the gradient of `gather` (embeddings): it is added from `OneHot` and `BatchMatMul`.
 * wasm's `BatchMatMul` is ten times slower with transposed operands (every dense layer's gradient):
 * they are transposed first. wasm's `Tile` computes each element's source index one by one; the
 * broadcasting tiles of every batch-normalization gradient become a broadcasting `Add`. wasm's
 * `LeakyRelu` is scalar (45 times slower than its `Relu`): it becomes `x * step(x, alpha)`. wasm's `Sum`
 * and `Mean` copy the input through a transpose first: reductions over leading axes (every
 * batch-normalization statistic, every convolution's bias gradient) become one average pooling. wasm's
 * `FusedBatchNorm` is scalar: it becomes three broadcasting vector operations. wasm's `Identity` copies
 * every tensor the engine saves for the backward pass: it shares the buffer instead. wasm's `Conv2D`
 * (XNNPACK), and the gradients above, run tfjs-gan's own SIMD128 convolutions where the channel counts
 * allow (see `kernels/simd-convolutions.ts`), split among the kernel threads of the threaded build.
 * wasm's `GatherV2` computes each element's source index: gathers along the first axis (every batch a
 * dataset samples) copy whole rows instead. Dense layers' gradients (`BatchMatMul` with a transposed
 * operand) and large products (`BatchMatMul`, `_FusedMatMul` without bias or activation) run tfjs-gan's
 * SIMD128 GEMM, split among the kernel threads. wasm's `Tanh` calls libm per
 * element: it runs 4 at a time in the module. wasm's `Cast` copies a tensor cast to the dtype it already
 * has (every batch-norm statistic's input): it shares the buffer instead.
 */
export const KERNEL_PATCHES: Readonly<Partial<Record<BackendName, readonly PatchedKernelName[]>>> = Object.freeze({
  wasm: Object.freeze([
    'Conv2D',
    'Conv2DBackpropFilter',
    'Conv2DBackpropInput',
    'UnsortedSegmentSum',
    'BatchMatMul',
    'Tile',
    'LeakyRelu',
    'Sum',
    'Mean',
    'FusedBatchNorm',
    'Identity',
    'GatherV2',
    'Tanh',
    '_FusedMatMul',
    'Cast',
  ] as const),
  cpu: Object.freeze(['Conv2DBackpropFilter'] as const),
});

const KERNEL_FACTORIES: Readonly<
  Record<PatchedKernelName, (backendName: string, fallback: () => KernelFunc | undefined) => KernelFunc>
> = {
  Conv2D: makeConv2DKernel,
  Conv2DBackpropFilter: makeConv2DBackpropFilterKernel,
  Conv2DBackpropInput: makeConv2DBackpropInputKernel,
  UnsortedSegmentSum: makeUnsortedSegmentSumKernel,
  BatchMatMul: makeBatchMatMulKernel,
  Tile: makeTileKernel,
  LeakyRelu: makeLeakyReluKernel,
  Sum: makeSumKernel,
  Mean: makeMeanKernel,
  FusedBatchNorm: makeFusedBatchNormKernel,
  Identity: makeIdentityKernel,
  GatherV2: makeGatherV2Kernel,
  Tanh: makeTanhKernel,
  _FusedMatMul: makeFusedMatMulKernel,
  Cast: makeCastKernel,
};

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
 * applyKernelPatches('wasm'); // ['Conv2DBackpropFilter', 'Conv2DBackpropInput', ..., 'LeakyRelu', 'Sum', 'Mean', 'FusedBatchNorm', 'Identity']
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
