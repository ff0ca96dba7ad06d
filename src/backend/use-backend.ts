/**
 * Switching tfjs to a backend by name: load its package, initialise it, patch its kernels.
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs';

import { BackendError, ConfigError, describeValue } from '../errors.js';
import { type BackendName, assertBackendName } from './backend-name.js';
import { installHint, loadBackendPackage } from './backend-packages.js';
import { registerSecondOrderGradients } from './gradients/index.js';
import { probeGradientDefects } from './gradients/register-second-order-gradients.js';
import { applyKernelPatches } from './kernel-patches.js';
import { startSimdThreads } from './simd/simd-module.js';
import { type WasmSimd, requestWasmSimd, requestedSimdBuild } from './simd/simd-variant.js';
import { type WasmThreads, checkWasmThreads, configureWasmThreads, wasmThreadsInUse } from './wasm-threads.js';

export { BACKEND_NAMES, type BackendName } from './backend-name.js';

/** Options of {@link useBackend}. */
export interface UseBackendOptions {
  /**
   * `wasm` only: how many threads XNNPACK runs on. In Node, tfjs-gan starts tfjs's multi-threaded wasm
   * build itself (tfjs turns it off there); `'auto'` means the environment variable
   * `TFJS_GAN_WASM_THREADS` when set, else every core up to 8. In a browser page or worker, threads need
   * cross-origin isolation (`Cross-Origin-Opener-Policy: same-origin` and
   * `Cross-Origin-Embedder-Policy: require-corp`); there `'auto'` means `navigator.hardwareConcurrency`
   * up to 8, and elsewhere the single-threaded build runs, whatever is asked. `1` is the single-threaded
   * build. Takes effect only before the wasm backend first starts; `wasmThreadsInUse()` reports the count.
   * @defaultValue 'auto'
   */
  readonly threads?: WasmThreads;
  /**
   * `wasm` only: which build of tfjs-gan's own kernels runs. `'auto'`: relaxed SIMD (a fused multiply-add
   * in the matrix-product tile) where the JavaScript engine compiles it (Node 22+, Chromium 114+; Node 20
   * started as `node --experimental-wasm-relaxed-simd`) and its tile measures at least 10% faster here
   * (a 20 ms check, once per process), else SIMD128; in Node the environment variable `TFJS_GAN_WASM_SIMD` may name a build. `'relaxed'` fails
   * where the engine lacks it; `'simd128'` rounds each multiply and add, as tfjs's own kernels do. Takes
   * effect only before the wasm backend first starts; `wasmSimdInUse()` reports the build.
   * @defaultValue 'auto'
   */
  readonly simd?: WasmSimd;
}

/** Why a backend that is registered may still fail to start, per backend. */
const INIT_HINTS: Readonly<Record<BackendName, string>> = {
  cpu: '',
  wasm: ' In a browser, serve the .wasm files of @tensorflow/tfjs-backend-wasm and point setWasmPaths() at them.',
  webgl: ' It needs a browser (or worker) with WebGL; in Node use "tensorflow" or "wasm".',
  webgpu: ' It needs a browser with WebGPU (navigator.gpu); in Node use "tensorflow" or "wasm".',
  tensorflow: ' Check that the native TensorFlow library of @tensorflow/tfjs-node(-gpu) matches this platform (and CUDA for -gpu).',
};

/**
 * Makes `name` the active tfjs backend: imports its package when needed, initialises it, waits until it
 * is ready, and registers tfjs-gan's faster convolution-gradient kernels for it (`wasm`, `cpu`; see
 * `applyKernelPatches`) and the gradients of gradients that penalties need (global, see
 * `registerSecondOrderGradients`). Calling it again with the same name is cheap and harmless.
 *
 * @param name - one of `'cpu' | 'wasm' | 'webgl' | 'webgpu' | 'tensorflow'` (Node, native TensorFlow).
 * @param options - backend options: `threads` for `wasm`.
 * @returns `name`, once the backend is active.
 * @throws {@link ConfigError} when `name` is not a backend name; the message lists the valid ones.
 * @throws {@link BackendError} when the backend's package is missing (naming the npm package to
 *   install) or the backend fails to initialise (with the cause).
 * @example
 * ```ts
 * import { useBackend } from 'tfjs-gan';
 * await useBackend('wasm');                 // every core in Node and in cross-origin isolated pages
 * tf.getBackend(); // 'wasm'
 * await useBackend('wasm', { threads: 1 });  // (in a fresh process) the single-threaded build
 * ```
 */
export async function useBackend(name: BackendName, options: UseBackendOptions = {}): Promise<BackendName> {
  assertBackendName(name, "useBackend: argument 'name'");
  if (options.threads !== undefined) {
    if (name !== 'wasm') throw new ConfigError(`useBackend('${name}'): option 'threads' applies to 'wasm' only, received ${describeValue(options.threads)}.`);
    checkWasmThreads(options.threads, `useBackend('${name}')`);
  }
  if (options.simd !== undefined && name !== 'wasm') {
    throw new ConfigError(`useBackend('${name}'): option 'simd' applies to 'wasm' only, received ${describeValue(options.simd)}.`);
  }
  if (name === 'wasm') {
    requestWasmSimd(options.simd ?? 'auto', `useBackend('${name}')`);
    // An environment variable that names a build this engine lacks fails here, not silently later.
    requestedSimdBuild();
  }
  const packageName = await loadBackendPackage(name);
  const from = packageName != null ? ` (${packageName} is loaded)` : '';
  if (tf.findBackendFactory(name) == null) {
    const copies =
      packageName != null
        ? ` If this platform supports it, check that ${packageName} and @tensorflow/tfjs share one ` +
          `@tensorflow/tfjs-core (\`npm ls @tensorflow/tfjs-core\`).`
        : '';
    throw new BackendError(
      `useBackend('${name}'): tfjs has no '${name}' backend on this platform${from}.${INIT_HINTS[name]}${copies}`,
    );
  }
  if (name === 'wasm') await configureWasmThreads(options.threads ?? 'auto', `useBackend('${name}')`);
  let initialised: boolean;
  try {
    initialised = await tf.setBackend(name);
  } catch (cause) {
    throw new BackendError(
      `useBackend('${name}'): the backend threw while initialising: ${cause instanceof Error ? cause.message : String(cause)}.` +
        INIT_HINTS[name],
      { cause },
    );
  }
  if (!initialised) {
    throw new BackendError(
      `useBackend('${name}'): the backend${from} failed to initialise; tfjs logged the cause as a warning ` +
        `above.${INIT_HINTS[name]} If its package is missing or broken: ${installHint(name)}.`,
    );
  }
  await tf.ready();
  applyKernelPatches(name);
  // tfjs-gan's own convolution kernels split among as many threads as XNNPACK's pool has.
  if (name === 'wasm') await startSimdThreads(tf.backend(), await wasmThreadsInUse());
  await probeGradientDefects();
  registerSecondOrderGradients();
  return name;
}
