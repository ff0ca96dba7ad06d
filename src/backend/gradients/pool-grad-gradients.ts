/**
 * Gradients of the pooling-gradient kernels `AvgPoolGrad` and `MaxPoolGrad`, which tfjs 4.22 lacks, so
 * that networks with `avgPool` or `maxPool` support gradient penalties.
 *
 * Both kernels are linear in `dy`, so the gradient with respect to `dy` is the kernel's adjoint applied
 * to the upstream gradient; with respect to the pooled input (and output) it is zero, because the window
 * weights (`1 / windowSize`) and the choice of each window's maximum are piecewise constant.
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs';
import type { GradConfig, NamedAttrMap, Tensor4D } from '@tensorflow/tfjs';

type Pair = [number, number];
type PoolPad = Parameters<typeof tf.backend_util.computePool2DInfo>[4];
type RoundingMode = Parameters<typeof tf.backend_util.computePool2DInfo>[5];

/** Where the pooling windows of one input lie: the pooling geometry and the input's extent they cover. */
export interface PoolCoverage {
  readonly info: ReturnType<typeof tf.backend_util.computePool2DInfo>;
  /** Padding rows above and columns left of the input that windows reach. */
  readonly top: number;
  readonly left: number;
  /** Rows below and columns right of the input that windows reach; negative when they end inside it. */
  readonly bottom: number;
  readonly right: number;
}

/** The pooling geometry of `attrs` (a pooling kernel's attributes) over an input of `shape`. */
export function poolCoverage(shape: [number, number, number, number], attrs: NamedAttrMap): PoolCoverage {
  const info = tf.backend_util.computePool2DInfo(
    shape,
    attrs.filterSize as Pair | number,
    attrs.strides as Pair | number,
    1,
    attrs.pad as PoolPad,
    attrs.dimRoundingMode as RoundingMode,
  );
  const { padInfo, outHeight, outWidth, strideHeight, strideWidth, filterHeight, filterWidth, inHeight, inWidth } = info;
  return {
    info,
    top: padInfo.top,
    left: padInfo.left,
    bottom: (outHeight - 1) * strideHeight + filterHeight - inHeight - padInfo.top,
    right: (outWidth - 1) * strideWidth + filterWidth - inWidth - padInfo.left,
  };
}

/** Whether every window lies inside the input (no padding reached). */
export function windowsInside(coverage: PoolCoverage): boolean {
  return coverage.top <= 0 && coverage.left <= 0 && coverage.bottom <= 0 && coverage.right <= 0;
}

/** `u` zero-padded (or cropped) to exactly the extent that the windows cover. */
function toCovered(u: Tensor4D, c: PoolCoverage): Tensor4D {
  const [, inHeight, inWidth] = u.shape;
  let covered = u;
  if (c.bottom < 0 || c.right < 0) {
    covered = tf.slice(covered, [0, 0, 0, 0], [-1, inHeight + Math.min(c.bottom, 0), inWidth + Math.min(c.right, 0), -1]);
  }
  if (c.top > 0 || c.left > 0 || c.bottom > 0 || c.right > 0) {
    covered = tf.pad(covered, [
      [0, 0],
      [c.top, Math.max(c.bottom, 0)],
      [c.left, Math.max(c.right, 0)],
      [0, 0],
    ]);
  }
  return covered;
}

/** The inverse of {@link toCovered} for gradients: crops the padding, and zero-fills what was cropped. */
export function fromCovered(v: Tensor4D, c: PoolCoverage, inShape: [number, number, number, number]): Tensor4D {
  const [, inHeight, inWidth] = inShape;
  const keptHeight = inHeight + Math.min(c.bottom, 0);
  const keptWidth = inWidth + Math.min(c.right, 0);
  let x = v;
  if (c.top > 0 || c.left > 0 || c.bottom > 0 || c.right > 0) {
    x = tf.slice(x, [0, c.top, c.left, 0], [-1, keptHeight, keptWidth, -1]);
  }
  if (c.bottom < 0 || c.right < 0) {
    x = tf.pad(x, [
      [0, 0],
      [0, inHeight - keptHeight],
      [0, inWidth - keptWidth],
      [0, 0],
    ]);
  }
  return x;
}

/** The shape of {@link toCovered}'s result. */
export function coveredShape(c: PoolCoverage, inShape: [number, number, number, number]): [number, number, number, number] {
  const [batch, inHeight, inWidth, channels] = inShape;
  return [batch, c.top + inHeight + c.bottom, c.left + inWidth + c.right, channels];
}

/**
 * Sums each pooling window of `u` (zeros outside the input, as the kernel's padding) and divides by the
 * window size. This is the exact adjoint of `AvgPoolGrad`, which spreads `dy / (filterHeight *
 * filterWidth)` over each window, padding included (so it is not `avgPool` with `'same'` padding, which
 * divides by the number of pixels inside the input). Computed as `avgPool` with `'valid'` padding over
 * `u` padded (or cropped) to exactly the extent that the windows cover.
 */
export function windowMeans(u: Tensor4D, attrs: NamedAttrMap): Tensor4D {
  const c = poolCoverage(u.shape, attrs);
  const { filterHeight, filterWidth, strideHeight, strideWidth } = c.info;
  return tf.avgPool(toCovered(u, c), [filterHeight, filterWidth], [strideHeight, strideWidth], 'valid');
}

/** Gradient of `AvgPoolGrad` with respect to its inputs `dy` and `input`. */
export const avgPoolGradGradientConfig: GradConfig = {
  kernelName: 'AvgPoolGrad',
  inputsToSave: ['input'],
  gradFunc: (upstream, saved, attrs) => {
    const [input] = saved;
    return {
      dy: () => windowMeans(upstream as Tensor4D, attrs),
      input: () => tf.zeros(input.shape, 'float32'),
    };
  },
};

/**
 * Ones at the outputs `(i, j)` with `i % rowStep === row` and `j % colStep === col`, zeros elsewhere,
 * broadcast to `shape` ([batch, outHeight, outWidth, channels]).
 */
function outputClass(
  shape: [number, number, number, number],
  rowStep: number,
  colStep: number,
  row: number,
  col: number,
): Tensor4D {
  const [, outHeight, outWidth] = shape;
  const mask = new Float32Array(outHeight * outWidth);
  for (let i = row; i < outHeight; i += rowStep) {
    for (let j = col; j < outWidth; j += colStep) mask[i * outWidth + j] = 1;
  }
  return tf.broadcastTo(tf.tensor4d(mask, [1, outHeight, outWidth, 1]), shape);
}

/**
 * The adjoint of `MaxPoolGrad` (linear in `dy`) applied to `u`: for each output window, `u` at the
 * position that the kernel routes that window's `dy` to. It is computed with the backend's own
 * `MaxPoolGrad`, so that it follows the kernel's choice of position exactly (ties, and windows the
 * kernel drops). The outputs are split into classes of windows that do not overlap (every
 * `ceil(filter / stride)`-th row and column); for one class, `MaxPoolGrad` of the class's indicator is 1
 * exactly at the chosen positions, and the window sums of that mask times `u` read `u` there.
 */
function maxPoolGradAdjoint(u: Tensor4D, input: Tensor4D, output: Tensor4D, attrs: NamedAttrMap): Tensor4D {
  const info = tf.backend_util.computePool2DInfo(
    input.shape,
    attrs.filterSize as Pair | number,
    attrs.strides as Pair | number,
    1,
    attrs.pad as PoolPad,
    attrs.dimRoundingMode as RoundingMode,
  );
  const windowSize = info.filterHeight * info.filterWidth;
  const rowStep = Math.ceil(info.filterHeight / info.strideHeight);
  const colStep = Math.ceil(info.filterWidth / info.strideWidth);
  let result: Tensor4D | undefined;
  for (let row = 0; row < rowStep; row++) {
    for (let col = 0; col < colStep; col++) {
      const members = outputClass(output.shape, rowStep, colStep, row, col);
      const chosen = tf.engine().runKernel('MaxPoolGrad', { dy: members, input, output }, attrs) as Tensor4D;
      const picked: Tensor4D = tf.mul(tf.mul(windowMeans(tf.mul(chosen, u), attrs), windowSize), members);
      result = result == null ? picked : (tf.add(result, picked) as Tensor4D);
    }
  }
  return result as Tensor4D;
}

/**
 * Gradient of `MaxPoolGrad` with respect to its inputs `dy`, `input` and `output`. `MaxPoolGrad` routes
 * each `dy` value to the position of its window's maximum, so its gradient with respect to `dy` reads the
 * upstream gradient at those positions (see `maxPoolGradAdjoint`); the positions are piecewise constant
 * in `input` and `output`, whose gradients are zero.
 */
export const maxPoolGradGradientConfig: GradConfig = {
  kernelName: 'MaxPoolGrad',
  inputsToSave: ['input', 'output'],
  gradFunc: (upstream, saved, attrs) => {
    const [input, output] = saved as Tensor4D[];
    return {
      dy: () => maxPoolGradAdjoint(upstream as Tensor4D, input, output, attrs),
      input: () => tf.zeros(input.shape, 'float32'),
      output: () => tf.zeros(output.shape, 'float32'),
    };
  },
};
