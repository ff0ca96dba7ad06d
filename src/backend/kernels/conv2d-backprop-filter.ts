/**
 * `Conv2DBackpropFilter` (the gradient of a convolution with respect to its filter) computed with the
 * backend's own forward `Conv2D`, which on wasm (XNNPACK) and cpu is far faster than a dedicated loop.
 *
 * For a convolution `y = conv2d(x, w)` with stride `s` and top/left padding `(pt, pl)`,
 *
 *     dw[p, q, ci, co] = sum over n, i, j of x[n, i*s - pt + p, j*s - pl + q, ci] * dy[n, i, j, co]
 *
 * which is itself a stride-1 convolution: input `x` transposed to `[Cin, H, W, N]` (input channels as the
 * batch, the batch as channels), filter `dy` transposed to `[outH, outW, N, Cout]`, dilation `s`, and
 * explicit padding `pt` / `pl` in front. Its output `[Cin, >= kh, >= kw, Cout]` is cropped to the filter
 * size and transposed back to `[kh, kw, Cin, Cout]`.
 *
 * On wasm, tfjs-gan's own SIMD128 GEMMs (`simd-convolutions.ts`) compute the gradient directly on the
 * heap where the channel counts allow: inputs with few channels (an image's 1 to 4, where the convolution
 * above has a batch of 1 to 4 and the whole output gradient as its filter, which XNNPACK repacks on every
 * call and runs at a few GFLOP/s) and input channels in groups of 8 (every hidden layer).
 *
 * @packageDocumentation
 */
import { backend_util } from '@tensorflow/tfjs';
import type { Conv2DBackpropFilterAttrs, KernelBackend, KernelFunc, TensorInfo } from '@tensorflow/tfjs';

import { BackendError, describeValue } from '../../errors.js';
import { simdSwapFirstLastAxes } from '../simd/simd-module.js';
import { type KernelCalls, withKernelCalls } from './kernel-calls.js';
import { conv2dBackpropFilterOnHeap } from './simd-convolutions.js';
import type { KernelPatch } from './kernel-patch.js';

/** `x` `[N, H, W, C]` as `[C, H, W, N]`. */
function swapFirstLastAxes(calls: KernelCalls, x: TensorInfo): TensorInfo {
  if (calls.backendName === 'wasm' && x.dtype === 'float32') {
    const out = calls.allocate([x.shape[3], x.shape[1], x.shape[2], x.shape[0]]);
    if (out !== undefined && simdSwapFirstLastAxes(calls.backend, out, x)) return out;
  }
  return calls.transpose(x, [3, 1, 2, 0]);
}

/**
 * Computes the filter gradient of an NHWC convolution from stride-1 dilated convolutions.
 *
 * @param calls - the kernel caller of the backend to compute on.
 * @param x - the convolution's input, `[N, H, W, Cin]`.
 * @param dy - the gradient of its output, `[N, outH, outW, Cout]`.
 * @param attrs - the `Conv2DBackpropFilter` attributes (strides, pad, filterShape, dimRoundingMode).
 * @returns the filter gradient, `filterShape` = `[kh, kw, Cin, Cout]`.
 */
export function conv2dBackpropFilterViaConv2D(
  calls: KernelCalls,
  x: TensorInfo,
  dy: TensorInfo,
  attrs: Conv2DBackpropFilterAttrs,
): TensorInfo {
  const { filterShape } = attrs;
  const info = backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    'channelsLast',
  );
  const [batch, inHeight, inWidth, inChannels] = x.shape;
  const [, outHeight, outWidth, outChannels] = dy.shape;
  if (info.outHeight !== outHeight || info.outWidth !== outWidth || info.outChannels !== outChannels) {
    throw new BackendError(
      `Conv2DBackpropFilter: argument 'dy' must have shape ` +
        `${describeValue([batch, info.outHeight, info.outWidth, info.outChannels])}; ` +
        `received ${describeValue(dy.shape)}`,
    );
  }
  const direct = conv2dBackpropFilterOnHeap(calls, x, dy, info);
  if (direct !== undefined) return direct;
  const { filterHeight, filterWidth, strideHeight, strideWidth } = info;
  const padTop = info.padInfo.top;
  const padLeft = info.padInfo.left;
  // Extra zeros below / right so that the last filter tap sees its input rows; never negative.
  const padBottom = Math.max(0, filterHeight - 1 - padTop + (outHeight - 1) * strideHeight - (inHeight - 1));
  const padRight = Math.max(0, filterWidth - 1 - padLeft + (outWidth - 1) * strideWidth - (inWidth - 1));

  // [N, H, W, Cin] -> [Cin, H, W, N]: on wasm with tfjs-gan's SIMD128 module (4 x 4 blocks; the
  // backend's transpose of this permutation goes element by element).
  const xT = swapFirstLastAxes(calls, x);
  // [N, outH, outW, Cout] -> [outH, outW, N, Cout], as a rank-3 transpose.
  const dy3 = calls.reshape(dy, [batch, outHeight * outWidth, outChannels]);
  const dyT = calls.reshape(calls.transpose(dy3, [1, 0, 2]), [outHeight, outWidth, batch, outChannels]);
  const full = calls.conv2d(
    xT,
    dyT,
    [
      [0, 0],
      [padTop, padBottom],
      [padLeft, padRight],
      [0, 0],
    ],
    [strideHeight, strideWidth],
  );
  // [Cin, >= kh, >= kw, Cout] -> [Cin, kh, kw, Cout] -> [kh, kw, Cin, Cout]
  const cropped = calls.slice(full, [0, 0, 0, 0], [inChannels, filterHeight, filterWidth, outChannels]);
  const flat = calls.reshape(cropped, [inChannels, filterHeight * filterWidth, outChannels]);
  return calls.reshape(calls.transpose(flat, [1, 0, 2]), filterShape);
}

/**
 * Makes a `Conv2DBackpropFilter` kernel function for `backendName` that runs on the backend's `Conv2D`.
 *
 * @param backendName - the backend whose kernels it calls (`'wasm'`, `'cpu'`).
 * @param fallback - the kernel to run for what it does not handle (NCHW); `undefined` when there is none.
 */
export function makeConv2DBackpropFilterKernel(
  backendName: string,
  fallback: () => KernelFunc | undefined,
): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const { x, dy } = inputs;
    const filterAttrs = attrs as unknown as Conv2DBackpropFilterAttrs;
    if (x == null || dy == null) {
      throw new BackendError(`Conv2DBackpropFilter: inputs 'x' and 'dy' are required; received ${describeValue(Object.keys(inputs))}`);
    }
    if ((filterAttrs.dataFormat ?? 'NHWC') !== 'NHWC') {
      const original = fallback();
      if (original != null) return original({ inputs, backend, attrs });
      throw new BackendError(
        `Conv2DBackpropFilter on backend '${backendName}': attribute 'dataFormat' must be "NHWC"; ` +
          `received ${describeValue(filterAttrs.dataFormat)}`,
      );
    }
    return withKernelCalls(backend as KernelBackend, backendName, (calls) =>
      conv2dBackpropFilterViaConv2D(calls, x, dy, filterAttrs),
    );
  };
}

/**
 * wasm has no `Conv2DBackpropFilter` at all; cpu's is 20 to 100 times slower than the same gradient
 * composed from its `Conv2D`. Both compute it with their forward `Conv2D` (on wasm, tfjs-gan's SIMD128
 * GEMMs where the channel counts allow).
 */
export const conv2dBackpropFilterPatch = { kernelName: 'Conv2DBackpropFilter', backends: ['wasm', 'cpu'], makeKernel: makeConv2DBackpropFilterKernel } as const satisfies KernelPatch;
