/**
 * Trains a class-conditional DCGAN on the 10,000 real MNIST digits embedded in the package and writes a
 * grid of generated digits, one row per digit. Run it with `npm start` (or `npx tsx examples/mnist-dcgan.ts`).
 * It takes about 5 minutes on two CPU cores with the wasm backend.
 *
 * Environment knobs: STEPS (default 1000), BACKEND (default: the fastest available), OUT (runs/mnist).
 */
import * as tf from '@tensorflow/tfjs';
import { Discriminator, Generator, Trainer, callbacks, datasets, io, losses, useBackend, useDefaultBackend } from 'tfjs-gan';
import type { BackendName } from 'tfjs-gan';

const steps = Number(process.env.STEPS ?? 1000);
const out = process.env.OUT ?? 'runs/mnist';

// 1. A backend: the native one when @tensorflow/tfjs-node is installed, else WebAssembly.
const backend = process.env.BACKEND ? await useBackend(process.env.BACKEND as BackendName) : await useDefaultBackend();
console.log(`backend: ${backend}`);

// 2. Data: real digits, NHWC in [-1, 1], with labels 0-9.
const data = await datasets.mnist();
console.log(`data: ${data.size} digits of shape [${data.sampleShape}], classes ${data.classNames?.join(' ')}`);

// 3. Networks: the DCGAN pair for 28x28x1 images, conditioned on the digit. The generator's batch norm
//    is class-conditional ('cbn'); the discriminator also predicts the digit it sees ('acgan').
const generator = Generator.dcgan({ imageShape: [28, 28, 1], latentDim: 64, numClasses: 10, conditioning: 'cbn', seed: 1 });
const discriminator = Discriminator.dcgan({ imageShape: [28, 28, 1], numClasses: 10, conditioning: 'acgan', seed: 2 });

// 4. Training: non-saturating loss, Adam(5e-4, 0.5), seeded.
const trainer = new Trainer({
  generator,
  discriminator,
  loss: losses.nonSaturating(),
  generatorOptimizer: tf.train.adam(5e-4, 0.5, 0.999),
  discriminatorOptimizer: tf.train.adam(5e-4, 0.5, 0.999),
  seed: 42,
});
const history = await trainer.fit(data, {
  steps,
  batchSize: 64,
  callbacks: [
    callbacks.progress(),
    callbacks.sampleGrid({ every: 250, dir: `${out}/samples` }),
    callbacks.metricsLog({ path: `${out}/metrics.jsonl` }),
  ],
});
const seconds = history.logs.reduce((sum, log) => sum + log.seconds, 0);
console.log(`trained ${history.logs.length} steps at ${(history.logs.length / seconds).toFixed(2)} steps/s`);

// 5. Sampling: 8 samples of every digit (a row per digit), written as a PNG grid; then the whole
//    training state as a checkpoint (resume with Trainer.load or `tfjs-gan train --resume`).
const images = generator.sample({ count: 8, labels: 'all', seed: 1 }) as tf.Tensor4D;
await io.saveImageGrid(images, `${out}/digits.png`, { columns: 8 });
images.dispose();
await trainer.save(`file://${out}`);
console.log(`wrote ${out}/digits.png and the checkpoint ${out}/gan.json`);
