/**
 * The data-movement kernels of tfjs-gan's SIMD128 module on the wasm backend's heap: the pixel shuffle
 * of a strided transposed convolution, a first-last axis swap, a gather of whole rows, and the spread of
 * an average pool's gradient over its windows.
 *
 * @packageDocumentation
 */
import { util } from '@tensorflow/tfjs';
import type { TensorInfo } from '@tensorflow/tfjs';

import { kernelsOf, offsetsOf } from './heap-kernels.js';

/** The geometry of a pixel shuffle for {@link simdInterleavePhases}. */
export interface PhaseGeometry {
  /** Each phase's `[n, rows, cols]` pixels. */
  batch: number;
  rows: number;
  cols: number;
  /** Floats per output pixel. */
  channels: number;
  strideHeight: number;
  strideWidth: number;
  /** The output image's height and width (pixels past them are cropped). */
  outHeight: number;
  outWidth: number;
}

/**
 * Writes the pixel shuffle of a strided transposed convolution into `out` ([batch, outHeight, outWidth,
 * channels], float32, allocated): phase k of `phases` (k = row phase * strideWidth + column phase) holds
 * the output pixels of that phase. `phases` are either `strideHeight * strideWidth` separate images
 * ([batch, rows, cols, channels]) or one image with the phases stacked along its channels.
 *
 * @returns false where the module cannot run here (or more than 4 phases); the caller then shuffles.
 */
export function simdInterleavePhases(backend: unknown, out: TensorInfo, phases: readonly TensorInfo[], g: PhaseGeometry): boolean {
  const count = g.strideHeight * g.strideWidth;
  if (count > 4 || (phases.length !== count && phases.length !== 1)) return false;
  const found = kernelsOf(backend);
  const offsets = found && offsetsOf(found.internals, [out, ...phases]);
  if (!found || !offsets) return false;
  const [outOffset, ...phaseOffsets] = offsets;
  // One stacked image: phase k starts k * channels floats into each pixel of sh * sw * channels.
  const starts = phases.length === 1 ? Array.from({ length: count }, (_, k) => phaseOffsets[0] + 4 * k * g.channels) : phaseOffsets;
  const stride = phases.length === 1 ? count * g.channels : g.channels;
  const [p0, p1 = 0, p2 = 0, p3 = 0] = starts;
  found.kernels.interleave_phases(
    outOffset,
    p0,
    p1,
    p2,
    p3,
    ...[stride, g.batch, g.rows, g.cols, g.channels, g.strideHeight, g.strideWidth, g.outHeight, g.outWidth],
  );
  return true;
}

/**
 * Writes `x` `[n, ...inner, c]` with its first and last axes swapped into `out` (`[c, ...inner, n]`,
 * float32, allocated).
 *
 * @returns false where the module cannot run here; the caller then transposes.
 */
export function simdSwapFirstLastAxes(backend: unknown, out: TensorInfo, x: TensorInfo): boolean {
  const found = kernelsOf(backend);
  const offsets = found && offsetsOf(found.internals, [out, x]);
  if (!found || !offsets || x.shape.length < 2) return false;
  const n = x.shape[0];
  const channels = x.shape[x.shape.length - 1];
  const inner = util.sizeFromShape(x.shape.slice(1, -1));
  found.kernels.swap_first_last_axes(offsets[0], offsets[1], n, inner, channels);
  return true;
}

/**
 * Gathers rows of `x` (4-byte elements, `rowElements` per row) along its first axis into `out` (allocated,
 * `indices.length` rows) on the wasm backend's heap. `indices` (int32, on the heap) must already be
 * checked.
 *
 * @returns false where the module cannot run here.
 */
export function simdGatherRows(backend: unknown, out: TensorInfo, x: TensorInfo, indices: TensorInfo, count: number, rowElements: number): boolean {
  const found = kernelsOf(backend);
  const offsets = found && offsetsOf(found.internals, [out, x, indices]);
  if (!found || !offsets) return false;
  found.kernels.gather_rows(offsets[0], offsets[1], offsets[2], count, rowElements);
  return true;
}

/** The geometry of an average pool whose windows tile its input, for {@link simdPoolGradSpread}. */
export interface TiledPoolGeometry {
  batch: number;
  /** The pool's input: height, width, channels. */
  height: number;
  width: number;
  channels: number;
  /** The pool's output (whole windows). */
  outHeight: number;
  outWidth: number;
  /** The window, equal to the stride. */
  windowHeight: number;
  windowWidth: number;
}

/**
 * Writes the gradient of an average pool whose windows tile the input (window = stride, no padding) into
 * `dx` ([batch, height, width, channels], float32, allocated): each input pixel gets its window's `dy`
 * times 1 / window size (rounded once, as tfjs's cpu kernel does); the pixels past the last whole window
 * get 0.
 *
 * @returns false where the module cannot run here.
 */
export function simdPoolGradSpread(backend: unknown, dy: TensorInfo, dx: TensorInfo, g: TiledPoolGeometry): boolean {
  const found = kernelsOf(backend);
  const offsets = found && offsetsOf(found.internals, [dy, dx]);
  if (!found || !offsets) return false;
  const scale = 1 / (g.windowHeight * g.windowWidth);
  found.kernels.pool_grad_spread(offsets[0], offsets[1], g.batch, g.height, g.width, g.channels, g.outHeight, g.outWidth, g.windowHeight, g.windowWidth, scale);
  return true;
}
