import * as tf from '@tensorflow/tfjs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Dataset } from '../../src/data/dataset.js';
import { fromImages } from '../../src/data/from-images.js';
import { idx } from '../../src/data/idx.js';
import { DataError, ConfigError } from '../../src/errors.js';

// Labels are int32 class ids: every entry point must refuse a label that an Int32Array would wrap,
// naming the value and its index as received (issue 15, section 3).
let dir: string;
beforeAll(async () => {
  await tf.setBackend('cpu');
  dir = await mkdtemp(join(tmpdir(), 'tfjs-gan-labels-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('labels of 2^31 or more', () => {
  it('Dataset.fromTensors refuses 2^31 instead of wrapping it into numClasses 2147483649', () => {
    const images = tf.zeros([3, 2]);
    const call = () => Dataset.fromTensors(images, [0, 2 ** 31, 2]);
    expect(call).toThrow(DataError);
    expect(call).toThrow(/'labels' must be int32 class ids in \[0, 2\^31 - 1\) = \[0, 2147483647\), received 2147483648 at index 1/);
    images.dispose();
  });

  it('reports 2^32 and 2^53 with their value and index (not "undefined at index -1")', () => {
    const images = tf.zeros([3, 2]);
    expect(() => Dataset.fromTensors(images, [0, 1, 2 ** 32])).toThrow(/received 4294967296 at index 2/);
    expect(() => Dataset.fromTensors(images, [2 ** 53, 1, 0])).toThrow(/received 9007199254740992 at index 0/);
    // A float tensor can hold them too.
    const tensor = tf.tensor1d([0, 2 ** 31, 1], 'float32');
    expect(() => Dataset.fromTensors(images, tensor)).toThrow(/received 2147483648 at index 1/);
    tf.dispose([images, tensor]);
  });

  it('names the numClasses bound when one is given, and keeps the largest int32 class id', () => {
    const images = tf.zeros([2, 2]);
    expect(() => Dataset.fromTensors(images, [0, 2 ** 31], { numClasses: 5 })).toThrow(/class ids in \[0, 5\), received 2147483648 at index 1/);
    expect(() => Dataset.fromTensors(images, [0, 1], { numClasses: 2 ** 31 })).toThrow(ConfigError);
    expect(() => Dataset.fromTensors(images, [0, 1], { numClasses: 2 ** 31 })).toThrow(/'numClasses' must be an integer in \[1, 2147483647\], received 2147483648/);
    const largest = Dataset.fromTensors(images, [0, 2 ** 31 - 2]);
    expect(largest.numClasses).toBe(2 ** 31 - 1);
    expect(Array.from(largest.labels!.dataSync())).toEqual([0, 2 ** 31 - 2]);
    largest.dispose();
    images.dispose();
  });

  it('fromImages refuses them (and fractions) as given, before decoding any image', async () => {
    const pixel = { width: 1, height: 1, data: Uint8ClampedArray.of(0, 0, 0, 255) };
    await expect(fromImages([pixel, pixel], { labels: [0, 2 ** 31] })).rejects.toThrow(DataError);
    await expect(fromImages([pixel, pixel], { labels: [0, 2 ** 31] })).rejects.toThrow(/fromImages: 'labels' must be int32 class ids .*received 2147483648 at index 1/);
    await expect(fromImages([pixel, pixel], { labels: [2 ** 32, 0] })).rejects.toThrow(/received 4294967296 at index 0/);
    // An Int32Array used to cut 1.5 to 1 before any check.
    await expect(fromImages([pixel, pixel], { labels: [0, 1.5] })).rejects.toThrow(/received 1.5 at index 1/);
    // An undecodable second image is never reached: the labels fail first.
    await expect(fromImages([pixel, 'not an image' as never], { labels: [0, 2 ** 31] })).rejects.toThrow(/'labels'/);
    // Many labels: no Math.max(...labels) spread that overflows the stack.
    const many = Array.from({ length: 200_000 }, () => pixel);
    const labels = Array.from({ length: 200_000 }, (_, i) => i % 3);
    labels[150_000] = 2 ** 31;
    await expect(fromImages(many, { labels })).rejects.toThrow(/received 2147483648 at index 150000/);
    const ok = await fromImages([pixel, pixel], { labels: [0, 4] });
    expect(ok.numClasses).toBe(5);
    ok.dispose();
  });

  it('idx labels are bytes: numClasses is bounded the same way', async () => {
    const images = Uint8Array.of(0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 1, 7, 9);
    const labels = Uint8Array.of(0, 0, 8, 1, 0, 0, 0, 2, 255, 1);
    await writeFile(join(dir, 'labels'), labels);
    const data = await idx(images, join(dir, 'labels'));
    expect(data.numClasses).toBe(256);
    expect(Array.from(data.labels!.dataSync())).toEqual([255, 1]);
    data.dispose();
    await expect(idx(images, labels, { numClasses: 2 ** 31 })).rejects.toThrow(/'numClasses' must be an integer in \[1, 2147483647\]/);
    await expect(idx(images, labels, { numClasses: 10 })).rejects.toThrow(/class ids in \[0, 10\), received 255 at index 0/);
  });
});
