/**
 * The "done when" check of class-conditional generation: a conditional DCGAN trained briefly on real
 * MNIST digits draws samples of class k that a classifier, trained here on the same digits, labels k.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../src/backend/index.js';
import type { Dataset } from '../../src/data/dataset.js';
import { mnist } from '../../src/data/mnist.js';
import { Discriminator, Generator } from '../../src/nets/index.js';
import { Trainer } from '../../src/train/trainer.js';

const SAMPLES_PER_CLASS = 50;

/** A small MLP classifier trained on the real digits (about 88% accuracy on held-out digits). */
async function trainClassifier(data: Dataset): Promise<tf.LayersModel> {
  const classifier = tf.sequential({
    layers: [
      tf.layers.flatten({ inputShape: [28, 28, 1] }),
      tf.layers.dense({ units: 128, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
      tf.layers.dense({ units: 10, kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
    ],
  });
  classifier.compile({ optimizer: tf.train.adam(1e-3), loss: (y: tf.Tensor, logits: tf.Tensor) => tf.losses.softmaxCrossEntropy(y, logits) });
  const targets = tf.oneHot(data.labels!, 10);
  await classifier.fit(data.images, targets, { epochs: 5, batchSize: 64, shuffle: false, verbose: 0 });
  targets.dispose();
  return classifier;
}

/** Fraction of `images` whose predicted class equals `labels`, overall and per class. */
function accuracy(classifier: tf.LayersModel, images: tf.Tensor, labels: Int32Array): { overall: number; perClass: number[] } {
  const predicted = tf.tidy(() => tf.argMax(classifier.predict(images) as tf.Tensor, -1).dataSync());
  const hits = Array<number>(10).fill(0);
  const totals = Array<number>(10).fill(0);
  labels.forEach((label, i) => {
    totals[label] += 1;
    if (predicted[i] === label) hits[label] += 1;
  });
  return { overall: hits.reduce((a, b) => a + b, 0) / labels.length, perClass: hits.map((h, k) => h / totals[k]) };
}

describe('class-conditional generation (MNIST, wasm)', () => {
  let train: Dataset;
  beforeAll(async () => {
    await useBackend('wasm');
    train = await mnist({ count: 2000 });
  });
  afterAll(() => {
    train.dispose();
    tf.disposeVariables();
  });

  it('draws samples of class k that a classifier trained on the same digits labels k, far above chance', async () => {
    // cbn generator + ACGAN discriminator: 300 steps of batch 64 (~20 s on 2 cores).
    const generator = Generator.dcgan({ imageShape: [28, 28, 1], latentDim: 32, width: 8, numClasses: 10, conditioning: 'cbn', seed: 1 });
    const discriminator = Discriminator.dcgan({ imageShape: [28, 28, 1], width: 8, numClasses: 10, conditioning: 'acgan', seed: 2 });
    const trainer = new Trainer({ generator, discriminator, seed: 1, generatorLearningRate: 5e-4, discriminatorLearningRate: 5e-4 });
    const history = await trainer.fit(train, { steps: 300, batchSize: 64 });
    expect(history.logs).toHaveLength(300);
    expect(generator.classNames).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);

    const classifier = await trainClassifier(train);
    // Sanity check of the judge on digits it has not seen.
    const heldOut = await mnist({ count: 3000 });
    const unseen = heldOut.images.slice([2000], [1000]);
    const unseenLabels = heldOut.labels!.slice([2000], [1000]);
    const real = accuracy(classifier, unseen, unseenLabels.dataSync() as Int32Array);
    expect(real.overall).toBeGreaterThan(0.8);

    const samples = generator.sample({ count: SAMPLES_PER_CLASS, labels: 'all', seed: 7 });
    const requested = Int32Array.from({ length: 10 * SAMPLES_PER_CLASS }, (_, i) => Math.floor(i / SAMPLES_PER_CLASS));
    const generated = accuracy(classifier, samples, requested);
    console.log(
      `classifier accuracy: real held-out ${real.overall.toFixed(3)}, generated ${generated.overall.toFixed(3)} (chance 0.1); per class ${generated.perClass.map((a) => a.toFixed(2)).join(' ')}`,
    );
    expect(generated.overall).toBeGreaterThan(0.5);
    expect(generated.perClass.filter((a) => a > 0.5).length).toBeGreaterThanOrEqual(8);

    tf.dispose([samples, unseen, unseenLabels]);
    heldOut.dispose();
    classifier.dispose();
    generator.dispose();
    discriminator.dispose();
    trainer.dispose();
  });
});
