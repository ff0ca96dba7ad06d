/**
 * Walks through a generator's inputs: a latent walk (samples along the path between two latents) and a
 * class walk (one latent whose class moves from one class to another). {@link Generator.interpolate} and
 * {@link Generator.interpolateClasses} call them; the math of the paths is in `interpolation.ts`.
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs';
import { ConfigError, describeValue } from '../errors.js';
import { randomSeed } from '../util/random.js';
import { type InterpolationMethod, interpolateLatents, interpolationSteps } from './interpolation.js';
import { type ClassLabel, type LabelsInput, checkLabelsPresence, classId, toLabelTensor } from './labels.js';
import { sampleLatents } from './latents.js';
import { latentTruncation, withStyleTruncation } from './style/style-truncation.js';

/** A point of a latent walk: a seed (the latent that `sample({ count: 1, seed })` draws) or a latent vector. */
export type LatentPoint = number | ArrayLike<number> | tf.Tensor;

/** Options of {@link Generator.interpolate}. */
export interface InterpolateOptions {
  /** The start: a seed or a latent vector of `latentDim` numbers. */
  readonly from: LatentPoint;
  /** The end: a seed or a latent vector of `latentDim` numbers. */
  readonly to: LatentPoint;
  /** Number of samples along the path, both endpoints included; >= 2. */
  readonly steps: number;
  /** `'slerp'` (great circle, keeps the norm) or `'lerp'` (straight line). @defaultValue 'slerp' */
  readonly method?: InterpolationMethod | undefined;
  /** The class of a conditional generator: one class (id or name) for every step, or one per step. */
  readonly labels?: LabelsInput | undefined;
  /** Truncation threshold applied when `from` or `to` is a seed (as in {@link Generator.sample}). */
  readonly truncation?: number | undefined;
}

/** Options of {@link Generator.interpolateClasses}. */
export interface InterpolateClassesOptions {
  /** The start class (id or name). */
  readonly from: ClassLabel;
  /** The end class (id or name). */
  readonly to: ClassLabel;
  /** Number of samples, both endpoints included; >= 2. */
  readonly steps: number;
  /** Seed of the one latent shared by every step. @defaultValue a random seed */
  readonly seed?: number | undefined;
  /** Truncation threshold of that latent. */
  readonly truncation?: number | undefined;
}

/** What a walk needs of a generator (a {@link Generator} has all of it). */
export interface WalkSource {
  readonly model: tf.LayersModel;
  readonly latentDim: number;
  readonly numClasses: number;
  readonly classNames: readonly string[] | undefined;
  generate(latents: tf.Tensor, labels?: tf.Tensor1D, training?: boolean): tf.Tensor;
  generateFromClassWeights(latents: tf.Tensor, weights: tf.Tensor, training?: boolean): tf.Tensor;
}

/**
 * A latent walk: `steps` samples along the path from one latent to another (endpoints included).
 * @returns a tensor `[steps, ...outputShape]`.
 * @throws ConfigError for bad endpoints, steps, method or labels.
 */
export function latentWalk(generator: WalkSource, options: InterpolateOptions): tf.Tensor {
  const owner = 'Generator.interpolate';
  if (options == null || typeof options !== 'object') {
    throw new ConfigError(`${owner}: options must be an object with 'from', 'to' and 'steps', received ${describeValue(options)}.`);
  }
  const { steps } = options;
  const { model, numClasses, classNames } = generator;
  interpolationSteps(steps, owner);
  checkLabelsPresence(options.labels, numClasses, classNames, owner);
  const truncation = latentTruncation(model, options.truncation, owner);
  const from = latentOf(generator.latentDim, options.from, 'from', truncation, owner);
  const to = latentOf(generator.latentDim, options.to, 'to', truncation, owner);
  const latents = interpolateLatents(from, to, steps, options.method ?? 'slerp');
  let labels: tf.Tensor1D | undefined;
  try {
    labels = options.labels === undefined ? undefined : toLabelTensor(options.labels, steps, numClasses, 'labels', classNames);
    return withStyleTruncation(model, options.truncation, () => tf.tidy(() => generator.generate(latents, labels, false)));
  } finally {
    latents.dispose();
    labels?.dispose();
  }
}

/**
 * A class walk: `steps` samples of one latent whose class weights move from `from` to `to`.
 * @returns a tensor `[steps, ...outputShape]`.
 * @throws ConfigError for an unconditional generator, unknown classes, a bad `steps`, or a model whose
 *   conditioning cannot be mixed.
 */
export function classWalk(generator: WalkSource, options: InterpolateClassesOptions): tf.Tensor {
  const owner = 'Generator.interpolateClasses';
  if (options == null || typeof options !== 'object') {
    throw new ConfigError(`${owner}: options must be an object with 'from', 'to' and 'steps', received ${describeValue(options)}.`);
  }
  const { model, numClasses, classNames } = generator;
  if (numClasses === 0) {
    throw new ConfigError(`${owner}: this generator is unconditional (numClasses 0); class interpolation needs a conditional generator.`);
  }
  const ts = interpolationSteps(options.steps, owner);
  const a = classId(options.from, numClasses, classNames, 'from');
  const b = classId(options.to, numClasses, classNames, 'to');
  const weights = new Float32Array(ts.length * numClasses);
  ts.forEach((t, i) => {
    weights[i * numClasses + a] += 1 - t;
    weights[i * numClasses + b] += t;
  });
  const latent = sampleLatents(1, generator.latentDim, options.seed ?? randomSeed(), latentTruncation(model, options.truncation, owner));
  try {
    return withStyleTruncation(model, options.truncation, () =>
      tf.tidy(() =>
        generator.generateFromClassWeights(tf.tile(latent, [ts.length, 1]), tf.tensor2d(weights, [ts.length, numClasses]), false),
      ),
    );
  } finally {
    latent.dispose();
  }
}

/** A walk's endpoint as `latentDim` numbers: the latent a seed draws, or the given vector. */
function latentOf(latentDim: number, point: LatentPoint, argName: string, truncation: number | undefined, owner: string): Float32Array {
  if (typeof point === 'number') {
    if (!Number.isInteger(point)) {
      throw new ConfigError(`${owner}: '${argName}' must be an integer seed or a latent vector of ${latentDim} numbers, received ${describeValue(point)}.`);
    }
    const latent = sampleLatents(1, latentDim, point, truncation);
    try {
      return latent.dataSync() as Float32Array;
    } finally {
      latent.dispose();
    }
  }
  const values = point instanceof tf.Tensor ? point.dataSync() : point;
  const size = point instanceof tf.Tensor ? point.size : values?.length;
  if (size !== latentDim || (point instanceof tf.Tensor && !(point.rank === 1 || (point.rank === 2 && point.shape[0] === 1)))) {
    throw new ConfigError(
      `${owner}: '${argName}' must be an integer seed or a latent vector of ${latentDim} numbers, received ${point instanceof tf.Tensor ? `a tensor of shape ${describeValue(point.shape)}` : describeValue(size === undefined ? point : `${size} numbers`)}.`,
    );
  }
  return Float32Array.from(values as ArrayLike<number>);
}
