/**
 * Differential checks of tfjs-gan's patched kernels: one case (a kernel, its inputs and attributes) runs on
 * the patched wasm kernel, on the kernel tfjs ships for wasm where there is one, on the cpu backend's
 * patched kernel where tfjs-gan patches cpu, and on tfjs's own cpu kernel, the reference. Kernels run
 * directly on the backends (no engine, no tape), so one case costs little and nothing else can interfere.
 */
import * as tf from '@tensorflow/tfjs';
import type { DataType, KernelBackend, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs';

import { KERNEL_PATCHES, type PatchedKernelName, getShippedKernel } from '../../../src/backend/kernel-patches.js';

/** One input tensor of a case. */
export interface TensorSpec {
  readonly shape: number[];
  readonly dtype: 'float32' | 'int32';
  readonly values: Float32Array | Int32Array;
}

/**
 * How outputs are compared: `exact` value for value (copies, gathers, casts); `elementwise` within a few
 * float32 roundings of each value (activations); `normalized` within 1e-5 of each value's magnitude or of
 * 1 (batch norm: `(x - mean)` loses digits where x is close to the mean); `sum` within a bound scaled by the same kernel
 * run on the inputs' magnitudes (products, convolutions and reductions, whose rounding grows with what is
 * added up). Non-finite values must match exactly in every mode (NaN where the reference has NaN).
 */
export type Comparison = 'exact' | 'elementwise' | 'normalized' | 'sum';

/** One kernel call to check. */
export interface KernelCase {
  readonly kernel: PatchedKernelName;
  readonly inputs: Readonly<Record<string, TensorSpec>>;
  readonly attrs: Readonly<Record<string, unknown>>;
  readonly comparison: Comparison;
  /** Whether an input holds NaN or an infinity (then tfjs's shipped wasm kernels are not compared: XNNPACK clamps). */
  readonly special: boolean;
}

/** What a kernel returned: its outputs' shapes and values. */
interface Output {
  readonly shape: number[];
  readonly values: ArrayLike<number>;
}

/** Relative bounds per comparison, and the floor of the scale they multiply. */
const TOLERANCE: Record<Exclude<Comparison, 'exact'>, { relative: number; floor: number }> = {
  elementwise: { relative: 2e-6, floor: 1e-3 },
  normalized: { relative: 1e-5, floor: 1 },
  sum: { relative: 1e-4, floor: 1e-3 },
};

function backendOf(name: 'wasm' | 'cpu'): KernelBackend {
  const backend = tf.engine().findBackend(name);
  if (backend == null) throw new Error(`the ${name} backend is not initialised`);
  return backend;
}

/** Runs `kernelFunc` on `backend` with the case's inputs written there, and frees everything it made. */
function runOn(backend: KernelBackend, kernelFunc: KernelFunc, c: KernelCase, inputs = c.inputs): Output[] {
  const infos: Record<string, TensorInfo> = {};
  const before = backend.numDataIds();
  try {
    for (const [name, spec] of Object.entries(inputs)) {
      infos[name] = { dataId: backend.write(spec.values.slice(), spec.shape, spec.dtype as DataType), shape: spec.shape, dtype: spec.dtype };
    }
    const result = kernelFunc({ inputs: infos, backend, attrs: c.attrs as NamedAttrMap });
    const outputs = Array.isArray(result) ? result : [result];
    const read = outputs.map((o) => ({ shape: [...o.shape], values: Array.from(backend.readSync(o.dataId) as ArrayLike<number>, Number) }));
    outputs.forEach((o) => backend.disposeData(o.dataId));
    return read;
  } finally {
    Object.values(infos).forEach((info) => backend.disposeData(info.dataId));
    const after = backend.numDataIds();
    if (after !== before) throw new Error(`${c.kernel} left ${after - before} buffers on the backend`);
  }
}

/** The case's inputs with every float replaced by its magnitude (for the bound of a `sum` comparison). */
function magnitudes(c: KernelCase): Record<string, TensorSpec> {
  const result: Record<string, TensorSpec> = {};
  for (const [name, spec] of Object.entries(c.inputs)) {
    result[name] = spec.dtype === 'float32' ? { ...spec, values: (spec.values as Float32Array).map(Math.abs) } : spec;
  }
  return result;
}

/** The first difference between `actual` and `expected`, or null. */
function difference(actual: Output[], expected: Output[], c: KernelCase, bound: Output[] | undefined): string | null {
  if (actual.length !== expected.length) return `${actual.length} outputs, expected ${expected.length}`;
  for (let o = 0; o < expected.length; o++) {
    const a = actual[o];
    const e = expected[o];
    if (a.shape.join() !== e.shape.join()) return `output ${o} has shape [${a.shape}], expected [${e.shape}]`;
    for (let i = 0; i < e.values.length; i++) {
      const x = a.values[i];
      const y = e.values[i];
      if (!Number.isFinite(y) || !Number.isFinite(x)) {
        if (!Object.is(x, y) && !(Number.isNaN(x) && Number.isNaN(y))) return `output ${o}[${i}] is ${x}, expected ${y}`;
        continue;
      }
      if (c.comparison === 'exact') {
        if (x !== y) return `output ${o}[${i}] is ${x}, expected exactly ${y}`;
        continue;
      }
      const scale = c.comparison === 'sum' && bound !== undefined ? Math.abs(bound[o].values[i]) : Math.abs(y);
      const { relative, floor } = TOLERANCE[c.comparison];
      const tolerance = relative * (scale + floor);
      if (Math.abs(x - y) > tolerance) return `output ${o}[${i}] is ${x}, expected ${y} (within ${tolerance.toExponential(2)})`;
    }
  }
  return null;
}

/** What one case found. */
export interface KernelCheck {
  /** The first difference of tfjs-gan's kernels (wasm, and cpu where patched) from the reference, or null. */
  readonly mismatch: string | null;
  /**
   * The first difference of the kernel tfjs ships for wasm from the reference, or null: a defect of tfjs's
   * that tfjs-gan's kernel works around (where `mismatch` is null).
   */
  readonly shippedDefect: string | null;
}

/** Runs `kernelFunc` on `backend` and describes its first difference from `expected`, or null. */
function compareOn(label: string, backend: KernelBackend, kernelFunc: KernelFunc, c: KernelCase, expected: Output[], bound: Output[] | undefined): string | null {
  let actual: Output[];
  try {
    actual = runOn(backend, kernelFunc, c);
  } catch (error) {
    return `${label} ${c.kernel} threw ${error instanceof Error ? error.message : String(error)}`;
  }
  const found = difference(actual, expected, c, bound);
  return found === null ? null : `${label} ${c.kernel}: ${found}`;
}

/** Checks one case on tfjs-gan's kernels and tfjs's shipped wasm kernel against tfjs's cpu kernel. */
export function checkKernelCase(c: KernelCase): KernelCheck {
  const cpu = backendOf('cpu');
  const wasm = backendOf('wasm');
  const reference = getShippedKernel(c.kernel, 'cpu')?.kernelFunc ?? tf.getKernel(c.kernel, 'cpu')?.kernelFunc;
  if (reference == null) throw new Error(`the cpu backend has no ${c.kernel} kernel`);
  let expected: Output[];
  try {
    expected = runOn(cpu, reference, c);
  } catch (error) {
    return { mismatch: `the case is invalid: tfjs's cpu ${c.kernel} threw ${error instanceof Error ? error.message : String(error)}`, shippedDefect: null };
  }
  const bound = c.comparison === 'sum' ? runOn(cpu, reference, c, magnitudes(c)) : undefined;
  const patchedWasm = tf.getKernel(c.kernel, 'wasm')?.kernelFunc;
  if (patchedWasm == null) throw new Error(`the wasm backend has no ${c.kernel} kernel`);
  let mismatch = compareOn('tfjs-gan wasm', wasm, patchedWasm, c, expected, bound);
  if (mismatch === null && KERNEL_PATCHES.cpu?.includes(c.kernel)) {
    mismatch = compareOn('tfjs-gan cpu', cpu, tf.getKernel(c.kernel, 'cpu')!.kernelFunc, c, expected, bound);
  }
  const shipped = c.special ? undefined : getShippedKernel(c.kernel, 'wasm')?.kernelFunc;
  const shippedDefect = shipped == null ? null : compareOn('shipped wasm', wasm, shipped, c, expected, bound);
  return { mismatch, shippedDefect };
}

/** A short description of a case for failure messages: kernel, input shapes and attributes. */
export function describeCase(c: KernelCase): string {
  const inputs = Object.entries(c.inputs).map(([name, spec]) => `${name}: ${spec.dtype}[${spec.shape}]`);
  return `${c.kernel}(${inputs.join(', ')}) ${JSON.stringify(c.attrs)}${c.special ? ' with NaN/Infinity' : ''}`;
}
