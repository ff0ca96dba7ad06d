/**
 * Which build of tfjs-gan's own wasm kernels the running wasm backend uses.
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs';

import { BackendError } from '../errors.js';
import { simdBuildOf } from './simd/heap-kernels.js';
import type { WasmSimdBuild } from './simd/simd-variant.js';

export { WASM_SIMD_ENV, type WasmSimd, type WasmSimdBuild, relaxedSimdSupported } from './simd/simd-variant.js';

/**
 * The build of tfjs-gan's kernels on the running wasm backend: `'relaxed'` (relaxed SIMD, a fused
 * multiply-add in the matrix-product tile) or `'simd128'`; null where they do not run there (a heap
 * tfjs-gan cannot use, so tfjs's own kernels run).
 *
 * @throws {@link BackendError} when the wasm backend has not started.
 * @example
 * ```ts
 * await useBackend('wasm');
 * wasmSimdInUse(); // 'simd128' in Node 20; in Node 22+ 'relaxed' where its tile measured faster
 * ```
 */
export function wasmSimdInUse(): WasmSimdBuild | null {
  const backend = tf.engine().backendName === 'wasm' ? tf.backend() : tf.engine().registry.wasm;
  if (backend === undefined) throw new BackendError("wasmSimdInUse: the wasm backend has not started; call useBackend('wasm') first.");
  return simdBuildOf(backend);
}
