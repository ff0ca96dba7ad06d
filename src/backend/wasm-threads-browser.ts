/**
 * The multi-threaded build of tfjs's wasm backend in a browser page or worker.
 *
 * tfjs picks its threaded binary itself where `SharedArrayBuffer` can be posted, that is in a
 * cross-origin isolated page (`Cross-Origin-Opener-Policy: same-origin` and
 * `Cross-Origin-Embedder-Policy: require-corp`), and starts its pthread worker from a `blob:` URL,
 * which browsers accept. What it gets wrong is the count: the binary reads `navigator.hardwareConcurrency`
 * once while it starts and runs on half of it, one thread on a two-core machine. Here tfjs's own factory
 * starts the module, with `navigator.hardwareConcurrency` reported as twice the wanted threads for that
 * moment only; the single-threaded build is chosen through tfjs's flag `WASM_HAS_MULTITHREAD_SUPPORT`.
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs';

/** A backend factory as tfjs registers it. */
export type BackendFactory = () => tf.KernelBackend | Promise<tf.KernelBackend>;

/** The tfjs flag that makes its wasm factory choose the threaded (true) or single-threaded build. */
const MULTITHREAD_FLAG = 'WASM_HAS_MULTITHREAD_SUPPORT';

/** Whether this page or worker may run wasm threads: cross-origin isolated, with `SharedArrayBuffer`. */
export function isCrossOriginIsolated(): boolean {
  return (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true && typeof SharedArrayBuffer === 'function';
}

/** The logical cores the browser reports (`navigator.hardwareConcurrency`), at least 1. */
export function browserCores(): number {
  const cores = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency;
  return typeof cores === 'number' && cores >= 1 ? Math.floor(cores) : 1;
}

/**
 * Makes `navigator.hardwareConcurrency` read `cores` until the returned function is called, which
 * restores it. Where the navigator cannot be patched, nothing changes (the count stays tfjs's).
 */
function reportCores(cores: number): () => void {
  const navigator = (globalThis as { navigator?: object }).navigator;
  if (navigator === undefined) return () => {};
  const own = Object.getOwnPropertyDescriptor(navigator, 'hardwareConcurrency');
  try {
    Object.defineProperty(navigator, 'hardwareConcurrency', { configurable: true, enumerable: true, get: () => cores });
  } catch {
    return () => {};
  }
  return () => {
    if (own !== undefined) Object.defineProperty(navigator, 'hardwareConcurrency', own);
    else delete (navigator as { hardwareConcurrency?: number }).hardwareConcurrency;
  };
}

/** Starts tfjs's single-threaded wasm build through its own factory. */
export async function startSingleThreaded(shipped: BackendFactory): Promise<tf.KernelBackend> {
  tf.env().set(MULTITHREAD_FLAG, false);
  return shipped();
}

/**
 * Starts tfjs's threaded wasm build through its own factory, with `threads` threads. The binary sizes its
 * pool as half the cores it reads while it starts (capped at 8), so the cores are reported as
 * `2 * threads` for the time of the start.
 *
 * @throws whatever the start throws (the caller falls back to the single-threaded build).
 */
export async function startThreaded(shipped: BackendFactory, threads: number): Promise<tf.KernelBackend> {
  tf.env().set(MULTITHREAD_FLAG, true);
  const restore = reportCores(2 * threads);
  try {
    return await shipped();
  } finally {
    restore();
  }
}
