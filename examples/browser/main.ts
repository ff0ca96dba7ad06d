/**
 * The demo page: controls, live sample grid and loss curves. All training happens in ./worker.ts, so
 * the page keeps drawing (see the "page frames" counter) whatever the backend does.
 */
import { io } from 'tfjs-gan';
import { LossChart } from './loss-chart.js';
import type { BrowserBackend, Command, DatasetChoice, Measurement, PretrainedChoice, Report, SampleView } from './protocol.js';

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const backendSelect = $<HTMLSelectElement>('backend');
const datasetSelect = $<HTMLSelectElement>('dataset');
const userFiles = $<HTMLInputElement>('user-files');
const classSelect = $<HTMLSelectElement>('class');
const samples = $<HTMLCanvasElement>('samples');
const status = $<HTMLParagraphElement>('status');
const buttons = {
  start: $<HTMLButtonElement>('start'),
  pause: $<HTMLButtonElement>('pause'),
  resume: $<HTMLButtonElement>('resume'),
  save: $<HTMLButtonElement>('save'),
  restore: $<HTMLButtonElement>('restore'),
  download: $<HTMLButtonElement>('download'),
  pretrained: $<HTMLButtonElement>('sample-pretrained'),
  saveGrid: $<HTMLButtonElement>('save-grid'),
};
const targetSteps = $<HTMLInputElement>('target-steps');
const chart = new LossChart($<HTMLDivElement>('losses'));

const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
const send = (command: Command): void => worker.postMessage(command);

function setStatus(text: string, state: string): void {
  status.textContent = text;
  status.dataset.state = state;
}

function checkpointUrl(): string {
  return `indexeddb://${$<HTMLInputElement>('checkpoint-name').value.trim() || 'demo'}`;
}

function userImages(): File[] | undefined {
  return datasetSelect.value === 'files' ? Array.from(userFiles.files ?? []) : undefined;
}

datasetSelect.addEventListener('change', () => {
  $('files-row').hidden = datasetSelect.value !== 'files';
});
buttons.start.addEventListener('click', () => {
  chart.clear();
  setStatus('Loading the data and building the networks…', 'loading');
  send({ type: 'start', backend: backendSelect.value as BrowserBackend, dataset: datasetSelect.value as DatasetChoice, files: userImages() });
});
buttons.pretrained.addEventListener('click', () => {
  chart.clear();
  setStatus('Loading the pretrained generator…', 'loading');
  send({ type: 'pretrained', backend: backendSelect.value as BrowserBackend, name: $<HTMLSelectElement>('pretrained').value as PretrainedChoice });
});
buttons.pause.addEventListener('click', () => send({ type: 'pause' }));
buttons.resume.addEventListener('click', () => send({ type: 'resume' }));
classSelect.addEventListener('change', () => send({ type: 'sample', label: classSelect.value === 'all' ? 'all' : Number(classSelect.value) }));
buttons.save.addEventListener('click', () => send({ type: 'save', url: checkpointUrl() }));
buttons.download.addEventListener('click', () => send({ type: 'export' }));
buttons.restore.addEventListener('click', () => {
  chart.clear();
  setStatus(`Restoring ${checkpointUrl()}…`, 'loading');
  send({ type: 'load', url: checkpointUrl(), backend: backendSelect.value as BrowserBackend, dataset: datasetSelect.value as DatasetChoice, userFiles: userImages() });
});
$<HTMLInputElement>('checkpoint-files').addEventListener('change', async (event) => {
  const input = event.target as HTMLInputElement;
  if (!input.files || input.files.length === 0) return;
  chart.clear();
  const files = await io.filesFromBlobs(input.files);
  send({ type: 'load', files, backend: backendSelect.value as BrowserBackend, dataset: datasetSelect.value as DatasetChoice, userFiles: userImages() });
  input.value = '';
});

/** Draws one grid view into a canvas, scaled to `width` pixels wide. */
function drawRow(canvas: HTMLCanvasElement, view: SampleView, width: number): void {
  if (view.kind !== 'grid') return;
  const scale = width / view.width;
  canvas.width = Math.round(view.width * scale);
  canvas.height = Math.round(view.height * scale);
  const bitmap = new OffscreenCanvas(view.width, view.height);
  (bitmap.getContext('2d') as OffscreenCanvasRenderingContext2D).putImageData(new ImageData(new Uint8ClampedArray(view.rgba), view.width, view.height), 0, 0);
  const context = canvas.getContext('2d') as CanvasRenderingContext2D;
  context.imageSmoothingEnabled = false;
  context.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
}

/** The explorer: a latent walk between two seeds (for the picked class), and a walk between two classes. */
function explore(): void {
  const from = Number($<HTMLInputElement>('explore-from').value);
  const to = Number($<HTMLInputElement>('explore-to').value);
  const conditional = classSelect.options.length > 1;
  const label = classSelect.value === 'all' ? 0 : Number(classSelect.value);
  const morph = conditional ? { from: Number($<HTMLSelectElement>('morph-from').value), to: Number($<HTMLSelectElement>('morph-to').value) } : undefined;
  send({ type: 'explore', from, to, ...(conditional ? { label } : {}), ...(morph ? { morph } : {}) });
}
$('explore').addEventListener('click', explore);
$('explore-random').addEventListener('click', () => {
  $<HTMLInputElement>('explore-from').value = String(Math.floor(Math.random() * 10_000));
  $<HTMLInputElement>('explore-to').value = String(Math.floor(Math.random() * 10_000));
  explore();
});

function drawSample(view: SampleView): void {
  const context = samples.getContext('2d') as CanvasRenderingContext2D;
  if (view.kind === 'grid') {
    const image = new ImageData(new Uint8ClampedArray(view.rgba), view.width, view.height);
    const scale = 360 / Math.max(view.width, view.height);
    // Rows that are classes get their class's name on the left.
    const labels = view.rowLabels ?? [];
    const margin = labels.length > 0 ? 12 + 7 * Math.max(...labels.map((label) => label.length)) : 0;
    samples.width = margin + Math.round(view.width * scale);
    samples.height = Math.round(view.height * scale);
    const bitmapCanvas = new OffscreenCanvas(view.width, view.height);
    (bitmapCanvas.getContext('2d') as OffscreenCanvasRenderingContext2D).putImageData(image, 0, 0);
    context.fillStyle = '#0d0f12';
    context.fillRect(0, 0, samples.width, samples.height);
    context.imageSmoothingEnabled = false;
    context.drawImage(bitmapCanvas, margin, 0, samples.width - margin, samples.height);
    context.fillStyle = '#c9d1d9';
    context.font = '12px system-ui';
    context.textBaseline = 'middle';
    labels.forEach((label, row) => context.fillText(label, 4, ((row + 0.5) * samples.height) / labels.length));
    samples.dataset.rowLabels = labels.join(',');
    buttons.saveGrid.disabled = false;
    return;
  }
  buttons.saveGrid.disabled = false;
  samples.width = 360;
  samples.height = 360;
  context.clearRect(0, 0, 360, 360);
  const extent = Math.max(1.5, ...Array.from(view.real, Math.abs)) * 1.1;
  const plot = (points: Float32Array, colour: string): void => {
    context.fillStyle = colour;
    for (let i = 0; i < points.length; i += 2) {
      context.fillRect(180 + (points[i] / extent) * 175 - 1.5, 180 - (points[i + 1] / extent) * 175 - 1.5, 3, 3);
    }
  };
  plot(view.real, 'rgba(120, 160, 255, 0.35)');
  plot(view.fake, 'rgba(126, 231, 135, 0.9)');
}

let running = false;

function setRunning(isRunning: boolean, ready: boolean): void {
  running = isRunning;
  buttons.pause.disabled = !running;
  buttons.resume.disabled = running || !ready;
  buttons.save.disabled = !ready;
  buttons.download.disabled = !ready;
  // Nothing that would replace the run while it trains: pause first.
  buttons.start.disabled = running;
  buttons.pretrained.disabled = running;
  backendSelect.disabled = running;
  datasetSelect.disabled = running;
  void refreshRestore();
}

/** Restore is enabled only when the browser holds a checkpoint of that name, and no run is training. */
async function refreshRestore(): Promise<void> {
  const name = $<HTMLInputElement>('checkpoint-name').value.trim() || 'demo';
  let saved = false;
  try {
    saved = (await io.listIndexedDbCheckpoints()).includes(name);
  } catch {
    saved = false; // no IndexedDB (a private window): nothing to restore
  }
  buttons.restore.disabled = running || !saved;
  buttons.restore.title = saved ? '' : `no checkpoint named '${name}' in this browser yet: save one first`;
}
$<HTMLInputElement>('checkpoint-name').addEventListener('input', () => void refreshRestore());
void refreshRestore();

/** The seconds left to the target step, as "1 min 20 s". */
function eta(step: number, stepsPerSecond: number): string {
  const target = Number(targetSteps.value);
  if (!(target > step) || !(stepsPerSecond > 0)) return '–';
  const seconds = Math.round((target - step) / stepsPerSecond);
  return seconds >= 60 ? `${Math.floor(seconds / 60)} min ${seconds % 60} s` : `${seconds} s`;
}

buttons.saveGrid.addEventListener('click', () => {
  samples.toBlob((blob) => {
    if (blob === null) return;
    const link = document.createElement('a');
    link.href = URL.createObjectURL(blob);
    link.download = `tfjs-gan-samples-step-${samples.dataset.step ?? 0}.png`;
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
  }, 'image/png');
});

/** Measured step times, cached per browser and GPU so that the page measures once. */
const MEASURED_KEY = 'tfjs-gan-demo-measured-v1';
/** Set when the user picks a backend: a measurement that arrives later does not override it. */
let backendChosen = false;
backendSelect.addEventListener('change', () => {
  backendChosen = true;
});

/**
 * A first guess from what the browser says: webgpu or webgl on a real GPU, wasm where they would run
 * in software (SwiftShader, llvmpipe). Returns the GPU's description, which keys the measurement cache.
 */
async function guessBackend(): Promise<string> {
  const gpu = (navigator as unknown as { gpu?: { requestAdapter(): Promise<{ info?: { architecture?: string; vendor?: string }; isFallbackAdapter?: boolean } | null> } }).gpu;
  let adapterInfo = 'no WebGPU';
  try {
    const adapter = await gpu?.requestAdapter();
    if (adapter) adapterInfo = `${adapter.info?.vendor ?? ''} ${adapter.info?.architecture ?? ''}${adapter.isFallbackAdapter === true ? ' (fallback)' : ''}`;
    const soft = adapter?.isFallbackAdapter === true || /swiftshader|llvmpipe/i.test(adapterInfo);
    if (adapter && !soft) backendSelect.value = 'webgpu';
  } catch {
    // no WebGPU
  }
  const gl = document.createElement('canvas').getContext('webgl2');
  const info = gl?.getExtension('WEBGL_debug_renderer_info');
  const renderer = gl && info ? String(gl.getParameter(info.UNMASKED_RENDERER_WEBGL)) : 'no WebGL';
  if (backendSelect.value !== 'webgpu') backendSelect.value = gl && !/swiftshader|llvmpipe|software/i.test(renderer) ? 'webgl' : 'wasm';
  return `${adapterInfo} | ${renderer}`;
}

/** Shows the measured step times and makes the fastest backend the default, unless the user chose one. */
function applyMeasurements(results: readonly Measurement[]): void {
  const fastest = results.find((r) => r.msPerStep !== null);
  if (fastest && !backendChosen && !backendSelect.disabled) backendSelect.value = fastest.backend;
  const text = results.map((r) => (r.msPerStep === null ? `${r.backend}: failed` : `${r.backend}: ${r.msPerStep.toFixed(0)} ms`)).join(', ');
  $('stat-measured').textContent = text;
  backendSelect.title = `One training step, measured here: ${text}${results.some((r) => r.error) ? `\n${results.filter((r) => r.error).map((r) => `${r.backend}: ${r.error}`).join('\n')}` : ''}`;
  backendSelect.dataset.measured = fastest?.backend ?? 'none';
}

/**
 * The default backend is the fastest one measured on this device (`measureBackends` in the worker: one
 * small training step on each), cached in localStorage per browser and GPU; until the figures arrive,
 * the guess from what the browser reports.
 */
async function pickDefaultBackend(): Promise<void> {
  const device = `${navigator.userAgent} | ${await guessBackend()}`;
  try {
    const cached = JSON.parse(localStorage.getItem(MEASURED_KEY) ?? 'null') as { device: string; results: Measurement[] } | null;
    if (cached?.device === device && Array.isArray(cached.results)) {
      applyMeasurements(cached.results);
      return;
    }
  } catch {
    // no or unreadable cache: measure
  }
  measuredDevice = device;
  $('stat-measured').textContent = 'measuring…';
  send({ type: 'measure', backends: ['webgpu', 'webgl', 'wasm'] });
}
/** The device being measured, for the cache. */
let measuredDevice: string | undefined;
void pickDefaultBackend();

let ready = false;
worker.onmessage = (event: MessageEvent<Report>) => {
  const report = event.data;
  switch (report.type) {
    case 'ready': {
      ready = report.mode === 'training';
      $('stat-backend').textContent = report.backend;
      $('stat-step').textContent = String(report.step);
      $('class-row').hidden = report.classNames.length === 0;
      classSelect.replaceChildren(new Option('all (a row per class)', 'all'), ...report.classNames.map((name, id) => new Option(name, String(id))));
      // The explorer (shown with the first image grid): class walks for conditional generators.
      $('explorer').hidden = true;
      $('explore-views').hidden = true;
      $('morph-row').hidden = report.classNames.length === 0;
      for (const [id, pick] of [['morph-from', 0], ['morph-to', 1]] as const) {
        $<HTMLSelectElement>(id).replaceChildren(...report.classNames.map((name, k) => new Option(name, String(k))));
        $<HTMLSelectElement>(id).value = String(Math.min(pick, report.classNames.length - 1));
      }
      const threads = report.threads === undefined ? '' : ` (${report.threads} thread${report.threads === 1 ? '' : 's'}${report.simd === 'relaxed' ? ', relaxed SIMD' : ''})`;
      $('stat-backend').dataset.simd = report.simd ?? '';
      if (report.mode === 'pretrained') {
        setStatus(`Sampling the pretrained ${$<HTMLSelectElement>('pretrained').value} generator with ${report.backend}${threads}: pick a class, or start training.`, 'pretrained');
        return;
      }
      setStatus(`Training on ${report.dataset} with ${report.backend}${threads}.`, 'ready');
      return;
    }
    case 'step':
      $('stat-step').textContent = String(report.step);
      $('stat-speed').textContent = report.stepsPerSecond > 0 ? report.stepsPerSecond.toFixed(1) : '…';
      $('stat-eta').textContent = eta(report.step, report.stepsPerSecond);
      if (running && ready && report.step >= Number(targetSteps.value)) {
        send({ type: 'pause' });
        setStatus(`Reached the target of ${targetSteps.value} steps: raise it and resume, or save.`, 'paused');
      }
      $('stat-tensors').textContent = String(report.numTensors);
      chart.add(report.step, report.dLoss, report.gLoss);
      return;
    case 'sample':
      drawSample(report.view);
      $('explorer').hidden = report.view.kind !== 'grid';
      samples.dataset.step = String(report.step);
      $('samples-caption').textContent = `samples at step ${report.step}`;
      chart.draw();
      return;
    case 'measured':
      applyMeasurements(report.results);
      if (measuredDevice !== undefined) localStorage.setItem(MEASURED_KEY, JSON.stringify({ device: measuredDevice, results: report.results }));
      return;
    case 'state':
      setRunning(report.running, ready);
      if (ready) setStatus(report.running ? status.textContent?.replace(/^Paused\. /, '') ?? '' : `Paused. ${status.textContent?.replace(/^Paused\. /, '')}`, report.running ? 'running' : 'paused');
      return;
    case 'explored': {
      $('explore-views').hidden = false;
      const walk = $<HTMLCanvasElement>('explore-walk');
      drawRow(walk, report.walk, 360);
      walk.dataset.seeds = `${$<HTMLInputElement>('explore-from').value}-${$<HTMLInputElement>('explore-to').value}`;
      const morph = $<HTMLCanvasElement>('explore-morph');
      morph.hidden = report.morph === undefined;
      $('explore-morph-caption').hidden = report.morph === undefined;
      if (report.morph) drawRow(morph, report.morph, 360);
      return;
    }
    case 'saved':
      setStatus(`Saved step ${report.step} to ${report.url}.`, 'saved');
      void refreshRestore();
      return;
    case 'exported':
      void download(report.files);
      return;
    case 'error':
      setStatus(report.message, 'error');
      return;
  }
};

/**
 * Downloads the files a Node `file://` checkpoint holds: gan.json and its weights. The page uses only
 * the store (no tfjs: the worker checked and wrote the files).
 */
async function download(files: io.CheckpointFiles): Promise<void> {
  const { [io.MANIFEST_NAME]: manifest, ...weights } = files;
  const store = await io.openCheckpointStore('downloads://demo');
  await store.commit(weights, io.MANIFEST_NAME, manifest, []);
  setStatus('Downloaded gan.json and its weights file.', 'saved');
}

// A frame counter: it keeps climbing while training runs, showing that the page never freezes.
let frames = 0;
const tick = (): void => {
  frames += 1;
  if (frames % 10 === 0) $('stat-frames').textContent = String(frames);
  requestAnimationFrame(tick);
};
requestAnimationFrame(tick);
