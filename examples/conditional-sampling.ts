/**
 * Class-conditional GANs: trains a conditional DCGAN on MNIST (the digits embedded in the package) and
 * on Fashion-MNIST (Debian's `dataset-fashion-mnist` files), then asks each for specific classes:
 *
 * - `classes.png`: one row per class (ten samples each, the same ten latents in every row);
 * - `interpolation.png`: a latent walk (slerp) within one class, then two class walks that blend one
 *   class into another for a fixed latent;
 * - `summary.json`: training time, and the accuracy of a classifier trained on the real images when it
 *   labels the generated ones (chance: 10%).
 *
 * Run it with `npm run example:conditional`. It takes about 10 minutes on two CPU cores (wasm).
 * Environment knobs: STEPS (default 1000 per dataset), WIDTH (32), LR (5e-4), CONDITIONING (cbn+acgan;
 * e.g. concat+projection), DATASETS (mnist,fashion-mnist), FASHION_DIR, BACKEND (wasm),
 * OUT (runs/conditional).
 */
import * as tf from '@tensorflow/tfjs';
import { Discriminator, Generator, Trainer, callbacks, datasets, io, useBackend } from 'tfjs-gan';
import type { BackendName, ClassLabel, Dataset, DiscriminatorConditioning, GeneratorConditioning } from 'tfjs-gan';
import { mkdir, writeFile } from 'node:fs/promises';

const steps = Number(process.env.STEPS ?? 1000);
const width = Number(process.env.WIDTH ?? 32);
const learningRate = Number(process.env.LR ?? 5e-4);
const [generatorConditioning, discriminatorConditioning] = (process.env.CONDITIONING ?? 'cbn+acgan').split('+') as [
  GeneratorConditioning,
  DiscriminatorConditioning,
];
const names = (process.env.DATASETS ?? 'mnist,fashion-mnist').split(',');
const out = process.env.OUT ?? 'runs/conditional';

// 1. A backend: WebAssembly runs everywhere and is the fastest CPU backend without native TensorFlow.
const backend = await useBackend((process.env.BACKEND ?? 'wasm') as BackendName);
console.log(`backend: ${backend}; ${steps} steps per dataset, width ${width}, learning rate ${learningRate}, conditioning ${generatorConditioning}+${discriminatorConditioning}`);

/** The data of one run: training images with labels and class names, and held-out real images. */
async function load(name: string): Promise<{ train: Dataset; heldOut: Dataset; walks: [ClassLabel, ClassLabel][] }> {
  if (name === 'mnist') {
    // 10,000 real digits; the classifier that judges the samples is tested on the last 2,000.
    const train = await datasets.mnist();
    return { train, heldOut: train, walks: [[3, 8], [1, 7]] };
  }
  const dir = process.env.FASHION_DIR;
  const train = await datasets.fashionMnist({ split: 'train', count: 20000, dir });
  const heldOut = await datasets.fashionMnist({ split: 'test', count: 2000, dir });
  return { train, heldOut, walks: [['sneaker', 'ankle-boot'], ['t-shirt', 'dress']] };
}

/** A small MLP classifier of the real images: the judge of whether a sample shows the requested class. */
async function trainClassifier(images: tf.Tensor, labels: tf.Tensor1D): Promise<tf.LayersModel> {
  const classifier = tf.sequential({
    layers: [
      tf.layers.flatten({ inputShape: [28, 28, 1] }),
      tf.layers.dense({ units: 256, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
      tf.layers.dense({ units: 10, kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
    ],
  });
  classifier.compile({ optimizer: tf.train.adam(1e-3), loss: (y: tf.Tensor, logits: tf.Tensor) => tf.losses.softmaxCrossEntropy(y, logits) });
  const targets = tf.oneHot(labels, 10);
  await classifier.fit(images, targets, { epochs: 5, batchSize: 128, verbose: 0 });
  targets.dispose();
  return classifier;
}

/** The fraction of `images` that the classifier labels as `labels`. */
function accuracy(classifier: tf.LayersModel, images: tf.Tensor, labels: tf.Tensor1D): number {
  return tf.tidy(() => tf.mean(tf.cast(tf.equal(tf.argMax(classifier.predict(images) as tf.Tensor, -1), labels), 'float32')).dataSync()[0]);
}

const summary: Record<string, unknown> = { backend, steps, width, learningRate, conditioning: `${generatorConditioning}+${discriminatorConditioning}` };
for (const name of names) {
  const dir = `${out}/${name}`;
  await mkdir(dir, { recursive: true });

  // 2. Data: 28x28 grayscale in [-1, 1], int32 labels, and the class names ('0'..'9', 't-shirt'...).
  const { train, heldOut, walks } = await load(name);
  console.log(`\n${name}: ${train.size} images, classes ${train.classNames?.join(', ')}`);

  // 3. Networks: a conditional DCGAN pair. The generator knows the class names, so samples can be
  //    asked for by name ('sneaker'); the ACGAN discriminator predicts the class of what it sees.
  const generator = Generator.dcgan({
    imageShape: [28, 28, 1],
    latentDim: 64,
    width,
    numClasses: train.numClasses,
    conditioning: generatorConditioning,
    classNames: train.classNames,
    seed: 1,
  });
  const discriminator = Discriminator.dcgan({
    imageShape: [28, 28, 1],
    width,
    numClasses: train.numClasses,
    conditioning: discriminatorConditioning,
    seed: 2,
  });

  // 4. Training: the non-saturating loss, Adam(5e-4, 0.5): a higher rate than the DCGAN paper's 2e-4
  //    gets clear classes within 1,000 steps. With 'acgan' the classification loss is added to both
  //    players' losses (weight 1).
  const trainer = new Trainer({
    generator,
    discriminator,
    generatorLearningRate: learningRate,
    discriminatorLearningRate: learningRate,
    auxiliaryClassifierWeight: 1,
    seed: 42,
  });
  const started = performance.now();
  await trainer.fit(train, {
    steps,
    batchSize: 64,
    callbacks: [callbacks.progress(), callbacks.sampleGrid({ every: 250, dir: `${dir}/samples` })],
  });
  const trainSeconds = (performance.now() - started) / 1000;

  // 5. Sampling by class: one row per class, ten columns.
  const grid = generator.sample({ count: 10, labels: 'all', seed: 1 }) as tf.Tensor4D;
  await io.saveImageGrid(grid, `${dir}/classes.png`, { columns: 10 });
  grid.dispose();

  // 6. Interpolation strip: a latent walk within one class, then two class walks for one latent.
  const [first, second] = walks;
  const strip = tf.tidy(() =>
    tf.concat([
      generator.interpolate({ from: 1, to: 2, steps: 10, method: 'slerp', labels: first[0] }),
      generator.interpolateClasses({ from: first[0], to: first[1], steps: 10, seed: 3 }),
      generator.interpolateClasses({ from: second[0], to: second[1], steps: 10, seed: 4 }),
    ]),
  ) as tf.Tensor4D;
  await io.saveImageGrid(strip, `${dir}/interpolation.png`, { columns: 10 });
  strip.dispose();

  // 7. Judge: does a classifier of the real images see the requested classes? 100 samples per class.
  const heldOutCount = name === 'mnist' ? 2000 : heldOut.size;
  const trainCount = name === 'mnist' ? train.size - heldOutCount : train.size;
  const judgeImages = train.images.slice([0], [trainCount]);
  const judgeLabels = train.labels!.slice([0], [trainCount]);
  const classifier = await trainClassifier(judgeImages, judgeLabels);
  const realImages = heldOut.images.slice([heldOut.size - heldOutCount], [heldOutCount]);
  const realLabels = heldOut.labels!.slice([heldOut.size - heldOutCount], [heldOutCount]);
  const realAccuracy = accuracy(classifier, realImages, realLabels);
  const samples = generator.sample({ count: 100, labels: 'all', seed: 5 });
  const requested = tf.tensor1d(Int32Array.from({ length: 100 * train.numClasses }, (_, i) => Math.floor(i / 100)), 'int32');
  const sampleAccuracy = accuracy(classifier, samples, requested);
  tf.dispose([judgeImages, judgeLabels, realImages, realLabels, samples, requested]);
  classifier.dispose();

  console.log(
    `${name}: trained ${steps} steps in ${trainSeconds.toFixed(0)} s; classifier accuracy on generated samples ${(100 * sampleAccuracy).toFixed(1)}% (on real held-out images ${(100 * realAccuracy).toFixed(1)}%, chance 10%)`,
  );
  console.log(`wrote ${dir}/classes.png (a row per class) and ${dir}/interpolation.png`);
  summary[name] = { trainSeconds, sampleAccuracy, realAccuracy };
  await trainer.save(`file://${dir}`);

  generator.dispose();
  discriminator.dispose();
  trainer.dispose();
  if (heldOut !== train) heldOut.dispose();
  train.dispose();
}
await writeFile(`${out}/summary.json`, `${JSON.stringify(summary, null, 2)}\n`);
console.log(`\nwrote ${out}/summary.json`);
