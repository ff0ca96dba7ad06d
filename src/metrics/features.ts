/**
 * Feature extractors for the metrics: the shipped MNIST and Fashion-MNIST classifiers, and any model of
 * yours. The package exposes this module as `metrics.features`.
 *
 * @packageDocumentation
 */
export {
  type FeatureExtractor,
  type FromModelOptions,
  type ShippedFeatureExtractor,
  fashionMnist,
  forDataset,
  fromModel,
  mnist,
} from './feature-extractor.js';
export type { ExtractorRecord } from './shipped-extractor.js';
