/**
 * Feature extractors for the metrics: the shipped MNIST, Fashion-MNIST and emoji classifiers, and any model of
 * yours. The package exposes this module as `metrics.features`.
 *
 * @packageDocumentation
 */
export {
  type FeatureExtractor,
  type FromModelOptions,
  type ShippedFeatureExtractor,
  emoji,
  fashionMnist,
  forDataset,
  fromModel,
  mnist,
} from './feature-extractor.js';
export type { ExtractorRecord } from '../extractors/index.js';
