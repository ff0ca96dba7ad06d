/**
 * `sampleLabels`: seeded class ids, uniform or in given class frequencies (the Trainer's
 * `fakeLabels: 'data'`).
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { sampleLabels } from '../../src/nets/labels.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function histogram(labels: tf.Tensor1D, numClasses: number): number[] {
  const counts = new Array<number>(numClasses).fill(0);
  for (const id of labels.dataSync()) counts[id]++;
  labels.dispose();
  return counts;
}

describe('sampleLabels', () => {
  it('draws every class about equally often without class counts', () => {
    const counts = histogram(sampleLabels(9000, 3, 11), 3);
    for (const count of counts) expect(Math.abs(count - 3000)).toBeLessThan(200);
  });

  it('follows the class counts, never drawing an empty class', () => {
    const counts = histogram(sampleLabels(10000, 4, 7, [70, 0, 20, 10]), 4);
    expect(counts[1]).toBe(0);
    expect(Math.abs(counts[0] - 7000)).toBeLessThan(250);
    expect(Math.abs(counts[2] - 2000)).toBeLessThan(200);
    expect(Math.abs(counts[3] - 1000)).toBeLessThan(150);
    // A single class with samples is the only label drawn, at either end.
    expect(histogram(sampleLabels(50, 3, 1, [0, 0, 5]), 3)).toEqual([0, 0, 50]);
    expect(histogram(sampleLabels(50, 3, 1, [5, 0, 0]), 3)).toEqual([50, 0, 0]);
  });

  it('refuses class counts without a sample, naming them', () => {
    expect(() => sampleLabels(4, 3, 1, [0, 0, 0])).toThrow(/'classCounts' must hold at least one sample in the first 3 classes, received \[0, 0, 0\]/);
    expect(() => sampleLabels(4, 2, 1, [0, 0, 7])).toThrow(/received \[0, 0, 7\]/);
  });

  it('is a pure function of its arguments, int32', () => {
    const a = sampleLabels(64, 5, 3, [1, 2, 3, 4, 5]);
    const b = sampleLabels(64, 5, 3, [1, 2, 3, 4, 5]);
    const c = sampleLabels(64, 5, 4, [1, 2, 3, 4, 5]);
    expect(a.dtype).toBe('int32');
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    expect(Array.from(c.dataSync())).not.toEqual(Array.from(a.dataSync()));
    tf.dispose([a, b, c]);
  });
});
