/**
 * `AvgPoolGrad` for wasm: the shipped kernel loops over every window for every input pixel, one element at
 * a time (measured: [32, 64, 64, 8] in 18 ms, 4.5 ms for [32, 16, 16, 32]; a ResNet discriminator's
 * downsampling pools made 16% of a 64x64 training step). Where the windows tile the input (window =
 * stride, no padding: the 2x2 pools of tfjs-gan's ResNet discriminator), each input pixel's gradient is
 * its window's `dy` times 1 / window size: one SIMD128 pass of tfjs-gan's module writes it, with the
 * values of tfjs's cpu kernel exactly (the scale rounded once, as there). Other pools, dtypes and
 * layouts run the shipped kernel.
 *
 * @packageDocumentation
 */
import { backend_util } from '@tensorflow/tfjs';
import type { KernelBackend, KernelFunc, TensorInfo } from '@tensorflow/tfjs';

import { simdPoolGradSpread } from '../simd/simd-module.js';
import { requireShipped, tryKernelCalls } from './kernel-calls.js';
import type { KernelPatch } from './kernel-patch.js';

/** The `AvgPoolGrad` attributes this kernel reads. */
interface AvgPoolGradAttrs {
  filterSize: number | [number, number];
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | backend_util.ExplicitPadding;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/** Makes the `AvgPoolGrad` kernel of `backendName` around its shipped one. */
export function makeAvgPoolGradKernel(backendName: string, fallback: () => KernelFunc | undefined): KernelFunc {
  return (args) => {
    const shipped = requireShipped('AvgPoolGrad', backendName, fallback);
    const { dy, input } = args.inputs as { dy: TensorInfo; input: TensorInfo };
    const { filterSize, strides, pad, dimRoundingMode } = args.attrs as unknown as AvgPoolGradAttrs;
    if (dy.dtype !== 'float32' || input.dtype !== 'float32' || input.shape.length !== 4) return shipped(args);
    const info = backend_util.computePool2DInfo(input.shape as [number, number, number, number], filterSize, strides, 1, pad, dimRoundingMode);
    const { top, bottom, left, right } = info.padInfo;
    const tiles =
      info.filterHeight === info.strideHeight && info.filterWidth === info.strideWidth &&
      top === 0 && bottom === 0 && left === 0 && right === 0 &&
      info.outHeight * info.strideHeight <= info.inHeight && info.outWidth * info.strideWidth <= info.inWidth &&
      dy.shape.join() === [info.batchSize, info.outHeight, info.outWidth, info.outChannels].join();
    if (!tiles) return shipped(args);
    const out = tryKernelCalls(args.backend as KernelBackend, backendName, (calls) => {
      const dx = calls.allocate([...input.shape]);
      const geometry = {
        batch: info.batchSize, height: info.inHeight, width: info.inWidth, channels: info.inChannels,
        outHeight: info.outHeight, outWidth: info.outWidth, windowHeight: info.filterHeight, windowWidth: info.filterWidth,
      };
      return dx !== undefined && simdPoolGradSpread(calls.backend, dy, dx, geometry) ? dx : undefined;
    });
    return out ?? shipped(args);
  };
}

/**
 * wasm's `AvgPoolGrad` is scalar and loops over windows per pixel: where the windows tile the input, one
 * SIMD128 pass spreads each window's gradient over its pixels.
 */
export const avgPoolGradPatch = { kernelName: 'AvgPoolGrad', backends: ['wasm'], makeKernel: makeAvgPoolGradKernel } as const satisfies KernelPatch;
