import * as tf from '@tensorflow/tfjs';
import { encode as encodeJpeg } from 'jpeg-js';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imageFolder } from '../../src/data/image-folder.js';
import { ConfigError, DataError } from '../../src/errors.js';
import { encodePng } from '../../src/io/png.js';

const GRAY_2X2 = [0, 100, 200, 255];
const scaled = (bytes: number[]) => bytes.map((b) => b / 127.5 - 1);

let root: string;
async function put(path: string, bytes: Uint8Array | string): Promise<void> {
  const full = join(root, path);
  await mkdir(join(full, '..'), { recursive: true });
  await writeFile(full, bytes);
}

beforeAll(async () => {
  await tf.setBackend('cpu');
  root = await mkdtemp(join(tmpdir(), 'tfjs-gan-folder-'));
  const rgba = new Uint8Array(2 * 2 * 4);
  for (let p = 0; p < 4; p++) rgba.set([90, 90, 90, 255], p * 4);
  // labelled/: classes a (two PNGs) and b (one JPEG); an empty folder, a hidden file and a text file are skipped.
  await put('labelled/a/x.png', encodePng(Uint8Array.from(GRAY_2X2), 2, 2, 1));
  await put('labelled/a/y.png', encodePng(Uint8Array.from([255, 255, 0, 0]), 2, 2, 1));
  await put('labelled/a/.hidden.png', 'not an image');
  await put('labelled/a/notes.txt', 'ignored');
  await put('labelled/b/z.jpg', new Uint8Array(encodeJpeg({ width: 2, height: 2, data: rgba }, 100).data));
  await mkdir(join(root, 'labelled/c-empty'), { recursive: true });
  // flat/: unlabelled RGB images.
  await put('flat/p1.png', encodePng(Uint8Array.from([10, 20, 30, 40, 50, 60]), 2, 1, 3));
  await put('flat/p2.PNG', encodePng(Uint8Array.from([200, 100, 0, 0, 100, 200]), 2, 1, 3));
  // wide/: one 2x4 gray image (rows 0..30, 40..70).
  await put('wide/w.png', encodePng(Uint8Array.from([0, 10, 20, 30, 40, 50, 60, 70]), 4, 2, 1));
  // mixed-sizes/, mixed-layout/, empty/, corrupt/.
  await put('mixed-sizes/a.png', encodePng(Uint8Array.from(GRAY_2X2), 2, 2, 1));
  await put('mixed-sizes/b.png', encodePng(Uint8Array.from([7]), 1, 1, 1));
  await put('mixed-layout/top.png', encodePng(Uint8Array.from([7]), 1, 1, 1));
  await put('mixed-layout/cls/inner.png', encodePng(Uint8Array.from([7]), 1, 1, 1));
  await mkdir(join(root, 'empty'), { recursive: true });
  await put('empty/readme.txt', 'no images here');
  // alpha/: one RGBA pixel row: opaque red, half-transparent blue, fully transparent green.
  await put('alpha/a.png', encodePng(Uint8Array.from([255, 0, 0, 255, 0, 0, 255, 128, 0, 255, 0, 0]), 3, 1, 4));
  await put('corrupt/bad.png', Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('imageFolder', () => {
  it('labels images by sorted subfolder, skipping hidden, non-image and empty entries', async () => {
    const before = tf.memory().numTensors;
    const data = await imageFolder(join(root, 'labelled'));
    expect(tf.memory().numTensors).toBe(before + 2);
    expect(data.size).toBe(3);
    expect(data.classNames).toEqual(['a', 'b']);
    expect(data.numClasses).toBe(2);
    expect(data.name).toBe('labelled');
    expect(data.sampleShape).toEqual([2, 2, 1]); // channels of the first image
    expect(Array.from(data.labels!.dataSync())).toEqual([0, 0, 1]);
    const values = Array.from(data.images.dataSync());
    scaled(GRAY_2X2).forEach((v, i) => expect(values[i]).toBeCloseTo(v, 6));
    scaled([255, 255, 0, 0]).forEach((v, i) => expect(values[4 + i]).toBeCloseTo(v, 6));
    // The JPEG's gray 90 survives compression and the RGB -> luma conversion within a few levels.
    for (let i = 8; i < 12; i++) expect(Math.abs((values[i] + 1) * 127.5 - 90)).toBeLessThanOrEqual(3);
    data.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('loads files directly in the folder as unlabelled, with any extension case', async () => {
    const data = await imageFolder(join(root, 'flat'), { name: 'flat-rgb' });
    expect(data.size).toBe(2);
    expect(data.labels).toBeUndefined();
    expect(data.numClasses).toBe(0);
    expect(data.name).toBe('flat-rgb');
    expect(data.sampleShape).toEqual([1, 2, 3]);
    const values = Array.from(data.images.dataSync());
    scaled([10, 20, 30, 40, 50, 60, 200, 100, 0, 0, 100, 200]).forEach((v, i) => expect(values[i]).toBeCloseTo(v, 6));
    data.dispose();
  });

  it('converts channels: gray to RGB by copying, RGB to gray by luma', async () => {
    const rgb = await imageFolder(join(root, 'labelled'), { channels: 3, limit: 1 });
    expect(rgb.sampleShape).toEqual([2, 2, 3]);
    const values = Array.from(rgb.images.dataSync());
    scaled([0, 0, 0, 100, 100, 100, 200, 200, 200, 255, 255, 255]).forEach((v, i) => expect(values[i]).toBeCloseTo(v, 6));
    rgb.dispose();
    const gray = await imageFolder(join(root, 'flat'), { channels: 1 });
    const luma = (r: number, g: number, b: number) => Math.round(0.299 * r + 0.587 * g + 0.114 * b);
    const grayValues = Array.from(gray.images.dataSync());
    scaled([luma(10, 20, 30), luma(40, 50, 60), luma(200, 100, 0), luma(0, 100, 200)]).forEach((v, i) =>
      expect(grayValues[i]).toBeCloseTo(v, 6),
    );
    const rgba = await imageFolder(join(root, 'flat'), { channels: 4, limit: 1 });
    expect(Array.from(rgba.images.dataSync()).map((v) => Math.round((v + 1) * 127.5))).toEqual([10, 20, 30, 255, 40, 50, 60, 255]);
    gray.dispose();
    rgba.dispose();
  });

  it('composites alpha over the background when dropping it', async () => {
    const white = await imageFolder(join(root, 'alpha'), { channels: 3 });
    const a = 128 / 255;
    const blueOverWhite = [(1 - a) * 255, (1 - a) * 255, a * 255 + (1 - a) * 255].map(Math.round);
    expect(Array.from(white.images.dataSync()).map((v) => Math.round((v + 1) * 127.5))).toEqual([255, 0, 0, ...blueOverWhite, 255, 255, 255]);
    white.dispose();
    const colour = await imageFolder(join(root, 'alpha'), { channels: 3, background: [10, 20, 30] });
    const blueOverColour = [(1 - a) * 10, (1 - a) * 20, a * 255 + (1 - a) * 30].map(Math.round);
    expect(Array.from(colour.images.dataSync()).map((v) => Math.round((v + 1) * 127.5))).toEqual([255, 0, 0, ...blueOverColour, 10, 20, 30]);
    colour.dispose();
    const gray = await imageFolder(join(root, 'alpha'), { channels: 1, background: 0 });
    const luma = (r: number, g: number, b: number) => Math.round(0.299 * r + 0.587 * g + 0.114 * b);
    expect(Array.from(gray.images.dataSync()).map((v) => Math.round((v + 1) * 127.5))).toEqual([luma(255, 0, 0), luma(0, 0, a * 255), 0]);
    gray.dispose();
    await expect(imageFolder(join(root, 'alpha'), { background: 300 })).rejects.toThrow(
      /'background' must be a gray level in \[0, 255\] or an \[r, g, b\] triple of them, received 300/,
    );
  });

  it('resizes bilinearly with half-pixel centers', async () => {
    const before = tf.memory().numTensors;
    const data = await imageFolder(join(root, 'mixed-sizes'), { size: [1, 1] });
    expect(tf.memory().numTensors).toBe(before + 1); // unlabelled: images only
    expect(data.sampleShape).toEqual([1, 1, 1]);
    const values = data.images.dataSync();
    // 2x2 -> 1x1 samples the center: the mean of the four pixels, (0 + 100 + 200 + 255) / 4 = 138.75.
    expect(values[0]).toBeCloseTo(138.75 / 127.5 - 1, 5);
    expect(values[1]).toBeCloseTo(7 / 127.5 - 1, 5);
    data.dispose();
  });

  it('crops the center to the aspect ratio of size before resizing', async () => {
    const cropped = await imageFolder(join(root, 'wide'), { size: [2, 2], crop: 'center' });
    const values = Array.from(cropped.images.dataSync());
    scaled([10, 20, 50, 60]).forEach((v, i) => expect(values[i]).toBeCloseTo(v, 5));
    cropped.dispose();
    const stretched = await imageFolder(join(root, 'wide'), { size: [2, 2] });
    // Without crop, 4 columns squeeze into 2: half-pixel centers sample x = 0.5 and 2.5.
    scaled([5, 25, 45, 65]).forEach((v, i) => expect(stretched.images.dataSync()[i]).toBeCloseTo(v, 5));
    stretched.dispose();
  });

  it('keeps the first `limit` images in sorted order', async () => {
    const data = await imageFolder(join(root, 'labelled'), { limit: 2 });
    expect(data.size).toBe(2);
    expect(Array.from(data.labels!.dataSync())).toEqual([0, 0]);
    expect(data.numClasses).toBe(2);
    data.dispose();
  });

  it('rejects images of different sizes without `size`, naming both files', async () => {
    await expect(imageFolder(join(root, 'mixed-sizes'))).rejects.toThrow(DataError);
    await expect(imageFolder(join(root, 'mixed-sizes'))).rejects.toThrow(
      /images of different sizes need the 'size' option: ".*a\.png" is 2x2 .* but ".*b\.png" is 1x1/,
    );
  });

  it('rejects missing, empty and mixed folders and undecodable files', async () => {
    await expect(imageFolder(join(root, 'nope'))).rejects.toThrow(/cannot read the folder 'dir' ".*nope": it does not exist/);
    await expect(imageFolder(join(root, 'flat', 'p1.png'))).rejects.toThrow(/it is not a folder/);
    await expect(imageFolder(join(root, 'empty'))).rejects.toThrow(/holds no images: expected files ending in \[".png", ".jpg", ".jpeg"\]/);
    await expect(imageFolder(join(root, 'mixed-layout'))).rejects.toThrow(/mixes class subfolders \["cls"\] with images directly inside it/);
    await expect(imageFolder(join(root, 'corrupt'))).rejects.toThrow(DataError);
    await expect(imageFolder(join(root, 'corrupt'))).rejects.toThrow(/cannot decode ".*bad\.png": decodePng/);
  });

  it('rejects bad options, naming them', async () => {
    const dir = join(root, 'flat');
    await expect(imageFolder(dir, { crop: 'center' })).rejects.toThrow(ConfigError);
    await expect(imageFolder(dir, { crop: 'center' })).rejects.toThrow(/needs the 'size' option/);
    await expect(imageFolder(dir, { size: [0, 2] })).rejects.toThrow(/'size' must be \[height, width\], two integers >= 1, received \[0, 2\]/);
    await expect(imageFolder(dir, { channels: 2 as 1 })).rejects.toThrow(/'channels' must be 1, 3 or 4, received 2/);
    await expect(imageFolder(dir, { limit: 0 })).rejects.toThrow(/'limit' must be an integer >= 1, received 0/);
    await expect(imageFolder(dir, { sise: [2, 2] } as never)).rejects.toThrow(/unknown option 'sise'/);
  });
});
