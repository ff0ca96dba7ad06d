import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, ShapeError } from '../../src/errors.js';
import type { FeatureMatrix } from '../../src/metrics/feature-matrix.js';
import { kidFromFeatures } from '../../src/metrics/kernel-distance.js';
import { SeededRandom } from '../../src/util/random.js';
import { switchBackend } from '../helpers/backends.js';

function gaussian(count: number, dim: number, mean: number, seed: number): FeatureMatrix {
  const random = new SeededRandom(seed);
  return { data: Float32Array.from({ length: count * dim }, () => mean + random.nextNormal()), count, dim };
}

/** The unbiased MMD^2 with k(x, y) = (x . y / d + 1)^3 of two whole sets, in float64 JavaScript. */
function mmdReference(x: FeatureMatrix, y: FeatureMatrix): number {
  const d = x.dim;
  const k = (a: FeatureMatrix, i: number, b: FeatureMatrix, j: number): number => {
    let dot = 0;
    for (let t = 0; t < d; t++) dot += a.data[i * d + t] * b.data[j * d + t];
    return (dot / d + 1) ** 3;
  };
  const m = x.count;
  const n = y.count;
  let xx = 0;
  let yy = 0;
  let xy = 0;
  for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) if (i !== j) xx += k(x, i, x, j);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j) yy += k(y, i, y, j);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) xy += k(x, i, y, j);
  return xx / (m * (m - 1)) + yy / (n * (n - 1)) - (2 * xy) / (m * n);
}

describe('kidFromFeatures', () => {
  beforeAll(() => switchBackend('wasm'));

  it('equals the unbiased MMD^2 computed in float64 when each subset is the whole set', () => {
    const x = gaussian(60, 5, 0, 1);
    const y = gaussian(60, 5, 0.3, 2);
    const result = kidFromFeatures(x, y, { subsets: 3, subsetSize: 60 });
    expect(result.subsetSize).toBe(60);
    expect(result.mean).toBeCloseTo(mmdReference(x, y), 4);
    expect(result.std).toBeCloseTo(0, 6);
  });

  it('is about 0 for two samples of one distribution and clearly positive for shifted ones', () => {
    const x = gaussian(1000, 16, 0, 3);
    const same = kidFromFeatures(x, gaussian(1000, 16, 0, 4), { subsets: 20, subsetSize: 500 });
    expect(same.mean).toBeCloseTo(0, 2);
    const shifted = kidFromFeatures(x, gaussian(1000, 16, 0.5, 5), { subsets: 20, subsetSize: 500 });
    expect(shifted.mean).toBeGreaterThan(10 * shifted.std);
    expect(shifted.mean).toBeGreaterThan(100 * Math.abs(same.mean));
  });

  it('is reproducible for a seed and leaks no tensors', () => {
    const x = gaussian(200, 4, 0, 6);
    const y = gaussian(150, 4, 0.2, 7);
    const before = tf.memory().numTensors;
    const a = kidFromFeatures(x, y, { subsets: 5, subsetSize: 100, seed: 3 });
    const b = kidFromFeatures(x, y, { subsets: 5, subsetSize: 100, seed: 3 });
    expect(a).toEqual(b);
    expect(a.subsetSize).toBe(100);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('names bad inputs', () => {
    const x = gaussian(10, 3, 0, 8);
    expect(() => kidFromFeatures(x, gaussian(10, 4, 0, 9))).toThrow(ShapeError);
    expect(() => kidFromFeatures(x, x, { subsets: 0 })).toThrow(ConfigError);
    expect(() => kidFromFeatures(x, x, { subsets: 0 })).toThrow(/'subsets' must be an integer >= 1, received 0/);
    expect(() => kidFromFeatures(x, x, { subsetsize: 3 } as never)).toThrow(/unknown option 'subsetsize'/);
  });
});
