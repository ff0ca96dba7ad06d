/**
 * tfjs-gan's SIMD128 module (kernels.c) on a wasm backend's heap: one instance per heap, bound to the
 * backend's memory, the kernel threads that share it, and how a kernel is split among them and given
 * scratch space from tfjs's own allocator. The kernels themselves are in the modules beside this one.
 *
 * @packageDocumentation
 */
import type { TensorInfo } from '@tensorflow/tfjs';

import { KERNELS_WASM, KERNELS_WASM_RELAXED, KERNELS_WASM_SHARED, KERNELS_WASM_SHARED_RELAXED } from './kernels-wasm.js';
import { type WasmSimdBuild, chosenSimdBuild } from './simd-variant.js';
import { type KernelThreads, startKernelThreads } from './simd-threads.js';

/** The module's exports. */
export interface KernelExports {
  adam_update(...args: number[]): void;
  filter_grad_few_channels(...args: number[]): void;
  filter_grad_few_channels_workspace(taps: number, positions: number, outChannels: number, parts: number): number;
  sum_few_channels_parts(dw: number, work: number, taps: number, positions: number, outChannels: number, parts: number): void;
  interleave_phases(...args: number[]): void;
  swap_first_last_axes(out: number, input: number, n: number, inner: number, channels: number): void;
  leaky_relu(x: number, out: number, n: number, alpha: number): void;
  step_product(...args: number[]): void;
  column_sums(x: number, out: number, rows: number, channels: number, divisor: number): void;
  nonfinite_sum(x: number, n: number): number;
  tanh_f32(x: number, out: number, n: number): void;
  channel_affine(...args: number[]): void;
  gather_rows(out: number, x: number, indices: number, count: number, row: number): void;
  pool_grad_spread(dy: number, dx: number, n: number, h: number, w: number, ch: number, oh: number, ow: number, kh: number, kw: number, scale: number): void;
  matmul(...args: number[]): void;
  matvec(a: number, v: number, out: number, rows: number, cols: number): void;
  vecmat(v: number, a: number, out: number, rows: number, cols: number): void;
  outer_product(u: number, v: number, out: number, m: number, n: number): void;
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
export const THREADED_KERNELS = ['adam_update', 'step_product', 'channel_affine', 'matmul', 'conv2d_forward', 'conv2d_backprop_input', 'conv2d_backprop_input_narrow', 'conv2d_filter_grad', 'filter_grad_few_channels'] as const;
export type ThreadedKernel = (typeof THREADED_KERNELS)[number];

/** The module on one heap: this thread's instance, and the threads that share its kernels (if started). */
export interface HeapKernels {
  kernels: KernelExports;
  module: WebAssembly.Module;
  shared: boolean;
  /** The build: relaxed SIMD (fused multiply-add in the GEMM tile) or SIMD128. */
  build: WasmSimdBuild;
  threads?: KernelThreads;
}

/** What this module reads from tfjs's wasm backend. */
export interface WasmBackendInternals {
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
      // 'auto' compares the single-threaded modules' speed on a memory of their own (once per process).
      const build = chosenSimdBuild(() => ({ simd128: decodeBase64(KERNELS_WASM), relaxed: decodeBase64(KERNELS_WASM_RELAXED) }));
      const relaxed = build === 'relaxed';
      const bytes = shared ? (relaxed ? KERNELS_WASM_SHARED_RELAXED : KERNELS_WASM_SHARED) : relaxed ? KERNELS_WASM_RELAXED : KERNELS_WASM;
      const module = new WebAssembly.Module(decodeBase64(bytes));
      const kernels = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as KernelExports;
      found = { kernels, module, shared, build };
    } catch {
      found = null;
    }
    instances.set(memory, found);
  }
  return found;
}

/** The kernels bound to a backend's heap, with what they need of the backend. */
export interface FoundKernels {
  kernels: KernelExports;
  internals: WasmBackendInternals;
  heap: HeapKernels;
  memory: WebAssembly.Memory;
}

/** The backend's internals and the kernels bound to its heap, or null where the module cannot run. */
export function kernelsOf(backend: unknown): FoundKernels | null {
  const memory = memoryOf(backend);
  const heap = memory && heapKernels(memory);
  return memory && heap ? { kernels: heap.kernels, internals: backend as WasmBackendInternals, heap, memory } : null;
}

/** Ints at the start of a threaded kernel's scratch space that its parts take their work from (kernels.c). */
export const WORK_COUNTERS = 16;

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

/** The build of the kernels bound to this backend's heap, or null where they do not run. */
export function simdBuildOf(backend: unknown): WasmSimdBuild | null {
  const memory = memoryOf(backend);
  return (memory && instances.get(memory)?.build) ?? null;
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
export function partsFor(heap: HeapKernels, macs: number): number {
  return heap.threads !== undefined && macs >= minSplitMacs ? heap.threads.parts : 1;
}

/** Runs a threaded kernel split into `parts` (1: whole on this thread; else every thread of the heap). */
export function runSplit(heap: HeapKernels, name: ThreadedKernel, args: number[], parts: number): void {
  if (parts > 1 && heap.threads !== undefined) heap.threads.run(name, args);
  else heap.kernels[name](...args, 0, 1);
}

/** The heap offsets of `tensors`, or null if one has none (not on this backend). */
export function offsetsOf(internals: WasmBackendInternals, tensors: readonly TensorInfo[]): number[] | null {
  const offsets = tensors.map((t) => internals.dataIdMap.get(t.dataId)?.memoryOffset);
  return offsets.every((o): o is number => typeof o === 'number') ? offsets : null;
}

/**
 * Runs `name` split into `parts` with a scratch space of `floats` from tfjs's allocator (its counters zeroed),
 * then `after` while the scratch space lives; false where it cannot.
 */
export function runWithWorkspace(
  found: FoundKernels,
  name: ThreadedKernel,
  tensors: TensorInfo[],
  floats: number,
  dims: number[],
  parts: number,
  after?: (work: number, offsets: number[]) => void,
): boolean {
  const offsets = offsetsOf(found.internals, tensors);
  if (!offsets) return false;
  // emscripten's malloc returns an i32: an address past 2 GiB comes back negative, so read it unsigned.
  const work = found.internals.wasm._malloc(Math.max(1, floats) * 4) >>> 0;
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
