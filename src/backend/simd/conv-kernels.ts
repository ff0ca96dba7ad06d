/**
 * The convolution kernels of tfjs-gan's SIMD128 module on the wasm backend's heap: the forward
 * convolution, its input gradient and its filter gradient (two ways), split among the kernel threads.
 *
 * @packageDocumentation
 */
import type { TensorInfo } from '@tensorflow/tfjs';

import { WORK_COUNTERS, kernelsOf, partsFor, runWithWorkspace } from './heap-kernels.js';

/** The geometry of an NHWC convolution (no dilation) for the convolution kernels below. */
export interface ConvGeometry {
  batch: number;
  inHeight: number;
  inWidth: number;
  inChannels: number;
  outHeight: number;
  outWidth: number;
  outChannels: number;
  filterHeight: number;
  filterWidth: number;
  strideHeight: number;
  strideWidth: number;
  /** Leading padding (the trailing padding follows from the sizes). */
  padTop: number;
  padLeft: number;
}

/** The multiply-adds of a convolution (and of each of its gradients). */
function convMacs(g: ConvGeometry): number {
  return g.batch * g.outHeight * g.outWidth * g.filterHeight * g.filterWidth * g.inChannels * g.outChannels;
}

function geometryArgs(g: ConvGeometry): number[] {
  return [g.filterHeight, g.filterWidth, g.strideHeight, g.strideWidth, g.padTop, g.padLeft];
}

/** Whether a convolution's sizes are ones the kernels take (positive sizes, padding inside the filter). */
function plainGeometry(g: ConvGeometry): boolean {
  const sizes = [g.batch, g.inHeight, g.inWidth, g.inChannels, g.outHeight, g.outWidth, g.outChannels, g.filterHeight, g.filterWidth, g.strideHeight, g.strideWidth];
  return sizes.every((v) => Number.isInteger(v) && v > 0) && g.padTop >= 0 && g.padLeft >= 0 && g.padTop < g.filterHeight && g.padLeft < g.filterWidth;
}

/**
 * `y = conv2d(x, filter)` on the wasm backend's heap with kernels.c, split among its kernel threads:
 * `x` `[batch, inHeight, inWidth, inChannels]`, `filter` `[fh, fw, inChannels, outChannels]`, `y`
 * `[batch, outHeight, outWidth, outChannels]` (float32, allocated).
 *
 * Any channel counts; the GEMM pads its K to a multiple of 4 and the output channels to one of 8, which
 * wastes work below 4 input and 8 output channels.
 *
 * @returns false where the module does not run here; the caller then runs another kernel.
 */
export function simdConv2D(backend: unknown, x: TensorInfo, filter: TensorInfo, y: TensorInfo, g: ConvGeometry): boolean {
  if (!plainGeometry(g)) return false;
  const found = kernelsOf(backend);
  if (!found) return false;
  const parts = partsFor(found.heap, convMacs(g));
  const floats = found.kernels.conv2d_forward_workspace(g.filterHeight, g.filterWidth, g.inChannels, g.outChannels, parts);
  const dims = [g.batch, g.inHeight, g.inWidth, g.inChannels, g.outHeight, g.outWidth, g.outChannels, ...geometryArgs(g)];
  return runWithWorkspace(found, 'conv2d_forward', [x, filter, y], floats, dims, parts);
}

/**
 * The input gradient `dx` `[batch, inHeight, inWidth, inChannels]` of a convolution (the transposed
 * convolution's forward pass) from `dy` `[batch, outHeight, outWidth, outChannels]` and `filter` `[fh,
 * fw, inChannels, outChannels]`, on the wasm backend's heap with kernels.c, split among its kernel
 * threads. `dx` float32, allocated.
 *
 * Any channel counts. Below 8 input channels with output channels a multiple of 4, one GEMM of dy by
 * the filter and col2im; else one GEMM per output phase (its columns, the input channels, padded to 8).
 *
 * @returns false where the module does not run here.
 */
export function simdConv2DBackpropInput(backend: unknown, dy: TensorInfo, filter: TensorInfo, dx: TensorInfo, g: ConvGeometry): boolean {
  if (!plainGeometry(g) || g.strideHeight * g.strideWidth > WORK_COUNTERS) return false;
  const found = kernelsOf(backend);
  if (!found) return false;
  const parts = partsFor(found.heap, convMacs(g));
  if (g.inChannels < 8 && g.outChannels % 4 === 0) {
    // Few input channels: one GEMM of dy's pixels by the filter, then col2im (the phase GEMMs would pad
    // their columns to 8).
    const narrow = found.kernels.conv2d_backprop_input_narrow_workspace(g.filterHeight, g.filterWidth, g.inChannels, g.outChannels, parts);
    const dims = [g.batch, g.outHeight, g.outWidth, g.outChannels, g.inHeight, g.inWidth, g.inChannels, ...geometryArgs(g)];
    return runWithWorkspace(found, 'conv2d_backprop_input_narrow', [dy, filter, dx], narrow, dims, parts);
  }
  const floats = found.kernels.conv2d_backprop_input_workspace(g.filterHeight, g.filterWidth, g.inChannels, g.outChannels, g.strideHeight, g.strideWidth, g.padTop, g.padLeft, parts);
  const dims = [g.batch, g.outHeight, g.outWidth, g.outChannels, g.inHeight, g.inWidth, g.inChannels, ...geometryArgs(g)];
  return runWithWorkspace(found, 'conv2d_backprop_input', [dy, filter, dx], floats, dims, parts);
}

/**
 * The filter gradient `dw` `[fh, fw, inChannels, outChannels]` of a convolution from its input `x` and
 * output gradient `dy`, on the wasm backend's heap with kernels.c, split among its kernel threads. `dw`
 * float32, allocated.
 *
 * @returns false where the module does not run here or does not take this convolution (input channels
 *   not a multiple of 8).
 */
export function simdConv2DBackpropFilter(backend: unknown, x: TensorInfo, dy: TensorInfo, dw: TensorInfo, g: ConvGeometry): boolean {
  if (!plainGeometry(g) || g.inChannels % 8 !== 0) return false;
  const found = kernelsOf(backend);
  if (!found) return false;
  const parts = partsFor(found.heap, convMacs(g));
  const floats = found.kernels.conv2d_filter_grad_workspace(g.batch, g.outHeight, g.outWidth, g.inChannels, g.outChannels, g.filterHeight, g.filterWidth, parts);
  const dims = [g.batch, g.inHeight, g.inWidth, g.inChannels, g.outHeight, g.outWidth, g.outChannels, ...geometryArgs(g)];
  return runWithWorkspace(found, 'conv2d_filter_grad', [x, dy, dw], floats, dims, parts);
}

/**
 * The filter gradient `dw [kh, kw, cin, cout]` of an NHWC convolution whose input has few channels (its
 * output channels a multiple of 8), on the wasm backend's heap with the SIMD128 GEMM of kernels.c,
 * split among its kernel threads by output pixels, written into `dw` (float32, allocated).
 *
 * @returns false where the module cannot run here; the caller then computes the gradient itself.
 */
export function simdFilterGradientFewChannels(backend: unknown, x: TensorInfo, dy: TensorInfo, dw: TensorInfo, g: ConvGeometry): boolean {
  const found = kernelsOf(backend);
  if (!found) return false;
  const [n, h, w, cin] = [g.batch, g.inHeight, g.inWidth, g.inChannels];
  const [oh, ow, cout] = [g.outHeight, g.outWidth, g.outChannels];
  const taps = g.filterHeight * g.filterWidth * cin;
  const parts = partsFor(found.heap, taps * cout * n * oh * ow);
  const floats = found.kernels.filter_grad_few_channels_workspace(taps, n * oh * ow, cout, parts);
  const dims = [n, h, w, cin, oh, ow, cout, ...geometryArgs(g)];
  // Parts 1 and up leave partial gradients in the scratch space: add them to dw before it is freed.
  const sumParts = (work: number, offsets: number[]) => {
    if (parts > 1) found.kernels.sum_few_channels_parts(offsets[2], work, taps, n * oh * ow, cout, parts);
  };
  return runWithWorkspace(found, 'filter_grad_few_channels', [x, dy, dw], floats, dims, parts, sumParts);
}
