import * as tf from '@tensorflow/tfjs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromFiles } from '../../src/data/from-files.js';
import { fromImages } from '../../src/data/from-images.js';
import { imageFolder } from '../../src/data/image-folder.js';
import { ConfigError, DataError } from '../../src/errors.js';
import { encodePng } from '../../src/io/png.js';
import { grayPng } from './bombs.js';

// Issue 15, section 4: a 12000x12000 all-zero PNG (a small file) made imageFolder allocate over 1 GB.
let root: string;
let bomb: Uint8Array;
beforeAll(async () => {
  await tf.setBackend('cpu');
  root = await mkdtemp(join(tmpdir(), 'tfjs-gan-limits-'));
  bomb = grayPng(12000, 12000);
  await mkdir(join(root, 'bomb/cats'), { recursive: true });
  await mkdir(join(root, 'bomb/dogs'), { recursive: true });
  await writeFile(join(root, 'bomb/cats/a.png'), encodePng(new Uint8Array(4), 2, 2, 1));
  await writeFile(join(root, 'bomb/dogs/huge.png'), bomb);
  await mkdir(join(root, 'small'), { recursive: true });
  await writeFile(join(root, 'small/ten.png'), encodePng(new Uint8Array(100), 10, 10, 1));
  await writeFile(join(root, 'small/eleven.png'), encodePng(new Uint8Array(110), 11, 10, 1));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('maxPixels in the image loaders', () => {
  it('imageFolder refuses the 12000x12000 PNG by name, with the limit, its size and the option, before decoding it', async () => {
    const before = tf.memory().numTensors;
    const started = performance.now();
    const load = imageFolder(join(root, 'bomb'), { size: [2, 2] });
    await expect(load).rejects.toThrow(DataError);
    await expect(imageFolder(join(root, 'bomb'), { size: [2, 2] })).rejects.toThrow(
      /imageFolder: ".*dogs\/huge\.png" is 12000x12000 = 144000000 pixels \(width x height\), more than the limit of 16777216 pixels; refused before decoding\. Pass the option maxPixels \(e\.g\. maxPixels: 144000000\)/,
    );
    expect(performance.now() - started).toBeLessThan(1500);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('imageFolder takes maxPixels as an option (inclusive) and checks it', async () => {
    await expect(imageFolder(join(root, 'small'), { size: [10, 10], maxPixels: 100 })).rejects.toThrow(/eleven\.png" is 11x10 = 110 pixels .* limit of 100 pixels/);
    const data = await imageFolder(join(root, 'small'), { size: [10, 10], maxPixels: 110 });
    expect(data.size).toBe(2);
    data.dispose();
    await expect(imageFolder(join(root, 'small'), { maxPixels: -1 })).rejects.toThrow(ConfigError);
    await expect(imageFolder(join(root, 'small'), { maxPixels: '9' as never })).rejects.toThrow(/imageFolder: 'maxPixels' must be an integer >= 1 or Infinity, received "9"/);
  });

  it('fromFiles and fromImages refuse the same file by its name', async () => {
    const file = new File([bomb as BlobPart], 'huge.png');
    await expect(fromFiles([file], { size: [2, 2] })).rejects.toThrow(/fromFiles: "huge\.png" is 12000x12000 = 144000000 pixels/);
    await expect(fromImages([file], { size: [2, 2] })).rejects.toThrow(/fromImages: "huge\.png" is 12000x12000 = 144000000 pixels/);
    const small = new File([encodePng(new Uint8Array(110), 11, 10, 1) as BlobPart], 'small.png');
    await expect(fromFiles([small], { maxPixels: 109 })).rejects.toThrow(/"small\.png" is 11x10 = 110 pixels .* limit of 109/);
    const data = await fromImages([small], { maxPixels: 110 });
    expect(data.sampleShape).toEqual([10, 11, 1]);
    data.dispose();
  });
});
