/**
 * The kernel threads' worker: {@link workerMain}, typed TypeScript, and {@link kernelWorkerScript}, the
 * script a worker runs. The script is built from `workerMain`'s own source text
 * (`Function.prototype.toString()`), with the control block's layout passed in as an argument, so the
 * function must stay self-contained: it reads nothing from module scope, calls no helper (not even one a
 * compiler or bundler could inject) and declares no named inner function. A bundler or minifier may
 * rename it and its locals; its text still runs, since the script calls it by position, not by name.
 *
 * @packageDocumentation
 */

/** Where the main thread and the workers meet in the shared control block (int32 slots and a byte offset). */
export interface ControlLayout {
  /** Incremented by the main thread to post a kernel. */
  readonly sequence: number;
  /** Incremented by each worker when its part is done. */
  readonly done: number;
  /** The kernel's index in the name list. */
  readonly name: number;
  /** How many float64 arguments the kernel takes. */
  readonly argCount: number;
  /** How many parts the kernel is split into. */
  readonly parts: number;
  /** Set by a worker whose part threw. */
  readonly failed: number;
  /** Byte offset of the float64 arguments. */
  readonly argsOffset: number;
  /** The most arguments a kernel takes. */
  readonly maxArgs: number;
  /** Checks of the sequence counter a worker spins through before it sleeps. */
  readonly workerSpins: number;
}

/** The control block's layout. */
export const CONTROL_LAYOUT: ControlLayout = Object.freeze({
  sequence: 0,
  done: 1,
  name: 2,
  argCount: 3,
  parts: 4,
  failed: 5,
  argsOffset: 64,
  maxArgs: 32,
  workerSpins: 20_000,
});

/** What the main thread posts to a worker to start it. */
export interface WorkerStart {
  /** The kernels' module, compiled for shared memory. */
  readonly module: WebAssembly.Module;
  /** The backend's shared heap. */
  readonly memory: WebAssembly.Memory;
  /** The control block ({@link ControlLayout}). */
  readonly control: SharedArrayBuffer;
  /** The exports a kernel may name, by index. */
  readonly names: readonly string[];
  /** This worker's part (1 to parts - 1; the main thread runs part 0). */
  readonly part: number;
}

/**
 * The worker's body: instantiates the kernels on the shared heap, says `'ready'`, then forever waits for
 * the main thread to post a kernel, runs its part and counts itself done. A worker spins briefly before
 * it sleeps, so that the kernels of one training step, posted one after another, find it awake.
 *
 * Self-contained (see the module's comment): it runs in the worker from its source text.
 *
 * @param data - what the main thread posted.
 * @param reply - posts a message back to the main thread.
 * @param layout - the control block's layout, {@link CONTROL_LAYOUT}.
 */
export function workerMain(data: WorkerStart, reply: (message: string) => void, layout: ControlLayout): void {
  const { sequence: SEQUENCE, done: DONE, name: NAME, argCount: ARG_COUNT, parts: PARTS, failed: FAILED, workerSpins: SPINS } = layout;
  const kernels = new WebAssembly.Instance(data.module, { env: { memory: data.memory } }).exports as Record<string, (...args: number[]) => unknown>;
  const control = new Int32Array(data.control);
  const args = new Float64Array(data.control, layout.argsOffset, layout.maxArgs);
  // Read before 'ready': the main thread may post the first kernel as soon as it hears it.
  let seen = Atomics.load(control, SEQUENCE);
  reply('ready');
  for (;;) {
    for (let spin = 0; spin < SPINS && Atomics.load(control, SEQUENCE) === seen; spin++);
    Atomics.wait(control, SEQUENCE, seen);
    const sequence = Atomics.load(control, SEQUENCE);
    if (sequence === seen) continue;
    seen = sequence;
    const list = Array.from(args.subarray(0, control[ARG_COUNT]));
    try {
      kernels[data.names[control[NAME]]](...list, data.part, control[PARTS]);
    } catch {
      Atomics.store(control, FAILED, 1);
    }
    Atomics.add(control, DONE, 1);
    Atomics.notify(control, DONE);
  }
}

/**
 * The worker's script, plain JavaScript for Node's `worker_threads` (eval) and for browsers' Web Workers:
 * {@link workerMain}'s source and a few lines that hand it the first message.
 */
export function kernelWorkerScript(): string {
  return `const main = (${workerMain.toString()});
const layout = ${JSON.stringify(CONTROL_LAYOUT)};
if (typeof self === 'undefined') {
  const { parentPort } = require('node:worker_threads');
  parentPort.once('message', (data) => main(data, (message) => parentPort.postMessage(message), layout));
} else {
  self.onmessage = (event) => main(event.data, (message) => self.postMessage(message), layout);
}
`;
}
