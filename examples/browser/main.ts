/**
 * The demo page: controls, live sample grid and loss curves. All training happens in ./worker.ts, so
 * the page keeps drawing (see the "page frames" counter) whatever the backend does.
 */
import { io } from 'tfjs-gan';
import { LossChart } from './loss-chart.js';
import type { BrowserBackend, Command, DatasetChoice, PretrainedChoice, Report, SampleView } from './protocol.js';

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
};
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

function drawSample(view: SampleView): void {
  const context = samples.getContext('2d') as CanvasRenderingContext2D;
  if (view.kind === 'grid') {
    const image = new ImageData(new Uint8ClampedArray(view.rgba), view.width, view.height);
    const scale = 360 / Math.max(view.width, view.height);
    samples.width = Math.round(view.width * scale);
    samples.height = Math.round(view.height * scale);
    const bitmapCanvas = new OffscreenCanvas(view.width, view.height);
    (bitmapCanvas.getContext('2d') as OffscreenCanvasRenderingContext2D).putImageData(image, 0, 0);
    context.imageSmoothingEnabled = false;
    context.drawImage(bitmapCanvas, 0, 0, samples.width, samples.height);
    return;
  }
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

function setRunning(running: boolean, ready: boolean): void {
  buttons.pause.disabled = !running;
  buttons.resume.disabled = running || !ready;
  buttons.save.disabled = !ready;
  buttons.download.disabled = !ready;
  backendSelect.disabled = running;
  datasetSelect.disabled = running;
}

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
      const threads = report.threads === undefined ? '' : ` (${report.threads} thread${report.threads === 1 ? '' : 's'})`;
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
      $('stat-tensors').textContent = String(report.numTensors);
      chart.add(report.step, report.dLoss, report.gLoss);
      return;
    case 'sample':
      drawSample(report.view);
      samples.dataset.step = String(report.step);
      $('samples-caption').textContent = `samples at step ${report.step}`;
      chart.draw();
      return;
    case 'state':
      setRunning(report.running, ready);
      if (ready) setStatus(report.running ? status.textContent?.replace(/^Paused\. /, '') ?? '' : `Paused. ${status.textContent?.replace(/^Paused\. /, '')}`, report.running ? 'running' : 'paused');
      return;
    case 'saved':
      setStatus(`Saved step ${report.step} to ${report.url}.`, 'saved');
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
