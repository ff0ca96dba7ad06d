import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataError } from '../../src/errors.js';
import { readFileBytes, writeFileAtomic } from '../../src/io/fs.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tfjs-gan-fs-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('writeFileAtomic', () => {
  it('creates parent folders, replaces an existing file and leaves no temporary file', async () => {
    const path = join(dir, 'a', 'b', 'file.bin');
    await writeFileAtomic(path, new Uint8Array([1, 2, 3]));
    await writeFileAtomic(path, new Uint8Array([4, 5]));
    expect(Array.from(await readFile(path))).toEqual([4, 5]);
    expect(await readdir(join(dir, 'a', 'b'))).toEqual(['file.bin']);
  });
});

describe('readFileBytes', () => {
  it('reads a file', async () => {
    const path = join(dir, 'read.bin');
    await writeFile(path, new Uint8Array([7, 8]));
    expect(Array.from(await readFileBytes(path, 'path', 'test'))).toEqual([7, 8]);
  });

  it('names the argument and path of a missing file', async () => {
    const missing = join(dir, 'missing.bin');
    await expect(readFileBytes(missing, 'imagesPath', 'idx')).rejects.toThrow(DataError);
    await expect(readFileBytes(missing, 'imagesPath', 'idx')).rejects.toThrow(
      /idx: cannot read 'imagesPath' ".*missing\.bin": no such file/,
    );
  });
});
