/**
 * The train and test splits the shipped feature extractors were trained and tested on.
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs';
import { ConfigError, describeValue } from '../errors.js';
import { Dataset } from '../data/dataset.js';
import { emoji } from '../data/emoji.js';
import type { EmojiLabels } from '../data/emoji-subcategories.js';
import { checkDatasetLabels } from '../data/dataset-registry.js';
import { fashionMnist } from '../data/fashion-mnist.js';
import { MNIST_CLASS_NAMES, mnist } from '../data/mnist.js';
import { checkOneOf, checkPositiveInt } from '../util/validate.js';

/** The datasets that have a shipped feature extractor. */
export const EXTRACTOR_DATASETS = Object.freeze(['mnist', 'fashion-mnist', 'emoji'] as const);
/** A dataset that has a shipped feature extractor. */
export type ExtractorDataset = (typeof EXTRACTOR_DATASETS)[number];

/**
 * How many of the 10,000 digits of {@link mnist} (in its fixed order) are held out for testing: the last
 * 2,000. The MNIST extractor was trained on the first 8,000.
 */
export const MNIST_TEST_COUNT = 2000;

/** Options of {@link extractorSplit}. */
export interface ExtractorSplitOptions {
  /** Keep only the first `count` samples of the split. @defaultValue the whole split */
  readonly count?: number;
  /**
   * Fashion-MNIST: the directory of the IDX files; emoji: the `emoji-datasource-twitter` folder.
   * @defaultValue Debian's /usr/share/datasets/fashion-mnist; the installed emoji package
   */
  readonly dir?: string;
  /** Emoji: label by category (the extractor's classes) or by subcategory (`datasets.emoji`'s `labels`). @defaultValue 'category' */
  readonly labels?: EmojiLabels;
}

/**
 * Loads the split of a dataset that the shipped extractor was trained (`'train'`) or tested (`'test'`)
 * on. MNIST: the first 8,000 (train) or last 2,000 (test) digits of {@link mnist}'s fixed order, named
 * `'mnist-train'` / `'mnist-test'`. Fashion-MNIST: its official 60,000 / 10,000 splits. Emoji: 64x64 RGB,
 * `datasets.emoji({ split })` (3,163 / 618 images; no held-out emoji shares its base with a training one).
 *
 * @param name - `'mnist'`, `'fashion-mnist'` or `'emoji'`.
 * @param split - `'train'` or `'test'`.
 * @param options - see {@link ExtractorSplitOptions}.
 * @returns a dataset in [-1, 1] with labels; the caller disposes it.
 * @throws ConfigError on an unknown name, split or count; DataError when the data cannot be read.
 * @example
 * ```ts
 * const heldOut = await extractorSplit('mnist', 'test');   // 2,000 digits no extractor has seen
 * ```
 */
export async function extractorSplit(
  name: ExtractorDataset,
  split: 'train' | 'test',
  options: ExtractorSplitOptions = {},
): Promise<Dataset> {
  const owner = 'metrics.extractorSplit';
  checkOneOf(name, EXTRACTOR_DATASETS, 'name', owner);
  if (split !== 'train' && split !== 'test') {
    throw new ConfigError(`${owner}: 'split' must be 'train' or 'test', received ${describeValue(split)}.`);
  }
  const { count } = options;
  if (count !== undefined) checkPositiveInt(count, 'count', owner);
  if (options.labels !== undefined) checkDatasetLabels(name, options.labels, owner);
  if (name === 'emoji') {
    return emoji({
      split,
      ...(options.dir !== undefined ? { dir: options.dir } : {}),
      ...(count !== undefined ? { count } : {}),
      ...(options.labels !== undefined ? { labels: options.labels } : {}),
    });
  }
  if (name === 'fashion-mnist') {
    return fashionMnist({ split, ...(options.dir !== undefined ? { dir: options.dir } : {}), ...(count !== undefined ? { count } : {}) });
  }
  const all = await mnist();
  try {
    const trainCount = all.size - MNIST_TEST_COUNT;
    const start = split === 'train' ? 0 : trainCount;
    const size = Math.min(count ?? Infinity, split === 'train' ? trainCount : MNIST_TEST_COUNT);
    const images = tf.slice(all.images, [start, 0, 0, 0], [size, -1, -1, -1]);
    const labels = tf.slice(all.labels as tf.Tensor1D, [start], [size]);
    try {
      return Dataset.fromTensors(images, labels, { numClasses: 10, classNames: MNIST_CLASS_NAMES, name: `mnist-${split}` });
    } finally {
      tf.dispose([images, labels]);
    }
  } finally {
    all.dispose();
  }
}
