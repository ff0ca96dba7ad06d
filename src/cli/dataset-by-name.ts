import { ConfigError, type Dataset, datasets, describeValue } from '../index.js';

/** Dataset names the CLI accepts: the library's registry of named datasets. */
export const CLI_DATASETS = datasets.DATASET_NAMES;

/** Where and how much data to load for a dataset name (`--dataset` and its flags). */
export interface DatasetSource extends datasets.DatasetRequest {
  readonly dataset: string;
}

/** Loads a dataset by its CLI name, with the CLI's flags in the error messages. */
export async function datasetByName(source: DatasetSource): Promise<Dataset> {
  const { dataset } = source;
  const entry = datasets.NAMED_DATASETS.find((d) => d.name === dataset);
  if (entry === undefined) {
    throw new ConfigError(`tfjs-gan: unknown --dataset ${describeValue(dataset)}. Expected one of ${describeValue(CLI_DATASETS)}.`);
  }
  if (entry.needsPath && !source.dataPath) throw new ConfigError(`tfjs-gan: --dataset ${dataset} needs --data-path, received none.`);
  datasets.checkLabeling(entry, source.labels, 'tfjs-gan: --labels');
  return entry.load(source);
}
