/**
 * One function per sample metric, each over real samples and a generator (or fake samples), for when
 * one number is wanted. To compute several, call `evaluate` once: it draws the samples and computes
 * their features once for all.
 *
 * @packageDocumentation
 */
import { ConfigError, describeValue } from '../errors.js';
import type { ModeCoverage, ModeCoverageOptions } from '../data/mode-coverage.js';
import { modeCoverage as modeCoverageOfPoints } from '../data/mode-coverage.js';
import type { Toy2dModes, Toy2dName } from '../data/toy2d.js';
import { Generator } from '../nets/generator.js';
import type { ClassAccuracy } from './class-accuracy.js';
import { EVALUATE_DEFAULTS, type SampleMetricOptions, evaluateOne } from './evaluate.js';
import type { IntraClassDistance, IntraClassPrecisionRecall } from './intra-class.js';
import type { KidOptions, KidResult } from './kernel-distance.js';
import type { DensityCoverage, PrecisionRecall } from './manifold.js';
import { type FeatureExtractorLike, generatorFeatures, resolveExtractor, sampleSetFeatures, type SampleSet } from './sample-features.js';

/**
 * Fréchet Inception Distance (Heusel et al. 2017, arXiv:1706.08500) with the given feature extractor:
 * the Fréchet distance between Gaussians fitted to the real and the fake features. Lower is better;
 * compare numbers only for the same extractor, counts and data.
 *
 * @param options - real samples, a generator (or fake samples), the extractor; see {@link SampleMetricOptions}.
 * @returns FID, >= 0.
 * @throws ConfigError or ShapeError as `evaluate`.
 * @example
 * ```ts
 * const fid = await metrics.fid({ real: data, generator, count: 5000, features: metrics.features.mnist() });
 * ```
 */
export async function fid(options: SampleMetricOptions): Promise<number> {
  return (await evaluateOne(options, 'fid')).fid!;
}

/**
 * Kernel Inception Distance (Bińkowski et al. 2018, arXiv:1801.01401): the unbiased MMD^2 between the
 * real and fake features with the kernel `(x . y / d + 1)^3`, mean and standard deviation over random
 * subsets. Unbiased, so it can be compared across sample counts; about 0 (possibly slightly negative) when
 * the distributions match.
 *
 * @param options - as {@link fid}, plus KID's `subsets` (100) and `subsetSize` (1000); the subsets are
 *   drawn with a fixed seed.
 * @returns mean and std over subsets.
 * @example
 * ```ts
 * const { mean, std } = await metrics.kid({ real: data, generator, features: metrics.features.mnist() });
 * ```
 */
export async function kid(options: SampleMetricOptions & Omit<KidOptions, 'seed'>): Promise<KidResult> {
  const { subsets, subsetSize, ...rest } = options;
  return (await evaluateOne(rest, 'kid', { kid: kidOptionsOf(subsets, subsetSize) })).kid!;
}

/**
 * Intra-class FID (Miyato & Koyama 2018, arXiv:1802.05637): FID between the real and the fake samples
 * of each class, and its mean over the classes, for a conditional generator (its samples are balanced
 * over the classes unless `labels` says otherwise) against labelled real data. It sees what FID over
 * all samples misses: the wrong class, or one picture per class. Biased upward at small counts like
 * FID: compare it at the same counts per class, or use {@link intraKid}.
 *
 * @param options - as {@link fid}; the real samples need labels (a labelled dataset, or `realLabels`).
 * @returns the mean over classes, each class's FID and the per-class counts.
 * @throws ConfigError for an unconditional generator, real samples without labels, or a class with
 *   fewer than 2 real or fake samples.
 * @example
 * ```ts
 * const { mean, perClass } = await metrics.intraFid({ real: data, generator, count: 5000, features: metrics.features.mnist() });
 * ```
 */
export async function intraFid(options: SampleMetricOptions): Promise<IntraClassDistance> {
  return (await evaluateOne(options, 'intra-fid')).intraFid!;
}

/**
 * Intra-class KID: KID (see {@link kid}) within each class, and its mean over the classes. Unbiased, so
 * it suits classes of few samples and compares across counts.
 *
 * @param options - as {@link intraFid}, plus KID's `subsets` and `subsetSize` (at most each class's
 *   smaller set).
 * @returns the mean over classes, each class's KID and its std over subsets, and the per-class counts.
 * @throws ConfigError as {@link intraFid}.
 * @example
 * ```ts
 * const { mean } = await metrics.intraKid({ real: data, generator, count: 5000, features: metrics.features.mnist() });
 * ```
 */
export async function intraKid(options: SampleMetricOptions & Omit<KidOptions, 'seed'>): Promise<IntraClassDistance> {
  const { subsets, subsetSize, ...rest } = options;
  return (await evaluateOne(rest, 'intra-kid', { kid: kidOptionsOf(subsets, subsetSize) })).intraKid!;
}

/**
 * Precision and recall within each class (see `intraPrecisionRecallFromFeatures`): how many of each
 * class's samples fall inside the k-NN balls of that class's real samples, and the reverse, with their
 * means over the classes. It sees a class drawn as plausible-coloured blobs whose feature statistics
 * match the real class (where {@link intraKid} sits near its floor).
 *
 * @param options - as {@link intraFid}, plus `k` (default 3); every class needs more than k real and
 *   k fake samples.
 * @returns each class's precision and recall and their means.
 * @throws ConfigError as {@link intraFid}, or for a class of k or fewer samples.
 * @example
 * ```ts
 * const { precision } = await metrics.intraPrecisionRecall({ real: data, generator, count: 5000, features: metrics.features.mnist() });
 * ```
 */
export async function intraPrecisionRecall(options: SampleMetricOptions & { readonly k?: number }): Promise<IntraClassPrecisionRecall> {
  const { k, ...rest } = options;
  return (await evaluateOne(rest, 'intra-precision-recall', k !== undefined ? { precisionRecallK: k } : {})).intraPrecisionRecall!;
}

/** KID's options from the ones a caller gave (the subset draws keep `evaluate`'s fixed seed). */
function kidOptionsOf(subsets: number | undefined, subsetSize: number | undefined): KidOptions {
  return { ...(subsets !== undefined ? { subsets } : {}), ...(subsetSize !== undefined ? { subsetSize } : {}) };
}

/**
 * Improved precision and recall (Kynkäänniemi et al. 2019, arXiv:1904.06991): precision is the share of
 * fake samples within the k-NN balls of the real ones (realism), recall the share of real samples within
 * the balls of the fake ones (diversity).
 *
 * @param options - as {@link fid}, plus `k` (default 3).
 * @returns precision and recall in [0, 1].
 * @example
 * ```ts
 * const { precision, recall } = await metrics.precisionRecall({ real: data, generator, features: metrics.features.mnist() });
 * ```
 */
export async function precisionRecall(options: SampleMetricOptions & { readonly k?: number }): Promise<PrecisionRecall> {
  const { k, ...rest } = options;
  const result = await evaluateOne(rest, 'precision-recall', k !== undefined ? { precisionRecallK: k } : {});
  return { precision: result.precision!, recall: result.recall! };
}

/**
 * Density and coverage (Naeem et al. 2020, arXiv:2002.09797), with k-NN balls around the real samples:
 * density counts how many real balls hold each fake sample (over k; about 1 when the distributions
 * match), coverage is the share of real balls that hold some fake sample.
 *
 * @param options - as {@link fid}, plus `k` (default 5).
 * @returns density (>= 0) and coverage in [0, 1].
 * @example
 * ```ts
 * const { density, coverage } = await metrics.densityCoverage({ real: data, generator, features: metrics.features.mnist() });
 * ```
 */
export async function densityCoverage(options: SampleMetricOptions & { readonly k?: number }): Promise<DensityCoverage> {
  const { k, ...rest } = options;
  const result = await evaluateOne(rest, 'density-coverage', k !== undefined ? { densityCoverageK: k } : {});
  return { density: result.density!, coverage: result.coverage! };
}

/** Options of {@link classAccuracy}. */
export interface ClassAccuracyOptions {
  /** A conditional generator; its samples are balanced over the classes unless `labels` says otherwise. */
  readonly generator?: Generator;
  /** Or samples (a tensor `[N, ...]` or dataset) with their intended `labels`. */
  readonly samples?: SampleSet;
  /** The class of each sample (required with `samples`). */
  readonly labels?: ArrayLike<number>;
  /** A classifying extractor, e.g. `metrics.features.mnist()`. */
  readonly classifier: FeatureExtractorLike;
  /** Samples to draw from the generator. @defaultValue 5000 */
  readonly count?: number;
  /** Seed of the latents. @defaultValue 0 */
  readonly seed?: number;
}

/**
 * Classifier accuracy of conditional samples: the share of samples generated as class k that the
 * classifier assigns to class k, overall and per class.
 *
 * @param options - see {@link ClassAccuracyOptions}.
 * @returns overall and per-class accuracy, with the per-class sample counts.
 * @throws ConfigError for an unconditional generator, missing labels, or a classifier that cannot classify.
 * @example
 * ```ts
 * const { accuracy, perClass } = await metrics.classAccuracy({ generator, classifier: metrics.features.mnist(), count: 1000 });
 * ```
 */
export async function classAccuracy(options: ClassAccuracyOptions): Promise<ClassAccuracy> {
  const owner = 'metrics.classAccuracy';
  if (options == null || typeof options !== 'object') {
    throw new ConfigError(`${owner}: options must be an object with 'classifier' and 'generator' or 'samples', received ${describeValue(options)}.`);
  }
  const { generator, samples, labels, classifier, count, seed } = options;
  if ((generator === undefined) === (samples === undefined)) {
    throw new ConfigError(`${owner}: give exactly one of 'generator' and 'samples', received ${generator === undefined ? 'neither' : 'both'}.`);
  }
  // Any placeholder works as `real`: class accuracy does not look at real samples.
  const placeholder = { data: new Float32Array(1), count: 1, dim: 1 };
  const base = { real: placeholder, features: classifier, ...(labels !== undefined ? { labels } : {}), ...(count !== undefined ? { count } : {}), ...(seed !== undefined ? { seed } : {}) };
  const result = await evaluateOne(generator !== undefined ? { ...base, generator } : { ...base, fake: samples }, 'class-accuracy');
  return result.classAccuracy!;
}

/** Options of {@link modeCoverage}. */
export interface ToyModeCoverageOptions extends ModeCoverageOptions {
  /** The toy mixture: `'ring'`, `'grid'` or its modes. */
  readonly modes: Toy2dName | Toy2dModes;
  /** A generator of 2-D points. */
  readonly generator?: Generator;
  /** Or the points: a tensor `[N, 2]`, rows or a FeatureMatrix. */
  readonly samples?: SampleSet;
  /** Points to draw from the generator. @defaultValue 5000 */
  readonly count?: number;
  /** Seed of the latents. @defaultValue 0 */
  readonly seed?: number;
}

/**
 * Mode coverage of 2-D toy samples (VEEGAN, PacGAN): how many of the mixture's modes get high-quality
 * samples (within 3 std), the high-quality share, and the reverse KL to the uniform mode distribution.
 * A wrapper of `datasets.modeCoverage` that draws the points from a generator.
 *
 * @param options - see {@link ToyModeCoverageOptions}.
 * @returns modes covered, high-quality fraction, reverse KL and the per-mode histogram.
 * @example
 * ```ts
 * const { modesCovered, numModes } = await metrics.modeCoverage({ generator, modes: 'ring', count: 2500 });
 * ```
 */
export async function modeCoverage(options: ToyModeCoverageOptions): Promise<ModeCoverage> {
  const owner = 'metrics.modeCoverage';
  if (options == null || typeof options !== 'object') {
    throw new ConfigError(`${owner}: options must be an object with 'modes' and 'generator' or 'samples', received ${describeValue(options)}.`);
  }
  const { modes, generator, samples, count, seed, ...coverageOptions } = options;
  if ((generator === undefined) === (samples === undefined)) {
    throw new ConfigError(`${owner}: give exactly one of 'generator' and 'samples', received ${generator === undefined ? 'neither' : 'both'}.`);
  }
  const points =
    generator !== undefined
      ? await generatorFeatures(generator, await resolveExtractor(undefined, owner), { count: count ?? EVALUATE_DEFAULTS.count, seed: seed ?? EVALUATE_DEFAULTS.seed })
      : await sampleSetFeatures(samples!, undefined, 'samples', owner, count !== undefined ? { count } : {});
  if (points.features.dim !== 2) {
    throw new ConfigError(`${owner}: the samples must be 2-D points, received dimension ${points.features.dim}.`);
  }
  return modeCoverageOfPoints(points.features.data, modes, coverageOptions);
}
