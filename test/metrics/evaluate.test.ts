import * as tf from '@tensorflow/tfjs';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Dataset } from '../../src/data/dataset.js';
import { toy2d } from '../../src/data/toy2d.js';
import { ConfigError } from '../../src/errors.js';
import { classAccuracyFromPredictions } from '../../src/metrics/class-accuracy.js';
import { evaluate } from '../../src/metrics/evaluate.js';
import { extractorSplit } from '../../src/metrics/extractor-data.js';
import { mnist as mnistFeatures } from '../../src/metrics/feature-extractor.js';
import { clearReferenceCache, referenceFeatures } from '../../src/metrics/reference-cache.js';
import { classAccuracy, fid, modeCoverage, precisionRecall } from '../../src/metrics/sample-metrics.js';
import { Generator } from '../../src/nets/generator.js';
import { switchBackend } from '../helpers/backends.js';

const cacheDir = mkdtempSync(join(tmpdir(), 'tfjs-gan-metrics-cache-'));
const kid = { subsets: 5, subsetSize: 100 };

describe('metrics.evaluate on images', () => {
  let real: Dataset;
  let heldOut: Dataset;
  beforeAll(async () => {
    await switchBackend('wasm');
    real = await extractorSplit('mnist', 'train', { count: 300 });
    heldOut = await extractorSplit('mnist', 'test', { count: 300 });
  });
  afterAll(() => {
    real.dispose();
    heldOut.dispose();
    rmSync(cacheDir, { recursive: true, force: true });
  });

  it('gives FID 0, precision, recall and coverage 1 for a dataset against itself', async () => {
    const result = await evaluate({ real, fake: real, features: mnistFeatures(), kid, cache: { dir: cacheDir } });
    expect(result.fid).toBeCloseTo(0, 4);
    expect(result.precision).toBe(1);
    expect(result.recall).toBe(1);
    expect(result.coverage).toBe(1);
    // Subsets of one set: the unbiased estimate scatters around 0.
    expect(Math.abs(result.kid!.mean)).toBeLessThan(3 * result.kid!.std);
    expect(result).toMatchObject({ realCount: 300, fakeCount: 300 });
    expect(result.extractor).toMatch(/^mnist-cnn-/);
  });

  it('scores held-out real digits far better than an untrained generator', async () => {
    const features = mnistFeatures();
    const test = await evaluate({ real, fake: heldOut, features, kid, cache: { dir: cacheDir } });
    const generator = Generator.dcgan({ imageShape: [28, 28, 1], latentDim: 16, width: 8, seed: 1 });
    const untrained = await evaluate({ real, generator, count: 300, features, kid, cache: { dir: cacheDir } });
    generator.dispose();
    expect(untrained.fid!).toBeGreaterThan(5 * test.fid!);
    expect(untrained.kid!.mean).toBeGreaterThan(10 * Math.max(test.kid!.mean, 1e-3));
    expect(test.precision!).toBeGreaterThan(0.5);
    // An untrained generator draws nearly one grey blob: a collapsed set. Precision and density may even
    // be high (the blob sits in a few real balls); recall and coverage expose it.
    expect(untrained.recall!).toBeLessThan(0.1);
    expect(untrained.coverage!).toBeLessThan(0.1);
    expect(test.recall!).toBeGreaterThan(0.5);
    expect(test.coverage!).toBeGreaterThan(0.5);
    // The single-metric wrappers compute the same numbers.
    expect(await fid({ real, fake: heldOut, features, cache: { dir: cacheDir } })).toBeCloseTo(test.fid!, 8);
    expect(await precisionRecall({ real, fake: heldOut, features, cache: { dir: cacheDir } })).toEqual({ precision: test.precision, recall: test.recall });
  });

  it('caches the real features in memory and on disk', async () => {
    const extractor = await mnistFeatures();
    const first = await referenceFeatures(real, extractor, { count: 200, cache: { dir: cacheDir } });
    expect(await referenceFeatures(real, extractor, { count: 200, cache: { dir: cacheDir } })).toBe(first);
    expect(readdirSync(cacheDir).some((file) => file.startsWith(`mnist-train-300-n200-first-`) && file.endsWith('.bin'))).toBe(true);
    clearReferenceCache();
    const extract = vi.spyOn(extractor, 'extract');
    const fromDisk = await referenceFeatures(real, extractor, { count: 200, cache: { dir: cacheDir } });
    expect(extract).not.toHaveBeenCalled();
    expect(fromDisk).not.toBe(first);
    expect(fromDisk.key).toBe(first.key);
    expect(Array.from(fromDisk.features.data)).toEqual(Array.from(first.features.data));
    expect(Array.from(fromDisk.labels!)).toEqual(Array.from(first.labels!));
    // Other data or another count is another entry.
    expect((await referenceFeatures(heldOut, extractor, { count: 200, cache: false })).key).not.toBe(first.key);
    expect((await referenceFeatures(real, extractor, { count: 100, cache: false })).key).not.toBe(first.key);
    extract.mockRestore();
  });

  it('measures class accuracy: real digits with their labels score high, with wrong labels low', async () => {
    const labels = Array.from(await heldOut.labels!.data());
    const right = await classAccuracy({ samples: heldOut, labels, classifier: mnistFeatures() });
    expect(right.accuracy).toBeGreaterThan(0.95);
    expect(right.counts.reduce((a, b) => a + b, 0)).toBe(300);
    const wrong = await classAccuracy({ samples: heldOut, labels: labels.map((l) => (l + 1) % 10), classifier: mnistFeatures() });
    expect(wrong.accuracy).toBeLessThan(0.05);
    const conditional = Generator.dcgan({ imageShape: [28, 28, 1], latentDim: 16, width: 8, numClasses: 10, seed: 2 });
    const result = await evaluate({ real, generator: conditional, count: 50, features: mnistFeatures(), metrics: ['class-accuracy'] });
    expect(result.classAccuracy!.counts).toEqual(Array(10).fill(5));
    conditional.dispose();
  });

  it('reads finer classes through a class map: 20 half-digit classes scored as their digit', async () => {
    const digits = Array.from(await heldOut.labels!.data());
    // Class 2d and 2d + 1 are both digit d, as emoji subcategories are both their category.
    const fine = digits.map((d, i) => 2 * d + (i % 2));
    const classMap = Array.from({ length: 20 }, (_, f) => Math.floor(f / 2));
    const features = mnistFeatures();
    const plain = await evaluate({ real, fake: heldOut, labels: digits, features, metrics: ['class-accuracy'] });
    const mapped = await evaluate({ real, fake: heldOut, labels: fine, classMap, features, metrics: ['class-accuracy'] });
    expect(plain.classAccuracy!.accuracy).toBeGreaterThan(0.95);
    expect(mapped.classAccuracy!.accuracy).toBe(plain.classAccuracy!.accuracy);
    // Per class of the classifier: ten entries, the same counts as the digits themselves.
    expect(mapped.classAccuracy!.counts).toEqual(plain.classAccuracy!.counts);
    const shifted = classMap.map((d) => (d + 1) % 10);
    expect((await evaluate({ real, fake: heldOut, labels: fine, classMap: shifted, features, metrics: ['class-accuracy'] })).classAccuracy!.accuracy).toBeLessThan(0.05);
    // A generator with 20 classes: sample i is of class i % 20, read as digit (i % 20) / 2.
    const conditional = Generator.dcgan({ imageShape: [28, 28, 1], latentDim: 16, width: 8, numClasses: 20, seed: 2 });
    const result = await evaluate({ real, generator: conditional, count: 40, classMap, features, metrics: ['class-accuracy'] });
    expect(result.classAccuracy!.counts).toEqual(Array(10).fill(4));
    await expect(evaluate({ real, generator: conditional, count: 40, classMap: classMap.slice(0, 10), features, metrics: ['class-accuracy'] })).rejects.toThrow(
      /'classMap' has 10 entries, but a sample is of class 1\d: give one entry per class/,
    );
    conditional.dispose();
    const bad = [...classMap];
    bad[3] = 10;
    await expect(evaluate({ real, fake: heldOut, labels: fine, classMap: bad, features, metrics: ['class-accuracy'] })).rejects.toThrow(
      /'classMap\[3\]' must be a class id of the classifier in \[0, 9\], received 10/,
    );
  });

  it('leaks no tensors', async () => {
    const features = await mnistFeatures();
    await evaluate({ real, fake: heldOut, features, kid, cache: false, metrics: ['fid', 'kid', 'precision-recall', 'density-coverage'] });
    const before = tf.memory().numTensors;
    await evaluate({ real, fake: heldOut, features, kid, cache: false, metrics: ['fid', 'kid', 'precision-recall', 'density-coverage'] });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('names bad options', async () => {
    await expect(evaluate({ real } as never)).rejects.toThrow(/give exactly one of 'fake' \(samples\) and 'generator', received neither/);
    await expect(evaluate({ real, fake: real, metrics: ['fdi' as never] })).rejects.toThrow(ConfigError);
    await expect(evaluate({ real, fake: real, metrics: ['class-accuracy'], features: mnistFeatures() })).rejects.toThrow(/'class-accuracy' needs a conditional generator/);
    await expect(evaluate({ real, fake: real, features: mnistFeatures(), count: 10, realCount: 10, seeds: 1 } as never)).rejects.toThrow(/unknown option 'seeds'/);
  });
});

describe('metrics on 2-D toy data', () => {
  beforeAll(() => switchBackend('wasm'));

  it('uses the points as features and measures mode coverage', async () => {
    const ring = await toy2d('ring', { count: 800 });
    const other = await toy2d('ring', { count: 800, seed: 5 });
    const result = await evaluate({ real: ring, fake: other, modes: 'ring', kid, cache: false });
    expect(result.extractor).toBe('samples');
    expect(result.fid!).toBeLessThan(0.05);
    expect(result.precision!).toBeGreaterThan(0.9);
    expect(result.modeCoverage).toMatchObject({ modesCovered: 8, numModes: 8 });
    const generator = Generator.mlp({ outputShape: [2], latentDim: 4, seed: 3 });
    const coverage = await modeCoverage({ generator, modes: 'ring', count: 500 });
    expect(coverage.numModes).toBe(8);
    expect(coverage.histogram.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(500);
    generator.dispose();
    ring.dispose();
    other.dispose();
  });
});

describe('classAccuracyFromPredictions', () => {
  it('gives overall and per-class shares', () => {
    expect(classAccuracyFromPredictions([0, 0, 1, 1, 2], [0, 1, 1, 1, 0], 4)).toEqual({
      accuracy: 0.6,
      perClass: [0.5, 1, 0, Number.NaN],
      counts: [2, 2, 1, 0],
    });
    expect(() => classAccuracyFromPredictions([0, 5], [0, 0], 3)).toThrow(/class ids in \[0, 2\], received 5 at 1/);
  });
});

afterAll(() => {
  if (existsSync(cacheDir)) rmSync(cacheDir, { recursive: true, force: true });
});
