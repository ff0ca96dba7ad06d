import * as tf from '@tensorflow/tfjs';
import { createHash } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { Dataset } from '../../src/data/dataset.js';
import { extractorSplit } from '../../src/metrics/extractor-data.js';
import { fromModel, mnist as mnistFeatures } from '../../src/metrics/feature-extractor.js';
import { clearReferenceCache, referenceCacheDir, referenceFeatures, referenceKey } from '../../src/metrics/reference-cache.js';
import type { FeatureMatrix } from '../../src/metrics/feature-matrix.js';
import { datasetFeatures } from '../../src/metrics/sample-features.js';
import { fid } from '../../src/metrics/sample-metrics.js';
import { switchBackend } from '../helpers/backends.js';

// Issue 15, section 4: a feature file planted in the shared temporary directory moved FID from 46.7
// to 1161 with no warning. Entries are now keyed by content hash, checked on read (SHA-256 stored
// with them), and kept in a directory of the user's own.

const root = mkdtempSync(join(tmpdir(), 'tfjs-gan-reference-cache-'));
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
let real: Dataset;
let fake: FeatureMatrix;
let uncached: number;

const entryFiles = (dir: string) => {
  const bin = readdirSync(dir).find((file) => file.endsWith('.bin'));
  if (bin === undefined) throw new Error(`no cache entry in ${dir}`);
  return { bin: join(dir, bin), json: join(dir, bin.replace(/\.bin$/, '.json')) };
};

/** Replaces an entry's features by planted ones (all 9), with a header whose SHA-256 matches them, as an attacker would. */
function plantConsistent(dir: string): void {
  const { bin, json } = entryFiles(dir);
  const bytes = readFileSync(bin);
  new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4).fill(9);
  writeFileSync(bin, bytes);
  const header = JSON.parse(readFileSync(json, 'utf8')) as Record<string, unknown>;
  writeFileSync(json, JSON.stringify({ ...header, sha256: createHash('sha256').update(bytes).digest('hex') }));
}

/** A directory holding a valid entry for (real, mnist features, 100) from a first cached run. */
async function dirWithEntry(name: string): Promise<string> {
  const dir = join(root, name);
  mkdirSync(dir, { mode: 0o700 });
  clearReferenceCache();
  expect(await fid({ real, fake, realCount: 100, features: mnistFeatures(), cache: { dir } })).toBeCloseTo(uncached, 6);
  clearReferenceCache();
  return dir;
}

beforeAll(async () => {
  await tf.setBackend('cpu');
  await switchBackend('wasm');
  real = await extractorSplit('mnist', 'train', { count: 100 });
  // The fake side as features computed once: each FID below then only computes (or reads) the real ones.
  const heldOut = await extractorSplit('mnist', 'test', { count: 100 });
  fake = (await datasetFeatures(heldOut, await mnistFeatures())).features;
  heldOut.dispose();
  uncached = await fid({ real, fake, realCount: 100, features: mnistFeatures(), cache: false });
}, 60_000);
afterEach(() => {
  vi.restoreAllMocks();
  clearReferenceCache();
});
afterAll(() => {
  real.dispose();
  rmSync(root, { recursive: true, force: true });
});

describe('the reference-feature cache', () => {
  it('never uses an entry whose bytes do not match its SHA-256: the FID equals the uncached value, with a warning', async () => {
    const dir = await dirWithEntry('corrupted');
    const { bin } = entryFiles(dir);
    const bytes = readFileSync(bin);
    new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4).fill(9); // planted, old checksum
    writeFileSync(bin, bytes);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    expect(await fid({ real, fake, realCount: 100, features: mnistFeatures(), cache: { dir } })).toBeCloseTo(uncached, 6);
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/ignoring the cached reference features ".*\.bin": its SHA-256 [0-9a-f]{64} differs from the one stored with it\. Computing them again/));
    // The recomputed entry replaced it: the next run reads it back without a warning.
    warn.mockClear();
    clearReferenceCache();
    expect(await fid({ real, fake, realCount: 100, features: mnistFeatures(), cache: { dir } })).toBeCloseTo(uncached, 6);
    expect(warn).not.toHaveBeenCalled();
  });

  it('ignores truncated, garbled and foreign entries with a warning', async () => {
    const dir = await dirWithEntry('garbled');
    const { bin, json } = entryFiles(dir);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const cases: [() => void, RegExp][] = [
      [() => writeFileSync(bin, readFileSync(bin).subarray(0, 100)), /it holds 100 bytes, its header says \d+/],
      [() => writeFileSync(json, '{ not json'), /its header is not JSON/],
      [() => writeFileSync(json, JSON.stringify({ format: 'tfjs-gan-reference-features', version: 1, key: 'x' })), /not a version 2 reference-features header/],
    ];
    for (const [spoil, reason] of cases) {
      spoil();
      clearReferenceCache();
      warn.mockClear();
      expect(await fid({ real, fake, realCount: 100, features: mnistFeatures(), cache: { dir } })).toBeCloseTo(uncached, 6);
      expect(warn).toHaveBeenCalledWith(expect.stringMatching(reason));
    }
  });

  it('does not use a directory that others can write to, even with a consistent planted entry', async () => {
    const dir = await dirWithEntry('world-writable');
    plantConsistent(dir);
    chmodSync(dir, 0o777);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    expect(await fid({ real, fake, realCount: 100, features: mnistFeatures(), cache: { dir } })).toBeCloseTo(uncached, 6);
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/not using the reference-feature cache directory ".*world-writable": others can write to it \(mode 777\)/));
    // Control: the same planted entry in a private directory would be read (so the refusal above is what kept it out).
    chmodSync(dir, 0o700);
    clearReferenceCache();
    expect(await fid({ real, fake, realCount: 100, features: mnistFeatures(), cache: { dir } })).not.toBeCloseTo(uncached, 0);
  });

  it.skipIf(!isRoot)('does not use a directory that another user owns', async () => {
    const dir = await dirWithEntry('foreign');
    plantConsistent(dir);
    chownSync(dir, 65534, 65534);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    expect(await fid({ real, fake, realCount: 100, features: mnistFeatures(), cache: { dir } })).toBeCloseTo(uncached, 6);
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/"[^"]*foreign": it is owned by user id 65534, not by this user \(0\)/));
  });

  it('does not follow a symbolic link to a cache directory', async () => {
    const target = await dirWithEntry('link-target');
    plantConsistent(target);
    const link = join(root, 'link');
    symlinkSync(target, link);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    expect(await fid({ real, fake, realCount: 100, features: mnistFeatures(), cache: { dir: link } })).toBeCloseTo(uncached, 6);
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/"[^"]*link": it is a symbolic link/));
  });

  it('keeps the default cache per user: <tmpdir>/tfjs-gan-cache-<uid>, created 0700, files 0600', async () => {
    const saved = { TMPDIR: process.env.TMPDIR, TFJS_GAN_CACHE_DIR: process.env.TFJS_GAN_CACHE_DIR };
    const temp = join(root, 'tmp');
    mkdirSync(temp);
    process.env.TMPDIR = temp;
    delete process.env.TFJS_GAN_CACHE_DIR;
    try {
      const uid = process.getuid?.() ?? 'user';
      const dir = await referenceCacheDir();
      expect(dir).toBe(join(temp, `tfjs-gan-cache-${uid}`));
      // The old shared directory is not read any more.
      expect(dir).not.toBe(join(temp, 'tfjs-gan-cache'));
      expect(await fid({ real, fake, realCount: 100, features: mnistFeatures() })).toBeCloseTo(uncached, 6);
      expect(statSync(dir!).mode & 0o777).toBe(0o700);
      const { bin, json } = entryFiles(dir!);
      expect(statSync(bin).mode & 0o777).toBe(0o600);
      expect(statSync(json).mode & 0o777).toBe(0o600);
      // A default directory whose read bits loosened is made private again.
      chmodSync(dir!, 0o755);
      clearReferenceCache();
      await referenceFeatures(real, await mnistFeatures(), { count: 100 });
      expect(statSync(dir!).mode & 0o777).toBe(0o700);
    } finally {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });

  it('keys entries by every sample, the labels and the extractor weights, not by a sample of 16', async () => {
    const base = tf.randomUniform([100, 4], -1, 1, 'float32', 1);
    const changed = tf.tidy(() => tf.concat([tf.slice(base, 0, 3), tf.fill([1, 4], 0.5), tf.slice(base, 4, 96)]));
    const a = Dataset.fromTensors(base, undefined, { name: 'toy', checkRange: false });
    const b = Dataset.fromTensors(changed, undefined, { name: 'toy', checkRange: false });
    const labelled = Dataset.fromTensors(base, Array.from({ length: 100 }, (_, i) => i % 2), { name: 'toy', checkRange: false });
    const model = (seed: number) => {
      const input = tf.input({ shape: [4] });
      const output = tf.layers.dense({ units: 3, kernelInitializer: tf.initializers.glorotUniform({ seed }), name: 'features' }).apply(input) as tf.SymbolicTensor;
      return tf.model({ inputs: input, outputs: output, name: 'same' });
    };
    const first = fromModel(model(1), 'features');
    const second = fromModel(model(2), 'features');
    expect(first.id).toBe(second.id);
    const key = await referenceKey(a, first, 100, undefined);
    expect(await referenceKey(a, first, 100, undefined)).toBe(key);
    expect(await referenceKey(b, first, 100, undefined)).not.toBe(key); // sample 3 is not one of the old 16 picks
    expect(await referenceKey(labelled, first, 100, undefined)).not.toBe(key);
    expect(await referenceKey(a, second, 100, undefined)).not.toBe(key);
    expect(await referenceKey(a, first, 99, undefined)).not.toBe(key);
    expect(await referenceKey(a, first, 100, 7)).not.toBe(key);
    expect(key).toMatch(/^toy-100-n100-first-[0-9a-f]{64}-same_features$/);
    // Weights trained further change the key.
    const trained = model(3);
    const extractor = fromModel(trained, 'features');
    const before = await referenceKey(a, extractor, 100, undefined);
    trained.getLayer('features').setWeights(trained.getLayer('features').getWeights().map((w) => tf.add(w, 0.01)));
    expect(await referenceKey(a, extractor, 100, undefined)).not.toBe(before);
    extractor.dispose();
    tf.dispose([base, changed]);
    [a, b, labelled].forEach((data) => data.dispose());
    first.dispose();
    second.dispose();
    expect(existsSync(root)).toBe(true);
  });
});
