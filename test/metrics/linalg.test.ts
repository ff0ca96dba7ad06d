import { describe, expect, it } from 'vitest';
import { ShapeError } from '../../src/errors.js';
import { matmul, sqrtPsd, symmetricEigen, traceSqrtProduct } from '../../src/metrics/linalg.js';
import { randomPsd } from './helpers.js';

function expectMatrixClose(actual: ArrayLike<number>, expected: ArrayLike<number>, digits = 10): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) expect(actual[i]).toBeCloseTo(expected[i], digits);
}

describe('symmetricEigen', () => {
  it('finds the eigenvalues of a 2x2 matrix in descending order', () => {
    const { values, vectors } = symmetricEigen([2, 1, 1, 2], 2);
    expect(values[0]).toBeCloseTo(3, 14);
    expect(values[1]).toBeCloseTo(1, 14);
    // The first column is +-[1, 1] / sqrt(2).
    expect(Math.abs(vectors[0])).toBeCloseTo(Math.SQRT1_2, 14);
    expect(vectors[0] * vectors[2]).toBeCloseTo(0.5, 14);
  });

  it('reconstructs a random symmetric matrix with orthonormal vectors', () => {
    const n = 12;
    const a = randomPsd(n, n, 3);
    for (let i = 0; i < n; i++) a[i * n + i] -= 1; // make it indefinite
    const { values, vectors } = symmetricEigen(a, n);
    const vd = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) vd[i * n + j] = vectors[i * n + j] * values[j];
    const vt = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) vt[i * n + j] = vectors[j * n + i];
    expectMatrixClose(matmul(vd, vt, n), a, 12);
    const identity = Float64Array.from({ length: n * n }, (_, i) => (i % (n + 1) === 0 ? 1 : 0));
    expectMatrixClose(matmul(vt, vectors, n), identity, 12);
    for (let i = 1; i < n; i++) expect(values[i]).toBeLessThanOrEqual(values[i - 1]);
  });

  it('refuses a matrix of the wrong size', () => {
    expect(() => symmetricEigen([1, 2, 3], 2)).toThrow(ShapeError);
    expect(() => symmetricEigen([1, 2, 3], 2)).toThrow(/n = 2 \(4 values\), received 3 values/);
  });
});

describe('sqrtPsd', () => {
  it('takes the root of a diagonal matrix entry by entry', () => {
    expectMatrixClose(sqrtPsd([4, 0, 0, 9], 2), [2, 0, 0, 3], 14);
  });

  it('gives a root whose square is the matrix, also when singular', () => {
    const n = 10;
    for (const rank of [10, 3]) {
      const a = randomPsd(n, rank, rank);
      const root = sqrtPsd(a, n);
      expectMatrixClose(matmul(root, root, n), a, 10);
    }
  });
});

describe('traceSqrtProduct', () => {
  it('equals sum sqrt(a_i b_i) for commuting (diagonal) matrices', () => {
    const a = [1, 0, 0, 0, 4, 0, 0, 0, 9];
    const b = [16, 0, 0, 0, 1, 0, 0, 0, 0];
    expect(traceSqrtProduct(a, b, 3)).toBeCloseTo(4 + 2 + 0, 12);
  });

  it('equals sqrt(tr(AB) + 2 sqrt(det A det B)) for non-commuting 2x2 matrices', () => {
    // For 2x2 M with non-negative eigenvalues l1, l2: tr sqrt(M) = sqrt(l1) + sqrt(l2) = sqrt(tr M + 2 sqrt(det M)).
    const a = [2, 1, 1, 3];
    const b = [1, -0.5, -0.5, 4];
    const ab = matmul(a, b, 2);
    const detA = 2 * 3 - 1;
    const detB = 4 - 0.25;
    expect(traceSqrtProduct(a, b, 2)).toBeCloseTo(Math.sqrt(ab[0] + ab[3] + 2 * Math.sqrt(detA * detB)), 12);
  });
});
