import { ConfigError, type Dataset, datasets, describeValue } from '../index.js';

/** Dataset names the CLI accepts. */
export const CLI_DATASETS = Object.freeze(['mnist', 'fashion-mnist', 'oxygen-icons', 'ring', 'grid', 'idx', 'folder'] as const);

/** Where and how much data to load for a dataset name. */
export interface DatasetSource {
  readonly dataset: string;
  /** idx: the images file; folder: the directory; fashion-mnist: the directory of the IDX files. */
  readonly dataPath?: string;
  /** idx: the labels file. */
  readonly labelsPath?: string;
  /** Use only the first `count` samples. */
  readonly count?: number;
  /** folder: resize every image to size x size; oxygen-icons: the size (default 32). */
  readonly imageSize?: number;
}

/** Loads a dataset by its CLI name. */
export async function datasetByName(source: DatasetSource): Promise<Dataset> {
  const { dataset, dataPath, labelsPath, count } = source;
  const needPath = (): string => {
    if (!dataPath) throw new ConfigError(`tfjs-gan: --dataset ${dataset} needs --data-path, received none.`);
    return dataPath;
  };
  switch (dataset) {
    case 'mnist':
      return datasets.mnist({ count });
    case 'fashion-mnist':
      return datasets.fashionMnist({ split: 'train', dir: dataPath, count });
    case 'oxygen-icons':
      return datasets.oxygenIcons({ size: source.imageSize ?? 32, ...(dataPath ? { dir: dataPath } : {}), ...(count ? { count } : {}) });
    case 'ring':
    case 'grid':
      return datasets.toy2d(dataset, { count });
    case 'idx':
      return datasets.idx(needPath(), labelsPath, { count });
    case 'folder':
      return datasets.imageFolder(needPath(), {
        size: source.imageSize ? [source.imageSize, source.imageSize] : undefined,
        limit: count,
      });
    default:
      throw new ConfigError(`tfjs-gan: unknown --dataset ${describeValue(dataset)}. Expected one of ${describeValue(CLI_DATASETS)}.`);
  }
}
