/**
 * `Conv2D` on wasm with tfjs-gan's SIMD128 convolution (see `simd-convolutions.ts`) where it applies
 * (channels-last, no dilation, input channels a multiple of 4, output channels a multiple of 8): one GEMM
 * on the module's 6x8 tile, split among the kernel threads. Everything else runs the shipped kernel, with
 * 'same' padding passed as explicit padding: XNNPACK's own 'same' padding leaves the output zero where a
 * stride exceeds the filter's size in that dimension (tfjs 4.22).
 *
 * @packageDocumentation
 */
import { backend_util } from '@tensorflow/tfjs';
import type { Conv2DAttrs, KernelBackend, KernelFunc } from '@tensorflow/tfjs';

import { BackendError, describeValue } from '../../errors.js';
import { tryKernelCalls } from './kernel-calls.js';
import { conv2dOnHeap } from './simd-convolutions.js';
import type { KernelPatch } from './kernel-patch.js';

/**
 * Makes a `Conv2D` kernel function for `backendName` that runs tfjs-gan's own convolution where it
 * applies and `fallback` (the shipped kernel) elsewhere.
 */
export function makeConv2DKernel(backendName: string, fallback: () => KernelFunc | undefined): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const { x, filter } = inputs;
    const convAttrs = attrs as unknown as Conv2DAttrs;
    if (x == null || filter == null) {
      throw new BackendError(`Conv2D: inputs 'x' and 'filter' are required; received ${describeValue(Object.keys(inputs))}`);
    }
    const runFallback = (fallbackAttrs = attrs) => {
      const original = fallback();
      if (original != null) return original({ inputs, backend, attrs: fallbackAttrs });
      throw new BackendError(`Conv2D on backend '${backendName}': no shipped kernel to run this convolution.`);
    };
    if (x.shape.length !== 4 || filter.shape.length !== 4 || (convAttrs.dataFormat ?? 'NHWC') !== 'NHWC') return runFallback();
    const info = backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number],
      filter.shape as [number, number, number, number],
      convAttrs.strides,
      convAttrs.dilations ?? 1,
      convAttrs.pad,
      convAttrs.dimRoundingMode,
      false,
      'channelsLast',
    );
    const own = tryKernelCalls(backend as KernelBackend, backendName, (calls) => conv2dOnHeap(calls, x, filter, info));
    if (own !== undefined) return own;
    // XNNPACK's own 'same' padding gives zeros where a stride exceeds the filter's size (tfjs 4.22): the
    // shipped kernel gets the same padding spelled out.
    if (convAttrs.pad !== 'same') return runFallback();
    const { top, bottom, left, right } = info.padInfo;
    return runFallback({ ...attrs, pad: [[0, 0], [top, bottom], [left, right], [0, 0]] });
  };
}

/**
 * wasm's `Conv2D` (XNNPACK) runs tfjs-gan's own SIMD128 convolution where the channel counts allow (see
 * `simd-convolutions.ts`), split among the kernel threads of the threaded build; elsewhere the shipped
 * kernel, with 'same' padding made explicit (XNNPACK's leaves zeros where a stride exceeds the filter).
 */
export const conv2dPatch = { kernelName: 'Conv2D', backends: ['wasm'], makeKernel: makeConv2DKernel } as const satisfies KernelPatch;
