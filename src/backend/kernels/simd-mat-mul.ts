/**
 * Matrix products of dense layers on wasm with tfjs-gan's SIMD128 GEMM (`simd/kernels.c`), split among
 * the kernel threads of the threaded build, transposed operands read where they lie: the forward pass
 * (`_FusedMatMul` without activation) and both gradients (`BatchMatMul` with `transposeA` / `transposeB`).
 * Batched products (a batch of more than one matrix), inner dimensions below 16 and plain products with
 * fewer than 8 columns stay on the other paths.
 *
 * @packageDocumentation
 */
import { util } from '@tensorflow/tfjs';
import type { TensorInfo } from '@tensorflow/tfjs';

import { simdMatMul } from '../simd/simd-module.js';
import type { KernelCalls } from './kernel-calls.js';

/** The shortest inner dimension the module's GEMM takes. */
const MIN_INNER = 16;

/** Whether `t` holds a single matrix (rank 2, or leading sizes of 1). */
function singleMatrix(t: TensorInfo): boolean {
  return t.shape.length >= 2 && util.sizeFromShape(t.shape.slice(0, -2)) === 1;
}

/**
 * `a · b` (+ `bias`), `a` and `b` transposed where asked, with the module; undefined where it does not
 * run (another backend or dtype, a batch of matrices, a bias that is not one value per column).
 */
export function matMulOnHeap(
  calls: KernelCalls,
  a: TensorInfo,
  b: TensorInfo,
  transposeA: boolean,
  transposeB: boolean,
  bias: TensorInfo | null = null,
): TensorInfo | undefined {
  if (calls.backendName !== 'wasm' || [a, b, ...(bias ? [bias] : [])].some((t) => t.dtype !== 'float32')) return undefined;
  if (!singleMatrix(a) || !singleMatrix(b)) return undefined;
  const [rowsA, colsA] = a.shape.slice(-2);
  const [rowsB, colsB] = b.shape.slice(-2);
  const m = transposeA ? colsA : rowsA;
  const k = transposeA ? rowsA : colsA;
  const n = transposeB ? rowsB : colsB;
  if ((transposeB ? colsB : rowsB) !== k) return undefined;
  // The GEMM pads K to 4 and the columns to 8: a short K (an outer product), or a plain product with a
  // single column, runs faster on the shipped kernel (measured with 2 threads).
  if (k < MIN_INNER || (n < 8 && !transposeA && !transposeB)) return undefined;
  if (bias && util.sizeFromShape(bias.shape) !== n) return undefined;
  const lead = a.shape.length >= b.shape.length ? a.shape.slice(0, -2) : b.shape.slice(0, -2);
  const out = calls.allocate([...lead, m, n]);
  if (out === undefined) return undefined;
  if (n === 1 && transposeA && !bias) {
    // aᵀ · b with one column (a dense layer's weight gradient into one unit): the same values as the row
    // bᵀ · a, whose operands both lie as the GEMM reads them best (a transposed A would be gathered with
    // a stride of m).
    return simdMatMul(calls.backend, out, { a: b, b: a, bias: null, m: 1, k, n: m, transposeA: false, transposeB: false }) ? out : undefined;
  }
  return simdMatMul(calls.backend, out, { a, b, bias, m, k, n, transposeA, transposeB }) ? out : undefined;
}
