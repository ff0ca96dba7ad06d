import * as tf from '@tensorflow/tfjs';
import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_IDX_MAX_BYTES, IDX_IMAGES_MAGIC, idx, readIdx } from '../../src/data/idx.js';
import { ConfigError, DataError } from '../../src/errors.js';
import { zeroGzip } from './bombs.js';

// Issue 15, section 4: IDX headers that claim huge counts, and gzip bombs, must be refused before
// the data are inflated or allocated.

/** An IDX images header `[n, rows, cols]`. */
function header(shape: number[]): Uint8Array {
  const bytes = new Uint8Array(4 + 4 * shape.length);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, 0x00000800 + shape.length, false);
  shape.forEach((dim, axis) => view.setUint32(4 + 4 * axis, dim, false));
  return bytes;
}

const concat = (...parts: Uint8Array[]): Uint8Array => Uint8Array.from(Buffer.concat(parts));
const MiB = 2 ** 20;

let dir: string;
beforeAll(async () => {
  await tf.setBackend('cpu');
  dir = await mkdtemp(join(tmpdir(), 'tfjs-gan-idx-limits-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('IDX size limits', () => {
  it('stops a gzip bomb (1x28x28 stated, 64 MiB of zeros after it) as soon as the data run past the header', async () => {
    // Two gzip members: the header and its 784 bytes, then 64 MiB of zeros in 0.4 MB.
    const bomb = concat(gzipSync(concat(header([1, 28, 28]), new Uint8Array(784))), zeroGzip(64 * MiB));
    expect(bomb.length).toBeLessThan(2 * MiB);
    const started = performance.now();
    await expect(idx(bomb)).rejects.toThrow(DataError);
    await expect(idx(bomb)).rejects.toThrow(
      /idx: the images file \(\d+ bytes\) is too long: it unzips to more than the 800 bytes its header states \(stopped after \d+\); refused without unzipping the rest/,
    );
    expect(performance.now() - started).toBeLessThan(1500);
  });

  it('refuses a gzip file whose header states more than maxBytes (600 x 1024 x 1024 zeros in 4 MB) after unzipping only the header', async () => {
    const big = concat(gzipSync(header([600, 1024, 1024])), zeroGzip(600 * MiB));
    expect(big.length).toBeLessThan(5 * MiB);
    const started = performance.now();
    await expect(idx(big)).rejects.toThrow(
      /idx: the images file \(\d+ bytes\) is too large: its header says 600 x 1024 x 1024 = 629145600 data bytes, more than the limit of 536870912 bytes; refused before reading the data\. Pass the option maxBytes \(e\.g\. maxBytes: 629145600\)/,
    );
    expect(performance.now() - started).toBeLessThan(500);
    expect(DEFAULT_IDX_MAX_BYTES).toBe(512 * MiB);
  });

  it('refuses a header that claims more than its gzip bytes can hold, even with no limit', async () => {
    const liar = gzipSync(concat(header([100_000, 1000, 1000]), new Uint8Array(10)));
    await expect(idx(liar, undefined, { maxBytes: Infinity })).rejects.toThrow(
      /is truncated: its header says 100000 x 1000 x 1000 = 100000000000 data bytes, but \d+ gzip bytes unzip to at most \d+/,
    );
    await expect(idx(liar)).rejects.toThrow(/100000000000 data bytes, more than the limit of 536870912 bytes/);
  });

  it('refuses a plain file larger than the limit by its size, before reading it (a sparse 600 MiB file)', async () => {
    const path = join(dir, 'sparse-idx3-ubyte');
    const file = await open(path, 'w');
    await file.write(header([600, 1024, 1024]), 0, 16, 0);
    await file.truncate(16 + 600 * MiB);
    await file.close();
    const started = performance.now();
    await expect(readIdx(path, 'images', IDX_IMAGES_MAGIC)).rejects.toThrow(
      /idx: the images file ".*sparse-idx3-ubyte" is too large: 629145616 bytes hold more than the limit of 536870912 data bytes for the images; refused before reading it\. Pass the option maxBytes/,
    );
    expect(performance.now() - started).toBeLessThan(500);
  });

  it('refuses bytes whose header states more than maxBytes, and takes maxBytes as an option', async () => {
    const plain = concat(header([3, 2, 2]), new Uint8Array(12));
    await expect(idx(plain, undefined, { maxBytes: 11 })).rejects.toThrow(/3 x 2 x 2 = 12 data bytes, more than the limit of 11 bytes/);
    await writeFile(join(dir, 'small.gz'), gzipSync(plain));
    await expect(idx(join(dir, 'small.gz'), undefined, { maxBytes: 11 })).rejects.toThrow(/more than the limit of 11 bytes/);
    const data = await idx(join(dir, 'small.gz'), undefined, { maxBytes: 12 });
    expect(data.sampleShape).toEqual([2, 2, 1]);
    data.dispose();
    await expect(idx(plain, undefined, { maxBytes: 0 })).rejects.toThrow(ConfigError);
    await expect(idx(plain, undefined, { maxBytes: 0 })).rejects.toThrow(/idx: 'maxBytes' must be an integer >= 1 or Infinity, received 0/);
  });

  it('still names corrupt and truncated gzip files', async () => {
    const good = gzipSync(concat(header([3, 2, 2]), new Uint8Array(12)));
    await expect(idx(good.subarray(0, good.length - 12))).rejects.toThrow(/corrupt gzip file|is truncated/);
    await expect(idx(Uint8Array.of(0x1f, 0x8b, 9, 9, 9))).rejects.toThrow(/corrupt gzip file/);
  });
});
