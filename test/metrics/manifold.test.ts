import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ShapeError } from '../../src/errors.js';
import type { FeatureMatrix } from '../../src/metrics/feature-matrix.js';
import { densityCoverageFromFeatures, precisionRecallFromFeatures } from '../../src/metrics/manifold.js';
import { SeededRandom } from '../../src/util/random.js';
import { switchBackend } from '../helpers/backends.js';

function gaussian(count: number, dim: number, mean: number, seed: number): FeatureMatrix {
  const random = new SeededRandom(seed);
  return { data: Float32Array.from({ length: count * dim }, () => mean + random.nextNormal()), count, dim };
}

/** Brute force in float64: the four metrics straight from their definitions. */
function reference(real: FeatureMatrix, fake: FeatureMatrix, k: number) {
  const dist = (a: FeatureMatrix, i: number, b: FeatureMatrix, j: number) => {
    let s = 0;
    for (let t = 0; t < a.dim; t++) s += (a.data[i * a.dim + t] - b.data[j * b.dim + t]) ** 2;
    return Math.sqrt(s);
  };
  const radii = (a: FeatureMatrix) =>
    Array.from({ length: a.count }, (_, i) => Array.from({ length: a.count }, (_, j) => dist(a, i, a, j)).sort((p, q) => p - q)[k]);
  const rr = radii(real);
  const rf = radii(fake);
  let precision = 0;
  let recall = 0;
  let density = 0;
  let coverage = 0;
  for (let j = 0; j < fake.count; j++) {
    let inside = 0;
    for (let i = 0; i < real.count; i++) if (dist(fake, j, real, i) <= rr[i]) inside++;
    if (inside > 0) precision++;
    density += inside;
  }
  for (let i = 0; i < real.count; i++) {
    let inFake = false;
    let nearest = Infinity;
    for (let j = 0; j < fake.count; j++) {
      const d = dist(real, i, fake, j);
      if (d <= rf[j]) inFake = true;
      nearest = Math.min(nearest, d);
    }
    if (inFake) recall++;
    if (nearest <= rr[i]) coverage++;
  }
  return { precision: precision / fake.count, recall: recall / real.count, density: density / (k * fake.count), coverage: coverage / real.count };
}

describe('precision/recall and density/coverage', () => {
  beforeAll(() => switchBackend('wasm'));

  it('gives the hand-computed values on points of a line', () => {
    const real = { data: Float32Array.of(0, 1, 2, 3, 4), count: 5, dim: 1 };
    const fake = { data: Float32Array.of(0.5, 10), count: 2, dim: 1 };
    // Real radii (k = 1) are all 1: 0.5 is inside the balls of 0 and 1, 10 is in none.
    // Fake radii are 9.5: the ball around 0.5 holds every real point.
    expect(precisionRecallFromFeatures(real, fake, { k: 1 })).toEqual({ precision: 0.5, recall: 1 });
    // Density: (2 + 0) / (1 * 2); coverage: only 0 and 1 have a fake point within their radius 1.
    expect(densityCoverageFromFeatures(real, fake, { k: 1 })).toEqual({ density: 1, coverage: 0.4 });
  });

  it('gives precision, recall and coverage 1 for a set against itself', () => {
    const x = gaussian(300, 8, 0, 1);
    expect(precisionRecallFromFeatures(x, x)).toEqual({ precision: 1, recall: 1 });
    expect(densityCoverageFromFeatures(x, x).coverage).toBe(1);
  });

  it('agrees with a brute-force float64 implementation on random data', () => {
    const real = gaussian(120, 6, 0, 2);
    const fake = gaussian(90, 6, 0.4, 3);
    const expected = reference(real, fake, 3);
    const pr = precisionRecallFromFeatures(real, fake, { k: 3 });
    const dc = densityCoverageFromFeatures(real, fake, { k: 3 });
    expect(pr.precision).toBeCloseTo(expected.precision, 10);
    expect(pr.recall).toBeCloseTo(expected.recall, 10);
    expect(dc.density).toBeCloseTo(expected.density, 10);
    expect(dc.coverage).toBeCloseTo(expected.coverage, 10);
  });

  it('drops precision and density for samples off the real manifold, recall and coverage for a collapsed set', () => {
    const real = gaussian(400, 4, 0, 4);
    const far = gaussian(400, 4, 6, 5);
    const pr = precisionRecallFromFeatures(real, far);
    expect(pr.precision).toBeLessThan(0.05);
    const collapsed = { data: new Float32Array(400 * 4).map((_, i) => 0.01 * Math.sin(i)), count: 400, dim: 4 };
    expect(precisionRecallFromFeatures(real, collapsed).recall).toBeLessThan(0.1);
    expect(densityCoverageFromFeatures(real, collapsed).coverage).toBeLessThan(0.1);
  });

  it('leaks no tensors and names bad inputs', () => {
    const x = gaussian(50, 3, 0, 6);
    const before = tf.memory().numTensors;
    precisionRecallFromFeatures(x, x);
    densityCoverageFromFeatures(x, x);
    expect(tf.memory().numTensors).toBe(before);
    expect(() => precisionRecallFromFeatures(x, gaussian(50, 2, 0, 7))).toThrow(ShapeError);
    expect(() => densityCoverageFromFeatures(x, gaussian(5, 3, 0, 7))).toThrow(/more than k = 5 vectors, received 50 and 5/);
  });
});
