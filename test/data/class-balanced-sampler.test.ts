import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { Dataset } from '../../src/data/dataset.js';
import { ClassBalancedSampler } from '../../src/data/class-balanced-sampler.js';

/** 3 classes of sizes 10, 3 and 1 (in a shuffled order), a missing class 3, and class 4 of size 2. */
const LABELS = [0, 1, 0, 0, 4, 0, 1, 0, 0, 2, 0, 0, 1, 4, 0, 0];
const COUNT = LABELS.length;

function labelled(): Dataset {
  // Sample i has the value i / COUNT, so a batch's values say which samples it holds.
  return Dataset.fromTensors(tf.range(0, COUNT).div(COUNT).reshape([COUNT, 1]), LABELS, { checkRange: false, numClasses: 5 });
}

function counts(indices: Int32Array): Map<number, number> {
  const byClass = new Map<number, number>();
  for (const i of indices) byClass.set(LABELS[i], (byClass.get(LABELS[i]) ?? 0) + 1);
  return byClass;
}

describe('class-balanced sampling', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });
  afterAll(() => tf.disposeVariables());

  it('gives every class with samples the same share of every batch, up to one, whatever its size', () => {
    const data = labelled();
    for (const batchSize of [1, 3, 4, 7, 16]) {
      for (let index = 0; index < 12; index++) {
        const byClass = counts(data.batchIndices(index, batchSize, 5, 'class-balanced'));
        expect(byClass.has(3), 'class 3 has no samples').toBe(false);
        const shares = [0, 1, 2, 4].map((c) => byClass.get(c) ?? 0);
        expect(Math.max(...shares) - Math.min(...shares)).toBeLessThanOrEqual(1);
        expect(shares.reduce((a, b) => a + b, 0)).toBe(batchSize);
      }
    }
    data.dispose();
  });

  it("draws each class's samples once per pass over the class, in a new order each pass", () => {
    const data = labelled();
    const members = new Map<number, number[]>();
    // 40 batches of 4: 40 draws of each of the 4 classes, 4 passes over class 0's 10 samples.
    for (let index = 0; index < 40; index++) {
      for (const i of data.batchIndices(index, 4, 9, 'class-balanced')) {
        const list = members.get(LABELS[i]) ?? [];
        list.push(i);
        members.set(LABELS[i], list);
      }
    }
    const classZero = LABELS.flatMap((label, i) => (label === 0 ? [i] : []));
    const passes = [0, 1, 2, 3].map((pass) => members.get(0)!.slice(pass * 10, pass * 10 + 10));
    for (const pass of passes) expect([...pass].sort((a, b) => a - b)).toEqual(classZero);
    expect(passes[1]).not.toEqual(passes[0]);
    expect(new Set(members.get(2))).toEqual(new Set([9]));
    expect(members.get(4)!.length).toBe(40);
    data.dispose();
  });

  it('is stateless: a batch depends only on (seed, index, batchSize), in any call order and on any copy', () => {
    const data = labelled();
    const first = Array.from(data.batchIndices(7, 5, 3, 'class-balanced'));
    data.batchIndices(30, 5, 3, 'class-balanced');
    data.batchIndices(7, 5, 4, 'class-balanced');
    expect(Array.from(data.batchIndices(7, 5, 3, 'class-balanced'))).toEqual(first);
    const copy = labelled();
    expect(Array.from(copy.batchIndices(7, 5, 3, 'class-balanced'))).toEqual(first);
    expect(Array.from(data.batchIndices(7, 5, 4, 'class-balanced'))).not.toEqual(first);
    data.dispose();
    copy.dispose();
  });

  it("equals the sampler's documented rule: slot p takes class p mod C and that class's draw floor(p / C)", () => {
    const sampler = new ClassBalancedSampler(LABELS, 5, 'test');
    expect(Array.from(sampler.classes)).toEqual([0, 1, 2, 4]);
    const stream = Array.from({ length: 12 }, (_, index) => Array.from(sampler.indices(index, 3, 11))).flat();
    stream.forEach((sample, p) => expect(LABELS[sample]).toBe([0, 1, 2, 4][p % 4]));
    // Batch boundaries do not matter: the same stream cut into batches of 4 or 6.
    expect(Array.from({ length: 9 }, (_, index) => Array.from(sampler.indices(index, 4, 11))).flat()).toEqual(stream);
    expect(Array.from({ length: 6 }, (_, index) => Array.from(sampler.indices(index, 6, 11))).flat()).toEqual(stream);
  });

  it('gathers the images and labels of the balanced indices, and leaks no tensors', () => {
    const data = labelled();
    tf.dispose(Object.values(data.batch(0, 4, 0, 'class-balanced')));
    const before = tf.memory().numTensors;
    for (let index = 0; index < 5; index++) {
      const indices = Array.from(data.batchIndices(index, 4, 0, 'class-balanced'));
      const { images, labels } = data.batch(index, 4, 0, 'class-balanced');
      expect(Array.from(labels!.dataSync())).toEqual(indices.map((i) => LABELS[i]));
      Array.from(images.dataSync()).forEach((value, k) => expect(value).toBeCloseTo(indices[k] / COUNT, 6));
      tf.dispose([images, labels!]);
    }
    expect(tf.memory().numTensors).toBe(before);
    data.dispose();
  });

  it('refuses an unlabelled dataset, an unknown sampling and an index past 2^53 samples, naming them', () => {
    const unlabelled = Dataset.fromTensors(tf.zeros([8, 2]), undefined, { checkRange: false, name: 'points' });
    expect(() => unlabelled.batchIndices(0, 4, 1, 'class-balanced')).toThrow(ConfigError);
    expect(() => unlabelled.batchIndices(0, 4, 1, 'class-balanced')).toThrow(/'points' has no labels; use 'shuffle'/);
    const data = labelled();
    expect(() => data.batchIndices(0, 4, 1, 'balanced' as never)).toThrow(/'sampling' must be one of \["shuffle", "class-balanced", "class-sqrt"\], received "balanced"/);
    expect(() => data.batchIndices(2 ** 51, 8, 1, 'class-balanced')).toThrow(/below 2\^53.*received index 2251799813685248 and batch size 8/);
    expect(() => new ClassBalancedSampler([], 3, 'test')).toThrow(/needs labelled samples, received none/);
    expect(() => new ClassBalancedSampler([0, 3, 1], 3, 'test')).toThrow(/test: label 1 must be an integer in \[0, 3\), received 3/);
    expect(() => new ClassBalancedSampler([0, 0.5], 3, 'test')).toThrow(/label 1 must be an integer in \[0, 3\), received 0.5/);
    expect(() => new ClassBalancedSampler([0], 0, 'test')).toThrow(/'numClasses'/);
    unlabelled.dispose();
    data.dispose();
  });
});
