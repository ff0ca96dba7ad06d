/**
 * Measuring realism: FID, KID, intra-class FID and KID, precision/recall, density/coverage, class accuracy and mode coverage,
 * with shipped feature extractors for MNIST and Fashion-MNIST and a cache of real-data features. The
 * package exposes this module as the `metrics` namespace.
 *
 * @example
 * ```ts
 * import { datasets, metrics } from 'tfjs-gan';
 * const data = await datasets.mnist();
 * const result = await metrics.evaluate({ real: data, generator, count: 5000, features: metrics.features.mnist() });
 * console.log(result.fid, result.kid?.mean, result.precision, result.recall);
 * ```
 *
 * @packageDocumentation
 */
export * as features from './features.js';
export type { FeatureExtractor, ShippedFeatureExtractor } from './feature-extractor.js';
export {
  EVALUATE_DEFAULTS,
  type EvaluateOptions,
  type EvaluationResult,
  METRIC_NAMES,
  type MetricName,
  type SampleMetricOptions,
  evaluate,
} from './evaluate.js';
export {
  type ClassAccuracyOptions,
  type ToyModeCoverageOptions,
  classAccuracy,
  densityCoverage,
  fid,
  intraFid,
  intraKid,
  intraPrecisionRecall,
  kid,
  modeCoverage,
  precisionRecall,
} from './sample-metrics.js';
export { type ClassAccuracy, classAccuracyFromPredictions } from './class-accuracy.js';
export { type FeatureMatrix, type FeaturesLike, type GaussianStatistics, gaussianStatistics } from './feature-matrix.js';
export { fidFromFeatures, frechetDistance } from './frechet-distance.js';
export { type IntraClassDistance, type IntraClassPrecisionRecall, intraFidFromFeatures, intraKidFromFeatures, intraPrecisionRecallFromFeatures } from './intra-class.js';
export { KID_DEFAULTS, type KidOptions, type KidResult, kidFromFeatures } from './kernel-distance.js';
export {
  type DensityCoverage,
  MANIFOLD_DEFAULTS,
  type ManifoldOptions,
  type PrecisionRecall,
  densityCoverageFromFeatures,
  precisionRecallFromFeatures,
} from './manifold.js';
export { type SymmetricEigen, sqrtPsd, symmetricEigen, traceSqrtProduct } from './linalg.js';
export { type ReferenceCacheOptions, ReferenceFeatures, clearReferenceCache, referenceCacheDir, referenceFeatures } from './reference-cache.js';
export { type FeatureExtractorLike, type SampleSet } from './sample-features.js';
export { EXTRACTOR_DATASETS, type ExtractorDataset, type ExtractorSplitOptions, MNIST_TEST_COUNT, extractorSplit } from './extractor-data.js';
export { type EmbeddedModel, type WeightQuantization, decodeEmbeddedModel, encodeEmbeddedModel } from '../util/embedded-model.js';
