/**
 * From samples to features: images of a dataset, of a tensor or of a generator go through a feature
 * extractor a batch at a time, and only the features (and class predictions) stay, in JavaScript memory.
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs';
import { ConfigError, ShapeError, describeValue } from '../errors.js';
import { Dataset } from '../data/dataset.js';
import { Generator } from '../nets/generator.js';
import { SeededRandom, hashInts } from '../util/random.js';
import type { FeatureExtractor } from './feature-extractor.js';
import { type FeatureMatrix, isFeatureMatrix, toFeatureMatrix } from './feature-matrix.js';
import { checkPositiveInt } from '../util/validate.js';

/** A feature extractor, or the promise of one (as `metrics.features.mnist()` returns). */
export type FeatureExtractorLike = FeatureExtractor | Promise<FeatureExtractor>;

/**
 * A set of samples for a metric: a dataset, a tensor of samples `[N, ...]`, or features already computed
 * (a {@link FeatureMatrix}).
 */
export type SampleSet = Dataset | tf.Tensor | FeatureMatrix;

/** Samples per forward pass of the generator and the extractor. */
export const SAMPLE_BATCH_SIZE = 250;

/** Features of samples, with the labels and predicted classes when known. */
export interface SampleFeatures {
  readonly features: FeatureMatrix;
  /** The class each sample was generated as (conditional generator) or labelled with (dataset). */
  readonly labels?: Int32Array;
  /** The extractor's predicted class per sample, when asked for and it can classify. */
  readonly predictions?: Int32Array;
}

/** Runs the extractor over a batch (or flattens it when there is none); returns features and predictions. */
async function batchFeatures(
  images: tf.Tensor,
  extractor: FeatureExtractor | undefined,
  predict: boolean,
): Promise<{ features: Float32Array; dim: number; predictions?: Int32Array }> {
  const [features, predicted] = tf.tidy(() => {
    const f = extractor ? extractor.extract(images) : tf.reshape(images, [images.shape[0], -1]);
    const p = predict && extractor?.classify ? tf.argMax(extractor.classify(images), 1) : undefined;
    return [f, p] as const;
  });
  try {
    const values = (await features.data()) as Float32Array;
    const predictions = predicted ? Int32Array.from(await predicted.data()) : undefined;
    return { features: values, dim: features.shape[1] ?? 1, ...(predictions ? { predictions } : {}) };
  } finally {
    features.dispose();
    predicted?.dispose();
  }
}

/** Collects per-batch results into one {@link SampleFeatures}. */
class Collector {
  private data?: Float32Array;
  private dim = 0;
  private offset = 0;
  private predictions?: Int32Array;

  constructor(private readonly count: number) {}

  add(batch: { features: Float32Array; dim: number; predictions?: Int32Array }, start: number): void {
    if (this.data === undefined) {
      this.dim = batch.dim;
      this.data = new Float32Array(this.count * batch.dim);
    }
    this.data.set(batch.features, this.offset);
    this.offset += batch.features.length;
    if (batch.predictions) {
      this.predictions ??= new Int32Array(this.count);
      this.predictions.set(batch.predictions, start);
    }
  }

  result(labels?: Int32Array): SampleFeatures {
    return {
      features: toFeatureMatrix({ data: this.data!, count: this.count, dim: this.dim }, 'features', 'metrics'),
      ...(labels ? { labels } : {}),
      ...(this.predictions ? { predictions: this.predictions } : {}),
    };
  }
}

/**
 * The features of a tensor of samples `[N, ...]`, a batch at a time.
 * @throws ShapeError when the samples do not fit the extractor.
 */
export async function tensorFeatures(
  images: tf.Tensor,
  extractor: FeatureExtractor | undefined,
  options: { predict?: boolean; batchSize?: number } = {},
): Promise<SampleFeatures> {
  const n = images.shape[0];
  if (!(n >= 1)) throw new ShapeError(`metrics: a sample set must hold at least one sample, received shape ${describeValue(images.shape)}.`);
  const batchSize = options.batchSize ?? SAMPLE_BATCH_SIZE;
  const collector = new Collector(n);
  for (let start = 0; start < n; start += batchSize) {
    const size = Math.min(batchSize, n - start);
    const batch = size === n ? images : tf.slice(images, start, size);
    try {
      collector.add(await batchFeatures(batch, extractor, options.predict ?? false), start);
    } finally {
      if (batch !== images) batch.dispose();
    }
  }
  return collector.result();
}

/**
 * The features of `count` samples of a dataset: the first `count`, or a seeded random subset.
 * @throws ConfigError when `count` exceeds the dataset.
 */
export async function datasetFeatures(
  dataset: Dataset,
  extractor: FeatureExtractor | undefined,
  options: { count?: number; seed?: number; predict?: boolean; batchSize?: number } = {},
): Promise<SampleFeatures> {
  const count = options.count ?? dataset.size;
  if (!Number.isInteger(count) || count < 1 || count > dataset.size) {
    throw new ConfigError(`metrics: the real sample count must be an integer in [1, ${dataset.size}] (the size of ${describeValue(dataset.name)}), received ${describeValue(count)}.`);
  }
  const batchSize = options.batchSize ?? SAMPLE_BATCH_SIZE;
  const indices =
    options.seed === undefined ? undefined : new SeededRandom(options.seed).permutation(dataset.size).slice(0, count);
  const collector = new Collector(count);
  for (let start = 0; start < count; start += batchSize) {
    const size = Math.min(batchSize, count - start);
    const batch = tf.tidy(() =>
      indices === undefined
        ? tf.slice(dataset.images, start, size)
        : tf.gather(dataset.images, tf.tensor1d(indices.subarray(start, start + size), 'int32')),
    );
    try {
      collector.add(await batchFeatures(batch, extractor, options.predict ?? false), start);
    } finally {
      batch.dispose();
    }
  }
  let labels: Int32Array | undefined;
  if (dataset.labels !== undefined) {
    const all = (await dataset.labels.data()) as Int32Array;
    labels = indices === undefined ? all.slice(0, count) : Int32Array.from(indices, (i) => all[i]);
  }
  return collector.result(labels);
}

/** Options for drawing samples from a generator. */
export interface GeneratorSampling {
  /** How many samples. */
  readonly count: number;
  /** Seed of the latents (batch b uses `hashInts(seed, b)`). @defaultValue 0 */
  readonly seed?: number;
  /**
   * The classes of a conditional generator's samples, one per sample. @defaultValue balanced: sample i
   * is of class `i % numClasses`
   */
  readonly labels?: ArrayLike<number>;
  /** Latent truncation (as `Generator.sample`). @defaultValue none */
  readonly truncation?: number;
}

/**
 * The features of `count` samples of a generator, drawn a batch at a time in inference mode.
 * @throws ConfigError for a bad count or labels.
 */
export async function generatorFeatures(
  generator: Generator,
  extractor: FeatureExtractor | undefined,
  sampling: GeneratorSampling,
  options: { predict?: boolean; batchSize?: number } = {},
): Promise<SampleFeatures> {
  const owner = 'metrics';
  if (!(generator instanceof Generator)) {
    throw new ConfigError(`${owner}: 'generator' must be a Generator, received ${describeValue(generator)}.`);
  }
  const count = checkPositiveInt(sampling.count, 'count', owner, { note: ' (samples to generate)' });
  const seed = sampling.seed ?? 0;
  let labels: Int32Array | undefined;
  if (generator.conditional) {
    labels = sampling.labels
      ? Int32Array.from(sampling.labels)
      : Int32Array.from({ length: count }, (_, i) => i % generator.numClasses);
    if (labels.length !== count || labels.some((l) => !Number.isInteger(l) || l < 0 || l >= generator.numClasses)) {
      throw new ConfigError(`${owner}: 'labels' must be ${count} class ids in [0, ${generator.numClasses - 1}], received ${describeValue(Array.from(labels.slice(0, 5)))}...`);
    }
  } else if (sampling.labels !== undefined) {
    throw new ConfigError(`${owner}: 'labels' were given, but the generator is unconditional (numClasses 0).`);
  }
  const batchSize = options.batchSize ?? SAMPLE_BATCH_SIZE;
  const collector = new Collector(count);
  for (let start = 0, b = 0; start < count; start += batchSize, b++) {
    const size = Math.min(batchSize, count - start);
    const images = generator.sample({
      count: size,
      seed: hashInts(seed, b) & 0x7fffffff,
      ...(labels ? { labels: Array.from(labels.subarray(start, start + size)) } : {}),
      ...(sampling.truncation !== undefined ? { truncation: sampling.truncation } : {}),
    });
    try {
      collector.add(await batchFeatures(images, extractor, options.predict ?? false), start);
    } finally {
      images.dispose();
    }
  }
  return collector.result(labels);
}

/** Features of any {@link SampleSet}. */
export async function sampleSetFeatures(
  samples: SampleSet,
  extractor: FeatureExtractor | undefined,
  argName: string,
  owner: string,
  options: { count?: number; seed?: number; predict?: boolean } = {},
): Promise<SampleFeatures> {
  if (isFeatureMatrix(samples)) return { features: toFeatureMatrix(samples, argName, owner) };
  if (samples instanceof Dataset) return datasetFeatures(samples, extractor, options);
  if (samples instanceof tf.Tensor) {
    if (options.count !== undefined && options.count < samples.shape[0]) {
      const head = tf.slice(samples, 0, options.count);
      try {
        return await tensorFeatures(head, extractor, options);
      } finally {
        head.dispose();
      }
    }
    return tensorFeatures(samples, extractor, options);
  }
  throw new ConfigError(`${owner}: '${argName}' must be a Dataset, a tensor of samples or a FeatureMatrix { data, count, dim }, received ${describeValue(samples)}.`);
}

/** Waits for an extractor given as a promise. */
export async function resolveExtractor(features: FeatureExtractorLike | undefined, owner: string): Promise<FeatureExtractor | undefined> {
  const extractor = await features;
  if (extractor !== undefined && (extractor == null || typeof extractor.extract !== 'function' || typeof extractor.id !== 'string')) {
    throw new ConfigError(`${owner}: 'features' must be a FeatureExtractor (metrics.features.mnist(), fromModel(...)), received ${describeValue(extractor)}.`);
  }
  return extractor;
}
