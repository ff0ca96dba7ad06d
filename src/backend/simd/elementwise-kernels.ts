/**
 * The element-wise kernels of tfjs-gan's SIMD128 module on the wasm backend's heap: leaky ReLU, tanh, the
 * activations' gradient `dy * step(x, alpha)`, a per-channel affine map (batch normalization), sums over
 * leading axes, the Adam update (split among the kernel threads) and the check that tensors hold only
 * finite values.
 *
 * @packageDocumentation
 */
import { util } from '@tensorflow/tfjs';
import type { TensorInfo } from '@tensorflow/tfjs';

import { type HeapKernels, kernelsOf, offsetsOf, partsFor, runSplit } from './heap-kernels.js';

/**
 * The fewest elements at which an element-wise kernel is split among the kernel threads: a few memory
 * accesses per element and little arithmetic, so below this the hand-off costs more than it saves.
 */
const SPLIT_ELEMENTS = 1 << 16;

/** The parts an element-wise kernel over `elements` values runs in: every kernel thread from {@link SPLIT_ELEMENTS}, else 1. */
function elementParts(heap: HeapKernels, elements: number): number {
  return elements >= SPLIT_ELEMENTS ? partsFor(heap, Infinity) : 1;
}

/** The float32 hyper-parameters of one Adam update, as tfjs's Adam rounds them. */
export interface AdamConstants {
  beta1: number;
  keep1: number;
  beta2: number;
  keep2: number;
  correction1: number;
  correction2: number;
  epsilon: number;
  step: number;
}

/**
 * Runs the SIMD128 Adam update on the wasm backend's heap: `tensors` are value, gradient, m, v (inputs)
 * then new value, new m, new v (outputs), all float32 of `size` elements.
 *
 * @returns false where the module cannot run here; the caller then computes the update itself.
 */
export function simdAdamUpdate(backend: unknown, tensors: readonly TensorInfo[], size: number, c: AdamConstants): boolean {
  const found = kernelsOf(backend);
  const offsets = found && offsetsOf(found.internals, tensors);
  if (!found || !offsets) return false;
  runSplit(found.heap, 'adam_update', [...offsets, size, c.beta1, c.keep1, c.beta2, c.keep2, c.correction1, c.correction2, c.epsilon, c.step], elementParts(found.heap, size));
  return true;
}

/**
 * Writes `x * step(x, alpha)` (tfjs's leaky ReLU, bit for bit) into `out` (float32, allocated, the size of
 * `x`) in one SIMD128 pass on the wasm backend's heap.
 *
 * @returns false where the module cannot run here.
 */
export function simdLeakyRelu(backend: unknown, x: TensorInfo, out: TensorInfo, alpha: number): boolean {
  const found = kernelsOf(backend);
  const offsets = found && offsetsOf(found.internals, [x, out]);
  if (!found || !offsets) return false;
  found.kernels.leaky_relu(offsets[0], offsets[1], util.sizeFromShape(x.shape), alpha);
  return true;
}

/**
 * Writes `dy * step(x, alpha)` into `out` (float32, allocated, the size of `x`): the gradient of ReLU
 * (alpha 0) and of leaky ReLU, the same products as tfjs's `Step` and `Multiply` (NaN where `x` is NaN),
 * in one SIMD128 pass on the wasm backend's heap (split among the kernel threads from 2^16 elements).
 * `dy` and `x` are float32 of the same size.
 *
 * @returns false where the module cannot run here.
 */
export function simdStepProduct(backend: unknown, dy: TensorInfo, x: TensorInfo, out: TensorInfo, alpha: number): boolean {
  const found = kernelsOf(backend);
  const offsets = found && offsetsOf(found.internals, [dy, x, out]);
  if (!found || !offsets) return false;
  const size = util.sizeFromShape(x.shape);
  runSplit(found.heap, 'step_product', [...offsets, size, alpha], elementParts(found.heap, size));
  return true;
}

/**
 * Writes the column sums of `x`, viewed as `rows` rows of `channels` float32 values, each divided by
 * `divisor` (1 for a sum, `rows` for a mean), into `out` (float32, allocated, `channels` values), in one
 * SIMD128 pass on the wasm backend's heap. NaN and infinities propagate as in any sum.
 *
 * @returns false where the module cannot run here.
 */
export function simdColumnSums(backend: unknown, x: TensorInfo, out: TensorInfo, rows: number, channels: number, divisor: number): boolean {
  const found = kernelsOf(backend);
  const offsets = found && offsetsOf(found.internals, [x, out]);
  if (!found || !offsets) return false;
  found.kernels.column_sums(offsets[0], offsets[1], rows, channels, divisor);
  return true;
}

/**
 * Writes `tanh(x)` into `out` (float32, allocated, the size of `x`) in one SIMD128 pass on the wasm
 * backend's heap: within a few units in the last place of libm's `tanhf`, NaN kept.
 *
 * @returns false where the module cannot run here.
 */
export function simdTanh(backend: unknown, x: TensorInfo, out: TensorInfo): boolean {
  const found = kernelsOf(backend);
  const offsets = found && offsetsOf(found.internals, [x, out]);
  if (!found || !offsets) return false;
  found.kernels.tanh_f32(offsets[0], offsets[1], util.sizeFromShape(x.shape));
  return true;
}

/**
 * Writes `(x - mean) * factor (+ offset)` into `out` (float32, allocated, the shape of `x`), `mean`,
 * `factor` and `offset` one value per channel (`x`'s last axis), on the wasm backend's heap: the same
 * roundings as a broadcasting subtraction, multiplication and addition, in one pass.
 *
 * @returns false where the module cannot run here.
 */
export function simdChannelAffine(backend: unknown, out: TensorInfo, x: TensorInfo, mean: TensorInfo, factor: TensorInfo, offset: TensorInfo | null): boolean {
  const found = kernelsOf(backend);
  const offsets = found && offsetsOf(found.internals, offset ? [x, mean, factor, offset, out] : [x, mean, factor, out]);
  if (!found || !offsets || x.shape.length === 0) return false;
  const channels = x.shape[x.shape.length - 1];
  const rows = util.sizeFromShape(x.shape.slice(0, -1));
  const [xOffset, meanOffset, factorOffset] = offsets;
  const args = [xOffset, meanOffset, factorOffset, offset ? offsets[3] : 0, offsets[offsets.length - 1], rows, channels];
  runSplit(found.heap, 'channel_affine', args, rows >= 2 ? elementParts(found.heap, rows * channels) : 1);
  return true;
}

/**
 * Whether float32 `tensors` hold only finite values, read where they lie on the wasm backend's heap: the
 * sum of `x - x` over every element, one read-only SIMD128 pass per tensor and no tensor allocated.
 *
 * @returns +0 when every element is finite, NaN when any is NaN or infinite; undefined where the module
 *   cannot run here (the caller then computes it with tfjs's kernels).
 */
export function simdNonFiniteSum(backend: unknown, tensors: readonly TensorInfo[]): number | undefined {
  const found = kernelsOf(backend);
  const offsets = found && offsetsOf(found.internals, tensors);
  if (!found || !offsets || tensors.some((t) => t.dtype !== 'float32')) return undefined;
  let sum = 0;
  offsets.forEach((offset, i) => (sum += found.kernels.nonfinite_sum(offset, util.sizeFromShape(tensors[i].shape))));
  return sum;
}
