/**
 * Threads of tfjs-gan's own for its SIMD128 kernels (kernels.c) on tfjs's threaded wasm build. XNNPACK's
 * thread pool lives inside tfjs's module and runs only XNNPACK's operators; tfjs-gan's kernels get
 * workers of their own: each instantiates kernels.c on the backend's shared heap, waits on an atomic
 * counter, and runs its share (`part` of `parts`) of a kernel when the main thread posts one (the
 * worker's body is `workerMain` in `kernel-worker.ts`). A kernel
 * call is synchronous, like every wasm kernel: the main thread runs part 0 and waits for the others.
 *
 * In Node the workers are `worker_threads` (unref'd, so that a script still exits); in a browser, Web
 * Workers from a blob (only cross-origin isolated pages have a shared heap, so only they start any).
 *
 * @packageDocumentation
 */
import { BackendError } from '../../errors.js';
import { importNodeModule } from '../../util/node-module.js';
import { CONTROL_LAYOUT, type WorkerStart, kernelWorkerScript } from './kernel-worker.js';

/** Threads that run the module's kernels together on one heap. */
export interface KernelThreads {
  /**
   * Threads a kernel is split among, the calling one included; 1 after a worker failed to finish a kernel
   * in time (the workers are then stopped, and every kernel runs whole on the calling thread).
   */
  readonly parts: number;
  /** Kernels run so far. */
  readonly runs: number;
  /**
   * Runs export `name` with `args` then `(part, parts)` on every thread, the calling one as part 0, and
   * returns when all have finished.
   *
   * @throws {@link BackendError} when the kernel fails on a worker (a wasm trap) or a worker does not finish
   *   within the time limit (then the workers are stopped and {@link KernelThreads.parts} becomes 1).
   */
  run(name: string, args: readonly number[]): void;
}

/** Int32 slots of the control block shared with the workers, and where its float64 arguments start. */
const { sequence: SEQUENCE, done: DONE, name: NAME, argCount: ARG_COUNT, parts: PARTS, failed: FAILED, argsOffset: ARGS_OFFSET, maxArgs: MAX_ARGS } =
  CONTROL_LAYOUT;

/** How long the main thread waits for a worker before it gives up, in milliseconds (the default). */
export const WORKER_TIMEOUT_MS = 120_000;

/** Options of {@link startKernelThreads}. */
export interface KernelThreadOptions {
  /**
   * How long the calling thread waits for the workers to finish a kernel after its own part, in
   * milliseconds, before it stops them and throws.
   *
   * @defaultValue {@link WORKER_TIMEOUT_MS}
   */
  readonly timeoutMs?: number;
}

/** Checks of the done counter the main thread spins through before it sleeps. */
const MAIN_SPINS = 100_000;

/** A started worker: how to wait for its first message, and how to let the process exit without it. */
interface StartedWorker {
  ready: Promise<void>;
  release(): void;
  stop(): void;
}

function isNode(): boolean {
  return typeof process === 'object' && typeof process.versions?.node === 'string';
}

/** Starts one worker in Node and posts it its part. */
async function startNodeWorker(message: WorkerStart): Promise<StartedWorker> {
  const { Worker } = await importNodeModule('worker_threads');
  const worker = new Worker(kernelWorkerScript(), { eval: true });
  const ready = new Promise<void>((resolve, reject) => {
    worker.once('message', () => resolve());
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`worker exited with code ${code}`)));
  });
  worker.postMessage(message);
  return { ready, release: () => worker.unref(), stop: () => void worker.terminate() };
}

/** Starts one Web Worker (from a blob) and posts it its part. */
function startBrowserWorker(message: WorkerStart): StartedWorker {
  const url = URL.createObjectURL(new Blob([kernelWorkerScript()], { type: 'text/javascript' }));
  const worker = new Worker(url);
  URL.revokeObjectURL(url);
  const ready = new Promise<void>((resolve, reject) => {
    worker.onmessage = () => resolve();
    worker.onerror = (event) => reject(new Error(event.message || 'worker error'));
  });
  worker.postMessage(message);
  return { ready, release: () => {}, stop: () => worker.terminate() };
}

/** Whether this thread may block in `Atomics.wait` (not a browser's main thread). */
function canBlock(): boolean {
  if (isNode()) return true;
  return typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope !== 'undefined';
}

/**
 * Starts `parts - 1` workers that run the kernels of `module` (compiled for shared memory) on `memory`
 * with the calling thread, whose own instance is `local`.
 *
 * @param names - the exports that {@link KernelThreads.run} may call.
 * @throws Error when a worker fails to start (the caller then runs its kernels on one thread).
 */
export async function startKernelThreads(
  memory: WebAssembly.Memory,
  module: WebAssembly.Module,
  local: Record<string, (...args: number[]) => unknown>,
  names: readonly string[],
  parts: number,
  options: KernelThreadOptions = {},
): Promise<KernelThreads> {
  const timeoutMs = options.timeoutMs ?? WORKER_TIMEOUT_MS;
  const control = new SharedArrayBuffer(ARGS_OFFSET + 8 * MAX_ARGS);
  const flags = new Int32Array(control);
  const args = new Float64Array(control, ARGS_OFFSET, MAX_ARGS);
  const workers: StartedWorker[] = [];
  try {
    for (let part = 1; part < parts; part++) {
      const message: WorkerStart = { module, memory, control, names: [...names], part };
      workers.push(isNode() ? await startNodeWorker(message) : startBrowserWorker(message));
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('the workers did not start within 30 s')), 30_000);
    });
    try {
      await Promise.race([Promise.all(workers.map((w) => w.ready)), timeout]);
    } finally {
      clearTimeout(timer);
    }
  } catch (error) {
    workers.forEach((w) => w.stop());
    throw error;
  }
  workers.forEach((w) => w.release());
  const blocking = canBlock();
  let runs = 0;
  // Set when a worker did not finish in time: the workers are stopped and kernels run on this thread.
  let stopped = false;
  return {
    get parts() {
      return stopped ? 1 : parts;
    },
    get runs() {
      return runs;
    },
    run(name, list) {
      if (stopped) {
        throw new BackendError(`tfjs-gan kernel threads: stopped after a worker did not finish a kernel in time; ${name} must run on one thread (parts 1).`);
      }
      runs++;
      const index = names.indexOf(name);
      if (index < 0 || list.length > MAX_ARGS) throw new BackendError(`tfjs-gan kernel threads: cannot run ${JSON.stringify(name)} with ${list.length} arguments.`);
      args.set(list);
      flags[NAME] = index;
      flags[ARG_COUNT] = list.length;
      flags[PARTS] = parts;
      Atomics.store(flags, FAILED, 0);
      Atomics.store(flags, DONE, 0);
      Atomics.add(flags, SEQUENCE, 1);
      Atomics.notify(flags, SEQUENCE);
      let failure: unknown;
      try {
        local[name](...list, 0, parts);
      } catch (error) {
        failure = error; // still wait for the workers: they must not run on into the next kernel
      }
      // The parts take about as long: spin first, then sleep (where this thread may) and watch the clock.
      let spins = 0;
      let started = 0;
      for (let done = Atomics.load(flags, DONE); done < parts - 1; done = Atomics.load(flags, DONE)) {
        if (++spins < MAIN_SPINS || spins % 1024 !== 0) continue;
        if (blocking) Atomics.wait(flags, DONE, done, 20);
        started ||= Date.now();
        if (Date.now() - started > timeoutMs) {
          stopped = true;
          workers.forEach((w) => w.stop());
          throw new BackendError(
            `tfjs-gan kernel threads: a worker did not finish ${name} within ${timeoutMs / 1000} s; ` +
              `the workers are stopped and tfjs-gan's wasm kernels run on one thread from now on.`,
          );
        }
      }
      if (failure !== undefined) throw failure;
      if (Atomics.load(flags, FAILED) !== 0) throw new BackendError(`tfjs-gan kernel threads: ${name} failed on a worker thread.`);
    },
  };
}
