/**
 * The geometry of a strided transposed convolution split into stride-1 phase convolutions, and the
 * sub-kernels of each phase.
 *
 * For a convolution with stride `s`, kernel size `k` and leading padding `pt` along one axis, input row
 * `h = q*s + a` (phase `a` in `[0, s)`) receives
 *
 *     dx[h] = sum over u of dy[q - B + u] * w[a + pt + (B - u)*s]       (taps outside w are zero)
 *
 * with `B = floor((k - 1 - pt) / s)`: every phase is a stride-1 correlation of `dy` with a flipped,
 * strided sub-kernel of `w`. All phases fit one common window of `T = A + B + 1` rows, where
 * `A = floor((s - 1 + pt) / s)`; phase `a` alone needs only `floor((k-1-a-pt)/s) + floor((a+pt)/s) + 1`
 * of them.
 *
 * @packageDocumentation
 */

/** One phase of one axis when it gets its own convolution. */
export interface AxisPhase {
  /** The phase, `a` in `[0, s)`. */
  phase: number;
  /** Taps of its sub-kernel. */
  taps: number;
  /** Where its sub-kernel starts in the common window. */
  windowStart: number;
  /** First and last `dy` row it reads, clamped to `dy`. */
  dyRange: [number, number];
  /** Zeros it needs before and after those rows. */
  dyPad: [number, number];
}

/** How one spatial axis of a transposed convolution splits into phases. */
export interface AxisPlan {
  /** Phases: the stride `s`. */
  stride: number;
  /** The convolution's padding before this axis, `pt`. */
  padBefore: number;
  /** Window rows before the current one, `B`: the zeros above `dy` in the combined convolution. */
  before: number;
  /** Window size `T = A + B + 1`. */
  window: number;
  /** Zeros below `dy` in the combined convolution, so that it yields `ceil(inSize / s)` rows or more. */
  dyPadAfter: number;
  /** One entry per phase; `undefined` when a phase has no taps or reads no `dy` row. */
  phases: AxisPhase[] | undefined;
}

/**
 * Plans one axis; `undefined` when the leading padding lies outside `[0, kernel - 1]`, which this
 * decomposition does not handle.
 *
 * @param kernel - filter size along the axis.
 * @param stride - the convolution's stride.
 * @param padBefore - its leading padding.
 * @param inSize - size of the transposed convolution's output (the convolution's input).
 * @param outSize - size of `dy` (the convolution's output).
 */
export function planAxis(
  kernel: number,
  stride: number,
  padBefore: number,
  inSize: number,
  outSize: number,
): AxisPlan | undefined {
  if (padBefore < 0 || padBefore > kernel - 1) return undefined;
  const after = Math.floor((stride - 1 + padBefore) / stride);
  const before = Math.floor((kernel - 1 - padBefore) / stride);
  const rows = Math.ceil(inSize / stride);
  let phases: AxisPhase[] | undefined = [];
  for (let phase = 0; phase < stride && phases != null; phase++) {
    const tapsBefore = Math.floor((kernel - 1 - phase - padBefore) / stride);
    const tapsAfter = Math.floor((phase + padBefore) / stride);
    // Output row q of this phase reads dy rows q - tapsBefore .. q + tapsAfter.
    const first = -tapsBefore;
    const last = rows - 1 + tapsAfter;
    const dyRange: [number, number] = [Math.max(0, first), Math.min(outSize - 1, last)];
    const taps = tapsBefore + tapsAfter + 1;
    phases =
      taps < 1 || dyRange[0] > dyRange[1]
        ? undefined
        : [
            ...phases,
            { phase, taps, windowStart: before - tapsBefore, dyRange, dyPad: [dyRange[0] - first, last - dyRange[1]] },
          ];
  }
  return {
    stride,
    padBefore,
    before,
    window: after + before + 1,
    dyPadAfter: Math.max(0, rows - 1 + after - (outSize - 1)),
    phases,
  };
}

/** The rows of the common window that one phase's sub-kernel spans. */
export interface PhaseWindow {
  /** The phase, `a` in `[0, s)`. */
  phase: number;
  /** First row of the common window. */
  start: number;
  /** Rows; the same for every phase in one filter. */
  size: number;
}

/**
 * Builds the stride-1 filter of a group of phases from a `Conv2DBackpropInput` filter, in one pass
 * over its values: element `[u, v, co, (i * colWindows.length + j) * Cin + ci]` is the tap of window
 * row `rowWindows[i].start + u` and column `colWindows[j].start + v` of phases
 * `(rowWindows[i].phase, colWindows[j].phase)`: input channels and output channels swap, and the
 * window is flipped.
 *
 * @param values - the filter `[kh, kw, Cin, Cout]`, row-major.
 * @param filterShape - its shape.
 * @returns the values of a filter `[rows, cols, Cout, phases * Cin]`.
 */
export function buildPhaseFilter(
  values: Float32Array,
  filterShape: readonly number[],
  rows: AxisPlan,
  cols: AxisPlan,
  rowWindows: readonly PhaseWindow[],
  colWindows: readonly PhaseWindow[],
): Float32Array {
  const [kh, kw, inChannels, outChannels] = filterShape;
  const height = rowWindows[0].size;
  const width = colWindows[0].size;
  const out = new Float32Array(height * width * outChannels * rowWindows.length * colWindows.length * inChannels);
  let offset = 0;
  for (let u = 0; u < height; u++) {
    for (let v = 0; v < width; v++) {
      for (let co = 0; co < outChannels; co++) {
        for (const row of rowWindows) {
          const p = row.phase + rows.padBefore + (rows.before - row.start - u) * rows.stride;
          for (const col of colWindows) {
            const q = col.phase + cols.padBefore + (cols.before - col.start - v) * cols.stride;
            if (p < 0 || p >= kh || q < 0 || q >= kw) {
              offset += inChannels; // a zero tap
              continue;
            }
            let source = (p * kw + q) * inChannels * outChannels + co;
            for (let ci = 0; ci < inChannels; ci++, source += outChannels) out[offset++] = values[source];
          }
        }
      }
    }
  }
  return out;
}
