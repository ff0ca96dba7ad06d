import type { EmbeddedModel } from '../util/embedded-model.js';

/** The training record of a shipped extractor (the generated `src/extractors/<dataset>.json`, less its history). */
export interface ExtractorRecord {
  /** A stable id: dataset, architecture and a hash of the weights (it keys the reference-statistics cache). */
  readonly id: string;
  /** The dataset it was trained on, e.g. `mnist`. */
  readonly dataset: string;
  /** Seed of the training run. */
  readonly seed: number;
  /** Training epochs. */
  readonly epochs: number;
  /** Accuracy of the shipped weights on the held-out test data, in [0, 1]. */
  readonly testAccuracy: number;
  /** A description of the held-out test data. */
  readonly testData: string;
  /** A description of the training data. */
  readonly trainData: string;
  /** Name of the layer whose output is the feature vector. */
  readonly featureLayer: string;
  /** Length of a feature vector. */
  readonly featureDim: number;
  /** Number of weights of the model. */
  readonly parameters: number;
  /** How the shipped weights are stored: `uint8`, `float16` or `float32`. */
  readonly quantization: string;
  /** Size of the shipped weights in bytes. */
  readonly weightBytes: number;
  readonly [key: string]: unknown;
}

/** A generated module's content: the record and the embedded model. */
export interface ShippedExtractor {
  readonly record: ExtractorRecord;
  readonly model: EmbeddedModel;
}
