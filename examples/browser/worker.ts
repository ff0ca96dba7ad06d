/**
 * The demo's training worker: owns the backend, the data, the networks and the trainer, trains in
 * short `fit` calls so that pause, sampling and saving get their turn, and reports plain numbers and
 * pixels to the page. Training here keeps the page responsive on every backend.
 */
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
// Registers the WebGPU backend where the browser has navigator.gpu.
import '@tensorflow/tfjs-backend-webgpu';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { type Callback, type Dataset, Generator, Trainer, io, measureBackends, useBackend, wasmSimdInUse, wasmThreadsInUse } from 'tfjs-gan';
import { BATCH_SIZE, createTrainer, loadDataset } from './presets.js';
import type { BrowserBackend, Command, DatasetChoice, Report, SampleView } from './protocol.js';

// The wasm binaries come from node_modules through Vite, never from a CDN.
setWasmPaths({ 'tfjs-backend-wasm.wasm': wasmPlain, 'tfjs-backend-wasm-simd.wasm': wasmSimd, 'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded });

/** Milliseconds between two sample views while training. */
const SAMPLE_INTERVAL_MS = 700;
/** Steps of one `fit` call; pausing aborts it after the current step. */
const MAX_STEPS = 1_000_000;

let trainer: Trainer | undefined;
let data: Dataset | undefined;
/** A pretrained generator being sampled (no trainer, no data). */
let pretrained: Generator | undefined;
/** The wasm backend's threads (every core when the page is cross-origin isolated, else 1). */
let threads: number | undefined;
/** wasm only: the build of tfjs-gan's kernels (relaxed SIMD where the browser has it). */
const simdBuild = (): string | undefined => (tf.getBackend() === 'wasm' ? (wasmSimdInUse() ?? undefined) : undefined);
let running = false;
let sampleLabel: number | 'all' = 'all';
let loop: Promise<void> = Promise.resolve();

const recentSteps: number[] = [];

const post = (report: Report, transfer: Transferable[] = []): void => postMessage(report, { transfer });

function disposeAll(): void {
  running = false;
  if (trainer) {
    trainer.generator.dispose();
    trainer.discriminator.dispose();
    trainer.dispose();
  }
  data?.dispose();
  pretrained?.dispose();
  trainer = undefined;
  data = undefined;
  pretrained = undefined;
}

async function setUp(backend: BrowserBackend, choice: DatasetChoice, userFiles?: readonly File[]): Promise<void> {
  disposeAll();
  await useBackend(backend);
  threads = backend === 'wasm' ? await wasmThreadsInUse() : undefined;
  data = await loadDataset(choice, userFiles);
}

function ready(): void {
  if (pretrained) {
    post({ type: 'ready', backend: tf.getBackend(), threads, simd: simdBuild(), dataset: 'pretrained', classNames: pretrained.classNames ?? [], step: 0, mode: 'pretrained' });
    return;
  }
  if (!trainer || !data) return;
  post({ type: 'ready', backend: tf.getBackend(), threads, simd: simdBuild(), dataset: data.name, classNames: trainer.generator.classNames ?? [], step: trainer.step, mode: 'training' });
}

/**
 * The generator's samples as pixels (a row per class for conditional models) or 2-D points: the EMA
 * generator of a run when it has one, or the pretrained generator.
 */
async function sampleView(): Promise<SampleView> {
  const generator = trainer?.samplingGenerator ?? pretrained;
  if (!generator) throw new Error('nothing to sample yet');
  if (generator.outputShape.length === 1) {
    if (!data) throw new Error('nothing to sample yet');
    const fake = generator.sample({ count: 512, seed: 7 });
    const real = data.take(512, 3);
    const view: SampleView = { kind: 'points', fake: (await fake.data()) as Float32Array, real: (await real.images.data()) as Float32Array };
    tf.dispose([fake, real.images, real.labels]);
    return view;
  }
  const conditional = generator.numClasses > 0;
  const images = conditional
    ? sampleLabel === 'all'
      ? generator.sample({ count: 8, labels: 'all', seed: 7 })
      : generator.sample({ count: 64, labels: sampleLabel, seed: 7 })
    : generator.sample({ count: 64, seed: 7 });
  const grid = await io.imageGrid(images as tf.Tensor4D, { columns: 8, padding: 1, background: 40 });
  images.dispose();
  const rgba = new Uint8ClampedArray(grid.width * grid.height * 4);
  for (let p = 0; p < grid.width * grid.height; p++) {
    for (let c = 0; c < 3; c++) rgba[p * 4 + c] = grid.pixels[p * grid.channels + (grid.channels === 1 ? 0 : c)];
    rgba[p * 4 + 3] = grid.channels === 4 ? grid.pixels[p * 4 + 3] : 255;
  }
  // A row per class: each row is labelled with its class's name (or id).
  const rowLabels = conditional && sampleLabel === 'all' ? Array.from({ length: generator.numClasses }, (_, id) => generator.classNames?.[id] ?? String(id)) : undefined;
  return { kind: 'grid', width: grid.width, height: grid.height, rgba, ...(rowLabels ? { rowLabels } : {}) };
}

/** Pixels of an image tensor `[n, h, w, c]` in [-1, 1] as one row of a grid. */
async function rowView(images: tf.Tensor4D): Promise<SampleView> {
  const grid = await io.imageGrid(images, { columns: images.shape[0], padding: 1, background: 40 });
  const rgba = new Uint8ClampedArray(grid.width * grid.height * 4);
  for (let p = 0; p < grid.width * grid.height; p++) {
    for (let c = 0; c < 3; c++) rgba[p * 4 + c] = grid.pixels[p * grid.channels + (grid.channels === 1 ? 0 : c)];
    rgba[p * 4 + 3] = grid.channels === 4 ? grid.pixels[p * 4 + 3] : 255;
  }
  return { kind: 'grid', width: grid.width, height: grid.height, rgba };
}

/** The explorer's walks: 9 steps from latent `from` to latent `to` (slerp), and a class morph. */
async function explore(command: Extract<Command, { type: 'explore' }>): Promise<void> {
  const generator = trainer?.samplingGenerator ?? pretrained;
  if (!generator || generator.outputShape.length !== 3) throw new Error('the explorer needs an image generator: start training or sample a pretrained one');
  const conditional = generator.numClasses > 0;
  const walkImages = generator.interpolate({ from: command.from, to: command.to, steps: 9, ...(conditional ? { labels: command.label ?? 0 } : {}) }) as tf.Tensor4D;
  const walk = await rowView(walkImages);
  walkImages.dispose();
  let morph: SampleView | undefined;
  if (conditional && command.morph) {
    const morphImages = generator.interpolateClasses({ from: command.morph.from, to: command.morph.to, steps: 9, seed: command.from }) as tf.Tensor4D;
    morph = await rowView(morphImages);
    morphImages.dispose();
  }
  post({ type: 'explored', walk, ...(morph ? { morph } : {}) });
}

async function postSample(): Promise<void> {
  if (!trainer && !pretrained) return;
  const view = await sampleView();
  post({ type: 'sample', step: trainer?.step ?? 0, view }, view.kind === 'grid' ? [view.rgba.buffer] : [view.fake.buffer, view.real.buffer]);
}

/** Work that must run between two steps (sampling, saving) while training runs. */
const betweenSteps: (() => Promise<void>)[] = [];
let abort: AbortController | undefined;

/** Runs `work` now when idle, else between the next two steps. */
function whenIdle(work: () => Promise<void>): Promise<void> {
  if (!running) return work();
  return new Promise((resolve, reject) => betweenSteps.push(() => work().then(resolve, reject)));
}

/** Trains until paused (one long `fit`, aborted by pause), reporting every step and a sample now and then. */
async function trainLoop(): Promise<void> {
  if (!trainer || !data) return;
  let lastSample = performance.now();
  const report: Callback = {
    onStepEnd: async (logs) => {
      const now = performance.now();
      recentSteps.push(now);
      while (recentSteps.length > 0 && now - recentSteps[0] > 3000) recentSteps.shift();
      const seconds = recentSteps.length > 1 ? (recentSteps[recentSteps.length - 1] - recentSteps[0]) / 1000 : 0;
      const stepsPerSecond = seconds > 0 ? (recentSteps.length - 1) / seconds : 0;
      post({ type: 'step', step: logs.step, dLoss: logs.dLoss, gLoss: logs.gLoss, stepsPerSecond, numTensors: tf.memory().numTensors });
      if (now - lastSample > SAMPLE_INTERVAL_MS) {
        await postSample();
        lastSample = performance.now();
      }
      while (betweenSteps.length > 0) await (betweenSteps.shift() as () => Promise<void>)();
    },
  };
  abort = new AbortController();
  try {
    await trainer.fit(data, { steps: MAX_STEPS, batchSize: Math.min(BATCH_SIZE[choiceOf(data)], data.size), signal: abort.signal, callbacks: [report] });
  } finally {
    running = false;
    while (betweenSteps.length > 0) await (betweenSteps.shift() as () => Promise<void>)();
  }
  await postSample();
}

function choiceOf(dataset: Dataset): keyof typeof BATCH_SIZE {
  if (dataset.name === 'mnist') return 'mnist';
  if (dataset.name.startsWith('toy2d')) return 'ring';
  return 'files';
}

function setRunning(value: boolean): void {
  if (value === running) return;
  running = value;
  recentSteps.length = 0;
  post({ type: 'state', running });
  if (running) loop = trainLoop().catch(fail);
}

function fail(error: unknown): void {
  running = false;
  post({ type: 'state', running: false });
  post({ type: 'error', message: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
}

/** Stops training after the current step and waits until the trainer is idle. */
async function stop(): Promise<void> {
  abort?.abort();
  await loop;
  running = false;
}

async function handle(command: Command): Promise<void> {
  switch (command.type) {
    case 'start':
      await stop();
      await setUp(command.backend, command.dataset, command.files);
      trainer = createTrainer(data as Dataset);
      ready();
      await postSample();
      setRunning(true);
      return;
    case 'pretrained':
      await stop();
      disposeAll();
      await useBackend(command.backend);
      threads = command.backend === 'wasm' ? await wasmThreadsInUse() : undefined;
      sampleLabel = 'all';
      pretrained = await Generator.pretrained(command.name);
      ready();
      await postSample();
      post({ type: 'state', running: false });
      return;
    case 'measure': {
      const results = await measureBackends({ backends: command.backends, maxWarmupMs: 15_000 });
      post({
        type: 'measured',
        results: results.map((r) => ({ backend: r.backend as BrowserBackend, msPerStep: Number.isFinite(r.msPerStep) ? r.msPerStep : null, ...(r.error ? { error: r.error } : {}) })),
      });
      return;
    }
    case 'pause':
      await stop();
      post({ type: 'state', running: false });
      return;
    case 'resume':
      setRunning(true);
      return;
    case 'sample':
      sampleLabel = command.label;
      return whenIdle(postSample);
    case 'explore':
      return whenIdle(() => explore(command));
    case 'save':
      return whenIdle(async () => {
        if (!trainer) throw new Error('nothing to save: start training first');
        await trainer.save(command.url, { metadata: { demo: true } });
        post({ type: 'saved', url: command.url, step: trainer.step });
      });
    case 'export':
      return whenIdle(async () => {
        if (!trainer) throw new Error('nothing to download: start training first');
        const store = io.memoryStore();
        await trainer.save(store, { metadata: { demo: true } });
        post({ type: 'exported', files: store.files() });
      });
    case 'load': {
      await stop();
      await setUp(command.backend, command.dataset, command.userFiles);
      trainer = await Trainer.load(command.files ? io.memoryStore(command.files) : (command.url as string));
      ready();
      await postSample();
      post({ type: 'state', running: false });
      return;
    }
  }
}

let queue: Promise<void> = Promise.resolve();
onmessage = (event: MessageEvent<Command>) => {
  // One command at a time, in order.
  queue = queue.then(() => handle(event.data)).catch(fail);
};
