import type { EmbeddedModel } from '../util/embedded-model.js';

/** The training record of a shipped extractor (the generated `weights/<dataset>.json`, less its history). */
export interface ExtractorRecord {
  /** A stable id: dataset, architecture and a hash of the weights (it keys the reference-statistics cache). */
  readonly id: string;
  readonly dataset: string;
  readonly seed: number;
  readonly epochs: number;
  /** Accuracy of the shipped weights on the held-out test data, in [0, 1]. */
  readonly testAccuracy: number;
  readonly testData: string;
  readonly trainData: string;
  readonly featureLayer: string;
  readonly featureDim: number;
  readonly parameters: number;
  readonly quantization: string;
  readonly weightBytes: number;
  readonly [key: string]: unknown;
}

/** A generated module's content: the record and the embedded model. */
export interface ShippedExtractor {
  readonly record: ExtractorRecord;
  readonly model: EmbeddedModel;
}
