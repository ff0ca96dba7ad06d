/**
 * `'class-sqrt'` sampling (`ClassShareSampler`): each class takes its square-root share of every block
 * exactly, every sample of a class is drawn equally often, the draws are a pure function of the seed
 * and the slot, and bad input is refused by name. Also the fake labels that follow the real batches'
 * shares (`fakeLabelWeights`).
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { Dataset } from '../../src/data/dataset.js';
import { ClassShareSampler, sqrtClassShares } from '../../src/data/class-share-sampler.js';
import { fakeLabelWeights } from '../../src/train/fake-labels.js';

/** Classes of 36, 9, 0 and 1 samples, interleaved. */
const LABELS = [...Array.from({ length: 36 }, () => 0), ...Array.from({ length: 9 }, () => 1), 3].map((label, i, all) => all[(i * 7) % all.length]);
const COUNTS = [36, 9, 0, 1];

function labelled(): Dataset {
  return Dataset.fromTensors(tf.zeros([LABELS.length, 1]), LABELS, { checkRange: false, numClasses: 4 });
}

function classCounts(indices: ArrayLike<number>): number[] {
  const counts = [0, 0, 0, 0];
  for (const i of Array.from(indices)) counts[LABELS[i]]++;
  return counts;
}

describe("'class-sqrt' sampling", () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });
  afterAll(() => tf.disposeVariables());

  it('gives each class slots in proportion to the square root of its size, at least one, none to an empty class', () => {
    // Roots 6, 3, 0, 1 (sum 10); 16 slots for each of the 3 classes with samples: 48 * root / 10.
    expect(Array.from(sqrtClassShares(COUNTS))).toEqual([29, 14, 0, 5]);
    expect(Array.from(sqrtClassShares([1_000_000, 1]))).toEqual([32, 1]);
    expect(Array.from(sqrtClassShares([4, 4, 4]))).toEqual([16, 16, 16]);
    // Checked against the definition on random sizes.
    const sizes = Array.from({ length: 40 }, (_, k) => (k % 9 === 4 ? 0 : (k * 7919 + 13) % 500));
    const shares = sqrtClassShares(sizes);
    const total = sizes.reduce((sum, n) => sum + Math.sqrt(n), 0);
    const present = sizes.filter((n) => n > 0).length;
    sizes.forEach((n, k) => expect(shares[k]).toBe(n === 0 ? 0 : Math.max(1, Math.round((16 * present * Math.sqrt(n)) / total))));
  });

  it('draws every block with exactly its shares, each sample of a class equally often', () => {
    const sampler = new ClassShareSampler(LABELS, 4, 'test');
    const block = 29 + 14 + 5;
    // 9 blocks of 48: class 1 (9 samples) is drawn 126 times, 14 per sample; class 3 (1 sample) 45 times.
    const drawn = sampler.indices(0, 9 * block, 11);
    for (let b = 0; b < 9; b++) expect(classCounts(drawn.subarray(b * block, (b + 1) * block))).toEqual([29, 14, 0, 5]);
    const perSample = new Map<number, number>();
    for (const i of drawn) perSample.set(i, (perSample.get(i) ?? 0) + 1);
    for (let i = 0; i < LABELS.length; i++) {
      if (LABELS[i] === 1) expect(perSample.get(i)).toBe(14);
      if (LABELS[i] === 3) expect(perSample.get(i)).toBe(45);
    }
    // 36 blocks: class 0 (36 samples) is drawn 29 times each.
    const long = sampler.indices(0, 36 * block, 11);
    for (let i = 0; i < LABELS.length; i++) if (LABELS[i] === 0) expect(long.filter((j) => j === i).length).toBe(29);
  });

  it('is a pure function of the seed and the slot: any batch size cuts the same stream, a new sampler draws it again', () => {
    const a = new ClassShareSampler(LABELS, 4, 'test');
    const stream = a.indices(0, 240, 5);
    for (const batchSize of [1, 7, 16, 48, 60]) {
      const fresh = new ClassShareSampler(LABELS, 4, 'test');
      // Read out of order, so that no cached block or permutation carries over.
      const batches = Array.from({ length: Math.floor(240 / batchSize) }, (_, index) => index).reverse();
      for (const index of batches) {
        expect(Array.from(fresh.indices(index, batchSize, 5))).toEqual(Array.from(stream.subarray(index * batchSize, (index + 1) * batchSize)));
      }
    }
    expect(Array.from(a.indices(0, 48, 6))).not.toEqual(Array.from(stream.subarray(0, 48)));
  });

  it('draws through Dataset.batchIndices, and refuses unlabelled data, no labels and bad labels by name', () => {
    const data = labelled();
    const batch = data.batchIndices(2, 40, 4, 'class-sqrt');
    expect(Array.from(batch)).toEqual(Array.from(new ClassShareSampler(LABELS, 4, 'test').indices(2, 40, 4)));
    expect(() => data.batchIndices(2 ** 51, 8, 1, 'class-sqrt')).toThrow(/below 2\^53 for 'class-sqrt' sampling/);
    const unlabelled = Dataset.fromTensors(tf.zeros([8, 2]), undefined, { checkRange: false, name: 'points' });
    expect(() => unlabelled.batchIndices(0, 4, 1, 'class-sqrt')).toThrow(ConfigError);
    expect(() => unlabelled.batchIndices(0, 4, 1, 'class-sqrt')).toThrow(/'class-sqrt' sampling needs a labelled dataset, but 'points' has no labels; use 'shuffle'/);
    expect(() => new ClassShareSampler([], 3, 'test')).toThrow(/test: 'class-sqrt' sampling needs labelled samples, received none/);
    expect(() => new ClassShareSampler([0, 3], 3, 'test')).toThrow(/test: label 1 must be an integer in \[0, 3\), received 3/);
    unlabelled.dispose();
    data.dispose();
  });

  it("gives fakes that follow the data the real batches' shares under each sampling", () => {
    const counts = Int32Array.from(COUNTS);
    expect(Array.from(fakeLabelWeights(counts, 'shuffle'))).toEqual(COUNTS);
    expect(Array.from(fakeLabelWeights(counts, 'class-balanced'))).toEqual([1, 1, 0, 1]);
    expect(Array.from(fakeLabelWeights(counts, 'class-sqrt'))).toEqual([29, 14, 0, 5]);
  });
});
