import * as tf from '@tensorflow/tfjs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IDX_LABELS_MAGIC, idx, parseIdx } from '../../src/data/idx.js';
import { ConfigError, DataError } from '../../src/errors.js';
import { FASHION_MNIST, skipWithout } from '../helpers/debian.js';

/** An unsigned-byte IDX file: magic 0x0000 08 rank, big-endian dims, data. */
function idxBytes(shape: number[], data: number[], extra: number[] = []): Uint8Array {
  const header = new Uint8Array(4 + 4 * shape.length);
  const view = new DataView(header.buffer);
  view.setUint32(0, 0x00000800 + shape.length, false);
  shape.forEach((dim, axis) => view.setUint32(4 + 4 * axis, dim, false));
  return Uint8Array.from([...header, ...data, ...extra]);
}

// 3 images of 2x2 and their labels.
const PIXELS = [0, 255, 51, 102, 1, 2, 3, 4, 200, 100, 50, 25];
const LABELS = [2, 0, 1];
const IMAGES_FILE = idxBytes([3, 2, 2], PIXELS);
const LABELS_FILE = idxBytes([3], LABELS);
const FASHION = '/usr/share/datasets/fashion-mnist';

let dir: string;
beforeAll(async () => {
  await tf.setBackend('cpu');
  dir = await mkdtemp(join(tmpdir(), 'tfjs-gan-idx-'));
  await writeFile(join(dir, 'images-idx3-ubyte'), IMAGES_FILE);
  await writeFile(join(dir, 'labels-idx1-ubyte'), LABELS_FILE);
  await writeFile(join(dir, 'images-idx3-ubyte.gz'), gzipSync(IMAGES_FILE));
  await writeFile(join(dir, 'labels-idx1-ubyte.gz'), gzipSync(LABELS_FILE));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('idx', () => {
  it.each([
    ['plain', 'images-idx3-ubyte', 'labels-idx1-ubyte'],
    ['gzipped', 'images-idx3-ubyte.gz', 'labels-idx1-ubyte.gz'],
  ])('reads %s files into [N, rows, cols, 1] in [-1, 1] with labels', async (_, images, labels) => {
    const before = tf.memory().numTensors;
    const data = await idx(join(dir, images), join(dir, labels), { classNames: ['a', 'b', 'c'], name: 'tiny' });
    expect(tf.memory().numTensors).toBe(before + 2);
    expect(data.size).toBe(3);
    expect(data.sampleShape).toEqual([2, 2, 1]);
    expect(data.name).toBe('tiny');
    expect(data.numClasses).toBe(3);
    expect(data.classNames).toEqual(['a', 'b', 'c']);
    const values = data.images.dataSync();
    PIXELS.forEach((byte, i) => expect(values[i]).toBeCloseTo(byte / 127.5 - 1, 6));
    expect(values[0]).toBe(-1);
    expect(values[1]).toBe(1);
    expect(Array.from(data.labels!.dataSync())).toEqual(LABELS);
    data.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('reads bytes as well as paths, and unlabelled images', async () => {
    const data = await idx(gzipSync(IMAGES_FILE), undefined, { count: 2 });
    expect(data.size).toBe(2);
    expect(data.labels).toBeUndefined();
    expect(data.numClasses).toBe(0);
    expect(data.name).toBe('idx');
    data.dispose();
  });

  it('keeps the first `count` samples; numClasses defaults to the largest label + 1', async () => {
    const data = await idx(IMAGES_FILE, LABELS_FILE, { count: 2 });
    expect(Array.from(data.labels!.dataSync())).toEqual([2, 0]);
    expect(data.numClasses).toBe(3);
    expect(data.images.dataSync()[7]).toBeCloseTo(4 / 127.5 - 1, 6);
    data.dispose();
    await expect(idx(IMAGES_FILE, LABELS_FILE, { count: 4 })).rejects.toThrow(/'count' must be an integer in \[1, 3\], received 4/);
  });

  it('rejects a wrong magic number, naming the file', async () => {
    const labelsPath = join(dir, 'labels-idx1-ubyte');
    await expect(idx(labelsPath)).rejects.toThrow(DataError);
    await expect(idx(labelsPath)).rejects.toThrow(
      /the images file ".*labels-idx1-ubyte" has a bad magic number: expected 0x00000803 .*received 0x00000801/,
    );
    await expect(idx(IMAGES_FILE, IMAGES_FILE)).rejects.toThrow(/the labels file \(28 bytes\) has a bad magic number: expected 0x00000801/);
  });

  it('rejects truncated and overlong files', async () => {
    const truncated = join(dir, 'truncated-idx3-ubyte');
    await writeFile(truncated, IMAGES_FILE.subarray(0, IMAGES_FILE.length - 1));
    await expect(idx(truncated)).rejects.toThrow(
      /".*truncated-idx3-ubyte" is truncated: its header says 3 x 2 x 2 = 12 data bytes, received 11/,
    );
    await expect(idx(IMAGES_FILE.subarray(0, 10))).rejects.toThrow(/is truncated: expected an IDX header of 16 bytes, received 10 bytes/);
    await expect(idx(idxBytes([3, 2, 2], PIXELS, [9]))).rejects.toThrow(/is too long: .* = 12 data bytes, received 13/);
  });

  it('rejects images and labels of different counts, naming both files', async () => {
    const twoLabels = join(dir, 'two-labels-idx1-ubyte');
    await writeFile(twoLabels, idxBytes([2], [0, 1]));
    await expect(idx(join(dir, 'images-idx3-ubyte'), twoLabels)).rejects.toThrow(
      /the images file ".*images-idx3-ubyte" holds 3 images but the labels file ".*two-labels-idx1-ubyte" holds 2 labels/,
    );
  });

  it('rejects missing files and corrupt gzip', async () => {
    await expect(idx(join(dir, 'nope.gz'))).rejects.toThrow(/cannot read 'images' ".*nope\.gz": no such file/);
    const corrupt = gzipSync(IMAGES_FILE).subarray(0, 20);
    await expect(idx(corrupt)).rejects.toThrow(DataError);
    await expect(idx(corrupt)).rejects.toThrow(/the images file \(20 bytes\) is a corrupt gzip file/);
  });

  it('rejects class options without labels and unknown options', async () => {
    await expect(idx(IMAGES_FILE, undefined, { classNames: ['a'] })).rejects.toThrow(ConfigError);
    await expect(idx(IMAGES_FILE, undefined, { cont: 1 } as never)).rejects.toThrow(/unknown option 'cont'/);
  });

  it('parses a label file by hand', () => {
    const parsed = parseIdx(new Uint8Array([0, 0, 8, 1, 0, 0, 0, 2, 7, 3]), IDX_LABELS_MAGIC, 'labels');
    expect(parsed.shape).toEqual([2]);
    expect(Array.from(parsed.data)).toEqual([7, 3]);
  });

  it.skipIf(skipWithout(FASHION_MNIST))(
    "reads Debian's Fashion-MNIST test split (10,000 images, 1,000 per class)",
    async () => {
      const data = await idx(join(FASHION, 't10k-images-idx3-ubyte.gz'), join(FASHION, 't10k-labels-idx1-ubyte.gz'));
      expect(data.size).toBe(10_000);
      expect(data.sampleShape).toEqual([28, 28, 1]);
      expect(data.numClasses).toBe(10);
      const counts = new Array<number>(10).fill(0);
      for (const label of data.labels!.dataSync()) counts[label] += 1;
      expect(counts).toEqual(new Array(10).fill(1000));
      // The first test image is an ankle boot (class 9), as in the Fashion-MNIST README.
      expect(data.labels!.dataSync()[0]).toBe(9);
      data.dispose();
    },
  );
});
