/**
 * The Adam update of adam.c (WebAssembly SIMD128) run on tfjs's wasm heap: the module imports the
 * backend's memory and reads and writes the tensors in place, with no copy. One instance per heap.
 *
 * @packageDocumentation
 */
import type { TensorInfo } from '@tensorflow/tfjs';

import { ADAM_WASM, ADAM_WASM_SHARED } from './adam-wasm.js';

/** The float32 hyper-parameters of one update, as tfjs's Adam rounds them. */
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

type AdamUpdate = (...args: number[]) => void;

/** What this module reads from tfjs's wasm backend. */
interface WasmBackendInternals {
  wasm: { wasmMemory?: WebAssembly.Memory; asm?: { memory?: WebAssembly.Memory } };
  dataIdMap: { get(dataId: TensorInfo['dataId']): { memoryOffset: number } | undefined };
}

const instances = new WeakMap<WebAssembly.Memory, AdamUpdate | null>();

function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(new ArrayBuffer(binary.length));
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** The update function bound to `memory`, or null where the module cannot run (no SIMD, another heap). */
function updateFor(memory: WebAssembly.Memory): AdamUpdate | null {
  let update = instances.get(memory);
  if (update !== undefined) return update;
  try {
    const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
    const module = new WebAssembly.Module(decodeBase64(shared ? ADAM_WASM_SHARED : ADAM_WASM));
    const instance = new WebAssembly.Instance(module, { env: { memory } });
    update = instance.exports.adam_update as AdamUpdate;
  } catch {
    update = null;
  }
  instances.set(memory, update);
  return update;
}

/**
 * Runs the SIMD128 Adam update on the wasm backend's heap: `tensors` are value, gradient, m, v (inputs)
 * then new value, new m, new v (outputs), all float32 of `size` elements.
 *
 * @returns false where the module cannot run here; the caller then computes the update itself.
 */
export function simdAdamUpdate(backend: unknown, tensors: readonly TensorInfo[], size: number, c: AdamConstants): boolean {
  const internals = backend as Partial<WasmBackendInternals>;
  const memory = internals.wasm?.wasmMemory ?? internals.wasm?.asm?.memory;
  if (!(memory instanceof WebAssembly.Memory) || internals.dataIdMap == null) return false;
  const update = updateFor(memory);
  if (update == null) return false;
  const offsets = tensors.map((t) => internals.dataIdMap!.get(t.dataId)?.memoryOffset);
  if (offsets.some((o) => typeof o !== 'number')) return false;
  update(...(offsets as number[]), size, c.beta1, c.keep1, c.beta2, c.keep2, c.correction1, c.correction2, c.epsilon, c.step);
  return true;
}
