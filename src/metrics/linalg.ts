/**
 * Small dense linear algebra in float64 JavaScript for the metrics: the eigendecomposition of a
 * symmetric matrix (cyclic Jacobi) and what FID builds on it. Matrices are row-major `Float64Array`s.
 *
 * @packageDocumentation
 */
import { ShapeError } from '../errors.js';

/** The result of {@link symmetricEigen}: `matrix = vectors * diag(values) * vectors^T`. */
export interface SymmetricEigen {
  /** The eigenvalues, in descending order. */
  readonly values: Float64Array;
  /** The eigenvectors as columns of an n x n row-major matrix, in the order of `values`. */
  readonly vectors: Float64Array;
}

function checkSquare(matrix: ArrayLike<number>, n: number, owner: string): void {
  if (!Number.isInteger(n) || n < 1 || matrix.length !== n * n) {
    throw new ShapeError(`${owner}: expected an n x n matrix with n = ${n} (${n * n} values), received ${matrix.length} values.`);
  }
}

/**
 * The eigendecomposition of a real symmetric matrix by the cyclic Jacobi method (Golub & Van Loan,
 * Matrix Computations, 4th ed., section 8.5): plane rotations zero the off-diagonal entries one by one
 * until their norm is below `1e-15` of the matrix norm, so every eigenvalue is accurate to about
 * `1e-15` of the largest; symmetric by construction, so nearly singular covariances give eigenvalues
 * near 0 (never a complex root). O(n^3) per sweep, usually 6 to
 * 10 sweeps: about 0.1 s for n = 128.
 *
 * @param matrix - n x n, row-major, symmetric (only its upper triangle is read).
 * @param n - the size.
 * @returns eigenvalues (descending) and eigenvectors (columns).
 * @throws ShapeError when `matrix` does not hold n * n values.
 * @example
 * ```ts
 * symmetricEigen(new Float64Array([2, 1, 1, 2]), 2).values;   // Float64Array [3, 1]
 * ```
 */
export function symmetricEigen(matrix: ArrayLike<number>, n: number): SymmetricEigen {
  checkSquare(matrix, n, 'symmetricEigen');
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      a[i * n + j] = matrix[i * n + j];
      a[j * n + i] = matrix[i * n + j];
    }
  }
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  let norm = 0;
  for (let i = 0; i < n * n; i++) norm += a[i] * a[i];
  const tolerance = 1e-30 * norm;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p * n + q] * a[p * n + q];
    if (off <= tolerance || off === 0) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q];
        if (apq === 0) continue;
        const app = a[p * n + p];
        const aqq = a[q * n + q];
        // The rotation (c, s) that zeroes a[p][q] (Golub & Van Loan, algorithm 8.5.1, sym.schur2).
        const tau = (aqq - app) / (2 * apq);
        const t = (tau >= 0 ? 1 : -1) / (Math.abs(tau) + Math.sqrt(1 + tau * tau));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p];
          const akq = a[k * n + q];
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k];
          const aqk = a[q * n + k];
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        a[p * n + q] = 0;
        a[q * n + p] = 0;
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p];
          const vkq = v[k * n + q];
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => a[j * n + j] - a[i * n + i]);
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  order.forEach((from, to) => {
    values[to] = a[from * n + from];
    for (let k = 0; k < n; k++) vectors[k * n + to] = v[k * n + from];
  });
  return { values, vectors };
}

/**
 * The principal square root of a symmetric positive semi-definite matrix, `V diag(sqrt(max(l, 0))) V^T`
 * from its eigendecomposition. Eigenvalues within rounding of 0 (at most `n * eps` times the largest,
 * including slightly negative ones) count as 0, so singular matrices are fine.
 *
 * @param matrix - n x n, row-major, symmetric PSD.
 * @param n - the size.
 * @returns the symmetric PSD root, n x n row-major.
 * @throws ShapeError when `matrix` does not hold n * n values.
 * @example
 * ```ts
 * sqrtPsd(new Float64Array([4, 0, 0, 9]), 2);   // [2, 0, 0, 3]
 * ```
 */
export function sqrtPsd(matrix: ArrayLike<number>, n: number): Float64Array {
  checkSquare(matrix, n, 'sqrtPsd');
  const { values, vectors } = symmetricEigen(matrix, n);
  const floor = roundingFloor(values, n);
  const roots = values.map((value) => (value > floor ? Math.sqrt(value) : 0));
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      let sum = 0;
      for (let k = 0; k < n; k++) sum += vectors[i * n + k] * roots[k] * vectors[j * n + k];
      out[i * n + j] = sum;
      out[j * n + i] = sum;
    }
  }
  return out;
}

/** The product of two n x n row-major matrices. */
export function matmul(a: ArrayLike<number>, b: ArrayLike<number>, n: number): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < n; k++) {
      const aik = a[i * n + k];
      if (aik === 0) continue;
      for (let j = 0; j < n; j++) out[i * n + j] += aik * b[k * n + j];
    }
  }
  return out;
}

/**
 * `trace(sqrt(A B))` for symmetric PSD A and B, computed as `trace(sqrt(sqrt(A) B sqrt(A)))`: the
 * matrix `sqrt(A) B sqrt(A)` is symmetric PSD and similar to `A B`, so the trace of its root is the sum
 * of the square roots of its (non-negative) eigenvalues. Stable for singular A or B, unlike the
 * general `sqrtm(A B)` that can turn complex.
 *
 * @param a - n x n symmetric PSD, row-major.
 * @param b - n x n symmetric PSD, row-major.
 * @param n - the size.
 * @returns the trace, >= 0.
 * @throws ShapeError when a matrix does not hold n * n values.
 */
export function traceSqrtProduct(a: ArrayLike<number>, b: ArrayLike<number>, n: number): number {
  checkSquare(a, n, 'traceSqrtProduct');
  checkSquare(b, n, 'traceSqrtProduct');
  const rootA = sqrtPsd(a, n);
  const m = matmul(matmul(rootA, b, n), rootA, n);
  const { values } = symmetricEigen(m, n);
  const floor = roundingFloor(values, n);
  let trace = 0;
  for (const value of values) if (value > floor) trace += Math.sqrt(value);
  return trace;
}

/**
 * Eigenvalues at most `n * eps * max |l|` are rounding noise of zero eigenvalues: counted as 0, since
 * the square root would blow noise of 1e-15 up to 3e-8.
 */
function roundingFloor(values: Float64Array, n: number): number {
  let largest = 0;
  for (const value of values) largest = Math.max(largest, Math.abs(value));
  return n * Number.EPSILON * largest;
}
