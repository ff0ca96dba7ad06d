/**
 * The checks behind {@link Dataset.fromTensors}: tensor shape and dtype, NaN and range of the values,
 * and labels. Internal: not re-exported from the package.
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs';
import { ConfigError, DataError, ShapeError, describeValue } from '../errors.js';
import type { FromTensorsOptions, LabelsLike } from './dataset.js';
import { checkClassNames, checkInt } from '../util/validate.js';

/** Values this far outside [-1, 1] (relative to the range's width / 2) still pass the range check. */
const RANGE_TOLERANCE = 1e-5;

/**
 * The most classes a dataset can have, 2^31 - 1: labels are int32 class ids, so the largest label is
 * 2^31 - 2 and `numClasses` = largest + 1 still fits an int32.
 */
export const MAX_CLASSES = 2 ** 31 - 1;

/** Checks that `images` is a live numeric tensor `[N, ...sampleShape]` with N >= 1. */
export function checkImagesTensor(images: unknown, owner: string): asserts images is tf.Tensor {
  if (!(images instanceof tf.Tensor)) {
    throw new ShapeError(
      `${owner}: 'images' must be a tf.Tensor of shape [N, ...sampleShape], received ${describeValue(images)}.`,
    );
  }
  if (images.isDisposed) {
    throw new ConfigError(`${owner}: 'images' must be a live tensor, received a disposed one.`);
  }
  if (images.rank < 2) {
    throw new ShapeError(
      `${owner}: 'images' must have rank >= 2, shape [N, ...sampleShape], received shape ${describeValue(images.shape)}.`,
    );
  }
  if (images.shape[0] === 0 || images.size === 0) {
    throw new DataError(
      `${owner}: 'images' must hold at least one non-empty sample, received shape ${describeValue(images.shape)}.`,
    );
  }
  if (images.dtype !== 'float32' && images.dtype !== 'int32' && images.dtype !== 'bool') {
    throw new DataError(
      `${owner}: 'images' must have a numeric dtype (float32 or int32), received ${describeValue(images.dtype)}.`,
    );
  }
}

/** Checks the `range` option: `[min, max]`, finite, min < max. */
export function checkRangeOption(range: unknown, owner: string): readonly [number, number] | undefined {
  if (range === undefined) return undefined;
  if (
    !Array.isArray(range) ||
    range.length !== 2 ||
    !range.every((v) => typeof v === 'number' && Number.isFinite(v)) ||
    !(range[0] < range[1])
  ) {
    throw new ConfigError(
      `${owner}: 'range' must be [min, max] with finite min < max, e.g. [0, 255], received ${describeValue(range)}.`,
    );
  }
  return [range[0], range[1]];
}

/** Checks for NaN / infinite values (naming the first) and, when asked, for values out of range. */
export function checkImageValues(
  images: tf.Tensor,
  range: readonly [number, number] | undefined,
  checkValues: boolean,
  owner: string,
): void {
  // Read the values and scan them here: tensors made from arrays still hold them on the CPU, so this
  // reads nothing back from a GPU (a synchronous read that WebGPU cannot do in every browser).
  const values = images.dataSync() as ArrayLike<number>;
  let min = Infinity;
  let max = -Infinity;
  for (let flatIndex = 0; flatIndex < values.length; flatIndex++) {
    const value = values[flatIndex];
    if (!Number.isFinite(value)) {
      const sampleSize = images.size / images.shape[0];
      const sample = Math.floor(flatIndex / sampleSize);
      const position = unravel(flatIndex - sample * sampleSize, images.shape.slice(1));
      throw new DataError(
        `${owner}: 'images' must hold finite values, received ${value} at sample ${sample}, ` +
          `position ${describeValue(position)} (flat index ${flatIndex}).`,
      );
    }
    if (value < min) min = value;
    if (value > max) max = value;
  }
  if (!checkValues) return;
  const [low, high] = range ?? [-1, 1];
  const slack = RANGE_TOLERANCE * ((high - low) / 2);
  if (min >= low - slack && max <= high + slack) return;
  const received = `received values in [${min}, ${max}]`;
  if (range !== undefined) {
    throw new DataError(
      `${owner}: 'images' must hold values in the given range [${low}, ${high}], ${received}.`,
    );
  }
  const suggestion = min >= 0 && max <= 1 ? '[0, 1]' : min >= 0 && max <= 255 ? '[0, 255]' : `[${min}, ${max}]`;
  throw new DataError(
    `${owner}: 'images' must hold values in [-1, 1], ${received}. ` +
      `Pass the option range: ${suggestion} to rescale them, or checkRange: false for data that are not images.`,
  );
}

/** The position of flat `index` in a tensor of `shape` (row-major). */
function unravel(index: number, shape: readonly number[]): number[] {
  const position = new Array<number>(shape.length);
  let rest = index;
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    position[axis] = rest % shape[axis];
    rest = Math.floor(rest / shape[axis]);
  }
  return position;
}

/** Checks labels against N and the class options; returns them as int32 with numClasses and classNames. */
export function checkLabels(
  labels: LabelsLike | undefined,
  count: number,
  opts: FromTensorsOptions,
  owner: string,
): { values: Int32Array; numClasses: number; classNames?: readonly string[] } | undefined {
  if (labels === undefined) {
    if (opts.numClasses !== undefined || opts.classNames !== undefined) {
      throw new ConfigError(
        `${owner}: 'numClasses' and 'classNames' need labels, received no labels. Pass labels or drop those options.`,
      );
    }
    return undefined;
  }
  let raw: ArrayLike<number>;
  if (labels instanceof tf.Tensor) {
    if (labels.isDisposed) {
      throw new ConfigError(`${owner}: 'labels' must be a live tensor, received a disposed one.`);
    }
    if (labels.rank !== 1) {
      throw new ShapeError(
        `${owner}: 'labels' must be a tensor of shape [N] = [${count}], received shape ${describeValue(labels.shape)}.`,
      );
    }
    raw = labels.dataSync() as ArrayLike<number>;
  } else if (labels !== null && typeof labels === 'object' && typeof labels.length === 'number') {
    raw = labels;
  } else {
    throw new ShapeError(
      `${owner}: 'labels' must be a tensor [N] or an array of N integers, received ${describeValue(labels)}.`,
    );
  }
  if (raw.length !== count) {
    throw new ShapeError(
      `${owner}: 'labels' must hold one class id per image, N = ${count}, received ${raw.length}.`,
    );
  }
  const classNames = checkClassNames(opts.classNames, owner);
  const numClassesOption =
    opts.numClasses === undefined ? undefined : checkInt(opts.numClasses, 'numClasses', owner, 1, MAX_CLASSES);
  // Every label is checked as a number before it is stored: an Int32Array would wrap 2^31 to -2^31.
  const bound = numClassesOption ?? classNames?.length ?? MAX_CLASSES;
  const values = new Int32Array(count);
  let largest = 0;
  for (let i = 0; i < count; i++) {
    const label = raw[i];
    if (typeof label !== 'number' || !Number.isInteger(label) || label < 0) {
      throw new DataError(
        `${owner}: 'labels' must be non-negative integer class ids, received ${describeValue(label)} at index ${i}.`,
      );
    }
    if (label >= bound) {
      const what = bound === MAX_CLASSES ? `int32 class ids in [0, 2^31 - 1) = [0, ${MAX_CLASSES})` : `class ids in [0, ${bound})`;
      throw new DataError(`${owner}: 'labels' must be ${what}, received ${label} at index ${i}.`);
    }
    values[i] = label;
    if (label > largest) largest = label;
  }
  const numClasses = numClassesOption ?? classNames?.length ?? largest + 1;
  if (classNames !== undefined && classNames.length !== numClasses) {
    throw new ConfigError(
      `${owner}: 'classNames' must hold numClasses = ${numClasses} names, received ${classNames.length}.`,
    );
  }
  return { values, numClasses, classNames };
}
