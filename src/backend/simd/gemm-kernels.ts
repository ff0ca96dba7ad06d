/**
 * The matrix product of tfjs-gan's SIMD128 module (a GEMM on a 6x8 tile) on the wasm backend's heap,
 * split among the kernel threads.
 *
 * @packageDocumentation
 */
import type { TensorInfo } from '@tensorflow/tfjs';

import { kernelsOf, partsFor, runWithWorkspace } from './heap-kernels.js';

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
