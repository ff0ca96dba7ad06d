/**
 * The convolution kernels of tfjs-gan's SIMD128 module (`simd/kernels.c`) on the wasm backend: the
 * forward convolution, its input gradient (the transposed convolution) and its filter gradient, each one
 * GEMM on the module's 6x8 tile, split among the kernel threads of a threaded build, on tensors where they
 * lie in the heap. They cover the channel counts of a GAN's hidden layers (multiples of 4 and 8) and
 * the gradients of its image layers (the input gradient into 1 to 7 channels, the filter gradient of 1 to
 * 4); the forward pass of an image layer stays on XNNPACK, which runs it faster.
 *
 * @packageDocumentation
 */
import type { TensorInfo, backend_util } from '@tensorflow/tfjs';

import {
  type ConvGeometry,
  simdConv2D,
  simdConv2DBackpropFilter,
  simdConv2DBackpropInput,
  simdFilterGradientFewChannels,
} from '../simd/simd-module.js';
import type { KernelCalls } from './kernel-calls.js';

/** The geometry of a channels-last, undilated convolution on float32 tensors of wasm, else undefined. */
function geometryOf(calls: KernelCalls, tensors: readonly TensorInfo[], info: backend_util.Conv2DInfo): ConvGeometry | undefined {
  if (calls.backendName !== 'wasm' || tensors.some((t) => t.dtype !== 'float32')) return undefined;
  if (info.dataFormat !== 'channelsLast' || info.dilationHeight !== 1 || info.dilationWidth !== 1) return undefined;
  return {
    batch: info.batchSize,
    inHeight: info.inHeight,
    inWidth: info.inWidth,
    inChannels: info.inChannels,
    outHeight: info.outHeight,
    outWidth: info.outWidth,
    outChannels: info.outChannels,
    filterHeight: info.filterHeight,
    filterWidth: info.filterWidth,
    strideHeight: info.strideHeight,
    strideWidth: info.strideWidth,
    padTop: info.padInfo.top,
    padLeft: info.padInfo.left,
  };
}

/** `conv2d(x, filter)` `[batch, outHeight, outWidth, outChannels]` with the module, or undefined where it does not run. */
export function conv2dOnHeap(calls: KernelCalls, x: TensorInfo, filter: TensorInfo, info: backend_util.Conv2DInfo): TensorInfo | undefined {
  const g = geometryOf(calls, [x, filter], info);
  if (g && !(g.inChannels % 4 === 0 && g.outChannels % 8 === 0)) return undefined;
  const y = g && calls.allocate([g.batch, g.outHeight, g.outWidth, g.outChannels]);
  return g && y && simdConv2D(calls.backend, x, filter, y, g) ? y : undefined;
}

/** The input gradient `[batch, inHeight, inWidth, inChannels]` with the module, or undefined where it does not run. */
export function conv2dBackpropInputOnHeap(calls: KernelCalls, dy: TensorInfo, filter: TensorInfo, info: backend_util.Conv2DInfo): TensorInfo | undefined {
  const g = geometryOf(calls, [dy, filter], info);
  if (g && !(g.outChannels % 4 === 0 && (g.inChannels % 8 === 0 || g.inChannels < 8))) return undefined;
  const dx = g && calls.allocate([g.batch, g.inHeight, g.inWidth, g.inChannels]);
  return g && dx && simdConv2DBackpropInput(calls.backend, dy, filter, dx, g) ? dx : undefined;
}

/** At most this many input channels go to the few-channel filter gradient (its A operand is the input's patches). */
const MAX_FEW_CHANNELS = 4;

/**
 * The filter gradient `[fh, fw, inChannels, outChannels]` with the module, or undefined where it does not
 * run: inputs of 1 to {@link MAX_FEW_CHANNELS} channels (an image layer; output channels a multiple of 8)
 * as a GEMM of the input's patches by dy, and input channels in groups of 8 as a GEMM of dy by each
 * tap's channels.
 */
export function conv2dBackpropFilterOnHeap(calls: KernelCalls, x: TensorInfo, dy: TensorInfo, info: backend_util.Conv2DInfo): TensorInfo | undefined {
  const g = geometryOf(calls, [x, dy], info);
  const few = g !== undefined && g.inChannels <= MAX_FEW_CHANNELS && g.outChannels % 8 === 0;
  if (g === undefined || (!few && g.inChannels % 8 !== 0)) return undefined;
  const dw = calls.allocate([g.filterHeight, g.filterWidth, g.inChannels, g.outChannels]);
  if (dw === undefined) return undefined;
  const ran = few ? simdFilterGradientFewChannels(calls.backend, x, dy, dw, g) : simdConv2DBackpropFilter(calls.backend, x, dy, dw, g);
  return ran ? dw : undefined;
}
