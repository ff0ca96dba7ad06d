/**
 * The matrix product of tfjs-gan's SIMD128 module (a GEMM on a 6x8 tile) on the wasm backend's heap,
 * split among the kernel threads, and its products with a vector operand.
 *
 * @packageDocumentation
 */
import type { TensorInfo } from '@tensorflow/tfjs';

import { kernelsOf, offsetsOf, partsFor, runWithWorkspace } from './heap-kernels.js';

/** The operands of a matrix product for {@link simdMatMul}. */
export interface MatMulOperands {
  /** `[m, k]`, or `[k, m]` where `transposeA`. */
  a: TensorInfo;
  /** `[k, n]`, or `[n, k]` where `transposeB`. */
  b: TensorInfo;
  m: number;
  k: number;
  n: number;
  transposeA: boolean;
  transposeB: boolean;
}

/**
 * `out` `[m, n]` = `a · b` on the wasm backend's heap with the module's GEMM, split among its
 * kernel threads. `out` float32, allocated.
 *
 * @returns false where the module cannot run here.
 */
export function simdMatMul(backend: unknown, out: TensorInfo, o: MatMulOperands): boolean {
  if (![o.m, o.k, o.n].every((v) => Number.isInteger(v) && v > 0)) return false;
  const found = kernelsOf(backend);
  if (!found) return false;
  const parts = partsFor(found.heap, o.m * o.k * o.n);
  const floats = found.kernels.matmul_workspace(o.m, o.k, o.n, parts);
  const dims = [o.m, o.k, o.n, o.transposeA ? 1 : 0, o.transposeB ? 1 : 0];
  return runWithWorkspace(found, 'matmul', [o.a, o.b, out], floats, dims, parts);
}

/**
 * `out` `[m, n]` = `a · b` where `m`, `k` or `n` is 1 (one operand a vector, or an outer product), with
 * the module's vector kernels: a matrix-vector product reads the matrix once where it lies, where the
 * GEMM would pad its 6x8 tile with zeros. A vector operand lies the same transposed or not. `out`
 * float32, allocated.
 *
 * @returns false where the module cannot run here, or no dimension is 1.
 */
export function simdVectorProduct(backend: unknown, out: TensorInfo, o: MatMulOperands): boolean {
  const found = kernelsOf(backend);
  const offsets = found && offsetsOf(found.internals, [o.a, o.b, out]);
  if (!found || !offsets) return false;
  const [a, b, c] = offsets;
  if (o.k === 1) found.kernels.outer_product(a, b, c, o.m, o.n);
  else if (o.n === 1) {
    // b is a vector of k; a is [m, k] (a row per output), or [k, m] stored (a column per output).
    if (o.transposeA) found.kernels.vecmat(b, a, c, o.k, o.m);
    else found.kernels.matvec(a, b, c, o.m, o.k);
  } else if (o.m === 1) {
    // a is a vector of k; b is [k, n], or [n, k] stored (a row per output).
    if (o.transposeB) found.kernels.matvec(b, a, c, o.n, o.k);
    else found.kernels.vecmat(a, b, c, o.k, o.n);
  } else return false;
  return true;
}
