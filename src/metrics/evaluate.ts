/**
 * `evaluate`: every sample metric of one generator (or sample set) against real data in one pass, so
 * the samples are drawn and their features computed once. The single-metric functions (`fid`, `kid`,
 * `precisionRecall`, `densityCoverage`, `classAccuracy`) are thin wrappers around it.
 *
 * @packageDocumentation
 */
import { ConfigError, describeValue } from '../errors.js';
import { Dataset } from '../data/dataset.js';
import { type ModeCoverage, modeCoverage } from '../data/mode-coverage.js';
import type { Toy2dModes, Toy2dName } from '../data/toy2d.js';
import { checkOptions } from '../util/validate.js';
import { Generator } from '../nets/generator.js';
import { type ClassAccuracy, classAccuracyFromPredictions } from './class-accuracy.js';
import type { FeatureExtractor } from './feature-extractor.js';
import { gaussianStatistics } from './feature-matrix.js';
import { frechetDistance } from './frechet-distance.js';
import { type IntraClassDistance, type IntraClassPrecisionRecall, intraFidFromFeatures, intraKidFromFeatures, intraPrecisionRecallFromFeatures } from './intra-class.js';
import { type KidOptions, type KidResult, kidFromFeatures } from './kernel-distance.js';
import { MANIFOLD_DEFAULTS, densityCoverageWithRadii, precisionRecallWithRadii } from './manifold.js';
import { type ReferenceCacheOptions, ReferenceFeatures, referenceFeatures } from './reference-cache.js';
import {
  type FeatureExtractorLike,
  type SampleFeatures,
  type SampleSet,
  generatorFeatures,
  resolveExtractor,
  sampleSetFeatures,
} from './sample-features.js';

/** The metrics {@link evaluate} can compute. */
export const METRIC_NAMES = Object.freeze(['fid', 'kid', 'precision-recall', 'density-coverage', 'class-accuracy', 'mode-coverage', 'intra-fid', 'intra-kid', 'intra-precision-recall'] as const);
/** A metric name. */
export type MetricName = (typeof METRIC_NAMES)[number];

/** Defaults of the sample metrics, in one constant so docs and code agree. */
export const EVALUATE_DEFAULTS = Object.freeze({
  /** Samples drawn from a generator. */
  count: 5000,
  /** Real samples used from a dataset (at most its size). */
  realCount: 10_000,
  /** Seed of the generator's latents. */
  seed: 0,
});

/** What the sample metrics compare: real samples against a generator's samples (or given fake samples). */
export interface SampleMetricOptions {
  /**
   * The real samples: a dataset (its features are cached per dataset and extractor, see
   * `metrics.clearReferenceCache`), a tensor `[N, ...]`, or features already computed.
   */
  readonly real: SampleSet;
  /** The generated samples, as a dataset, a tensor or features; or give `generator` instead. */
  readonly fake?: SampleSet;
  /** The generator to draw `count` samples from (in inference mode; pass `trainer.samplingGenerator` for EMA weights). */
  readonly generator?: Generator;
  /** How many samples to draw from `generator` (or to use of `fake`). @defaultValue 5000 */
  readonly count?: number;
  /** How many real samples to use from a dataset: the first `realCount`. @defaultValue min(10,000, its size) */
  readonly realCount?: number;
  /**
   * The feature extractor, e.g. `metrics.features.mnist()` (a promise is fine). @defaultValue none: the
   * samples themselves, flattened, are the features (right for 2-D toy data; crude for images)
   */
  readonly features?: FeatureExtractorLike;
  /** Seed of the generator's latents. @defaultValue 0 */
  readonly seed?: number;
  /**
   * The class of each generated sample (conditional generator), or of each `fake` sample (for class
   * accuracy). @defaultValue generator: balanced, sample i of class `i % numClasses`
   */
  readonly labels?: ArrayLike<number>;
  /**
   * For the intra-class metrics when `real` is a tensor or features: the class of each real sample (a
   * dataset's own labels are used, and giving both is refused).
   */
  readonly realLabels?: ArrayLike<number>;
  /** Latent truncation of the generator's samples. @defaultValue none */
  readonly truncation?: number;
  /** The reference cache: a directory, or `false` to compute the real features every time. @defaultValue memory and a temp directory */
  readonly cache?: ReferenceCacheOptions | false;
}

/** Options of {@link evaluate}. */
export interface EvaluateOptions extends SampleMetricOptions {
  /**
   * Which metrics. @defaultValue fid, kid, precision-recall, density-coverage; plus class-accuracy for
   * a conditional generator with a classifying extractor, and mode-coverage when `modes` is given
   */
  readonly metrics?: readonly MetricName[];
  /** KID's subsets, subset size and seed. */
  readonly kid?: KidOptions;
  /** k of precision and recall. @defaultValue 3 */
  readonly precisionRecallK?: number;
  /** k of density and coverage. @defaultValue 5 */
  readonly densityCoverageK?: number;
  /** For mode coverage: the toy mixture (`'ring'`, `'grid'` or its modes); the fake samples must be 2-D points. */
  readonly modes?: Toy2dName | Toy2dModes;
  /**
   * For class accuracy when the generator's classes are finer than the classifier's: the classifier's
   * class of each generator class (entry `c` for class `c`), e.g. emoji subcategories scored by their
   * category. A sample of class `c` is right when the classifier reads `classMap[c]`.
   * @defaultValue the identity: the generator's classes are the classifier's
   */
  readonly classMap?: ArrayLike<number>;
}

/** The result of {@link evaluate}: the metrics asked for, and what they were computed on. */
export interface EvaluationResult {
  /** Fréchet distance of the features (lower is better; 0 for identical statistics). */
  readonly fid?: number;
  /** Kernel distance of the features, mean and std over subsets (lower is better; about 0 for one distribution). */
  readonly kid?: KidResult;
  /** Share of fake samples inside the real manifold (realism). */
  readonly precision?: number;
  /** Share of real samples inside the fake manifold (diversity). */
  readonly recall?: number;
  /** Average real neighbourhoods per fake sample over k (about 1 for one distribution). */
  readonly density?: number;
  /** Share of real neighbourhoods holding a fake sample. */
  readonly coverage?: number;
  /** Share of samples classified as the class they were generated as (conditional only). */
  readonly classAccuracy?: ClassAccuracy;
  /** Mode coverage of 2-D toy samples. */
  readonly modeCoverage?: ModeCoverage;
  /** FID within each class and its mean over the classes (conditional only; compare at equal counts per class). */
  readonly intraFid?: IntraClassDistance;
  /** KID within each class and its mean over the classes (conditional only; unbiased). */
  readonly intraKid?: IntraClassDistance;
  /** Precision and recall within each class and their means (conditional only; k of `precisionRecallK`). */
  readonly intraPrecisionRecall?: IntraClassPrecisionRecall;
  /** Real samples used. */
  readonly realCount: number;
  /** Fake samples used. */
  readonly fakeCount: number;
  /** The extractor's id, or `'samples'` when the samples were the features. */
  readonly extractor: string;
  /** Wall-clock seconds of the evaluation. */
  readonly seconds: number;
}

const EVALUATE_OPTIONS = Object.freeze([
  'real', 'fake', 'generator', 'count', 'realCount', 'features', 'seed', 'labels', 'realLabels', 'truncation', 'cache',
  'metrics', 'kid', 'precisionRecallK', 'densityCoverageK', 'modes', 'classMap',
]);

/**
 * Computes several sample metrics at once: draws the fake samples (or takes `fake`), computes all
 * features once (the real ones from the cache when possible), then each metric.
 *
 * @param options - see {@link EvaluateOptions}.
 * @returns the metrics asked for; see {@link EvaluationResult}.
 * @throws ConfigError on bad options (neither or both of `fake` and `generator`, an unknown metric, class
 *   accuracy without a conditional generator or labels or a classifying extractor, mode coverage without
 *   `modes`); ShapeError when samples do not fit the extractor or each other.
 * @example
 * ```ts
 * const data = await datasets.mnist();
 * const result = await metrics.evaluate({
 *   real: data, generator: trainer.samplingGenerator, count: 5000, features: metrics.features.mnist(),
 * });
 * result.fid; result.kid?.mean; result.precision; result.recall;
 * ```
 */
export async function evaluate(options: EvaluateOptions): Promise<EvaluationResult> {
  const owner = 'metrics.evaluate';
  const started = performance.now();
  const opts = checkOptions(options, EVALUATE_OPTIONS, owner);
  if (opts.real === undefined) throw new ConfigError(`${owner}: 'real' (the real samples) is required, received undefined.`);
  if ((opts.fake === undefined) === (opts.generator === undefined)) {
    throw new ConfigError(`${owner}: give exactly one of 'fake' (samples) and 'generator', received ${opts.fake === undefined ? 'neither' : 'both'}.`);
  }
  if (opts.generator !== undefined && !(opts.generator instanceof Generator)) {
    throw new ConfigError(`${owner}: 'generator' must be a Generator (e.g. trainer.samplingGenerator), received ${describeValue(opts.generator)}.`);
  }
  const extractor = await resolveExtractor(opts.features, owner);
  const conditional = opts.generator?.conditional === true || (opts.fake !== undefined && opts.labels !== undefined);
  const canClassify = extractor?.classify !== undefined;
  const wanted = resolveMetrics(opts.metrics, conditional && canClassify, opts.modes !== undefined, owner);
  if (wanted.has('class-accuracy')) {
    if (!conditional) throw new ConfigError(`${owner}: 'class-accuracy' needs a conditional generator, or 'fake' samples with 'labels'.`);
    if (!canClassify) throw new ConfigError(`${owner}: 'class-accuracy' needs an extractor that classifies (metrics.features.mnist(), fashionMnist(), or fromModel with 'logitsLayer'), received ${describeValue(extractor?.id ?? 'none')}.`);
  }
  for (const metric of ['intra-fid', 'intra-kid', 'intra-precision-recall'] as const) {
    if (wanted.has(metric) && !conditional) {
      throw new ConfigError(`${owner}: '${metric}' needs a conditional generator, or 'fake' samples with 'labels'.`);
    }
  }
  if (opts.realLabels !== undefined && opts.real instanceof Dataset) {
    throw new ConfigError(`${owner}: 'realLabels' is for real samples given as a tensor or features; the dataset's own labels are used, so leave it out.`);
  }
  if (wanted.has('mode-coverage') && opts.modes === undefined) {
    throw new ConfigError(`${owner}: 'mode-coverage' needs 'modes': 'ring', 'grid' or { centers, std }.`);
  }
  const predict = wanted.has('class-accuracy');
  const count = opts.count ?? EVALUATE_DEFAULTS.count;

  const fake = await fakeFeatures(opts, extractor, count, predict, owner);
  const needsReal = [...wanted].some((m) => m !== 'class-accuracy' && m !== 'mode-coverage');
  const real = needsReal ? await realFeatures(opts, extractor, owner) : undefined;

  const result: { -readonly [K in keyof EvaluationResult]: EvaluationResult[K] } = {
    realCount: real?.features.count ?? 0,
    fakeCount: fake.features.count,
    extractor: extractor?.id ?? 'samples',
    seconds: 0,
  };
  const fakeRadii = new ReferenceFeatures('fake', fake.features);
  const radii = (features: typeof fake.features, k: number): Float32Array =>
    features === real?.features ? real.squaredRadii(k) : fakeRadii.squaredRadii(k);
  if (real && wanted.has('fid')) result.fid = frechetDistance(real.statistics, gaussianStatistics(fake.features));
  if (real && wanted.has('kid')) result.kid = kidFromFeatures(real.features, fake.features, opts.kid);
  if (real && wanted.has('precision-recall')) {
    const pr = precisionRecallWithRadii(real.features, fake.features, { k: opts.precisionRecallK ?? MANIFOLD_DEFAULTS.precisionRecallK }, radii);
    result.precision = pr.precision;
    result.recall = pr.recall;
  }
  if (real && wanted.has('density-coverage')) {
    const dc = densityCoverageWithRadii(real.features, fake.features, { k: opts.densityCoverageK ?? MANIFOLD_DEFAULTS.densityCoverageK }, radii);
    result.density = dc.density;
    result.coverage = dc.coverage;
  }
  if (wanted.has('class-accuracy')) {
    const { numClasses } = extractor!;
    const labels = opts.classMap === undefined ? fake.labels! : mapClasses(fake.labels!, opts.classMap, numClasses, owner);
    result.classAccuracy = classAccuracyFromPredictions(labels, fake.predictions!, numClasses);
  }
  if (real && (wanted.has('intra-fid') || wanted.has('intra-kid') || wanted.has('intra-precision-recall'))) {
    const realLabels = opts.realLabels ?? real.labels;
    if (realLabels === undefined) {
      throw new ConfigError(`${owner}: the intra-class metrics need the class of each real sample: a dataset with labels, or 'realLabels'.`);
    }
    if (wanted.has('intra-fid')) result.intraFid = intraFidFromFeatures(real.features, realLabels, fake.features, fake.labels!);
    if (wanted.has('intra-kid')) result.intraKid = intraKidFromFeatures(real.features, realLabels, fake.features, fake.labels!, opts.kid);
    if (wanted.has('intra-precision-recall')) {
      const k = opts.precisionRecallK ?? MANIFOLD_DEFAULTS.precisionRecallK;
      result.intraPrecisionRecall = intraPrecisionRecallFromFeatures(real.features, realLabels, fake.features, fake.labels!, { k });
    }
  }
  if (wanted.has('mode-coverage')) {
    if (fake.features.dim !== 2) {
      throw new ConfigError(`${owner}: 'mode-coverage' needs 2-D points, but the fake features have dimension ${fake.features.dim}; evaluate toy data without 'features'.`);
    }
    result.modeCoverage = modeCoverage(fake.features.data, opts.modes!);
  }
  result.seconds = (performance.now() - started) / 1000;
  return result;
}

function resolveMetrics(requested: readonly MetricName[] | undefined, classAccuracy: boolean, modes: boolean, owner: string): Set<MetricName> {
  if (requested === undefined) {
    const defaults: MetricName[] = ['fid', 'kid', 'precision-recall', 'density-coverage'];
    if (classAccuracy) defaults.push('class-accuracy');
    if (modes) defaults.push('mode-coverage');
    return new Set(defaults);
  }
  if (!Array.isArray(requested) || requested.length === 0 || requested.some((m) => !METRIC_NAMES.includes(m))) {
    throw new ConfigError(`${owner}: 'metrics' must be a non-empty list of ${describeValue(METRIC_NAMES)}, received ${describeValue(requested)}.`);
  }
  return new Set(requested);
}

/** Each label's class in the classifier's classes, by {@link EvaluateOptions.classMap}, checked. */
function mapClasses(labels: Int32Array, classMap: ArrayLike<number>, numClasses: number, owner: string): Int32Array {
  if (classMap === null || typeof classMap !== 'object' || typeof classMap.length !== 'number') {
    throw new ConfigError(`${owner}: 'classMap' must be an array of class ids, received ${describeValue(classMap)}.`);
  }
  for (let c = 0; c < classMap.length; c++) {
    const mapped = classMap[c];
    if (!Number.isInteger(mapped) || mapped < 0 || mapped >= numClasses) {
      throw new ConfigError(`${owner}: 'classMap[${c}]' must be a class id of the classifier in [0, ${numClasses - 1}], received ${describeValue(mapped)}.`);
    }
  }
  return labels.map((label) => {
    if (label >= classMap.length) {
      throw new ConfigError(`${owner}: 'classMap' has ${classMap.length} entries, but a sample is of class ${label}: give one entry per class.`);
    }
    return classMap[label];
  });
}

async function fakeFeatures(
  opts: EvaluateOptions,
  extractor: FeatureExtractor | undefined,
  count: number,
  predict: boolean,
  owner: string,
): Promise<SampleFeatures> {
  if (opts.generator !== undefined) {
    return generatorFeatures(
      opts.generator,
      extractor,
      {
        count,
        seed: opts.seed ?? EVALUATE_DEFAULTS.seed,
        ...(opts.labels !== undefined ? { labels: opts.labels } : {}),
        ...(opts.truncation !== undefined ? { truncation: opts.truncation } : {}),
      },
      { predict },
    );
  }
  const given = await sampleSetFeatures(opts.fake!, extractor, 'fake', owner, { ...(opts.count !== undefined ? { count } : {}), predict });
  if (opts.labels === undefined) return given;
  if (opts.labels.length !== given.features.count) {
    throw new ConfigError(`${owner}: 'labels' must hold one class per fake sample (${given.features.count}), received ${opts.labels.length}.`);
  }
  return { ...given, labels: Int32Array.from(opts.labels) };
}

async function realFeatures(opts: EvaluateOptions, extractor: FeatureExtractor | undefined, owner: string): Promise<ReferenceFeatures> {
  if (opts.real instanceof Dataset) {
    const realCount = opts.realCount ?? Math.min(EVALUATE_DEFAULTS.realCount, opts.real.size);
    return referenceFeatures(opts.real, extractor, { count: realCount, ...(opts.cache !== undefined ? { cache: opts.cache } : {}) });
  }
  const { features, labels } = await sampleSetFeatures(opts.real, extractor, 'real', owner, opts.realCount !== undefined ? { count: opts.realCount } : {});
  return new ReferenceFeatures('real', features, labels);
}

/** Runs `evaluate` for one metric with the given extra options. @internal */
export async function evaluateOne(options: SampleMetricOptions, metric: MetricName, extra: Partial<EvaluateOptions> = {}): Promise<EvaluationResult> {
  if (options == null || typeof options !== 'object') {
    throw new ConfigError(`metrics.${metric}: options must be an object with 'real' and 'generator' or 'fake', received ${describeValue(options)}.`);
  }
  return evaluate({ ...options, ...extra, metrics: [metric] });
}
