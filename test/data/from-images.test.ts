import * as tf from '@tensorflow/tfjs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DirectoryHandleLike, type FileHandleLike, fromDirectoryHandle, fromFiles } from '../../src/data/from-files.js';
import { fromImages } from '../../src/data/from-images.js';
import { imageFolder } from '../../src/data/image-folder.js';
import { ConfigError, DataError } from '../../src/errors.js';
import { encodePng } from '../../src/io/png.js';

/** A File as a folder pick gives it: its path relative to the picked folder in webkitRelativePath. */
function pickedFile(path: string, bytes: Uint8Array | string): File {
  const file = new File([part(bytes)], path.split('/').pop() as string);
  Object.defineProperty(file, 'webkitRelativePath', { value: path });
  return file;
}

/** Bytes as a BlobPart (the DOM types want an ArrayBuffer-backed view). */
const part = (bytes: Uint8Array | string): BlobPart => bytes as BlobPart;

const rgba = (pixels: number[][]): Uint8ClampedArray => Uint8ClampedArray.from(pixels.flat());

describe('fromImages', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('stacks ImageData-like RGBA pixels, picking 1, 3 or 4 channels from the first image', async () => {
    const gray = { width: 2, height: 1, data: rgba([[0, 0, 0, 255], [255, 255, 255, 255]]) };
    const colour = { width: 2, height: 1, data: rgba([[255, 0, 0, 255], [0, 0, 255, 255]]) };
    const clear = { width: 2, height: 1, data: rgba([[0, 0, 0, 0], [255, 255, 255, 255]]) };
    const one = await fromImages([gray, gray]);
    expect(one.sampleShape).toEqual([1, 2, 1]);
    expect(Array.from(one.images.dataSync())).toEqual([-1, 1, -1, 1]);
    const three = await fromImages([colour], { labels: [2], classNames: ['a', 'b', 'c'] });
    expect(three.sampleShape).toEqual([1, 2, 3]);
    expect(Array.from(three.images.dataSync())).toEqual([1, -1, -1, -1, -1, 1]);
    expect(three.classNames).toEqual(['a', 'b', 'c']);
    expect(Array.from(three.labels?.dataSync() ?? [])).toEqual([2]);
    const four = await fromImages([clear]);
    expect(four.sampleShape).toEqual([1, 2, 4]);
    const forced = await fromImages([colour], { channels: 1, name: 'luma' });
    expect(forced.images.dataSync()[0]).toBeCloseTo(Math.round(0.299 * 255) / 127.5 - 1, 6);
    for (const d of [one, three, four, forced]) d.dispose();
  });

  it('decodes PNG blobs exactly as imageFolder decodes the same files', async () => {
    const root = await mkdtemp(join(tmpdir(), 'tfjs-gan-from-images-'));
    try {
      const png = encodePng(Uint8Array.from({ length: 4 * 6 * 3 }, (_, i) => (i * 41) % 256), 6, 4, 3);
      await mkdir(join(root, 'set'), { recursive: true });
      await writeFile(join(root, 'set', 'a.png'), png);
      const fromDisk = await imageFolder(join(root, 'set'), { size: [3, 3], crop: 'center' });
      const fromBlob = await fromImages([new Blob([part(png)])], { size: [3, 3], crop: 'center' });
      expect(Array.from(fromBlob.images.dataSync())).toEqual(Array.from(fromDisk.images.dataSync()));
      fromDisk.dispose();
      fromBlob.dispose();
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('names the image and the problem', async () => {
    await expect(fromImages([])).rejects.toThrow(DataError);
    await expect(fromImages([])).rejects.toThrow(/'images' must be a non-empty array of images/);
    await expect(fromImages([{ width: 2, height: 2, data: new Uint8ClampedArray(3) }])).rejects.toThrow(/images\[0\] must hold width \* height \* 4 = 16 RGBA bytes, received 3/);
    await expect(fromImages([42 as never])).rejects.toThrow(/images\[0\] must be ImageData .* received 42/);
    await expect(fromImages([new Blob(['text'])])).rejects.toThrow(/"images\[0\]" is neither a PNG nor a JPEG file/);
    const pixel = { width: 1, height: 1, data: rgba([[1, 2, 3, 255]]) };
    await expect(fromImages([pixel, pixel], { labels: [0] })).rejects.toThrow(/'labels' must hold one class id per image, 2, received 1/);
    await expect(fromImages([pixel], { crop: 'middle' as 'center' })).rejects.toThrow(ConfigError);
    await expect(fromImages([pixel], { colour: 3 } as never)).rejects.toThrow(/unknown option 'colour'/);
    const big = { width: 2, height: 1, data: rgba([[1, 2, 3, 255], [1, 2, 3, 255]]) };
    await expect(fromImages([pixel, big])).rejects.toThrow(/need the 'size' option: "images\[0\]" is 1x1 .* "images\[1\]" is 1x2/);
  });
});

describe('fromFiles / fromDirectoryHandle', () => {
  const png = (value: number): Uint8Array => encodePng(Uint8Array.of(value, value, value, value), 2, 2, 1);

  it('labels a picked folder by subfolder, skipping hidden, deep and non-image files', async () => {
    const files = [
      pickedFile('pets/dog/2.png', png(200)),
      pickedFile('pets/cat/1.png', png(0)),
      pickedFile('pets/dog/1.png', png(100)),
      pickedFile('pets/cat/.hidden.png', 'x'),
      pickedFile('pets/cat/notes.txt', 'x'),
      pickedFile('pets/cat/deeper/3.png', png(50)),
    ];
    const data = await fromFiles(files);
    expect(data.name).toBe('pets');
    expect(data.classNames).toEqual(['cat', 'dog']);
    expect(Array.from(data.labels?.dataSync() ?? [])).toEqual([0, 1, 1]);
    const firstPixels = Array.from(data.images.dataSync()).filter((_, i) => i % 4 === 0);
    [-1, 100 / 127.5 - 1, 200 / 127.5 - 1].forEach((value, i) => expect(firstPixels[i]).toBeCloseTo(value, 6));
    data.dispose();
  });

  it('loads loose files unlabelled, with a limit, and names problems', async () => {
    const data = await fromFiles([new File([part(png(10))], 'b.png'), new File([part(png(20))], 'a.PNG')], { limit: 1, name: 'two' });
    expect(data.size).toBe(1);
    expect(data.labels).toBeUndefined();
    expect(data.images.dataSync()[0]).toBeCloseTo(20 / 127.5 - 1, 6);
    data.dispose();
    await expect(fromFiles([new File(['x'], 'a.txt')])).rejects.toThrow(/hold no images: expected files ending in/);
    await expect(fromFiles([pickedFile('f/top.png', png(1)), pickedFile('f/cls/in.png', png(1))])).rejects.toThrow(/mix class subfolders \["cls"\]/);
    await expect(fromFiles([pickedFile('f/bad.png', Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 1))])).rejects.toThrow(/cannot decode "f\/bad.png"/);
    await expect(fromFiles(['a.png' as unknown as File])).rejects.toThrow(/files\[0\] must be a File, received "a.png"/);
  });

  it('walks a directory handle like a picked folder', async () => {
    const fileHandle = (name: string, bytes: Uint8Array): FileHandleLike => ({ kind: 'file', name, getFile: async () => new File([part(bytes)], name) });
    const folder = (name: string, entries: (DirectoryHandleLike | FileHandleLike)[]): DirectoryHandleLike => ({
      kind: 'directory',
      name,
      async *values() {
        yield* entries;
      },
    });
    const handle = folder('digits', [folder('one', [fileHandle('a.png', png(30))]), folder('zero', [fileHandle('b.png', png(60)), fileHandle('c.png', png(90))])]);
    const data = await fromDirectoryHandle(handle, { channels: 3 });
    expect(data.name).toBe('digits');
    expect(data.classNames).toEqual(['one', 'zero']);
    expect(data.sampleShape).toEqual([2, 2, 3]);
    expect(Array.from(data.labels?.dataSync() ?? [])).toEqual([0, 1, 1]);
    data.dispose();
    await expect(fromDirectoryHandle({} as DirectoryHandleLike)).rejects.toThrow(/'handle' must be a directory handle/);
  });
});
