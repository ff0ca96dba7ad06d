import { describe, expect, it } from 'vitest';
import { ShapeError } from '../../src/errors.js';
import { type GaussianStatistics, gaussianStatistics } from '../../src/metrics/feature-matrix.js';
import { fidFromFeatures, frechetDistance } from '../../src/metrics/frechet-distance.js';
import { matmul, symmetricEigen } from '../../src/metrics/linalg.js';
import { SeededRandom } from '../../src/util/random.js';
import { randomPsd } from './helpers.js';

const stats = (mean: number[], covariance: number[]): GaussianStatistics => ({
  mean: Float64Array.from(mean),
  covariance: Float64Array.from(covariance),
  count: 100,
  dim: mean.length,
});

/** Gauss-Jordan inverse, for the independent square root below. */
function inverse(a: Float64Array, n: number): Float64Array {
  const m = Float64Array.from(a);
  const inv = Float64Array.from({ length: n * n }, (_, i) => (i % (n + 1) === 0 ? 1 : 0));
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(m[r * n + col]) > Math.abs(m[pivot * n + col])) pivot = r;
    for (let k = 0; k < n; k++) {
      [m[col * n + k], m[pivot * n + k]] = [m[pivot * n + k], m[col * n + k]];
      [inv[col * n + k], inv[pivot * n + k]] = [inv[pivot * n + k], inv[col * n + k]];
    }
    const p = m[col * n + col];
    for (let k = 0; k < n; k++) {
      m[col * n + k] /= p;
      inv[col * n + k] /= p;
    }
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const f = m[r * n + col];
      for (let k = 0; k < n; k++) {
        m[r * n + k] -= f * m[col * n + k];
        inv[r * n + k] -= f * inv[col * n + k];
      }
    }
  }
  return inv;
}

/** trace(sqrt(M)) of a (non-symmetric) matrix with positive eigenvalues, by the Denman-Beavers iteration. */
function traceSqrtDenmanBeavers(m: Float64Array, n: number): number {
  let y = Float64Array.from(m);
  let z = Float64Array.from({ length: n * n }, (_, i) => (i % (n + 1) === 0 ? 1 : 0));
  for (let iteration = 0; iteration < 60; iteration++) {
    const yInv = inverse(y, n);
    const zInv = inverse(z, n);
    y = y.map((v, i) => (v + zInv[i]) / 2);
    z = z.map((v, i) => (v + yInv[i]) / 2);
  }
  let trace = 0;
  for (let i = 0; i < n; i++) trace += y[i * n + i];
  return trace;
}

function gaussianSamples(count: number, mean: number[], std: number, seed: number): number[][] {
  const random = new SeededRandom(seed);
  // Rounded to float32, as the metrics store features.
  return Array.from({ length: count }, () => mean.map((mu) => Math.fround(mu + std * random.nextNormal())));
}

describe('frechetDistance', () => {
  it('matches the 1-D closed form (mu1 - mu2)^2 + s1^2 + s2^2 - 2 s1 s2', () => {
    expect(frechetDistance(stats([0], [1]), stats([3], [4]))).toBeCloseTo(9 + 1 + 4 - 2 * 2, 12);
  });

  it('matches the closed form for diagonal (commuting) covariances', () => {
    const a = stats([1, 2, 3], [1, 0, 0, 0, 4, 0, 0, 0, 0.25]);
    const b = stats([0, 2, 5], [9, 0, 0, 0, 1, 0, 0, 0, 0]);
    const expected = 1 + 0 + 4 + (1 + 9 - 2 * 3) + (4 + 1 - 2 * 2) + (0.25 + 0 - 0);
    expect(frechetDistance(a, b)).toBeCloseTo(expected, 12);
  });

  it('agrees with an independent square root (Denman-Beavers on C1 C2) for non-commuting covariances', () => {
    const n = 6;
    const c1 = randomPsd(n, n + 2, 11);
    const c2 = randomPsd(n, n + 2, 12);
    const mean1 = Array.from({ length: n }, (_, i) => i / 3);
    const mean2 = Array.from({ length: n }, (_, i) => 1 - i / 5);
    let expected = mean1.reduce((sum, m, i) => sum + (m - mean2[i]) ** 2, 0);
    for (let i = 0; i < n; i++) expected += c1[i * n + i] + c2[i * n + i];
    expected -= 2 * traceSqrtDenmanBeavers(matmul(c1, c2, n), n);
    expect(frechetDistance(stats(mean1, Array.from(c1)), stats(mean2, Array.from(c2)))).toBeCloseTo(expected, 9);
  });

  it('is 0 for identical sample sets, also with singular covariances (fewer samples than dimensions)', () => {
    const many = gaussianSamples(300, Array(8).fill(0), 1, 1);
    expect(fidFromFeatures(many, many)).toBeCloseTo(0, 8);
    const few = gaussianSamples(5, Array(16).fill(0), 1, 2);
    expect(fidFromFeatures(few, few)).toBeCloseTo(0, 8);
  });

  it('handles singular covariances: tr sqrt(C1 C2) equals the nuclear norm of A B^T', () => {
    // With C1 = A^T A and C2 = B^T B (centred samples / sqrt(n - 1)), C1 C2 has the nonzero eigenvalues of
    // (A B^T)(A B^T)^T, so tr sqrt(C1 C2) is the sum of the singular values of the small matrix A B^T.
    const x = gaussianSamples(5, Array(16).fill(0), 1, 3);
    const y = gaussianSamples(4, Array(16).fill(0.5), 2, 4);
    const sx = gaussianStatistics(x);
    const sy = gaussianStatistics(y);
    const centred = (rows: number[][], s: GaussianStatistics) => rows.map((row) => row.map((v, j) => (v - s.mean[j]) / Math.sqrt(rows.length - 1)));
    const a = centred(x, sx);
    const b = centred(y, sy);
    const abt = a.map((ra) => b.map((rb) => ra.reduce((sum, v, j) => sum + v * rb[j], 0)));
    const gram = new Float64Array(25);
    for (let i = 0; i < 5; i++) for (let j = 0; j < 5; j++) gram[i * 5 + j] = abt[i].reduce((sum, v, k) => sum + v * abt[j][k], 0);
    const nuclear = Array.from(symmetricEigen(gram, 5).values).reduce((sum, v) => sum + Math.sqrt(Math.max(v, 0)), 0);
    let expected = 0;
    for (let j = 0; j < 16; j++) expected += (sx.mean[j] - sy.mean[j]) ** 2 + sx.covariance[j * 17] + sy.covariance[j * 17];
    expected -= 2 * nuclear;
    const fid = frechetDistance(sx, sy);
    expect(Number.isFinite(fid)).toBe(true);
    // Zero eigenvalues carry rounding noise of ~1e-15 whose square roots are ~1e-8: agree to 1e-6.
    expect(fid).toBeCloseTo(expected, 6);
  });

  it('gives |mu1 - mu2|^2 for large samples of shifted unit Gaussians', () => {
    const real = gaussianSamples(20_000, [0, 0, 0, 0], 1, 5);
    const fake = gaussianSamples(20_000, [1, -1, 0.5, 0], 1, 6);
    expect(fidFromFeatures(real, fake)).toBeCloseTo(1 + 1 + 0.25, 1);
  });

  it('refuses statistics of different dimensions', () => {
    expect(() => frechetDistance(stats([0], [1]), stats([0, 0], [1, 0, 0, 1]))).toThrow(ShapeError);
    expect(() => frechetDistance(stats([0], [1]), stats([0, 0], [1, 0, 0, 1]))).toThrow(/one dimension, received 1 and 2/);
  });
});

describe('gaussianStatistics', () => {
  it('computes the mean and the unbiased covariance', () => {
    const s = gaussianStatistics([[0, 0], [2, 2], [4, 2]]);
    expect(Array.from(s.mean)).toEqual([2, 4 / 3]);
    // var(x) = (4 + 0 + 4) / 2 = 4; cov(x, y) = (-2 * -4/3 + 0 + 2 * 2/3) / 2 = 2; var(y) = (16/9 + 4/9 + 4/9) / 2 = 4/3
    expect(s.covariance[0]).toBeCloseTo(4, 12);
    expect(s.covariance[1]).toBeCloseTo(2, 12);
    expect(s.covariance[2]).toBeCloseTo(2, 12);
    expect(s.covariance[3]).toBeCloseTo(4 / 3, 12);
  });

  it('needs two vectors', () => {
    expect(() => gaussianStatistics([[1, 2]])).toThrow(/at least 2 feature vectors, received 1/);
  });
});
