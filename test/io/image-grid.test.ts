import * as tf from '@tensorflow/tfjs';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, ShapeError } from '../../src/errors.js';
import { encodeImageGrid, imageGrid, saveImageGrid } from '../../src/io/image-grid.js';
import { decodePng } from '../../src/io/png.js';

let dir: string;
beforeAll(async () => {
  await tf.setBackend('cpu');
  dir = await mkdtemp(join(tmpdir(), 'tfjs-gan-grid-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('imageGrid', () => {
  it('tiles images with padding and background, exact pixels', async () => {
    const images = tf.tensor4d([-1, 1], [2, 1, 1, 1]);
    const grid = await imageGrid(images, { columns: 2, padding: 1, background: 100 });
    expect(grid).toMatchObject({ width: 5, height: 3, channels: 1 });
    expect(Array.from(grid.pixels)).toEqual([100, 100, 100, 100, 100, 100, 0, 100, 255, 100, 100, 100, 100, 100, 100]);
    images.dispose();
  });

  it('maps [-1, 1] to bytes by round((x + 1) * 127.5), clipping and zeroing NaN', async () => {
    const images = tf.tensor4d([0, 0.5, -0.5, 2, -3, NaN], [1, 2, 3, 1]);
    const grid = await imageGrid(images, { padding: 0 });
    expect(Array.from(grid.pixels)).toEqual([128, 191, 64, 255, 0, 0]);
    images.dispose();
  });

  it('defaults to a square grid, padding 2 and a white background', async () => {
    const images = tf.zeros([5, 2, 2, 3]) as tf.Tensor4D;
    const grid = await imageGrid(images);
    // 3 columns, 2 rows: width 3 * 2 + 4 * 2 = 14, height 2 * 2 + 3 * 2 = 10.
    expect(grid).toMatchObject({ width: 14, height: 10, channels: 3 });
    expect(Array.from(grid.pixels.subarray(0, 3))).toEqual([255, 255, 255]);
    // Pixel (2, 2) is the first pixel of the first tile, value 0 -> 128.
    const at = (y: number, x: number) => Array.from(grid.pixels.subarray((y * 14 + x) * 3, (y * 14 + x) * 3 + 3));
    expect(at(2, 2)).toEqual([128, 128, 128]);
    // The sixth cell (row 1, column 2) is empty: background.
    expect(at(6, 10)).toEqual([255, 255, 255]);
    images.dispose();
  });

  it('places tile n at row floor(n / columns), column n % columns', async () => {
    const values = [-1, -0.5, 0.5, 1]; // one 1x1 image each
    const images = tf.tensor4d(values, [4, 1, 1, 1]);
    const grid = await imageGrid(images, { columns: 3, padding: 0 });
    expect(grid).toMatchObject({ width: 3, height: 2 });
    expect(Array.from(grid.pixels)).toEqual([0, 64, 191, 255, 255, 255]);
    images.dispose();
  });

  it('accepts a background per channel and keeps alpha opaque for a gray background', async () => {
    const rgb = tf.zeros([1, 1, 1, 3]) as tf.Tensor4D;
    const grid = await imageGrid(rgb, { padding: 1, background: [10, 20, 30] });
    expect(Array.from(grid.pixels.subarray(0, 3))).toEqual([10, 20, 30]);
    const rgba = tf.zeros([1, 1, 1, 4]) as tf.Tensor4D;
    const gridA = await imageGrid(rgba, { padding: 1, background: 7 });
    expect(Array.from(gridA.pixels.subarray(0, 4))).toEqual([7, 7, 7, 255]);
    tf.dispose([rgb, rgba]);
  });

  it('rejects tensors that are not NHWC with 1, 3 or 4 channels', async () => {
    const image3d = tf.zeros([2, 3, 4]);
    await expect(imageGrid(image3d as unknown as tf.Tensor4D)).rejects.toThrow(ShapeError);
    await expect(imageGrid(image3d as unknown as tf.Tensor4D)).rejects.toThrow(
      /'images' must have rank 4, \[N, height, width, channels\] \(NHWC\).*received shape \[2, 3, 4\]/,
    );
    const twoChannels = tf.zeros([1, 2, 2, 2]) as tf.Tensor4D;
    await expect(imageGrid(twoChannels)).rejects.toThrow(/received shape \[1, 2, 2, 2\]/);
    tf.dispose([image3d, twoChannels]);
  });

  it('rejects bad options, naming them', async () => {
    const images = tf.zeros([1, 1, 1, 1]) as tf.Tensor4D;
    await expect(imageGrid(images, { padding: -1 })).rejects.toThrow(ConfigError);
    await expect(imageGrid(images, { padding: -1 })).rejects.toThrow(/'padding' must be an integer >= 0, received -1/);
    await expect(imageGrid(images, { columns: 0 })).rejects.toThrow(/'columns' must be an integer >= 1, received 0/);
    await expect(imageGrid(images, { background: [1, 2] })).rejects.toThrow(/'background' must be an integer in \[0, 255\] or 1 such values/);
    await expect(imageGrid(images, { colums: 2 } as never)).rejects.toThrow(/unknown option 'colums'/);
    images.dispose();
  });

  it('creates no tensors', async () => {
    const images = tf.randomUniform([4, 3, 3, 3], -1, 1) as tf.Tensor4D;
    await imageGrid(images); // warm-up
    const before = tf.memory().numTensors;
    await imageGrid(images);
    await encodeImageGrid(images);
    expect(tf.memory().numTensors).toBe(before);
    images.dispose();
  });
});

describe('encodeImageGrid / saveImageGrid', () => {
  it('encodes the grid as a PNG with the same pixels', async () => {
    const images = tf.randomUniform([3, 4, 5, 1], -1, 1, 'float32', 7) as tf.Tensor4D;
    const grid = await imageGrid(images, { columns: 2 });
    const decoded = decodePng(await encodeImageGrid(images, { columns: 2 }));
    expect(decoded).toMatchObject({ width: grid.width, height: grid.height, channels: 1 });
    expect(Array.from(decoded.data)).toEqual(Array.from(grid.pixels));
    images.dispose();
  });

  it('writes a PNG file atomically, creating parent folders', async () => {
    const images = tf.fill([2, 3, 3, 3], 0.5) as tf.Tensor4D;
    const path = join(dir, 'runs', 'samples', 'grid.png');
    await saveImageGrid(images, path, { padding: 0, columns: 2 });
    const decoded = decodePng(new Uint8Array(await readFile(path)));
    expect(decoded).toMatchObject({ width: 6, height: 3, channels: 3 });
    expect(decoded.data.every((v) => v === 191)).toBe(true);
    expect(await readdir(join(dir, 'runs', 'samples'))).toEqual(['grid.png']);
    images.dispose();
  });

  it('rejects an empty path', async () => {
    const images = tf.zeros([1, 1, 1, 1]) as tf.Tensor4D;
    await expect(saveImageGrid(images, '')).rejects.toThrow(/'path' must be a non-empty file path, received ""/);
    images.dispose();
  });
});
