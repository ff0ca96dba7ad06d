import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Dataset } from '../../src/data/dataset.js';
import { ConfigError } from '../../src/errors.js';
import { evaluate } from '../../src/metrics/evaluate.js';
import { extractorSplit } from '../../src/metrics/extractor-data.js';
import { mnist as mnistFeatures } from '../../src/metrics/feature-extractor.js';
import type { FeatureMatrix } from '../../src/metrics/feature-matrix.js';
import { fidFromFeatures } from '../../src/metrics/frechet-distance.js';
import { intraFidFromFeatures, intraKidFromFeatures, intraPrecisionRecallFromFeatures } from '../../src/metrics/intra-class.js';
import { precisionRecallFromFeatures } from '../../src/metrics/manifold.js';
import { kidFromFeatures } from '../../src/metrics/kernel-distance.js';
import { intraFid, intraKid, intraPrecisionRecall } from '../../src/metrics/sample-metrics.js';
import { Generator } from '../../src/nets/generator.js';
import { SeededRandom } from '../../src/util/random.js';
import { switchBackend } from '../helpers/backends.js';

/** `count` vectors of `dim` around a per-class mean (class c centred at `shift * c` on every axis). */
function classes(counts: readonly number[], dim: number, shift: number, seed: number): { features: FeatureMatrix; labels: Int32Array } {
  const random = new SeededRandom(seed);
  const total = counts.reduce((a, b) => a + b, 0);
  const data = new Float32Array(total * dim);
  const labels = new Int32Array(total);
  let row = 0;
  counts.forEach((count, c) => {
    for (let i = 0; i < count; i++, row++) {
      labels[row] = c;
      for (let d = 0; d < dim; d++) data[row * dim + d] = shift * c + random.nextNormal();
    }
  });
  return { features: { data, count: total, dim }, labels };
}

/** The rows of one class, in order. */
function rowsOf(set: { features: FeatureMatrix; labels: Int32Array }, label: number): FeatureMatrix {
  const rows = [...set.labels.keys()].filter((i) => set.labels[i] === label);
  const { dim } = set.features;
  const data = new Float32Array(rows.length * dim);
  rows.forEach((r, i) => data.set(set.features.data.subarray(r * dim, (r + 1) * dim), i * dim));
  return { data, count: rows.length, dim };
}

describe('intraFidFromFeatures and intraKidFromFeatures', () => {
  beforeAll(() => switchBackend('wasm'));

  it('are the FID and KID of each class on its own, averaged over the classes', () => {
    const real = classes([40, 60, 30], 4, 1, 1);
    const fake = classes([50, 20, 35], 4, 1.2, 2);
    const result = intraFidFromFeatures(real.features, real.labels, fake.features, fake.labels);
    const expected = [0, 1, 2].map((c) => fidFromFeatures(rowsOf(real, c), rowsOf(fake, c)));
    result.perClass.forEach((value, c) => expect(value).toBeCloseTo(expected[c], 6));
    expect(result.mean).toBeCloseTo((expected[0] + expected[1] + expected[2]) / 3, 6);
    expect(result.realCounts).toEqual([40, 60, 30]);
    expect(result.fakeCounts).toEqual([50, 20, 35]);
    expect(result.perClassStd).toBeUndefined();

    const kid = intraKidFromFeatures(real.features, real.labels, fake.features, fake.labels, { subsets: 4, subsetSize: 25, seed: 3 });
    const expectedKid = [0, 1, 2].map((c) => kidFromFeatures(rowsOf(real, c), rowsOf(fake, c), { subsets: 4, subsetSize: 25, seed: 3 }));
    kid.perClass.forEach((value, c) => expect(value).toBeCloseTo(expectedKid[c].mean, 9));
    kid.perClassStd!.forEach((value, c) => expect(value).toBeCloseTo(expectedKid[c].std, 9));
    expect(kid.mean).toBeCloseTo(expectedKid.reduce((sum, k) => sum + k.mean, 0) / 3, 9);
  });

  it('see swapped classes that FID over all samples cannot', () => {
    const real = classes([300, 300], 3, 4, 4);
    const draw = classes([300, 300], 3, 4, 5);
    // The same pictures, each labelled as the other class: FID over all samples is about that of a fresh draw.
    const swapped = Int32Array.from(draw.labels, (label) => 1 - label);
    const overall = fidFromFeatures(real.features, draw.features);
    expect(overall).toBeLessThan(0.2);
    const right = intraFidFromFeatures(real.features, real.labels, draw.features, draw.labels);
    const wrong = intraFidFromFeatures(real.features, real.labels, draw.features, swapped);
    expect(right.mean).toBeLessThan(0.2);
    // The class means are 4 apart on each of 3 axes: 48 within each class.
    expect(wrong.mean).toBeGreaterThan(40);
    const kidRight = intraKidFromFeatures(real.features, real.labels, draw.features, draw.labels, { subsets: 10, subsetSize: 200 });
    const kidWrong = intraKidFromFeatures(real.features, real.labels, draw.features, swapped, { subsets: 10, subsetSize: 200 });
    // The unbiased estimate of one distribution scatters around 0 by its spread over subsets.
    kidRight.perClass.forEach((value, c) => expect(Math.abs(value)).toBeLessThan(3 * kidRight.perClassStd![c]));
    expect(kidWrong.mean).toBeGreaterThan(100 * Math.abs(kidRight.mean));
    kidWrong.perClass.forEach((value, c) => expect(value).toBeGreaterThan(10 * kidWrong.perClassStd![c]));
  });

  it('leave out a class id that neither set has (NaN), and average over the others', () => {
    const real = classes([20, 0, 20], 2, 1, 6);
    const fake = classes([20, 0, 20], 2, 1, 7);
    const result = intraFidFromFeatures(real.features, real.labels, fake.features, fake.labels);
    expect(result.perClass[1]).toBeNaN();
    expect(result.mean).toBeCloseTo((result.perClass[0] + result.perClass[2]) / 2, 9);
    expect(result.realCounts).toEqual([20, 0, 20]);
  });

  it('name what is wrong with the labels or the sets', () => {
    const real = classes([10, 10], 2, 1, 8);
    const fake = classes([10, 10], 2, 1, 9);
    expect(() => intraFidFromFeatures(real.features, real.labels.subarray(1), fake.features, fake.labels)).toThrow(/'realLabels' must hold one class id per sample \(20\), received 19/);
    expect(() => intraFidFromFeatures(real.features, real.labels, fake.features, Array.from(fake.labels, (l, i) => (i === 3 ? 0.5 : l)))).toThrow(
      /'fakeLabels\[3\]' must be a class id \(an integer >= 0\), received 0.5/,
    );
    expect(() => intraFidFromFeatures(real.features, real.labels, fake.features, null as unknown as number[])).toThrow(ConfigError);
    // A fake class the real data lacks, and a class of one sample.
    const extra = Int32Array.from(fake.labels, (l, i) => (i < 5 ? 2 : l));
    expect(() => intraFidFromFeatures(real.features, real.labels, fake.features, extra)).toThrow(/class 2 has 0 real and 5 fake/);
    const lone = Int32Array.from(fake.labels, (l, i) => (i === 0 ? 1 : l));
    lone.fill(1, 1, 10);
    lone[0] = 0;
    expect(() => intraKidFromFeatures(real.features, real.labels, fake.features, lone)).toThrow(/class 0 has 10 real and 1 fake/);
    const wide = classes([10, 10], 3, 1, 10);
    expect(() => intraFidFromFeatures(real.features, real.labels, wide.features, wide.labels)).toThrow(/one dimension, received 2 and 3/);
    expect(() => intraKidFromFeatures(real.features, real.labels, fake.features, fake.labels, { subsets: 0 })).toThrow(/subsets/);
  });

  it('leak no tensors', () => {
    const real = classes([30, 30], 4, 1, 11);
    const fake = classes([30, 30], 4, 1, 12);
    const before = tf.memory().numTensors;
    intraKidFromFeatures(real.features, real.labels, fake.features, fake.labels, { subsets: 3 });
    intraFidFromFeatures(real.features, real.labels, fake.features, fake.labels);
    expect(tf.memory().numTensors).toBe(before);
  });
});

/**
 * 2-D classes: class 0 of two tight clusters at x = -3 and x = +3 (or, `blob`, one broad Gaussian with
 * the same mean and variances), class 1 a Gaussian around (0, 8).
 */
function clustered(counts: readonly [number, number], seed: number, blob = false): { features: FeatureMatrix; labels: Int32Array } {
  const random = new SeededRandom(seed);
  const total = counts[0] + counts[1];
  const data = new Float32Array(total * 2);
  const labels = new Int32Array(total);
  for (let i = 0; i < total; i++) {
    const c = i < counts[0] ? 0 : 1;
    labels[i] = c;
    if (c === 1) {
      data[2 * i] = random.nextNormal();
      data[2 * i + 1] = 8 + random.nextNormal();
    } else if (blob) {
      // The two clusters' mean (0, 0) and variances (9.01 and 0.01), as one Gaussian.
      data[2 * i] = Math.sqrt(9.01) * random.nextNormal();
      data[2 * i + 1] = 0.1 * random.nextNormal();
    } else {
      data[2 * i] = (random.next() < 0.5 ? -3 : 3) + 0.1 * random.nextNormal();
      data[2 * i + 1] = 0.1 * random.nextNormal();
    }
  }
  return { features: { data, count: total, dim: 2 }, labels };
}

describe('intraPrecisionRecallFromFeatures', () => {
  beforeAll(() => switchBackend('wasm'));

  it('is the precision and recall of each class on its own, averaged over the classes', () => {
    const real = classes([40, 60, 30], 4, 1, 21);
    const fake = classes([50, 20, 35], 4, 1.5, 22);
    const result = intraPrecisionRecallFromFeatures(real.features, real.labels, fake.features, fake.labels, { k: 4 });
    const expected = [0, 1, 2].map((c) => precisionRecallFromFeatures(rowsOf(real, c), rowsOf(fake, c), { k: 4 }));
    result.precision.perClass.forEach((value, c) => expect(value).toBe(expected[c].precision));
    result.recall.perClass.forEach((value, c) => expect(value).toBe(expected[c].recall));
    expect(result.precision.mean).toBeCloseTo(expected.reduce((sum, e) => sum + e.precision, 0) / 3, 12);
    expect(result.recall.mean).toBeCloseTo(expected.reduce((sum, e) => sum + e.recall, 0) / 3, 12);
    expect(result.recall.realCounts).toEqual([40, 60, 30]);
    expect(result.recall.fakeCounts).toEqual([50, 20, 35]);
    // The classes apart: shifted fakes land partly outside (precision < 1); a class missing from both is NaN.
    expect(expected.some((e) => e.precision < 1)).toBe(true);
    const gap = classes([20, 0, 20], 2, 1, 23);
    const gapFake = classes([20, 0, 20], 2, 1, 24);
    const withGap = intraPrecisionRecallFromFeatures(gap.features, gap.labels, gapFake.features, gapFake.labels);
    expect(withGap.precision.perClass[1]).toBeNaN();
    expect(withGap.recall.perClass[1]).toBeNaN();
    expect(withGap.recall.mean).toBeCloseTo((withGap.recall.perClass[0] + withGap.recall.perClass[2]) / 2, 12);
  });

  it('sees a class drawn as one blob with the real class statistics, which intra-class FID cannot', () => {
    const real = clustered([400, 200], 31);
    const fresh = clustered([200, 100], 32);
    const blob = clustered([200, 100], 33, true);
    // The blob matches class 0's mean and variances: its FID is about a fresh draw's.
    const fid = intraFidFromFeatures(real.features, real.labels, blob.features, blob.labels);
    const freshFid = intraFidFromFeatures(real.features, real.labels, fresh.features, fresh.labels);
    expect(fid.perClass[0]).toBeLessThan(0.2);
    expect(freshFid.perClass[0]).toBeLessThan(0.2);
    const blobPr = intraPrecisionRecallFromFeatures(real.features, real.labels, blob.features, blob.labels);
    const freshPr = intraPrecisionRecallFromFeatures(real.features, real.labels, fresh.features, fresh.labels);
    // Most of the blob lies between the clusters, outside every real ball; a fresh draw lies inside.
    expect(freshPr.precision.perClass[0]).toBeGreaterThan(0.9);
    expect(blobPr.precision.perClass[0]).toBeLessThan(0.3);
    // Class 1 is drawn alike in both.
    expect(blobPr.precision.perClass[1]).toBeGreaterThan(0.85);
    expect(freshPr.precision.perClass[1]).toBeGreaterThan(0.85);
    expect(blobPr.precision.mean).toBeLessThan(freshPr.precision.mean - 0.3);
  });

  it('names what is wrong: k, and a class of k or fewer samples', () => {
    const real = classes([10, 10], 2, 1, 34);
    const fake = classes([10, 10], 2, 1, 35);
    expect(() => intraPrecisionRecallFromFeatures(real.features, real.labels, fake.features, fake.labels, { k: 0 })).toThrow(/'k' must be an integer >= 1, received 0/);
    expect(() => intraPrecisionRecallFromFeatures(real.features, real.labels, fake.features, fake.labels, { k: 2.5 })).toThrow(ConfigError);
    const few = Int32Array.from(fake.labels, (l, i) => (i < 17 ? 0 : 1));
    expect(() => intraPrecisionRecallFromFeatures(real.features, real.labels, fake.features, few)).toThrow(
      /at least 4 real and 4 fake samples, but class 1 has 10 real and 3 fake/,
    );
    expect(() => intraPrecisionRecallFromFeatures(real.features, real.labels.subarray(1), fake.features, fake.labels)).toThrow(/'realLabels'/);
    const before = tf.memory().numTensors;
    intraPrecisionRecallFromFeatures(real.features, real.labels, fake.features, fake.labels);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('metrics.intraFid and intraKid, and evaluate with them', () => {
  let real: Dataset;
  let heldOut: Dataset;
  let features: ReturnType<typeof mnistFeatures>;
  const kid = { subsets: 5, subsetSize: 50 };
  beforeAll(async () => {
    await switchBackend('wasm');
    features = mnistFeatures();
    real = await extractorSplit('mnist', 'train', { count: 400 });
    heldOut = await extractorSplit('mnist', 'test', { count: 400 });
  });
  afterAll(() => {
    real.dispose();
    heldOut.dispose();
  });

  it('score held-out digits with their labels near the floor, and with their labels rotated far from it', async () => {
    const labels = await heldOut.labels!.data();
    const rotated = Int32Array.from(labels, (l) => (l + 1) % 10);
    const metrics = ['fid', 'intra-fid', 'intra-kid', 'intra-precision-recall'] as const;
    const right = await evaluate({ real, fake: heldOut, labels, features, metrics, kid, cache: false });
    const wrong = await evaluate({ real, fake: heldOut, labels: rotated, features, metrics, kid, cache: false });
    // The same images: FID over all samples cannot tell the labels apart.
    expect(wrong.fid).toBeCloseTo(right.fid!, 6);
    expect(wrong.intraFid!.mean).toBeGreaterThan(3 * right.intraFid!.mean);
    expect(wrong.intraKid!.mean).toBeGreaterThan(10 * Math.max(right.intraKid!.mean, 1e-3));
    expect(right.intraFid!.perClass).toHaveLength(10);
    expect(right.intraFid!.realCounts.reduce((a, b) => a + b, 0)).toBe(400);
    expect(right.intraKid!.perClassStd).toHaveLength(10);
    // Most held-out digits lie in their own digit's manifold, few in the next digit's.
    expect(right.intraPrecisionRecall!.precision.mean).toBeGreaterThan(0.6);
    expect(wrong.intraPrecisionRecall!.precision.mean).toBeLessThan(0.5 * right.intraPrecisionRecall!.precision.mean);
    expect(right.intraPrecisionRecall!.recall.perClass).toHaveLength(10);
    const alone = await intraPrecisionRecall({ real, fake: heldOut, labels, features, k: 5, cache: false });
    const extractor = await features;
    const realRows = extractor.extract(real.images);
    const heldOutRows = extractor.extract(heldOut.images);
    const byHand = intraPrecisionRecallFromFeatures(realRows, await real.labels!.data(), heldOutRows, labels, { k: 5 });
    tf.dispose([realRows, heldOutRows]);
    alone.precision.perClass.forEach((value, c) => expect(value).toBeCloseTo(byHand.precision.perClass[c], 9));
    expect(alone.recall.mean).toBeCloseTo(byHand.recall.mean, 9);
  });

  it('take real labels for real samples given as a tensor, and draw a conditional generator class by class', async () => {
    const realLabels = await real.labels!.data();
    const fromTensor = await intraFid({ real: real.images, realLabels, fake: real.images, labels: realLabels, features, count: 400 });
    expect(fromTensor.mean).toBeCloseTo(0, 3);
    const generator = Generator.dcgan({ imageShape: [28, 28, 1], latentDim: 8, width: 8, numClasses: 10, seed: 1 });
    try {
      const before = tf.memory().numTensors;
      const result = await intraKid({ real, generator, count: 100, features, subsets: 3, subsetSize: 10, cache: false });
      expect(tf.memory().numTensors).toBe(before);
      // An untrained generator: far from every class.
      expect(result.fakeCounts).toEqual(new Array(10).fill(10));
      expect(result.perClass.every((value) => value > 0.05)).toBe(true);
    } finally {
      generator.dispose();
    }
  });

  it('refuse an unconditional generator, unlabelled real samples and real labels beside a dataset', async () => {
    const generator = Generator.dcgan({ imageShape: [28, 28, 1], latentDim: 8, width: 8, seed: 1 });
    try {
      await expect(intraFid({ real, generator, count: 20, features })).rejects.toThrow(/'intra-fid' needs a conditional generator/);
    } finally {
      generator.dispose();
    }
    const labels = await heldOut.labels!.data();
    await expect(intraKid({ real: real.images, fake: heldOut, labels, features })).rejects.toThrow(/need the class of each real sample/);
    await expect(intraFid({ real, realLabels: labels, fake: heldOut, labels, features })).rejects.toThrow(/'realLabels' is for real samples given as a tensor/);
  });
});
