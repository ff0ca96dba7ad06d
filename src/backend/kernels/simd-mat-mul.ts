/**
 * Dense layers' products on wasm with tfjs-gan's SIMD128 GEMM (`simd/kernels.c`), split among the kernel
 * threads of the threaded build: the gradients (`BatchMatMul` with `transposeA` or `transposeB`), the
 * transposed operand read where it lies (the other path transposes it first), products with a vector
 * operand or an inner dimension of 1 (a discriminator's last layer, forward and backward: the module's
 * vector kernels), and large plain products
 * (`BatchMatMul`, `_FusedMatMul` without bias or activation: XNNPACK packs the weights again whenever they
 * change, after every optimizer step, which made a generator's first layer run at 22 GFLOP/s). Small plain
 * products stay on the shipped kernel, which keeps unchanged weights packed; so do batched products (a
 * batch of more than one matrix) and inner dimensions below 16.
 *
 * @packageDocumentation
 */
import { util } from '@tensorflow/tfjs';
import type { TensorInfo } from '@tensorflow/tfjs';

import { simdMatMul, simdVectorProduct } from '../simd/simd-module.js';
import type { KernelCalls } from './kernel-calls.js';

/** The shortest inner dimension the module's GEMM takes (it pads K to 4); a vector operand takes any. */
const MIN_INNER = 16;

/** The smallest plain product (in multiply-adds) the module's GEMM takes: where it is split among threads. */
const MIN_PLAIN_MACS = 1 << 23;

/** Whether `t` holds a single matrix (rank 2, or leading sizes of 1). */
function singleMatrix(t: TensorInfo): boolean {
  return t.shape.length >= 2 && util.sizeFromShape(t.shape.slice(0, -2)) === 1;
}

/**
 * `a · b`, `a` or `b` transposed where asked, with the module; undefined where it does not run (another
 * backend or dtype, a small plain product, a batch of matrices, a short inner dimension).
 */
export function matMulOnHeap(calls: KernelCalls, a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean): TensorInfo | undefined {
  if (calls.backendName !== 'wasm' || a.dtype !== 'float32' || b.dtype !== 'float32') return undefined;
  if (!singleMatrix(a) || !singleMatrix(b)) return undefined;
  const [rowsA, colsA] = a.shape.slice(-2);
  const [rowsB, colsB] = b.shape.slice(-2);
  const m = transposeA ? colsA : rowsA;
  const k = transposeA ? rowsA : colsA;
  const n = transposeB ? rowsB : colsB;
  if ((transposeB ? colsB : rowsB) !== k) return undefined;
  const vector = m === 1 || n === 1 || k === 1;
  if (!vector && (k < MIN_INNER || (!transposeA && !transposeB && m * k * n < MIN_PLAIN_MACS))) return undefined;
  const lead = a.shape.length >= b.shape.length ? a.shape.slice(0, -2) : b.shape.slice(0, -2);
  const out = calls.allocate([...lead, m, n]);
  if (out === undefined) return undefined;
  if (vector) return simdVectorProduct(calls.backend, out, { a, b, m, k, n, transposeA, transposeB }) ? out : undefined;
  return simdMatMul(calls.backend, out, { a, b, m, k, n, transposeA, transposeB }) ? out : undefined;
}
