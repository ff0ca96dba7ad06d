/**
 * `Sum` and `Mean` over leading axes for wasm. The shipped kernels first transpose the reduced axes to
 * the end, a full copy of the input, and then add along rows (measured: the sum of [64, 14, 14, 64] over
 * its first three axes in 1.3 ms). Every batch-normalization statistic and gradient and every bias
 * gradient of a convolution is such a reduction: over batch and space, per channel. Where tfjs-gan's
 * SIMD128 module runs, the replacement adds the rows in place in one pass, in three levels of blocks of
 * 64 rows (`column_sums` in `simd/kernels.c`; 0.09 ms for the same tensor), with NaN and infinities
 * propagating as in any sum. Elsewhere (tfjs's wasm build without SIMD) it
 * views the input in place as a one-column image of `rows` pixels with `columns` channels and averages
 * it with the backend's `AvgPool` over one window of all the rows, which XNNPACK runs vectorised (0.3 ms
 * for the same tensor); `Sum` multiplies the mean by the row count. (A product with a row of ones would
 * be faster on a tensor it has seen, but XNNPACK repacks a matrix product's right operand whenever it is
 * a new tensor, and here it always is: 3.7 ms.) XNNPACK's pooling turns NaN into -Infinity, so a result
 * with a value that is not finite is recomputed by the shipped kernel. Other reductions, and non-float
 * inputs, use the shipped kernels.
 *
 * XNNPACK's pooling corrupts the wasm heap when a pooled image has 16,384 channels or more (tfjs 4.22:
 * `memory access out of bounds` in the next allocation, measured for windows of 3 rows or more, with 1 and
 * 2 threads). The rows of a wide reduction are therefore viewed as `[rows, groups, width]`, an image `groups`
 * pixels wide with `width` channels, and pooled over its height only: the same column means, with at
 * most {@link MAX_POOLED_CHANNELS} channels, and still no copy.
 *
 * @packageDocumentation
 */
import { util } from '@tensorflow/tfjs';
import type { KernelBackend, KernelFunc, TensorInfo } from '@tensorflow/tfjs';

import { simdColumnSums } from '../simd/simd-module.js';
import { requireShipped, tryKernelCalls, withKernelCalls } from './kernel-calls.js';
import type { KernelPatch } from './kernel-patch.js';

/**
 * The most channels the reduction hands to XNNPACK's pooling in one pixel: a quarter of the 16,384 at which
 * it fails, so that its per-channel scratch space stays far from the limit.
 */
export const MAX_POOLED_CHANNELS = 4096;

/** The fewest channels per pixel worth pooling; a wide reduction with no divisor this large uses the shipped kernel. */
const MIN_POOLED_CHANNELS = 256;

/**
 * The channels per pixel for `columns` reduced columns: `columns` itself up to {@link MAX_POOLED_CHANNELS},
 * else its largest divisor at most that (a multiple of 4 where there is one, for XNNPACK's vectors), or
 * `undefined` where no divisor reaches {@link MIN_POOLED_CHANNELS}.
 */
export function pooledChannels(columns: number): number | undefined {
  if (columns <= MAX_POOLED_CHANNELS) return columns;
  let best: number | undefined;
  for (let width = MAX_POOLED_CHANNELS; width >= MIN_POOLED_CHANNELS; width--) {
    if (columns % width !== 0) continue;
    if (width % 4 === 0) return width;
    best ??= width;
  }
  return best;
}

/** Makes the `Sum` or `Mean` kernel of `backendName` around its shipped one. */
function makeLeadingAxesReduction(kernelName: 'Sum' | 'Mean') {
  return (backendName: string, fallback: () => KernelFunc | undefined): KernelFunc =>
    (args) => {
      const shipped = requireShipped(kernelName, backendName, fallback);
      const { x } = args.inputs as { x: TensorInfo };
      const { axis, keepDims } = args.attrs as unknown as { axis: number | number[] | null; keepDims: boolean };
      const rank = x.shape.length;
      // tfjs's own reading of the attribute (all axes when absent, negative ones from the end), sorted.
      const all = x.shape.map((_, i) => i);
      const axes = [...new Set(util.parseAxisParam(axis ?? all, x.shape))].sort((a, b) => a - b);
      // Leading axes only, and at least one axis kept: [rows, columns] with rows = the reduced elements.
      const leading = axes.length > 0 && axes.length < rank && axes.every((a, i) => a === i);
      const rows = x.shape.slice(0, axes.length).reduce((p, s) => p * s, 1);
      const columns = x.shape.slice(axes.length).reduce((p, s) => p * s, 1);
      if (!leading || x.dtype !== 'float32' || rows < 2 || columns === 0) return shipped(args);
      const outShape = keepDims ? x.shape.map((s, i) => (i < axes.length ? 1 : s)) : x.shape.slice(axes.length);
      const backend = args.backend as KernelBackend;
      const divisor = kernelName === 'Mean' ? rows : 1;
      const summed = tryKernelCalls(backend, backendName, (calls) => {
        const out = calls.allocate(outShape);
        return out !== undefined && simdColumnSums(calls.backend, x, out, rows, columns, divisor) ? out : undefined;
      });
      if (summed !== undefined) return summed;
      const width = pooledChannels(columns);
      if (width === undefined) return shipped(args);
      const result = withKernelCalls(backend, backendName, (calls) => {
        const image = calls.reshape(x, [1, rows, columns / width, width]);
        const mean = calls.run('AvgPool', { x: image }, { filterSize: [rows, 1], strides: [1, 1], pad: 'valid' });
        const reduced = kernelName === 'Mean' ? mean : calls.run('Multiply', { a: mean, b: calls.constant(new Float32Array([rows]), []) });
        return calls.reshape(reduced, outShape);
      });
      // XNNPACK's pooling clamps its output, which turns NaN into -Infinity. A column that is not finite
      // (NaN, or an infinity in the input, or an overflow) is rare: the shipped kernel recomputes it all.
      // The check reads only the result, one value per column.
      if ((backend.readSync(result.dataId) as Float32Array).every(Number.isFinite)) return result;
      backend.disposeData(result.dataId);
      return shipped(args);
    };
}

/** Makes the `Sum` kernel of `backendName` around its shipped one. */
export const makeSumKernel = makeLeadingAxesReduction('Sum');
/** Makes the `Mean` kernel of `backendName` around its shipped one. */
export const makeMeanKernel = makeLeadingAxesReduction('Mean');

/**
 * wasm's `Sum` copies the input through a transpose first: sums over leading axes (every
 * batch-normalization statistic, every convolution's bias gradient) become one average pooling.
 */
export const sumPatch = { kernelName: 'Sum', backends: ['wasm'], makeKernel: makeSumKernel } as const satisfies KernelPatch;

/**
 * wasm's `Mean` copies the input through a transpose first: means over leading axes (every
 * batch-normalization statistic) become one average pooling.
 */
export const meanPatch = { kernelName: 'Mean', backends: ['wasm'], makeKernel: makeMeanKernel } as const satisfies KernelPatch;
