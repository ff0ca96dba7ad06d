/**
 * Batches in groups of one class (`Dataset.batch`'s `groupSize`, for a conditional discriminator that
 * packs samples): every group one class, its first sample the sampling's draw, the rest other samples
 * of the class without repeats while the class has enough, the same on every call, and the refusals.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { Dataset } from '../../src/data/dataset.js';

/** Class 0 has 10 samples, class 1 three, class 2 one, class 3 none, class 4 two. */
const LABELS = [0, 1, 0, 0, 4, 0, 1, 0, 0, 2, 0, 0, 1, 4, 0, 0];
const COUNT = LABELS.length;

function labelled(): Dataset {
  return Dataset.fromTensors(tf.range(0, COUNT).div(COUNT).reshape([COUNT, 1]), LABELS, { checkRange: false, numClasses: 5 });
}

describe('batches in groups of one class', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });
  afterAll(() => tf.disposeVariables());

  it('cuts every batch into groups of one class, each led by the sampling draw of a batch of groups', () => {
    const data = labelled();
    for (const sampling of ['shuffle', 'class-balanced'] as const) {
      for (const [batchSize, groupSize] of [[4, 2], [8, 4], [12, 3], [6, 6], [5, 1]]) {
        for (let index = 0; index < 10; index++) {
          const indices = data.batchIndices(index, batchSize, 7, sampling, groupSize);
          expect(indices.length).toBe(batchSize);
          const leaders = data.batchIndices(index, batchSize / groupSize, 7, sampling);
          for (let g = 0; g < batchSize / groupSize; g++) {
            const group = Array.from(indices.slice(g * groupSize, (g + 1) * groupSize));
            expect(group[0]).toBe(leaders[g]);
            expect(new Set(group.map((i) => LABELS[i])).size, `group ${g} of batch ${index}`).toBe(1);
            // No sample twice in a group while its class has enough of them.
            const classSize = LABELS.filter((l) => l === LABELS[group[0]]).length;
            expect(new Set(group).size).toBe(Math.min(groupSize, classSize));
          }
          expect(Array.from(data.batchIndices(index, batchSize, 7, sampling, groupSize))).toEqual(Array.from(indices));
        }
      }
    }
    data.dispose();
  });

  it('draws the other members of the groups across the class, not always the same ones', () => {
    const data = labelled();
    const seen = new Set<number>();
    for (let index = 0; index < 40; index++) {
      const indices = data.batchIndices(index, 8, 3, 'shuffle', 4);
      for (let g = 0; g < 2; g++) if (LABELS[indices[g * 4]] === 0) indices.slice(g * 4 + 1, g * 4 + 4).forEach((i) => seen.add(i));
    }
    // Every one of class 0's ten samples is drawn as another member of some group.
    expect(seen.size).toBe(10);
    expect(Array.from(data.batchIndices(3, 8, 3, 'shuffle', 4))).not.toEqual(Array.from(data.batchIndices(3, 8, 4, 'shuffle', 4)));
    data.dispose();
  });

  it('gives the grouped images and labels through batch', () => {
    const data = labelled();
    const { images, labels } = data.batch(2, 8, 5, 'shuffle', 2);
    const ids = Array.from(labels!.dataSync());
    const indices = data.batchIndices(2, 8, 5, 'shuffle', 2);
    expect(ids).toEqual(Array.from(indices).map((i) => LABELS[i]));
    expect(Array.from(images.dataSync())).toEqual(Array.from(indices).map((i) => Math.fround(i / COUNT)));
    for (let g = 0; g < 4; g++) expect(ids[2 * g + 1]).toBe(ids[2 * g]);
    tf.dispose([images, labels!]);
    data.dispose();
  });

  it('refuses a group size that does not divide the batch, a bad group size and an unlabelled dataset', () => {
    const data = labelled();
    expect(() => data.batchIndices(0, 6, 1, 'shuffle', 4)).toThrow(ConfigError);
    expect(() => data.batchIndices(0, 6, 1, 'shuffle', 4)).toThrow(/'groupSize' must divide 'batchSize'.*received groupSize 4 and batch size 6/);
    expect(() => data.batchIndices(0, 6, 1, 'shuffle', 0)).toThrow(/'groupSize' must be an integer/);
    expect(() => data.batchIndices(0, 6, 1, 'shuffle', 1.5)).toThrow(/'groupSize' must be an integer/);
    expect(() => data.batchIndices(0, 4, 1, 'shuffle', 8)).toThrow(/'groupSize'/);
    const unlabelled = Dataset.fromTensors(tf.zeros([8, 1]), undefined, { checkRange: false, name: 'plain' });
    expect(() => unlabelled.batch(0, 4, 1, 'shuffle', 2)).toThrow(/'groupSize' 2 groups samples of one class, but 'plain' has no labels/);
    const before = tf.memory().numTensors;
    expect(() => unlabelled.batch(0, 4, 1, 'shuffle', 2)).toThrow(ConfigError);
    expect(tf.memory().numTensors).toBe(before);
    unlabelled.dispose();
    data.dispose();
  });
});
