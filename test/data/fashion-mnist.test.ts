import * as tf from '@tensorflow/tfjs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FASHION_MNIST_CLASS_NAMES, fashionMnist } from '../../src/data/fashion-mnist.js';
import { ConfigError, DataError } from '../../src/errors.js';
import { FASHION_MNIST, skipWithout } from '../helpers/debian.js';

// Debian's dataset-fashion-mnist: CI installs it (.ci/run); elsewhere these tests skip without it.
const installed = !skipWithout(FASHION_MNIST);

let dir: string;
beforeAll(async () => {
  await tf.setBackend('cpu');
  dir = await mkdtemp(join(tmpdir(), 'tfjs-gan-fashion-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function idxBytes(shape: number[], data: number[]): Uint8Array {
  const header = new Uint8Array(4 + 4 * shape.length);
  const view = new DataView(header.buffer);
  view.setUint32(0, 0x00000800 + shape.length, false);
  shape.forEach((dim, axis) => view.setUint32(4 + 4 * axis, dim, false));
  return Uint8Array.from([...header, ...data]);
}

describe('fashionMnist', () => {
  it.skipIf(!installed)("loads Debian's files: train split with count, and the class names", async () => {
    const data = await fashionMnist({ split: 'train', count: 500 });
    expect(data.size).toBe(500);
    expect(data.sampleShape).toEqual([28, 28, 1]);
    expect(data.numClasses).toBe(10);
    expect(data.classNames).toEqual(FASHION_MNIST_CLASS_NAMES);
    expect(data.name).toBe('fashion-mnist-train');
    // The first training image is an ankle boot (class 9).
    expect(data.labels!.dataSync()[0]).toBe(9);
    data.dispose();
  });

  it.skipIf(!installed)('loads the whole test split', async () => {
    const data = await fashionMnist({ split: 'test' });
    expect(data.size).toBe(10_000);
    expect(data.name).toBe('fashion-mnist-test');
    data.dispose();
  });

  it('finds plain (not gzipped) files in a given folder', async () => {
    await writeFile(join(dir, 't10k-images-idx3-ubyte'), idxBytes([2, 28, 28], new Array(2 * 784).fill(255)));
    await writeFile(join(dir, 't10k-labels-idx1-ubyte'), idxBytes([2], [3, 8]));
    const data = await fashionMnist({ split: 'test', dir });
    expect(data.size).toBe(2);
    expect(data.numClasses).toBe(10);
    expect(Array.from(data.labels!.dataSync())).toEqual([3, 8]);
    expect(data.images.dataSync()[0]).toBe(1);
    data.dispose();
  });

  it('says how to install the files when they are missing', async () => {
    await expect(fashionMnist({ dir: join(dir, 'missing') })).rejects.toThrow(DataError);
    await expect(fashionMnist({ dir: join(dir, 'missing') })).rejects.toThrow(
      /cannot find .*train-images-idx3-ubyte\.gz.*apt-get install dataset-fashion-mnist/,
    );
  });

  it('rejects a bad split', async () => {
    await expect(fashionMnist({ split: 'valid' as 'test' })).rejects.toThrow(ConfigError);
    await expect(fashionMnist({ split: 'valid' as 'test' })).rejects.toThrow(/'split' must be 'train' or 'test', received "valid"/);
  });
});
