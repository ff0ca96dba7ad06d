/**
 * `npm run bench:simd`: what limits the convolutions of a training step on wasm. Measures, on one core
 * and in one run:
 * - the arithmetic peak of WebAssembly SIMD128 on this CPU (bench/simd/peak.c: independent f32x4
 *   multiply-add chains, no memory traffic), and of relaxed SIMD (one fused f32x4.relaxed_madd per
 *   multiply-add) where the engine has it;
 * - the library's own 6x8 GEMM microkernel, in both builds (src/backend/simd/kernels.c), on the GEMM of the reference step's largest
 *   convolution (M 3136 = 64 x 7 x 7 outputs, K 1600 = 5 x 5 x 64, N 128);
 * - XNNPACK (tfjs's wasm backend, one thread, its shipped kernels) on the same work: that convolution,
 *   and the same GEMM as a matrix product;
 * - the library's own convolution on the same work (kernels.c's conv2d_forward: the GEMM with its A
 *   operand packed from the image tile by tile), which the patched `Conv2D` runs.
 *
 *     npm run bench:simd [-- --reps 5]
 *
 * The peak module is built from bench/simd/peak.c by bench/simd/build.sh (Debian clang and lld) and
 * committed. Not part of the library.
 */
import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { getShippedKernel, relaxedSimdSupported, useBackend, wasmSimdInUse } from '../src/backend/index.js';
import { KERNELS_WASM, KERNELS_WASM_RELAXED } from '../src/backend/simd/kernels-wasm.js';
import { benchFlags } from './args.js';

const { flag } = benchFlags('bench/simd.ts', { values: ['reps'] });

const reps = Number(flag('reps') ?? 5);
const M = 3136;
const K = 1600;
const N = 128;
const flops = 2 * M * K * N;

/** The best of `reps` timed runs after one warm-up, in milliseconds. */
function best(run: () => void): number {
  run();
  let fastest = Infinity;
  for (let i = 0; i < reps; i++) {
    const start = performance.now();
    run();
    fastest = Math.min(fastest, performance.now() - start);
  }
  return fastest;
}

// Peaks: 12 chains x (4 multiplies + 4 adds) per iteration, SIMD128 and (where the engine has it) relaxed SIMD.
const relaxed = relaxedSimdSupported();
const iterations = 20_000_000;
async function peakOf(file: string): Promise<{ ms: number; gflops: number }> {
  const module = await WebAssembly.instantiate(readFileSync(new URL(file, import.meta.url)), {});
  const peakFn = module.instance.exports.peak as (iterations: number, seed: number) => number;
  const ms = best(() => void peakFn(iterations, 1));
  return { ms, gflops: (iterations * 12 * 8) / ms / 1e6 };
}
const peak128 = await peakOf('./simd/peak.wasm');
const peakRelaxed = relaxed ? await peakOf('./simd/peak-relaxed.wasm') : undefined;
const peak = peak128.gflops;

// The library's own GEMM (src/backend/simd/kernels.c), here on a memory of its own. The module uses no
// memory but what it is given, so the data may start anywhere.
const memory = new WebAssembly.Memory({ initial: Math.ceil(((M * K + K * N + M * N) * 4 + (1 << 20)) / 65536) });
const heap = new Float32Array(memory.buffer);
const aOffset = 1024;
const bOffset = aOffset + M * K * 4;
const cOffset = bOffset + K * N * 4;
const a = Float32Array.from({ length: M * K }, (_, i) => Math.sin(i * 0.37));
const b = Float32Array.from({ length: K * N }, (_, i) => Math.cos(i * 0.11));
heap.set(a, aOffset / 4);
// Pack B into panels of 8 columns: Bp[n / 8][k][n % 8].
for (let n0 = 0; n0 < N; n0 += 8) for (let k = 0; k < K; k++) for (let j = 0; j < 8; j++) heap[bOffset / 4 + n0 * K + k * 8 + j] = b[k * N + n0 + j];

/** The milliseconds of the GEMM in one build of kernels.c, checked on a few entries against float64. */
async function gemmOf(base64: string): Promise<number> {
  const kernels = await WebAssembly.instantiate(Buffer.from(base64, 'base64'), { env: { memory } });
  const gemmPacked = kernels.instance.exports.gemm_packed as (...args: number[]) => void;
  const ms = best(() => gemmPacked(aOffset, K, bOffset, cOffset, N, M, K, N, 512));
  for (const [row, col] of [[0, 0], [M - 1, N - 1], [1234, 77]]) {
    let expected = 0;
    for (let k = 0; k < K; k++) expected += a[row * K + k] * b[k * N + col];
    const actual = heap[cOffset / 4 + row * N + col];
    if (Math.abs(actual - expected) > 1e-3 * (1 + Math.abs(expected))) throw new Error(`gemm [${row}, ${col}]: ${actual}, expected ${expected}`);
  }
  return ms;
}
const gemmMs = await gemmOf(KERNELS_WASM);
const gemmRelaxedMs = relaxed ? await gemmOf(KERNELS_WASM_RELAXED) : undefined;

// XNNPACK through tfjs's wasm backend, one thread.
await useBackend('wasm', { threads: 1 });
const x = tf.randomNormal([64, 14, 14, 64]) as tf.Tensor4D;
const w = tf.randomNormal([5, 5, 64, 128]) as tf.Tensor4D;
/** Runs a kernel as tfjs shipped it (tfjs-gan's patches replace Conv2D and large products on wasm). */
function shipped(kernelName: 'Conv2D' | 'BatchMatMul', inputs: tf.NamedTensorInfoMap, attrs: object): void {
  const kernel = getShippedKernel(kernelName, 'wasm');
  if (!kernel) throw new Error(`no shipped ${kernelName}`);
  const info = kernel.kernelFunc({ inputs, backend: tf.backend(), attrs: attrs as tf.NamedAttrMap }) as tf.TensorInfo;
  tf.backend().disposeData(info.dataId);
}
const convAttrs = { strides: [2, 2], pad: 'same', dataFormat: 'NHWC', dilations: [1, 1] };
const convMs = best(() => shipped('Conv2D', { x, filter: w }, convAttrs));
const ourConvMs = best(() => tf.conv2d(x, w, 2, 'same').dispose());
const am = tf.tensor2d(a, [M, K]);
const bm = tf.tensor2d(b, [K, N]);
const matMulMs = best(() => shipped('BatchMatMul', { a: am, b: bm }, { transposeA: false, transposeB: false }));

const build = wasmSimdInUse() ?? 'none';
const rows: Array<[string, number | undefined]> = [
  ["tfjs-gan's 6x8 microkernel, SIMD128 build (src/backend/simd/kernels.c, K blocks of 512)", gemmMs],
  ["tfjs-gan's 6x8 microkernel, relaxed SIMD build (fused multiply-add)", gemmRelaxedMs],
  [`tfjs-gan's conv2d (kernels.c conv2d_forward, ${build} build), same convolution`, ourConvMs],
  ['XNNPACK conv2d [64,14,14,64] * [5,5,64,128], stride 2', convMs],
  ['XNNPACK matMul [3136,1600] x [1600,128]', matMulMs],
];
console.log(`${process.version}, one core, GEMM M ${M} K ${K} N ${N} (${(flops / 1e9).toFixed(2)} GFLOP)\n`);
console.log('| what | ms | GFLOP/s | share of the SIMD128 peak |\n|---|---|---|---|');
console.log(`| SIMD128 peak (multiply and add, no memory traffic) | | ${peak.toFixed(1)} | 100% |`);
if (peakRelaxed) console.log(`| relaxed SIMD peak (f32x4.relaxed_madd, no memory traffic) | | ${peakRelaxed.gflops.toFixed(1)} | ${((100 * peakRelaxed.gflops) / peak).toFixed(0)}% |`);
else console.log('| relaxed SIMD peak | | (this engine has no relaxed SIMD: Node 22+, or node --experimental-wasm-relaxed-simd) | |');
for (const [name, ms] of rows) {
  if (ms === undefined) continue;
  const rate = flops / ms / 1e6;
  console.log(`| ${name} | ${ms.toFixed(1)} | ${rate.toFixed(1)} | ${((100 * rate) / peak).toFixed(0)}% |`);
}
tf.dispose([x, w, am, bm]);
