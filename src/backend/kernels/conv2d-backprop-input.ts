/**
 * `Conv2DBackpropInput` (the transposed convolution's forward pass, and every convolution's input
 * gradient) computed with the backend's stride-1 forward `Conv2D` and a pixel shuffle.
 *
 * A stride-`s` transposed convolution is `s*s` stride-1 correlations of `dy`, one per output phase, each
 * with its own flipped sub-kernel (see `phase-filters.ts`). Two ways to run them:
 *
 * - `'split'`: one convolution per phase with its exact sub-kernel, outputs concatenated along channels.
 *   Does only the useful multiply-adds.
 * - `'combined'`: one convolution whose filter stacks every phase's sub-kernel, zero-padded to a common
 *   window, along its output channels. Wastes the zero taps (`(T*s/k)^2`: 1.44x for a 5x5 kernel at
 *   stride 2, 2.25x for 4x4) but keeps the output channels of the GEMM wide, which wins when the
 *   transposed convolution has few output channels (an image's 1 or 3).
 *
 * Either way the phases are then interleaved into space (depth-to-space) and cropped when the size is not
 * a multiple of the stride: on wasm in one pass by tfjs-gan's SIMD128 module (`simd/kernels.c`),
 * elsewhere by a concatenation and one transpose. The sub-kernels are built in
 * one pass over the (small) filter's values; the big tensors only meet `Conv2D`, `Concat` and
 * `Transpose`. On wasm this is about ten times faster than the shipped kernel.
 *
 * @packageDocumentation
 */
import { backend_util } from '@tensorflow/tfjs';
import type { Conv2DBackpropInputAttrs, KernelBackend, KernelFunc, TensorInfo } from '@tensorflow/tfjs';

import { BackendError, describeValue } from '../../errors.js';
import { simdInterleavePhases } from '../simd/simd-module.js';
import { type KernelCalls, withKernelCalls } from './kernel-calls.js';
import { conv2dBackpropInputOnHeap } from './simd-convolutions.js';
import { type AxisPhase, type AxisPlan, buildPhaseFilter, planAxis } from './phase-filters.js';
import type { KernelPatch } from './kernel-patch.js';

/** How {@link conv2dBackpropInputViaConv2D} runs the phases: see the file comment. */
export type PhaseStrategy = 'combined' | 'split';

/** Everything {@link conv2dBackpropInputViaConv2D} needs to know about the shapes. */
export interface BackpropInputPlan {
  /** `[N, H, W, Cin]`, the shape of the result. */
  inputShape: [number, number, number, number];
  /** Row phases and window. */
  rows: AxisPlan;
  /** Column phases and window. */
  cols: AxisPlan;
  /** How to run the phases. */
  strategy: PhaseStrategy;
  /** The convolution's geometry (for tfjs-gan's SIMD128 kernel, which takes it whole). */
  info: backend_util.Conv2DInfo;
}

/**
 * Below this many channels in the result (the output channels of each phase's convolution), one
 * convolution per phase fills XNNPACK's GEMM tiles poorly and the combined convolution wins despite
 * its zero taps (measured on wasm: 1 channel, combined 3x faster; 8 channels, even; 64, split 1.3-2x).
 */
const MIN_CHANNELS_TO_SPLIT = 8;

/**
 * Plans {@link conv2dBackpropInputViaConv2D}: `undefined` for paddings it does not handle (explicit
 * padding outside `[0, kernel - 1]`), for which the caller runs the shipped kernel.
 *
 * @param dyShape - `[N, outH, outW, Cout]`.
 * @param filterShape - `[kh, kw, Cin, Cout]`.
 * @param attrs - the `Conv2DBackpropInput` attributes (strides, pad, inputShape, dimRoundingMode).
 * @param strategy - forces a strategy (for tests and benchmarks); by default chosen by channel count.
 * @throws {@link BackendError} when `dy` does not match the convolution that the attributes describe.
 */
export function planConv2dBackpropInput(
  dyShape: readonly number[],
  filterShape: readonly number[],
  attrs: Conv2DBackpropInputAttrs,
  strategy?: PhaseStrategy,
): BackpropInputPlan | undefined {
  const { inputShape } = attrs;
  const info = backend_util.computeConv2DInfo(
    inputShape,
    filterShape as [number, number, number, number],
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    'channelsLast',
  );
  const expected = [inputShape[0], info.outHeight, info.outWidth, filterShape[3]];
  if (dyShape.length !== 4 || expected.some((size, axis) => size !== dyShape[axis])) {
    throw new BackendError(
      `Conv2DBackpropInput: argument 'dy' must have shape ${describeValue(expected)}; ` +
        `received ${describeValue(dyShape)}`,
    );
  }
  const rows = planAxis(filterShape[0], info.strideHeight, info.padInfo.top, inputShape[1], info.outHeight);
  const cols = planAxis(filterShape[1], info.strideWidth, info.padInfo.left, inputShape[2], info.outWidth);
  if (rows == null || cols == null) return undefined;
  const canSplit = rows.phases != null && cols.phases != null && rows.stride * cols.stride > 1;
  const chosen = canSplit && inputShape[3] >= MIN_CHANNELS_TO_SPLIT ? 'split' : 'combined';
  return { inputShape, rows, cols, strategy: canSplit ? (strategy ?? chosen) : 'combined', info };
}

/** Every phase of an axis over the whole common window. */
function wholeWindow(axis: AxisPlan): Array<{ phase: number; start: number; size: number }> {
  return Array.from({ length: axis.stride }, (_, phase) => ({ phase, start: 0, size: axis.window }));
}

/** One phase's exact part of the common window. */
function phaseWindow(phase: AxisPhase): Array<{ phase: number; start: number; size: number }> {
  return [{ phase: phase.phase, start: phase.windowStart, size: phase.taps }];
}

/** One stride-1 convolution per phase: `sh*sw` images `[N, ceil(H/sh), ceil(W/sw), Cin]`. */
function convolvePhasesSeparately(
  calls: KernelCalls,
  dy: TensorInfo,
  filterValues: Float32Array,
  filterShape: readonly number[],
  plan: BackpropInputPlan,
  rowPhases: readonly AxisPhase[],
  colPhases: readonly AxisPhase[],
): TensorInfo[] {
  const { rows, cols } = plan;
  const [batch, , , outChannels] = dy.shape;
  const inChannels = plan.inputShape[3];
  const outputs: TensorInfo[] = [];
  for (const row of rowPhases) {
    for (const col of colPhases) {
      const kernel = calls.constant(
        buildPhaseFilter(filterValues, filterShape, rows, cols, phaseWindow(row), phaseWindow(col)),
        [row.taps, col.taps, outChannels, inChannels],
      );
      const input = calls.slice(
        dy,
        [0, row.dyRange[0], col.dyRange[0], 0],
        [batch, row.dyRange[1] - row.dyRange[0] + 1, col.dyRange[1] - col.dyRange[0] + 1, outChannels],
      );
      outputs.push(calls.conv2d(input, kernel, [[0, 0], row.dyPad, col.dyPad, [0, 0]]));
    }
  }
  return outputs;
}

/**
 * The pixel shuffle of the phase outputs into `[N, H, W, Cin]` with tfjs-gan's SIMD128 module on wasm:
 * one pass, where the generic path concatenates the phases and transposes the result (two passes, one
 * thread). Undefined where the module does not run (other backends, more than 4 phases).
 */
function interleaveOnHeap(calls: KernelCalls, phases: TensorInfo[], plan: BackpropInputPlan): TensorInfo | undefined {
  const { rows, cols } = plan;
  if (calls.backendName !== 'wasm' || rows.stride * cols.stride > 4 || rows.stride * cols.stride < 2) return undefined;
  const [batch, inHeight, inWidth, inChannels] = plan.inputShape;
  const out = calls.allocate([batch, inHeight, inWidth, inChannels]);
  if (out === undefined) return undefined;
  const [, phaseRows, phaseCols] = phases[0].shape;
  const done = simdInterleavePhases(calls.backend, out, phases, {
    batch,
    rows: phaseRows,
    cols: phaseCols,
    channels: inChannels,
    strideHeight: rows.stride,
    strideWidth: cols.stride,
    outHeight: inHeight,
    outWidth: inWidth,
  });
  return done ? out : undefined;
}

/**
 * Computes the input gradient of an NHWC convolution (equivalently, a transposed convolution) with
 * stride-1 convolutions of the backend.
 *
 * @param calls - the kernel caller of the backend to compute on.
 * @param dy - the gradient of the convolution's output, `[N, outH, outW, Cout]`.
 * @param filter - the convolution's filter, `[kh, kw, Cin, Cout]`.
 * @param plan - from {@link planConv2dBackpropInput}.
 * @returns the input gradient, `[N, H, W, Cin]`.
 */
export function conv2dBackpropInputViaConv2D(
  calls: KernelCalls,
  dy: TensorInfo,
  filter: TensorInfo,
  plan: BackpropInputPlan,
): TensorInfo {
  const { rows, cols } = plan;
  const [batch, inHeight, inWidth, inChannels] = plan.inputShape;
  const outChannels = filter.shape[3];
  const filterValues = calls.readFloats(filter);

  let phaseOut: TensorInfo;
  if (plan.strategy === 'split' && rows.phases != null && cols.phases != null) {
    const phases = convolvePhasesSeparately(calls, dy, filterValues, filter.shape, plan, rows.phases, cols.phases);
    const shuffled = interleaveOnHeap(calls, phases, plan);
    if (shuffled !== undefined) return shuffled;
    phaseOut = phases.length === 1 ? phases[0] : calls.concat(phases, 3);
  } else {
    const combined = calls.constant(
      buildPhaseFilter(filterValues, filter.shape, rows, cols, wholeWindow(rows), wholeWindow(cols)),
      [rows.window, cols.window, outChannels, rows.stride * cols.stride * inChannels],
    );
    phaseOut = calls.conv2d(dy, combined, [
      [0, 0],
      [rows.before, rows.dyPadAfter],
      [cols.before, cols.dyPadAfter],
      [0, 0],
    ]);
  }

  if (plan.strategy !== 'split') {
    const shuffled = interleaveOnHeap(calls, [phaseOut], plan);
    if (shuffled !== undefined) return shuffled;
  }
  // [N, R, C, sh*sw*Cin] = [N*R, C, sh, sw*Cin] -> [N*R, sh, C, sw*Cin] = [N, R*sh, C*sw, Cin]
  const [, phaseRows, phaseCols] = phaseOut.shape;
  let interleaved = phaseOut;
  if (rows.stride * cols.stride > 1) {
    const shuffled = calls.transpose(
      calls.reshape(phaseOut, [batch * phaseRows, phaseCols, rows.stride, cols.stride * inChannels]),
      [0, 2, 1, 3],
    );
    interleaved = calls.reshape(shuffled, [batch, phaseRows * rows.stride, phaseCols * cols.stride, inChannels]);
  }
  return calls.slice(interleaved, [0, 0, 0, 0], [batch, inHeight, inWidth, inChannels]);
}

/**
 * Makes a `Conv2DBackpropInput` kernel function for `backendName` that runs on the backend's `Conv2D`.
 *
 * @param backendName - the backend whose kernels it calls (`'wasm'`, `'cpu'`).
 * @param fallback - the kernel to run for what it does not handle (NCHW, explicit padding wider than
 *   the kernel); `undefined` when there is none.
 */
export function makeConv2DBackpropInputKernel(
  backendName: string,
  fallback: () => KernelFunc | undefined,
): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const { dy, filter } = inputs;
    const inputAttrs = attrs as unknown as Conv2DBackpropInputAttrs;
    if (dy == null || filter == null) {
      throw new BackendError(
        `Conv2DBackpropInput: inputs 'dy' and 'filter' are required; received ${describeValue(Object.keys(inputs))}`,
      );
    }
    const runFallback = (why: string) => {
      const original = fallback();
      if (original != null) return original({ inputs, backend, attrs });
      throw new BackendError(`Conv2DBackpropInput on backend '${backendName}': ${why}`);
    };
    if ((inputAttrs.dataFormat ?? 'NHWC') !== 'NHWC') {
      return runFallback(`attribute 'dataFormat' must be "NHWC"; received ${describeValue(inputAttrs.dataFormat)}`);
    }
    const plan = planConv2dBackpropInput(dy.shape, filter.shape, inputAttrs);
    if (plan == null) {
      return runFallback(
        `attribute 'pad' must lie within the kernel (0 to kernel size - 1 before each axis); ` +
          `received ${describeValue(inputAttrs.pad)}`,
      );
    }
    return withKernelCalls(backend as KernelBackend, backendName, (calls) =>
      conv2dBackpropInputOnHeap(calls, dy, filter, plan.info) ?? conv2dBackpropInputViaConv2D(calls, dy, filter, plan),
    );
  };
}

/**
 * wasm's `Conv2DBackpropInput` is about ten times slower than its `Conv2D`: it becomes one stride-1
 * convolution per output phase and a pixel shuffle (or tfjs-gan's SIMD128 kernel). cpu's, a dot-product
 * loop, is faster than its own `Conv2D` (measured 190 vs 290 ms), so it stays.
 */
export const conv2dBackpropInputPatch = { kernelName: 'Conv2DBackpropInput', backends: ['wasm'], makeKernel: makeConv2DBackpropInputKernel } as const satisfies KernelPatch;
