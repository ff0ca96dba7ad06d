/**
 * Trains the style-based generator (StyleGAN2 ideas, grown progressively from 8x8) on a real colour
 * image set that installs from Debian: the 587 distinct icons of the Oxygen icon theme
 * (`apt-get install oxygen-icon-theme`), at 32x32 on the wasm backend within a time budget. Writes a
 * grid of samples, a style-mixing figure, and the KID and FID of the samples against the icons.
 * Run it with `npm run example:style` (or `npx tsx examples/style-64.ts`).
 *
 * Environment knobs: BUDGET (training seconds, default 900), SIZE (32), BACKEND (default wasm),
 * OUT (runs/style), BATCH (16), FADE and STABLE (steps per fade-in and per stable phase, 75 and 75).
 *
 * For 64x64 and beyond use a GPU backend, where a step costs milliseconds instead of a second:
 * `BACKEND=tensorflow` with @tensorflow/tfjs-node-gpu (CUDA), or `webgpu` in the browser, and
 * `SIZE=64 BATCH=32 FADE=2000 STABLE=2000 BUDGET=7200` with `channels: 64, maxChannels: 256` below
 * (for 128x128 and up: `styleDim: 256`, `mappingLayers: 8`, `maxChannels: 512`, `SIZE=128`). The icons
 * are 64x64, so 64 is their native size; for larger sizes give `datasets.imageFolder` a folder of larger
 * images with `{ size: [128, 128], crop: 'center' }`.
 */
import * as tf from '@tensorflow/tfjs';
import { writeFile } from 'node:fs/promises';
import {
  Discriminator, Generator, Trainer, callbacks, datasets, io, losses, metrics, penalties, progressiveSchedule, useBackend,
} from 'tfjs-gan';
import type { BackendName } from 'tfjs-gan';

const budgetSeconds = Number(process.env.BUDGET ?? 900);
const size = Number(process.env.SIZE ?? 32);
const batchSize = Number(process.env.BATCH ?? 16);
const fadeSteps = Number(process.env.FADE ?? 75);
const stableSteps = Number(process.env.STABLE ?? 75);
const out = process.env.OUT ?? 'runs/style';

// 1. A backend: WebAssembly by default (runs anywhere Node runs).
const backend = await useBackend((process.env.BACKEND ?? 'wasm') as BackendName);
console.log(`backend: ${backend}`);

// 2. Data: the Oxygen icons, 64x64 RGBA composited over white and resized to SIZE x SIZE, in [-1, 1].
const data = await datasets.oxygenIcons({ size });
console.log(`data: ${data.size} icons of shape [${data.sampleShape}] in ${data.numClasses} categories`);

// 3. Networks: a style-based generator with skip outputs and a residual discriminator with minibatch
//    standard deviation, both with fade-in layers so that training can grow them from 8x8.
const generator = Generator.style({
  imageShape: [size, size, 3], latentDim: 64, styleDim: 64, mappingLayers: 2, channels: 16, maxChannels: 64,
  progressive: true, seed: 1,
});
const discriminator = Discriminator.resnet({
  imageShape: [size, size, 3], channels: 16, maxChannels: 64, minibatchStdDev: true, progressive: true, seed: 2,
});

// 4. Training: non-saturating loss, lazy R1 (every 4th step), Adam(2e-3, 0, 0.99), a moving average of
//    the generator, progressive growing 8 → 16 → 32, stopped by the time budget. (DiffAugment would help
//    on 587 images: add `augment: ['color', 'translation', 'cutout']`, as recipes.emoji64() does; the
//    figures in docs/architectures.md were measured without it.)
const trainer = new Trainer({
  generator,
  discriminator,
  loss: losses.nonSaturating(),
  penalties: [penalties.r1({ gamma: 0.5, every: 4 })],
  generatorOptimizer: tf.train.adam(2e-3, 0, 0.99),
  discriminatorOptimizer: tf.train.adam(2e-3, 0, 0.99),
  ema: { decay: 0.995 },
  progressive: progressiveSchedule({ startResolution: 8, fadeSteps, stableSteps }),
  seed: 7,
});
const stop = new AbortController();
const timer = setTimeout(() => stop.abort(), budgetSeconds * 1000);
const started = Date.now();
const history = await trainer.fit(data, {
  steps: 1_000_000,
  batchSize,
  signal: stop.signal,
  callbacks: [
    callbacks.progress(),
    callbacks.sampleGrid({ every: 100, dir: `${out}/samples`, count: 36, columns: 6, seed: 3 }),
    callbacks.metricsLog({ path: `${out}/metrics.jsonl` }),
  ],
});
clearTimeout(timer);
const trainSeconds = (Date.now() - started) / 1000;
console.log(`trained ${history.logs.length} steps in ${trainSeconds.toFixed(0)} s (${(history.logs.length / trainSeconds).toFixed(2)} steps/s)`);

// 5. Samples from the averaged generator: a 6x6 grid, untruncated and with truncation ψ = 0.7 in W.
const sampler = trainer.samplingGenerator;
for (const [name, truncation] of [['samples', undefined], ['samples-psi0.7', 0.7]] as const) {
  const images = sampler.sample({ count: 36, seed: 1, ...(truncation !== undefined ? { truncation } : {}) }) as tf.Tensor4D;
  await io.saveImageGrid(images, `${out}/${name}.png`, { columns: 6 });
  images.dispose();
}

// 6. Style mixing: row r takes its coarse styles (4x4 and 8x8) from latent r, column c its finer
//    styles from latent c; the first row and column show the two sources.
const rows = 5;
const columns = 5;
const crossover = 4;
const cells = tf.tidy(() => {
  const blank = tf.ones([1, size, size, 3]);
  const source = (seed: number) => sampler.sample({ count: 1, seed });
  const grid: tf.Tensor[] = [blank, ...Array.from({ length: columns }, (_, c) => source(200 + c))];
  for (let r = 0; r < rows; r++) {
    grid.push(source(100 + r));
    for (let c = 0; c < columns; c++) grid.push(sampler.mixStyles({ coarse: 100 + r, fine: 200 + c, count: 1, crossover }));
  }
  return tf.concat(grid, 0) as tf.Tensor4D;
});
await io.saveImageGrid(cells, `${out}/style-mixing.png`, { columns: columns + 1 });
cells.dispose();

// 7. Quality: KID and FID in the features of a small classifier trained here on the icon categories
//    (no shipped extractor fits colour images); against the icons themselves, with the same numbers
//    for an untrained generator and for real icons flipped left-right (a near-perfect "generator").
const extractor = await iconFeatures(data);
const real = data.images;
const count = data.size;
const kid = async (fake: tf.Tensor | Generator) => {
  const common = { real, count, features: extractor, cache: false as const, seed: 11 };
  const options = fake instanceof Generator ? { ...common, generator: fake } : { ...common, fake };
  const { mean, std } = await metrics.kid(options);
  return { kid: mean, kidStd: std, fid: await metrics.fid(options) };
};
const flipped = tf.tidy(() => tf.reverse(real, 2));
const untrained = Generator.style({ imageShape: [size, size, 3], channels: 16, maxChannels: 64, mappingLayers: 2, seed: 1 });
const scores = {
  trained: await kid(sampler),
  untrained: await kid(untrained),
  flippedReal: await kid(flipped),
};
flipped.dispose();
untrained.dispose();
console.log(JSON.stringify({ steps: history.logs.length, trainSeconds: Math.round(trainSeconds), backend, size, scores }, null, 1));
await writeFile(`${out}/scores.json`, JSON.stringify({ steps: history.logs.length, trainSeconds, backend, size, scores }, null, 1));

/** A small CNN trained for a few epochs to tell the icon categories apart; its penultimate layer are the features. */
async function iconFeatures(dataset: datasets.Dataset): Promise<metrics.FeatureExtractor> {
  const net = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: dataset.sampleShape as number[], filters: 32, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', kernelInitializer: tf.initializers.heNormal({ seed: 1 }) }),
      tf.layers.conv2d({ filters: 64, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', kernelInitializer: tf.initializers.heNormal({ seed: 2 }) }),
      tf.layers.conv2d({ filters: 128, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', kernelInitializer: tf.initializers.heNormal({ seed: 3 }) }),
      tf.layers.globalAveragePooling2d({ name: 'features' }),
      tf.layers.dense({ units: dataset.numClasses, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 4 }), name: 'probabilities' }),
    ],
  });
  net.compile({ optimizer: tf.train.adam(1e-3), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  const labels = tf.cast(dataset.labels!, 'float32');
  const fit = await net.fit(dataset.images, labels, { epochs: 30, batchSize: 32, shuffle: true, verbose: 0 });
  labels.dispose();
  console.log(`icon classifier: training accuracy ${(fit.history.acc?.at(-1) as number).toFixed(3)}`);
  return metrics.features.fromModel(net, 'features', { id: `oxygen-icons-${size}-classifier` });
}
