/**
 * The multi-threaded build of tfjs's wasm backend, in Node and in cross-origin isolated browser pages.
 *
 * tfjs ships a threaded wasm binary (XNNPACK over a pthread pool) but never uses it in Node: its flag
 * `WASM_HAS_MULTITHREAD_SUPPORT` is hard-wired to false there, and the pthread worker it would start is a
 * `blob:` URL, which Node's `worker_threads` refuse. Where threads do start (a cross-origin isolated
 * page), the backend caps them at half the logical cores, which is one thread on a two-core machine.
 *
 * This module starts the same threaded binary in Node the supported way: the pthread worker script is
 * written once to a file in the OS temporary directory, the main script is given to the workers as a file
 * path, and the core count the binary reads while it starts is reported as twice the wanted threads (the
 * binary halves it). In a browser, tfjs's own factory starts it with the same trick on
 * `navigator.hardwareConcurrency` (see `wasm-threads-browser.ts`). Everything else (kernels, memory,
 * `BackendWasm`) is tfjs's own; no tensor leaves the wasm heap.
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs';

import { BackendError, ConfigError } from '../errors.js';
import { importNodeModule } from '../util/node-module.js';
import { invalidValue } from '../util/validate.js';
import { importPackage } from './backend-packages.js';
import { type BackendFactory, browserCores, isCrossOriginIsolated, startSingleThreaded, startThreaded } from './wasm-threads-browser.js';

/** The most threads the threaded build can use: its pool pre-creates 8 workers and XNNPACK caps at 8. */
export const MAX_WASM_THREADS = 8;

/** The environment variable that sets the default number of wasm threads (`'auto'` or an integer). */
export const WASM_THREADS_ENV = 'TFJS_GAN_WASM_THREADS';

/** How many threads the wasm backend should use: a positive integer, or `'auto'` (every core, up to 8). */
export type WasmThreads = number | 'auto';

/** The subset of `@tensorflow/tfjs-backend-wasm` that starting the threaded build needs. */
interface WasmPackage {
  BackendWasm: new (module: unknown) => tf.KernelBackend;
  setThreadsCount(count: number): void;
}

/** The Emscripten module of the threaded build, as far as it is used here. */
interface EmscriptenModule {
  cwrap(name: string, returnType: string | null, argTypes: string[]): (...args: number[]) => unknown;
  tfjs?: Record<string, (...args: number[]) => unknown>;
  PThread?: { unusedWorkers?: PthreadWorker[]; runningWorkers?: PthreadWorker[] };
}

type ModuleFactory = (config: Record<string, unknown>) => Promise<EmscriptenModule>;

/** What this module registered, so that a second call can tell whether anything must change. */
let registered: { threads: number } | undefined;

function isNode(): boolean {
  return typeof process === 'object' && typeof process.versions?.node === 'string';
}

/** Checks a `threads` option: `'auto'` or an integer in [1, {@link MAX_WASM_THREADS}]. */
export function checkWasmThreads(value: unknown, owner: string): WasmThreads {
  if (value === 'auto') return value;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= MAX_WASM_THREADS) return value;
  throw invalidValue(owner, 'threads', `'auto' or an integer from 1 to ${MAX_WASM_THREADS}`, value);
}

/**
 * The threads that `'auto'` means here. In Node: the environment variable if set, else every core (up
 * to 8). In a browser: every core that `navigator.hardwareConcurrency` reports (up to 8) in a
 * cross-origin isolated page or worker, else 1.
 */
async function autoThreads(): Promise<number> {
  if (!isNode()) return isCrossOriginIsolated() ? Math.min(MAX_WASM_THREADS, browserCores()) : 1;
  const fromEnv = typeof process === 'object' ? process.env?.[WASM_THREADS_ENV] : undefined;
  if (fromEnv !== undefined && fromEnv !== '' && fromEnv !== 'auto') {
    return checkWasmThreads(Number(fromEnv), `environment variable ${WASM_THREADS_ENV}`) as number;
  }
  const os = await importNodeModule('os');
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  return Math.max(1, Math.min(MAX_WASM_THREADS, cores));
}

/** A started wasm backend, as far as reading its thread count goes. */
interface RunningWasm {
  wasm?: { tfjs?: { getThreadsCount?: () => number } };
}

/** The threads of a started wasm backend: XNNPACK's pool size (1 for the single-threaded build). */
function threadsOf(backend: tf.KernelBackend): number {
  const count = (backend as RunningWasm).wasm?.tfjs?.getThreadsCount?.();
  return typeof count === 'number' && count > 1 ? count : 1;
}

/**
 * The number of threads the wasm backend runs with (1 for the single-threaded build), read from the
 * running backend, in Node and in browsers alike.
 *
 * @throws {@link BackendError} when the wasm backend has not started.
 * @example
 * ```ts
 * await useBackend('wasm', { threads: 2 });
 * await wasmThreadsInUse(); // 2 (in a browser: 2 only in a cross-origin isolated page, else 1)
 * ```
 */
export async function wasmThreadsInUse(): Promise<number> {
  const backend = tf.engine().registry.wasm;
  if (backend == null) throw new BackendError(`wasmThreadsInUse: the wasm backend has not started; call useBackend('wasm') first.`);
  return threadsOf(backend);
}

async function wasmPackage(): Promise<WasmPackage> {
  return (await importPackage('@tensorflow/tfjs-backend-wasm')) as WasmPackage;
}

/**
 * Makes the `wasm` backend start with `threads` threads, by registering a backend factory that starts
 * tfjs's threaded build: in Node, from files (see {@link threadedFactory}); in a cross-origin isolated
 * browser page or worker, through tfjs's own factory with the core count it reads corrected. Must run
 * after `@tensorflow/tfjs-backend-wasm` is imported and before the wasm backend is first initialised.
 * With one thread, a page that is not cross-origin isolated, or no `SharedArrayBuffer`, the
 * single-threaded build runs. When the threaded build fails to start, the single-threaded one takes over
 * with a console warning.
 *
 * @returns the number of threads the backend will start with.
 * @throws {@link ConfigError} when the wasm backend already runs with another number of threads.
 */
export async function configureWasmThreads(requested: WasmThreads, owner: string): Promise<number> {
  const node = isNode();
  // A page that is not cross-origin isolated cannot run threads: it stays single-threaded, silently.
  const threads = requested === 'auto' ? await autoThreads() : node || isCrossOriginIsolated() ? requested : 1;
  const running = tf.engine().registry.wasm;
  if (running != null) {
    const current = threadsOf(running);
    if (requested !== 'auto' && current !== threads) {
      throw new ConfigError(
        `${owner}: the wasm backend is already running with ${current} thread(s); 'threads: ${threads}' must be chosen before it starts ` +
          `(call useBackend('wasm', { threads }) before anything starts the wasm backend; the count holds for the whole process or page).`,
      );
    }
    return current;
  }
  if (typeof SharedArrayBuffer === 'undefined' || (!node && !isCrossOriginIsolated())) return 1;
  // In Node the shipped factory is single-threaded; in an isolated page it is threaded with tfjs's count.
  if (registered !== undefined ? registered.threads === threads : node && threads === 1) return threads;
  if (shippedFactory === undefined) {
    const factory = tf.findBackendFactory('wasm');
    if (factory == null) throw new BackendError(`${owner}: the wasm backend is not registered; import @tensorflow/tfjs-backend-wasm first.`);
    shippedFactory = factory;
  }
  const shipped = shippedFactory;
  const single: BackendFactory = node ? shipped : () => startSingleThreaded(shipped);
  if (threads === 1) {
    tf.removeBackend('wasm');
    tf.registerBackend('wasm', single, WASM_PRIORITY);
    registered = node ? undefined : { threads: 1 };
    return 1;
  }
  let start: () => Promise<tf.KernelBackend>;
  if (node) {
    try {
      start = await threadedFactory(threads, owner);
    } catch (cause) {
      // No threaded build here (a read-only temporary directory, a trimmed package): stay single-threaded.
      console.warn(`${owner}: cannot prepare the multi-threaded wasm build (${cause instanceof Error ? cause.message : String(cause)}); using the single-threaded build.`);
      return registered?.threads ?? 1;
    }
  } else {
    start = () => startThreaded(shipped, threads);
  }
  tf.removeBackend('wasm');
  tf.registerBackend(
    'wasm',
    async () => {
      try {
        return await start();
      } catch (cause) {
        // The single-threaded build is the fallback: training still works, only slower.
        console.warn(
          `${owner}: the multi-threaded wasm build failed to start (${cause instanceof Error ? cause.message : String(cause)}); ` +
            'using the single-threaded build.',
        );
        registered = undefined;
        return single();
      }
    },
    WASM_PRIORITY,
  );
  registered = { threads };
  return threads;
}

/** The priority tfjs registers its wasm backend with. */
const WASM_PRIORITY = 2;

/** The shipped factory (tfjs's own), kept when it is first replaced. */
let shippedFactory: BackendFactory | undefined;

/** A pthread worker of the threaded build: a Node `worker_threads` Worker. */
interface PthreadWorker {
  ref?: () => void;
  unref?: () => void;
}

/**
 * Lets the process exit while the pool's threads live. Emscripten refs a worker when it starts a pthread
 * on it, so that Node waits for the thread to finish; XNNPACK's pool threads never finish, so a script
 * that trained on the threaded build would never exit. The pool's workers are created while the module
 * starts, before any pthread runs on them: their `ref` becomes a no-op and each is unref'd. The main
 * thread still waits for the pool synchronously inside every kernel, so no work is cut short.
 */
function releaseWorkers(module: EmscriptenModule): void {
  const pthreads = module.PThread;
  if (pthreads === undefined) return;
  for (const worker of [...(pthreads.unusedWorkers ?? []), ...(pthreads.runningWorkers ?? [])]) {
    worker.ref = () => {};
    worker.unref?.();
  }
}

/** Prepares the files the threaded build needs and returns a function that starts it. */
async function threadedFactory(threads: number, owner: string): Promise<() => Promise<tf.KernelBackend>> {
  const { createRequire } = await importNodeModule('module');
  const require = createRequire(import.meta.url);
  // The CommonJS module objects: the emscripten factory below reads the same `os` object, whose `cpus` the
  // start-up patches (an ES module namespace could not be patched).
  const path = require('node:path') as typeof import('node:path');
  const fs = require('node:fs') as typeof import('node:fs');
  const os = require('node:os') as typeof import('node:os');
  let root: string;
  try {
    root = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
  } catch (cause) {
    throw new BackendError(`${owner}: cannot find @tensorflow/tfjs-backend-wasm (\`npm install @tensorflow/tfjs-backend-wasm\`).`, { cause });
  }
  const mainScript = path.join(root, 'wasm-out', 'tfjs-backend-wasm-threaded-simd.js');
  const binary = path.join(root, 'dist', 'tfjs-backend-wasm-threaded-simd.wasm');
  for (const file of [mainScript, binary]) {
    if (!fs.existsSync(file)) throw new BackendError(`${owner}: @tensorflow/tfjs-backend-wasm lacks its threaded build (${file} is missing).`);
  }
  const factory = require(mainScript) as ModuleFactory;
  const { wasmWorkerContents } = require(path.join(root, 'wasm-out', 'tfjs-backend-wasm-threaded-simd.worker.js')) as {
    wasmWorkerContents: string;
  };
  // tfjs turns the string into a blob after escaping its newlines (they stand inside string literals).
  const workerSource = wasmWorkerContents.replace(/\n/g, '\\n');
  const version = (require(path.join(root, 'package.json')) as { version: string }).version;
  const dir = path.join(os.tmpdir(), `tfjs-gan-wasm-${version}`);
  const workerPath = path.join(dir, 'pthread-worker.cjs');
  if (!fs.existsSync(workerPath) || fs.readFileSync(workerPath, 'utf8') !== workerSource) {
    fs.mkdirSync(dir, { recursive: true });
    // Written under a unique name and renamed, so that processes starting together never read half a file.
    const partial = `${workerPath}.${process.pid}.${Date.now()}.tmp`;
    fs.writeFileSync(partial, workerSource);
    fs.renameSync(partial, workerPath);
  }
  const wasm = await wasmPackage();
  return async () => {
    // The binary sizes its pool as min(threads asked, logical cores / 2), reading the cores once while it
    // starts; report twice the wanted threads for that moment only.
    const cpus = os.cpus;
    os.cpus = () => {
      const real = cpus();
      return Array.from({ length: 2 * threads }, (_, i) => real[i % real.length]);
    };
    let module: EmscriptenModule;
    try {
      module = await factory({
        locateFile: (file: string) =>
          file.endsWith('.worker.js') ? workerPath : file.endsWith('.wasm') ? binary : path.join(root, 'wasm-out', file),
        mainScriptUrlOrBlob: mainScript,
      });
    } finally {
      os.cpus = cpus;
    }
    releaseWorkers(module);
    module.tfjs = {
      init: module.cwrap('init', null, []),
      initWithThreadsCount: module.cwrap('init_with_threads_count', null, ['number']),
      getThreadsCount: module.cwrap('get_threads_count', 'number', []),
      registerTensor: module.cwrap('register_tensor', null, ['number', 'number', 'number']),
      disposeData: module.cwrap('dispose_data', null, ['number']),
      dispose: module.cwrap('dispose', null, []),
    };
    wasm.setThreadsCount(threads);
    return new wasm.BackendWasm(module);
  };
}
