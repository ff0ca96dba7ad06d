import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';

import { DATASET_NAMES, NAMED_DATASETS, datasetByName } from '../../src/data/dataset-registry.js';
import { ConfigError } from '../../src/errors.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('datasets by name', () => {
  it('lists every named dataset once, those that need a path marked', () => {
    expect(DATASET_NAMES).toEqual(['mnist', 'fashion-mnist', 'oxygen-icons', 'emoji', 'ring', 'grid', 'idx', 'folder']);
    expect(NAMED_DATASETS.filter((d) => d.needsPath).map((d) => d.name)).toEqual(['idx', 'folder']);
  });

  it('loads a dataset by its name with a count', async () => {
    const digits = await datasetByName('mnist', { count: 20 });
    expect(digits.size).toBe(20);
    expect(digits.numClasses).toBe(10);
    digits.dispose();
    const ring = await datasetByName('ring', { count: 64 });
    expect(ring.sampleShape).toEqual([2]);
    ring.dispose();
  });

  it('names an unknown dataset and a missing path', async () => {
    await expect(datasetByName('mnits')).rejects.toThrow(ConfigError);
    await expect(datasetByName('mnits', {}, 'here')).rejects.toThrow(/^here: unknown dataset "mnits"\. Expected one of \["mnist", /);
    await expect(datasetByName('folder')).rejects.toThrow(/datasetByName: dataset folder needs a data path, received none\./);
  });
});
