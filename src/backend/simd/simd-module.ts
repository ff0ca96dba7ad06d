/**
 * tfjs-gan's SIMD128 kernels (kernels.c) run on tfjs's wasm heap: the module imports the backend's memory
 * and reads and writes tensors where they lie, with no copy. One instance per heap; scratch space comes
 * from tfjs's own allocator.
 *
 * @packageDocumentation
 */
import { util } from '@tensorflow/tfjs';
import type { TensorInfo } from '@tensorflow/tfjs';

import { KERNELS_WASM, KERNELS_WASM_SHARED } from './kernels-wasm.js';
import { type KernelThreads, startKernelThreads } from './simd-threads.js';

/** The float32 hyper-parameters of one Adam update, as tfjs's Adam rounds them. */
export interface AdamConstants {
  beta1: number;
  keep1: number;
  beta2: number;
  keep2: number;
  correction1: number;
  correction2: number;
  epsilon: number;
  step: number;
}

/** The module's exports. */
interface KernelExports {
  adam_update(...args: number[]): void;
  filter_grad_few_channels(...args: number[]): void;
  filter_grad_few_channels_workspace(taps: number, positions: number, outChannels: number, parts: number): number;
  sum_few_channels_parts(dw: number, work: number, taps: number, positions: number, outChannels: number, parts: number): void;
  interleave_phases(...args: number[]): void;
  swap_first_last_axes(out: number, input: number, n: number, inner: number, channels: number): void;
  leaky_relu(x: number, out: number, n: number, alpha: number): void;
  tanh_f32(x: number, out: number, n: number): void;
  channel_affine(x: number, mean: number, factor: number, offset: number, out: number, rows: number, channels: number): void;
  gather_rows(out: number, x: number, indices: number, count: number, row: number): void;
  matmul(...args: number[]): void;
  matmul_workspace(m: number, k: number, n: number, parts: number): number;
  conv2d_forward(...args: number[]): void;
  conv2d_forward_workspace(kh: number, kw: number, cin: number, cout: number, parts: number): number;
  conv2d_backprop_input(...args: number[]): void;
  conv2d_backprop_input_workspace(kh: number, kw: number, cin: number, cout: number, sh: number, sw: number, pt: number, pl: number, parts: number): number;
  conv2d_backprop_input_narrow(...args: number[]): void;
  conv2d_backprop_input_narrow_workspace(kh: number, kw: number, cin: number, cout: number, parts: number): number;
  conv2d_filter_grad(...args: number[]): void;
  conv2d_filter_grad_workspace(n: number, oh: number, ow: number, cin: number, cout: number, kh: number, kw: number, parts: number): number;
}

/** The kernels that run split among threads (their last two arguments are `part, parts`). */
const THREADED_KERNELS = ['adam_update', 'matmul', 'conv2d_forward', 'conv2d_backprop_input', 'conv2d_backprop_input_narrow', 'conv2d_filter_grad', 'filter_grad_few_channels'] as const;
type ThreadedKernel = (typeof THREADED_KERNELS)[number];

/** The module on one heap: this thread's instance, and the threads that share its kernels (if started). */
interface HeapKernels {
  kernels: KernelExports;
  module: WebAssembly.Module;
  shared: boolean;
  threads?: KernelThreads;
}

/** What this module reads from tfjs's wasm backend. */
interface WasmBackendInternals {
  wasm: {
    wasmMemory?: WebAssembly.Memory;
    asm?: { memory?: WebAssembly.Memory };
    _malloc(bytes: number): number;
    _free(pointer: number): void;
  };
  dataIdMap: { get(dataId: TensorInfo['dataId']): { memoryOffset: number } | undefined };
}

const instances = new WeakMap<WebAssembly.Memory, HeapKernels | null>();

function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(new ArrayBuffer(binary.length));
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** The backend's heap, or null where it has none that the module can use. */
function memoryOf(backend: unknown): WebAssembly.Memory | null {
  const internals = backend as Partial<WasmBackendInternals>;
  const memory = internals.wasm?.wasmMemory ?? internals.wasm?.asm?.memory;
  if (!(memory instanceof WebAssembly.Memory) || internals.dataIdMap == null || typeof internals.wasm?._malloc !== 'function') return null;
  return memory;
}

/** The module bound to `memory` (instantiated on first use), or null where it cannot run. */
function heapKernels(memory: WebAssembly.Memory): HeapKernels | null {
  let found = instances.get(memory);
  if (found === undefined) {
    try {
      const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
      const module = new WebAssembly.Module(decodeBase64(shared ? KERNELS_WASM_SHARED : KERNELS_WASM));
      const kernels = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as KernelExports;
      found = { kernels, module, shared };
    } catch {
      found = null;
    }
    instances.set(memory, found);
  }
  return found;
}

/** The backend's internals and the kernels bound to its heap, or null where the module cannot run. */
function kernelsOf(
  backend: unknown,
): { kernels: KernelExports; internals: WasmBackendInternals; heap: HeapKernels; memory: WebAssembly.Memory } | null {
  const memory = memoryOf(backend);
  const heap = memory && heapKernels(memory);
  return memory && heap ? { kernels: heap.kernels, internals: backend as WasmBackendInternals, heap, memory } : null;
}

/** Ints at the start of a threaded kernel's scratch space that its parts take their work from (kernels.c). */
const WORK_COUNTERS = 16;

/**
 * Starts the threads that split tfjs-gan's convolution kernels on a wasm backend whose heap is shared
 * (tfjs's threaded build): `parts - 1` workers besides the calling thread. Idempotent. Where the heap is
 * not shared, or a worker fails to start (with a console warning), the kernels run on the calling thread.
 *
 * @returns the threads the kernels are split among (1 when none started).
 */
export async function startSimdThreads(backend: unknown, parts: number): Promise<number> {
  const memory = memoryOf(backend);
  const heap = memory && heapKernels(memory);
  if (!memory || !heap || !heap.shared || parts <= 1) return 1;
  if (heap.threads === undefined) {
    try {
      heap.threads = await startKernelThreads(memory, heap.module, heap.kernels as unknown as Record<string, (...args: number[]) => unknown>, THREADED_KERNELS, parts);
    } catch (cause) {
      console.warn(`tfjs-gan: cannot start threads for its wasm kernels (${cause instanceof Error ? cause.message : String(cause)}); they run on one thread.`);
      return 1;
    }
  }
  return heap.threads.parts;
}

/** The threads tfjs-gan's convolution kernels are split among on this backend (1 before {@link startSimdThreads}). */
export function simdThreadsOf(backend: unknown): number {
  const memory = memoryOf(backend);
  return (memory && instances.get(memory)?.threads?.parts) ?? 1;
}

/** How many kernels have run split among the threads on this backend (0 where none started). */
export function simdSplitRuns(backend: unknown): number {
  const memory = memoryOf(backend);
  return (memory && instances.get(memory)?.threads?.runs) ?? 0;
}

/**
 * Below this many multiply-adds a kernel runs whole on the calling thread: waking a worker that sleeps
 * costs tens of microseconds, and a spinning one takes a core from XNNPACK's next operator.
 */
let minSplitMacs = 1 << 23;

/**
 * Sets the multiply-adds below which a kernel runs whole on the calling thread (default 2^23), so that
 * tests and benchmarks can split small kernels too.
 *
 * @returns the previous value.
 */
export function setSimdSplitThreshold(macs: number): number {
  const previous = minSplitMacs;
  minSplitMacs = macs;
  return previous;
}

/** The parts a kernel of `macs` multiply-adds is split into on this heap. */
function partsFor(heap: HeapKernels, macs: number): number {
  return heap.threads !== undefined && macs >= minSplitMacs ? heap.threads.parts : 1;
}

/** Runs a threaded kernel split into `parts` (1: whole on this thread; else every thread of the heap). */
function runSplit(heap: HeapKernels, name: ThreadedKernel, args: number[], parts: number): void {
  if (parts > 1 && heap.threads !== undefined) heap.threads.run(name, args);
  else heap.kernels[name](...args, 0, 1);
}

/** The heap offsets of `tensors`, or null if one has none (not on this backend). */
function offsetsOf(internals: WasmBackendInternals, tensors: readonly TensorInfo[]): number[] | null {
  const offsets = tensors.map((t) => internals.dataIdMap.get(t.dataId)?.memoryOffset);
  return offsets.every((o): o is number => typeof o === 'number') ? offsets : null;
}

/**
 * Runs the SIMD128 Adam update on the wasm backend's heap: `tensors` are value, gradient, m, v (inputs)
 * then new value, new m, new v (outputs), all float32 of `size` elements.
 *
 * @returns false where the module cannot run here; the caller then computes the update itself.
 */
export function simdAdamUpdate(backend: unknown, tensors: readonly TensorInfo[], size: number, c: AdamConstants): boolean {
  const found = kernelsOf(backend);
  const offsets = found && offsetsOf(found.internals, tensors);
  if (!found || !offsets) return false;
  // About 10 memory accesses per element and no arithmetic to speak of: split from 2^16 elements.
  const parts = size >= 1 << 16 ? partsFor(found.heap, Infinity) : 1;
  runSplit(found.heap, 'adam_update', [...offsets, size, c.beta1, c.keep1, c.beta2, c.keep2, c.correction1, c.correction2, c.epsilon, c.step], parts);
  return true;
}

/**
 * The filter gradient `dw [kh, kw, cin, cout]` of an NHWC convolution whose input has few channels (its
 * output channels a multiple of 8), on the wasm backend's heap with the SIMD128 GEMM of kernels.c,
 * split among its kernel threads by output pixels, written into `dw` (float32, allocated).
 *
 * @returns false where the module cannot run here; the caller then computes the gradient itself.
 */
export function simdFilterGradientFewChannels(backend: unknown, x: TensorInfo, dy: TensorInfo, dw: TensorInfo, g: ConvGeometry): boolean {
  const found = kernelsOf(backend);
  if (!found) return false;
  const [n, h, w, cin] = [g.batch, g.inHeight, g.inWidth, g.inChannels];
  const [oh, ow, cout] = [g.outHeight, g.outWidth, g.outChannels];
  const taps = g.filterHeight * g.filterWidth * cin;
  const parts = partsFor(found.heap, taps * cout * n * oh * ow);
  const floats = found.kernels.filter_grad_few_channels_workspace(taps, n * oh * ow, cout, parts);
  const dims = [n, h, w, cin, oh, ow, cout, ...geometryArgs(g)];
  // Parts 1 and up leave partial gradients in the scratch space: add them to dw before it is freed.
  const sumParts = (work: number, offsets: number[]) => {
    if (parts > 1) found.kernels.sum_few_channels_parts(offsets[2], work, taps, n * oh * ow, cout, parts);
  };
  return runWithWorkspace(found, 'filter_grad_few_channels', [x, dy, dw], floats, dims, parts, sumParts);
}

/** The geometry of a pixel shuffle for {@link simdInterleavePhases}. */
export interface PhaseGeometry {
  /** Each phase's `[n, rows, cols]` pixels. */
  batch: number;
  rows: number;
  cols: number;
  /** Floats per output pixel. */
  channels: number;
  strideHeight: number;
  strideWidth: number;
  /** The output image's height and width (pixels past them are cropped). */
  outHeight: number;
  outWidth: number;
}

/**
 * Writes the pixel shuffle of a strided transposed convolution into `out` ([batch, outHeight, outWidth,
 * channels], float32, allocated): phase k of `phases` (k = row phase * strideWidth + column phase) holds
 * the output pixels of that phase. `phases` are either `strideHeight * strideWidth` separate images
 * ([batch, rows, cols, channels]) or one image with the phases stacked along its channels.
 *
 * @returns false where the module cannot run here (or more than 4 phases); the caller then shuffles.
 */
export function simdInterleavePhases(backend: unknown, out: TensorInfo, phases: readonly TensorInfo[], g: PhaseGeometry): boolean {
  const count = g.strideHeight * g.strideWidth;
  if (count > 4 || (phases.length !== count && phases.length !== 1)) return false;
  const found = kernelsOf(backend);
  const offsets = found && offsetsOf(found.internals, [out, ...phases]);
  if (!found || !offsets) return false;
  const [outOffset, ...phaseOffsets] = offsets;
  // One stacked image: phase k starts k * channels floats into each pixel of sh * sw * channels.
  const starts = phases.length === 1 ? Array.from({ length: count }, (_, k) => phaseOffsets[0] + 4 * k * g.channels) : phaseOffsets;
  const stride = phases.length === 1 ? count * g.channels : g.channels;
  const [p0, p1 = 0, p2 = 0, p3 = 0] = starts;
  found.kernels.interleave_phases(
    outOffset,
    p0,
    p1,
    p2,
    p3,
    ...[stride, g.batch, g.rows, g.cols, g.channels, g.strideHeight, g.strideWidth, g.outHeight, g.outWidth],
  );
  return true;
}

/**
 * Writes `x` `[n, ...inner, c]` with its first and last axes swapped into `out` (`[c, ...inner, n]`,
 * float32, allocated).
 *
 * @returns false where the module cannot run here; the caller then transposes.
 */
export function simdSwapFirstLastAxes(backend: unknown, out: TensorInfo, x: TensorInfo): boolean {
  const found = kernelsOf(backend);
  const offsets = found && offsetsOf(found.internals, [out, x]);
  if (!found || !offsets || x.shape.length < 2) return false;
  const n = x.shape[0];
  const channels = x.shape[x.shape.length - 1];
  const inner = util.sizeFromShape(x.shape.slice(1, -1));
  found.kernels.swap_first_last_axes(offsets[0], offsets[1], n, inner, channels);
  return true;
}

/** The geometry of an NHWC convolution (no dilation) for the convolution kernels below. */
export interface ConvGeometry {
  batch: number;
  inHeight: number;
  inWidth: number;
  inChannels: number;
  outHeight: number;
  outWidth: number;
  outChannels: number;
  filterHeight: number;
  filterWidth: number;
  strideHeight: number;
  strideWidth: number;
  /** Leading padding (the trailing padding follows from the sizes). */
  padTop: number;
  padLeft: number;
}

/** The multiply-adds of a convolution (and of each of its gradients). */
function convMacs(g: ConvGeometry): number {
  return g.batch * g.outHeight * g.outWidth * g.filterHeight * g.filterWidth * g.inChannels * g.outChannels;
}

function geometryArgs(g: ConvGeometry): number[] {
  return [g.filterHeight, g.filterWidth, g.strideHeight, g.strideWidth, g.padTop, g.padLeft];
}

/**
 * Runs `name` split into `parts` with a scratch space of `floats` from tfjs's allocator (its counters zeroed),
 * then `after` while the scratch space lives; false where it cannot.
 */
function runWithWorkspace(
  found: NonNullable<ReturnType<typeof kernelsOf>>,
  name: ThreadedKernel,
  tensors: TensorInfo[],
  floats: number,
  dims: number[],
  parts: number,
  after?: (work: number, offsets: number[]) => void,
): boolean {
  const offsets = offsetsOf(found.internals, tensors);
  if (!offsets) return false;
  const work = found.internals.wasm._malloc(Math.max(1, floats) * 4);
  if (work === 0) return false;
  try {
    // The counters the parts take their work from (kernels.c's WORK_COUNTERS).
    new Int32Array(found.memory.buffer, work, WORK_COUNTERS).fill(0);
    runSplit(found.heap, name, [...offsets, work, ...dims], parts);
    after?.(work, offsets);
  } finally {
    found.internals.wasm._free(work);
  }
  return true;
}

/** Whether a convolution's sizes are ones the kernels take (positive sizes, padding inside the filter). */
function plainGeometry(g: ConvGeometry): boolean {
  const sizes = [g.batch, g.inHeight, g.inWidth, g.inChannels, g.outHeight, g.outWidth, g.outChannels, g.filterHeight, g.filterWidth, g.strideHeight, g.strideWidth];
  return sizes.every((v) => Number.isInteger(v) && v > 0) && g.padTop >= 0 && g.padLeft >= 0 && g.padTop < g.filterHeight && g.padLeft < g.filterWidth;
}

/**
 * `y = conv2d(x, filter)` on the wasm backend's heap with kernels.c, split among its kernel threads:
 * `x` `[batch, inHeight, inWidth, inChannels]`, `filter` `[fh, fw, inChannels, outChannels]`, `y`
 * `[batch, outHeight, outWidth, outChannels]` (float32, allocated).
 *
 * Any channel counts; the GEMM pads its K to a multiple of 4 and the output channels to one of 8, which
 * wastes work below 4 input and 8 output channels.
 *
 * @returns false where the module does not run here; the caller then runs another kernel.
 */
export function simdConv2D(backend: unknown, x: TensorInfo, filter: TensorInfo, y: TensorInfo, g: ConvGeometry): boolean {
  if (!plainGeometry(g)) return false;
  const found = kernelsOf(backend);
  if (!found) return false;
  const parts = partsFor(found.heap, convMacs(g));
  const floats = found.kernels.conv2d_forward_workspace(g.filterHeight, g.filterWidth, g.inChannels, g.outChannels, parts);
  const dims = [g.batch, g.inHeight, g.inWidth, g.inChannels, g.outHeight, g.outWidth, g.outChannels, ...geometryArgs(g)];
  return runWithWorkspace(found, 'conv2d_forward', [x, filter, y], floats, dims, parts);
}

/**
 * The input gradient `dx` `[batch, inHeight, inWidth, inChannels]` of a convolution (the transposed
 * convolution's forward pass) from `dy` `[batch, outHeight, outWidth, outChannels]` and `filter` `[fh,
 * fw, inChannels, outChannels]`, on the wasm backend's heap with kernels.c, split among its kernel
 * threads. `dx` float32, allocated.
 *
 * Any channel counts. Below 8 input channels with output channels a multiple of 4, one GEMM of dy by
 * the filter and col2im; else one GEMM per output phase (its columns, the input channels, padded to 8).
 *
 * @returns false where the module does not run here.
 */
export function simdConv2DBackpropInput(backend: unknown, dy: TensorInfo, filter: TensorInfo, dx: TensorInfo, g: ConvGeometry): boolean {
  if (!plainGeometry(g) || g.strideHeight * g.strideWidth > WORK_COUNTERS) return false;
  const found = kernelsOf(backend);
  if (!found) return false;
  const parts = partsFor(found.heap, convMacs(g));
  if (g.inChannels < 8 && g.outChannels % 4 === 0) {
    // Few input channels: one GEMM of dy's pixels by the filter, then col2im (the phase GEMMs would pad
    // their columns to 8).
    const narrow = found.kernels.conv2d_backprop_input_narrow_workspace(g.filterHeight, g.filterWidth, g.inChannels, g.outChannels, parts);
    const dims = [g.batch, g.outHeight, g.outWidth, g.outChannels, g.inHeight, g.inWidth, g.inChannels, ...geometryArgs(g)];
    return runWithWorkspace(found, 'conv2d_backprop_input_narrow', [dy, filter, dx], narrow, dims, parts);
  }
  const floats = found.kernels.conv2d_backprop_input_workspace(g.filterHeight, g.filterWidth, g.inChannels, g.outChannels, g.strideHeight, g.strideWidth, g.padTop, g.padLeft, parts);
  const dims = [g.batch, g.outHeight, g.outWidth, g.outChannels, g.inHeight, g.inWidth, g.inChannels, ...geometryArgs(g)];
  return runWithWorkspace(found, 'conv2d_backprop_input', [dy, filter, dx], floats, dims, parts);
}

/**
 * The filter gradient `dw` `[fh, fw, inChannels, outChannels]` of a convolution from its input `x` and
 * output gradient `dy`, on the wasm backend's heap with kernels.c, split among its kernel threads. `dw`
 * float32, allocated.
 *
 * @returns false where the module does not run here or does not take this convolution (input channels
 *   not a multiple of 8).
 */
export function simdConv2DBackpropFilter(backend: unknown, x: TensorInfo, dy: TensorInfo, dw: TensorInfo, g: ConvGeometry): boolean {
  if (!plainGeometry(g) || g.inChannels % 8 !== 0) return false;
  const found = kernelsOf(backend);
  if (!found) return false;
  const parts = partsFor(found.heap, convMacs(g));
  const floats = found.kernels.conv2d_filter_grad_workspace(g.batch, g.outHeight, g.outWidth, g.inChannels, g.outChannels, g.filterHeight, g.filterWidth, parts);
  const dims = [g.batch, g.inHeight, g.inWidth, g.inChannels, g.outHeight, g.outWidth, g.outChannels, ...geometryArgs(g)];
  return runWithWorkspace(found, 'conv2d_filter_grad', [x, dy, dw], floats, dims, parts);
}

/**
 * Writes `x * step(x, alpha)` (tfjs's leaky ReLU, bit for bit) into `out` (float32, allocated, the size of
 * `x`) in one SIMD128 pass on the wasm backend's heap.
 *
 * @returns false where the module cannot run here.
 */
export function simdLeakyRelu(backend: unknown, x: TensorInfo, out: TensorInfo, alpha: number): boolean {
  const found = kernelsOf(backend);
  const offsets = found && offsetsOf(found.internals, [x, out]);
  if (!found || !offsets) return false;
  found.kernels.leaky_relu(offsets[0], offsets[1], util.sizeFromShape(x.shape), alpha);
  return true;
}

/**
 * Writes `tanh(x)` into `out` (float32, allocated, the size of `x`) in one SIMD128 pass on the wasm
 * backend's heap: within a few units in the last place of libm's `tanhf`, NaN kept.
 *
 * @returns false where the module cannot run here.
 */
export function simdTanh(backend: unknown, x: TensorInfo, out: TensorInfo): boolean {
  const found = kernelsOf(backend);
  const offsets = found && offsetsOf(found.internals, [x, out]);
  if (!found || !offsets) return false;
  found.kernels.tanh_f32(offsets[0], offsets[1], util.sizeFromShape(x.shape));
  return true;
}

/**
 * Writes `(x - mean) * factor (+ offset)` into `out` (float32, allocated, the shape of `x`), `mean`,
 * `factor` and `offset` one value per channel (`x`'s last axis), on the wasm backend's heap: the same
 * roundings as a broadcasting subtraction, multiplication and addition, in one pass.
 *
 * @returns false where the module cannot run here.
 */
export function simdChannelAffine(backend: unknown, out: TensorInfo, x: TensorInfo, mean: TensorInfo, factor: TensorInfo, offset: TensorInfo | null): boolean {
  const found = kernelsOf(backend);
  const offsets = found && offsetsOf(found.internals, offset ? [x, mean, factor, offset, out] : [x, mean, factor, out]);
  if (!found || !offsets || x.shape.length === 0) return false;
  const channels = x.shape[x.shape.length - 1];
  const rows = util.sizeFromShape(x.shape.slice(0, -1));
  const [xOffset, meanOffset, factorOffset] = offsets;
  found.kernels.channel_affine(xOffset, meanOffset, factorOffset, offset ? offsets[3] : 0, offsets[offsets.length - 1], rows, channels);
  return true;
}

/**
 * Gathers rows of `x` (4-byte elements, `rowElements` per row) along its first axis into `out` (allocated,
 * `indices.length` rows) on the wasm backend's heap. `indices` (int32, on the heap) must already be
 * checked.
 *
 * @returns false where the module cannot run here.
 */
export function simdGatherRows(backend: unknown, out: TensorInfo, x: TensorInfo, indices: TensorInfo, count: number, rowElements: number): boolean {
  const found = kernelsOf(backend);
  const offsets = found && offsetsOf(found.internals, [out, x, indices]);
  if (!found || !offsets) return false;
  found.kernels.gather_rows(offsets[0], offsets[1], offsets[2], count, rowElements);
  return true;
}

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
