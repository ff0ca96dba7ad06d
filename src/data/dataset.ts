import * as tf from '@tensorflow/tfjs';
import { ConfigError, describeValue } from '../errors.js';
import { SeededRandom, hashInts } from '../util/random.js';
import { checkImageValues, checkImagesTensor, checkLabels, checkRangeOption } from './check-tensors.js';
import { checkBoolean, checkInt, checkNonEmptyString, checkOneOf, checkOptions } from '../util/validate.js';
import { BATCH_SAMPLINGS, type BatchSampling, ClassBalancedSampler } from './class-balanced-sampler.js';
import { ClassGroups } from './class-groups.js';
import { ClassShareSampler } from './class-share-sampler.js';

/** One batch of samples: images `[B, ...sampleShape]` float32 in [-1, 1], and int32 labels `[B]` when labelled. */
export interface DatasetBatch {
  /** Samples `[B, ...sampleShape]`, float32. The caller owns the tensor and disposes it. */
  readonly images: tf.Tensor;
  /** Class ids `[B]`, int32; absent for an unlabelled dataset. The caller owns the tensor. */
  readonly labels?: tf.Tensor1D;
}

/** Class ids for {@link Dataset.fromTensors}: a tensor `[N]` or any array of N integers. */
export type LabelsLike = tf.Tensor | ArrayLike<number>;

/** Options of {@link Dataset.fromTensors}. */
export interface FromTensorsOptions {
  /**
   * The range `[min, max]` that the values are in, mapped linearly onto [-1, 1]: `[0, 255]` for bytes,
   * `[0, 1]` for unit floats.
   * @defaultValue undefined: the values are already in [-1, 1]
   */
  readonly range?: readonly [number, number];
  /**
   * Whether to require values in [-1, 1] (after `range`). Turn off for data that are not images, such
   * as the 2-D toy points of {@link toy2d}.
   * @defaultValue true
   */
  readonly checkRange?: boolean;
  /**
   * The number of classes; every label must be below it.
   * @defaultValue `classNames.length` when given, else the largest label + 1
   */
  readonly numClasses?: number;
  /** A name per class id, e.g. `['cat', 'dog']`; its length must equal `numClasses`. */
  readonly classNames?: readonly string[];
  /**
   * A short name for messages and logs.
   * @defaultValue 'tensors'
   */
  readonly name?: string;
}

const FROM_TENSORS_OPTIONS = Object.freeze(['range', 'checkRange', 'numClasses', 'classNames', 'name']);

/**
 * An in-memory dataset on the current tfjs backend: samples `[N, ...sampleShape]` float32, and
 * optional int32 class ids. Images are NHWC in [-1, 1]; 2-D toy points are `[N, 2]`.
 *
 * Batching is stateless: {@link Dataset.batch} returns batch number `index` of the endless stream of
 * shuffled epochs, a pure function of `(seed, index, batchSize)`, so a resumed training run sees
 * exactly the batches the uninterrupted run would have seen.
 *
 * @example
 * ```ts
 * const data = Dataset.fromTensors(tf.randomUniform([100, 8, 8, 1], 0, 255), undefined, { range: [0, 255] });
 * const { images } = data.batch(0, 32, 42);   // [32, 8, 8, 1] in [-1, 1]
 * images.dispose();
 * data.dispose();
 * ```
 */
export class Dataset {
  /** All samples `[N, ...sampleShape]`, float32 (in [-1, 1] for images). Owned by the dataset. */
  readonly images: tf.Tensor;
  /** Class ids `[N]`, int32 in [0, numClasses); absent when unlabelled. Owned by the dataset. */
  readonly labels?: tf.Tensor1D;
  /** The number of classes; 0 when unlabelled. */
  readonly numClasses: number;
  /** A name per class id, when known. */
  readonly classNames?: readonly string[];
  /** The number of samples N. */
  readonly size: number;
  /** The shape of one sample, e.g. `[28, 28, 1]` or `[2]`. */
  readonly sampleShape: readonly number[];
  /** A short name for messages and logs, e.g. `'mnist'`. */
  readonly name: string;

  private permutationCache?: { seed: number; epoch: number; order: Int32Array };
  private classSamplers: { 'class-balanced'?: ClassBalancedSampler; 'class-sqrt'?: ClassShareSampler } = {};
  private classGroups?: ClassGroups;
  private classCountCache?: Int32Array;
  private disposedFlag = false;

  private constructor(parts: {
    images: tf.Tensor;
    labels?: tf.Tensor1D;
    numClasses: number;
    classNames?: readonly string[];
    name: string;
  }) {
    this.images = parts.images;
    this.labels = parts.labels;
    this.numClasses = parts.numClasses;
    this.classNames = parts.classNames;
    this.name = parts.name;
    this.size = parts.images.shape[0];
    this.sampleShape = Object.freeze(parts.images.shape.slice(1));
  }

  /**
   * Builds a dataset from tensors, after checking them. The dataset keeps its own reference to the
   * data (a clone, which shares memory), so the caller may dispose its tensors.
   *
   * @param images - samples `[N, ...sampleShape]` with N >= 1 (any numeric dtype; stored as float32),
   *   in [-1, 1] unless `options.range` or `options.checkRange` says otherwise.
   * @param labels - optional class ids, a tensor `[N]` or an array of N non-negative integers.
   * @param options - see {@link FromTensorsOptions}.
   * @returns a new dataset; call {@link Dataset.dispose} when done.
   * @throws ShapeError when `images` is not a tensor of rank >= 2 or `labels` does not hold N values.
   * @throws DataError on NaN or infinite values (naming the first one's index), on values outside
   *   [-1, 1] (suggesting the `range` option), and on labels that are not integers in [0, numClasses).
   * @throws ConfigError on bad options.
   * @example
   * ```ts
   * const data = Dataset.fromTensors(tf.tensor2d([[0, 255], [255, 0]]), [0, 1], { range: [0, 255] });
   * data.images.arraySync();   // [[-1, 1], [1, -1]]
   * ```
   */
  static fromTensors(images: tf.Tensor, labels?: LabelsLike, options?: FromTensorsOptions): Dataset {
    const owner = 'Dataset.fromTensors';
    const opts = checkOptions(options, FROM_TENSORS_OPTIONS, owner);
    checkImagesTensor(images, owner);
    const name = checkNonEmptyString(opts.name ?? 'tensors', 'name', owner);
    const range = checkRangeOption(opts.range, owner);
    const checkValues = checkBoolean(opts.checkRange ?? true, 'checkRange', owner);
    checkImageValues(images, range, checkValues, owner);

    const labelInfo = checkLabels(labels, images.shape[0], opts, owner);
    const stored = tf.tidy(() => {
      let x = images.dtype === 'float32' ? tf.clone(images) : tf.cast(images, 'float32');
      if (range !== undefined) {
        const [low, high] = range;
        x = tf.sub(tf.mul(tf.sub(x, low), 2 / (high - low)), 1);
        if (checkValues) x = tf.clipByValue(x, -1, 1);
      }
      return x;
    });
    // Keep the stored tensors alive even when fromTensors runs inside a caller's tf.tidy.
    tf.keep(stored);
    const storedLabels =
      labelInfo === undefined ? undefined : tf.keep(tf.tensor1d(labelInfo.values, 'int32'));
    return new Dataset({
      images: stored,
      labels: storedLabels,
      numClasses: labelInfo?.numClasses ?? 0,
      classNames: labelInfo?.classNames,
      name,
    });
  }

  /** Whether {@link Dataset.dispose} has been called. */
  get isDisposed(): boolean {
    return this.disposedFlag;
  }

  /**
   * How many samples of each class the dataset holds (read once from the labels, then cached).
   *
   * @returns a new `Int32Array` of length {@link Dataset.numClasses}.
   * @throws ConfigError for an unlabelled dataset, or after dispose.
   * @example
   * ```ts
   * (await datasets.mnist()).classCounts();   // Int32Array(10) [980, 1135, ...]
   * ```
   */
  classCounts(): Int32Array {
    const owner = `Dataset '${this.name}'.classCounts`;
    this.checkAlive(owner);
    if (this.labels === undefined) {
      throw new ConfigError(`${owner}: the dataset has no labels to count. Expected a labelled dataset.`);
    }
    if (this.classCountCache === undefined) {
      const counts = new Int32Array(this.numClasses);
      for (const label of this.labels.dataSync()) counts[label]++;
      this.classCountCache = counts;
    }
    return this.classCountCache.slice();
  }

  /**
   * The number of whole batches in one epoch; the remainder is dropped.
   *
   * @param batchSize - samples per batch, an integer in [1, N].
   * @returns `floor(N / batchSize)`.
   * @throws ConfigError when `batchSize` is not an integer in [1, N].
   * @example
   * ```ts
   * data.batchesPerEpoch(64);   // 156 for 10,000 samples
   * ```
   */
  batchesPerEpoch(batchSize: number): number {
    checkInt(batchSize, 'batchSize', `Dataset '${this.name}'`, 1, this.size);
    return Math.floor(this.size / batchSize);
  }

  /**
   * The sample indices of batch number `index` of the endless stream of batches. With `'shuffle'`
   * sampling, epoch `e` is the permutation of 0..N-1 drawn by `new SeededRandom(hashInts(seed, e))`,
   * cut into {@link Dataset.batchesPerEpoch} batches, the remainder dropped; with `'class-balanced'`,
   * the classes take turns (see {@link ClassBalancedSampler}); with `'class-sqrt'`, each class takes a
   * share in proportion to the square root of its size (see {@link ClassShareSampler}).
   *
   * @param index - the global batch index, an integer >= 0 (it may run past the first epoch).
   * @param batchSize - samples per batch, an integer in [1, N].
   * @param seed - the shuffling seed, an integer.
   * @param sampling - how batches are drawn, see {@link BatchSampling}. @defaultValue 'shuffle'
   * @param groupSize - when above 1, the batch comes in groups of this many consecutive samples of one
   *   class (for a conditional discriminator that packs samples, PacGAN): each group's first sample is
   *   drawn by `sampling` (a batch of `batchSize / groupSize` of them), the rest are other samples of its
   *   class, drawn without repeats while the class has enough. Labelled datasets only; it must divide
   *   `batchSize`. @defaultValue 1
   * @returns `batchSize` sample indices, distinct within an epoch (without groups).
   * @throws ConfigError on a bad index, batch size, seed, sampling or group size, on `'class-balanced'`
   *   or `'class-sqrt'` sampling or groups of an unlabelled dataset, or after dispose.
   * @example
   * ```ts
   * data.batchIndices(3, 64, 42);                      // Int32Array(64), the same on every call and machine
   * data.batchIndices(3, 64, 42, 'class-balanced');    // as many of each class (up to one)
   * data.batchIndices(3, 64, 42, 'class-sqrt');        // each class by the square root of its size
   * data.batchIndices(3, 64, 42, 'shuffle', 4);        // 16 groups of 4 samples of one class
   * ```
   */
  batchIndices(index: number, batchSize: number, seed: number, sampling: BatchSampling = 'shuffle', groupSize = 1): Int32Array {
    const owner = `Dataset '${this.name}'.batch`;
    this.checkAlive(owner);
    checkInt(index, 'index', owner, 0, Number.MAX_SAFE_INTEGER);
    const perEpoch = this.batchesPerEpoch(batchSize);
    checkInt(groupSize, 'groupSize', owner, 1, batchSize);
    if (groupSize > 1) {
      if (batchSize % groupSize !== 0) {
        throw new ConfigError(`${owner}: 'groupSize' must divide 'batchSize' (the batch is cut into groups of one class), received groupSize ${groupSize} and batch size ${batchSize}.`);
      }
      if (this.labels === undefined) {
        throw new ConfigError(`${owner}: 'groupSize' ${groupSize} groups samples of one class, but '${this.name}' has no labels; use groupSize 1.`);
      }
      const leaders = this.batchIndices(index, batchSize / groupSize, seed, sampling);
      // The labels are read once; they never change (the dataset owns them).
      this.classGroups ??= new ClassGroups(this.labels.dataSync(), this.numClasses, owner);
      return this.classGroups.fill(leaders, groupSize, seed, index);
    }
    checkInt(seed, 'seed', owner, -Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
    checkOneOf(sampling, BATCH_SAMPLINGS, 'sampling', owner);
    if (sampling !== 'shuffle') {
      if ((index + 1) * batchSize > Number.MAX_SAFE_INTEGER) {
        throw new ConfigError(`${owner}: 'index' times 'batchSize' must stay below 2^53 for '${sampling}' sampling, received index ${index} and batch size ${batchSize}.`);
      }
      return this.classSampler(sampling, owner).indices(index, batchSize, seed);
    }
    const epoch = Math.floor(index / perEpoch);
    const position = (index - epoch * perEpoch) * batchSize;
    return this.epochPermutation(seed, epoch).slice(position, position + batchSize);
  }

  /**
   * Batch number `index` of the endless stream of batches (see {@link Dataset.batchIndices}).
   * Stateless: the result depends only on `(seed, index, batchSize, sampling)`, so training resumes exactly.
   *
   * @param index - the global batch index, an integer >= 0.
   * @param batchSize - samples per batch, an integer in [1, N].
   * @param seed - the shuffling seed, an integer.
   * @param sampling - how batches are drawn, see {@link BatchSampling}. @defaultValue 'shuffle'
   * @param groupSize - groups of this many consecutive samples of one class, see
   *   {@link Dataset.batchIndices}. @defaultValue 1
   * @returns new tensors `images [batchSize, ...sampleShape]` and `labels [batchSize]` (when labelled),
   *   owned by the caller.
   * @throws ConfigError as {@link Dataset.batchIndices}.
   * @example
   * ```ts
   * const { images, labels } = data.batch(0, 64, 42);
   * tf.dispose([images, labels]);
   * ```
   */
  batch(index: number, batchSize: number, seed: number, sampling: BatchSampling = 'shuffle', groupSize = 1): DatasetBatch {
    return this.gather(this.batchIndices(index, batchSize, seed, sampling, groupSize));
  }

  /**
   * A subset of `count` samples: a seeded random choice without repeats, or the first `count`
   * samples when no seed is given.
   *
   * @param count - how many samples, an integer in [1, N].
   * @param seed - optional integer seed for a random subset.
   * @returns new tensors `images [count, ...sampleShape]` and `labels [count]`, owned by the caller.
   * @throws ConfigError on a bad count or seed, or after dispose.
   * @example
   * ```ts
   * const { images } = data.take(16, 1);   // 16 random samples, e.g. for a grid of real images
   * ```
   */
  take(count: number, seed?: number): DatasetBatch {
    const owner = `Dataset '${this.name}'.take`;
    this.checkAlive(owner);
    checkInt(count, 'count', owner, 1, this.size);
    if (seed === undefined) {
      return tf.tidy(() => {
        const begin = this.images.shape.map(() => 0);
        const size = this.images.shape.map((dim, axis) => (axis === 0 ? count : dim));
        const images = tf.slice(this.images, begin, size);
        if (this.labels === undefined) return { images };
        return { images, labels: tf.slice(this.labels, [0], [count]) };
      });
    }
    checkInt(seed, 'seed', owner, -Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
    return this.gather(new SeededRandom(seed).permutation(this.size).slice(0, count));
  }

  /** Frees the dataset's tensors. Safe to call twice; the dataset cannot be used afterwards. */
  dispose(): void {
    if (this.disposedFlag) return;
    this.disposedFlag = true;
    this.images.dispose();
    this.labels?.dispose();
    this.permutationCache = undefined;
    this.classSamplers = {};
    this.classGroups = undefined;
  }

  /** A one-line description, e.g. `Dataset 'mnist': 10000 x [28, 28, 1], 10 classes`. */
  toString(): string {
    const classes = this.numClasses > 0 ? `, ${this.numClasses} classes` : ', unlabelled';
    return `Dataset '${this.name}': ${this.size} x ${describeValue(this.sampleShape)}${classes}`;
  }

  private epochPermutation(seed: number, epoch: number): Int32Array {
    const cached = this.permutationCache;
    if (cached !== undefined && cached.seed === seed && cached.epoch === epoch) return cached.order;
    const order = new SeededRandom(hashInts(seed, epoch)).permutation(this.size);
    this.permutationCache = { seed, epoch, order };
    return order;
  }

  private classSampler(sampling: 'class-balanced' | 'class-sqrt', owner: string): { indices(index: number, batchSize: number, seed: number): Int32Array } {
    if (this.labels === undefined) {
      throw new ConfigError(`${owner}: '${sampling}' sampling needs a labelled dataset, but '${this.name}' has no labels; use 'shuffle'.`);
    }
    // The labels are read once; they never change (the dataset owns them).
    const labels = this.labels;
    if (sampling === 'class-balanced') return (this.classSamplers[sampling] ??= new ClassBalancedSampler(labels.dataSync(), this.numClasses, owner));
    return (this.classSamplers[sampling] ??= new ClassShareSampler(labels.dataSync(), this.numClasses, owner));
  }

  private gather(indices: Int32Array): DatasetBatch {
    return tf.tidy(() => {
      const indexTensor = tf.tensor1d(indices, 'int32');
      const images = tf.gather(this.images, indexTensor);
      if (this.labels === undefined) return { images };
      return { images, labels: tf.gather(this.labels, indexTensor) };
    });
  }

  private checkAlive(owner: string): void {
    if (this.disposedFlag) {
      throw new ConfigError(`${owner}: the dataset has been disposed; load or build it again.`);
    }
  }
}

/**
 * Builds a dataset from tensors; the same as {@link Dataset.fromTensors}.
 *
 * @param images - samples `[N, ...sampleShape]`, in [-1, 1] unless `options.range` says otherwise.
 * @param labels - optional class ids, a tensor `[N]` or an array of N integers.
 * @param options - see {@link FromTensorsOptions}.
 * @returns a new dataset.
 * @throws ShapeError, DataError or ConfigError as {@link Dataset.fromTensors}.
 * @example
 * ```ts
 * const data = fromTensors(tf.zeros([10, 4, 4, 3]));
 * ```
 */
export function fromTensors(images: tf.Tensor, labels?: LabelsLike, options?: FromTensorsOptions): Dataset {
  return Dataset.fromTensors(images, labels, options);
}
