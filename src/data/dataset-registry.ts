/**
 * The registry of datasets that can be loaded by name (the CLI's `--dataset`, runs that record what they
 * trained on). Adding a dataset is its loader's file plus one entry here.
 *
 * @packageDocumentation
 */
import { ConfigError, describeValue } from '../errors.js';
import type { Dataset } from './dataset.js';
import { fashionMnist } from './fashion-mnist.js';
import { idx } from './idx.js';
import { imageFolder } from './image-folder.js';
import { emoji } from './emoji.js';
import { checkEmojiLabels } from './emoji-classes.js';
import { EMOJI_LABELS, type EmojiLabels } from './emoji-subcategories.js';
import { mnist } from './mnist.js';
import { oxygenIcons } from './oxygen-icons.js';
import { toy2d } from './toy2d.js';

/** Where and how much data to load, for a dataset loaded by name. */
export interface DatasetRequest {
  /** idx: the images file; folder: the directory; fashion-mnist, oxygen-icons, emoji: the directory of the files. */
  readonly dataPath?: string;
  /** idx: the labels file. */
  readonly labelsPath?: string;
  /** Use only the first `count` samples. */
  readonly count?: number;
  /** folder: resize every image to size x size; oxygen-icons: the size (default 32); emoji: the size (default 64). */
  readonly imageSize?: number;
  /** emoji: the class labels, `'category'` (the default), `'subcategory'` or `{ extraClasses }` (see `EmojiOptions.labels`). */
  readonly labels?: EmojiLabels;
}

/** One dataset that can be loaded by name. */
export interface NamedDataset {
  /** Its name, e.g. `'mnist'`. */
  readonly name: string;
  /** Whether it needs {@link DatasetRequest.dataPath}. */
  readonly needsPath: boolean;
  /** The class labellings {@link DatasetRequest.labels} may choose; a dataset without them takes none. */
  readonly labelings?: readonly string[];
  /**
   * Checks {@link DatasetRequest.labels} that are not one of `labelings` (the emoji's `{ extraClasses }`),
   * in place of the plain refusal; a ConfigError names what is wrong.
   * @param what - the argument, for the error message (e.g. `"tfjs-gan: --labels"`).
   */
  checkLabels?(labels: unknown, what: string): void;
  /** Loads it. */
  load(request: DatasetRequest): Promise<Dataset>;
}

/** `request.dataPath`, which a dataset with `needsPath` gets (checked by {@link datasetByName}). */
const pathOf = (request: DatasetRequest): string => request.dataPath as string;

/** The datasets that can be loaded by name, in the order the CLI lists them. */
export const NAMED_DATASETS: readonly NamedDataset[] = Object.freeze([
  { name: 'mnist', needsPath: false, load: ({ count }) => mnist({ count }) },
  { name: 'fashion-mnist', needsPath: false, load: ({ dataPath, count }) => fashionMnist({ split: 'train', dir: dataPath, count }) },
  {
    name: 'oxygen-icons',
    needsPath: false,
    load: ({ dataPath, count, imageSize }) => oxygenIcons({ size: imageSize ?? 32, ...(dataPath ? { dir: dataPath } : {}), ...(count ? { count } : {}) }),
  },
  {
    name: 'emoji',
    needsPath: false,
    labelings: EMOJI_LABELS,
    checkLabels: (labels, what) => {
      checkEmojiLabels(labels, what, 'emoji');
    },
    load: ({ dataPath, count, imageSize, labels }) =>
      emoji({ size: imageSize ?? 64, ...(dataPath ? { dir: dataPath } : {}), ...(count ? { count } : {}), ...(labels ? { labels } : {}) }),
  },
  { name: 'ring', needsPath: false, load: ({ count }) => toy2d('ring', { count }) },
  { name: 'grid', needsPath: false, load: ({ count }) => toy2d('grid', { count }) },
  { name: 'idx', needsPath: true, load: (request) => idx(pathOf(request), request.labelsPath, { count: request.count }) },
  {
    name: 'folder',
    needsPath: true,
    load: (request) => imageFolder(pathOf(request), { size: request.imageSize ? [request.imageSize, request.imageSize] : undefined, limit: request.count }),
  },
]);

/** The names of {@link NAMED_DATASETS}. */
export const DATASET_NAMES: readonly string[] = Object.freeze(NAMED_DATASETS.map((d) => d.name));

/**
 * Loads a dataset by its name.
 *
 * @param owner - who asks, for error messages (e.g. `'tfjs-gan'`).
 * @throws ConfigError for an unknown name, a dataset that needs `dataPath` without one, or `labels` that
 * the dataset does not have.
 * @example
 * ```ts
 * const data = await datasets.datasetByName('mnist', { count: 1000 });
 * ```
 */
export async function datasetByName(name: string, request: DatasetRequest = {}, owner = 'datasetByName'): Promise<Dataset> {
  const entry = namedDataset(name, owner);
  if (entry.needsPath && !request.dataPath) throw new ConfigError(`${owner}: dataset ${name} needs a data path, received none.`);
  checkLabeling(entry, request.labels, `${owner}: 'labels'`);
  return entry.load(request);
}

/**
 * Checks that `labels`, when given, is one of the dataset's labellings, or labels its `checkLabels` takes.
 *
 * @param what - the argument, for the error message (e.g. `"tfjs-gan: --labels"`).
 * @throws ConfigError naming the dataset, what it takes and what was received.
 */
export function checkLabeling(entry: NamedDataset, labels: unknown, what: string): void {
  if (labels === undefined || entry.labelings?.includes(labels as string)) return;
  if (entry.labelings === undefined) {
    const labelled = NAMED_DATASETS.filter((d) => d.labelings !== undefined).map((d) => d.name);
    throw new ConfigError(`${what} applies to ${describeValue(labelled)} only, received ${describeValue(labels)} for dataset ${entry.name}.`);
  }
  if (entry.checkLabels !== undefined) {
    entry.checkLabels(labels, what);
    return;
  }
  throw new ConfigError(`${what} for dataset ${entry.name} must be one of ${describeValue(entry.labelings)}, received ${describeValue(labels)}.`);
}

/**
 * {@link checkLabeling} for the `labels` option of something that loads a dataset by its name (a recipe, a
 * score, an extractor's split), so every `labels` option is checked and worded the same way.
 * @internal
 */
export function checkDatasetLabels(dataset: string, labels: unknown, owner: string): void {
  checkLabeling(namedDataset(dataset, owner), labels, `${owner}: 'labels'`);
}

/** The registry's entry for `name`; a ConfigError listing the names when there is none. */
function namedDataset(name: string, owner: string): NamedDataset {
  const entry = NAMED_DATASETS.find((d) => d.name === name);
  if (entry === undefined) throw new ConfigError(`${owner}: unknown dataset ${describeValue(name)}. Expected one of ${describeValue(DATASET_NAMES)}.`);
  return entry;
}
