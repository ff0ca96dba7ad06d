import type { Dataset } from '../index.js';
import { DATASET_NAMES, type DatasetRequest, loadNamedDataset } from '../data/dataset-registry.js';

/** Dataset names the CLI accepts: the library's registry of named datasets. */
export const CLI_DATASETS = DATASET_NAMES;

/** Where and how much data to load for a dataset name (`--dataset` and its flags). */
export interface DatasetSource extends DatasetRequest {
  readonly dataset: string;
}

/** Loads a dataset by its CLI name through the library's registry, with the CLI's flags in the error messages. */
export function datasetByName(source: DatasetSource): Promise<Dataset> {
  const { dataset, ...request } = source;
  return loadNamedDataset(dataset, request, { owner: 'tfjs-gan', name: '--dataset', dataPath: '--data-path', labels: '--labels' });
}
