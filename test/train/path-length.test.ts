import * as tf from '@tensorflow/tfjs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Dataset } from '../../src/data/dataset.js';
import { Discriminator, Generator } from '../../src/nets/index.js';
import { Trainer } from '../../src/train/trainer.js';
import { TEST_BACKENDS, switchBackend } from '../helpers/backends.js';
import { expectAllClose } from '../helpers/model-io.js';

const tinyStyle = (seed: number) =>
  Generator.style({ imageShape: [8, 8, 3], latentDim: 4, styleDim: 4, mappingLayers: 1, channels: 2, maxChannels: 4, mixingProbability: 0, seed });

describe.each(TEST_BACKENDS)('path length regularization on %s', (backend) => {
  beforeAll(async () => {
    await switchBackend(backend);
  });
  afterEach(() => tf.disposeVariables());

  it('styles then synthesis is the generator; the penalty matches |Jᵀy| from a direct gradient', () => {
    const generator = tinyStyle(1);
    const z = tf.randomNormal([3, 4], 0, 1, 'float32', 2);
    expectAllClose(generator.synthesize(generator.styles(z)), generator.generate(z), 5);
    // The regularizer's mean length with a = 0: mean over samples of sqrt(mean over styles of |g|²).
    const trainer = new Trainer({
      generator, discriminator: Discriminator.resnet({ imageShape: [8, 8, 3], channels: 2, seed: 3 }), pathLength: { weight: 1, every: 1 }, seed: 1,
    });
    const { penalty, meanLength } = trainer.pathLength!.penalty(generator, z, undefined, 5);
    const y = tf.div(tf.randomNormal([3, 8, 8, 3], 0, 1, 'float32', 5), 8);
    const grads = tf.grad((w: tf.Tensor) => tf.sum(tf.mul(generator.synthesize(w, true), y)))(generator.styles(z, undefined, true));
    const lengths = tf.sqrt(tf.mean(tf.sum(tf.square(grads), 2), 1));
    expect(meanLength.dataSync()[0]).toBeCloseTo(tf.mean(lengths).dataSync()[0], 4);
    expect(penalty.dataSync()[0]).toBeCloseTo(tf.mean(tf.square(lengths)).dataSync()[0], 4);
    trainer.dispose();
  });

  it('trains with it: finite, the average moves, and a checkpoint keeps it', async () => {
    const images = tf.randomUniform([8, 8, 8, 3], -1, 1, 'float32', 1);
    const data = Dataset.fromTensors(images);
    images.dispose();
    const trainer = new Trainer({
      generator: tinyStyle(2), discriminator: Discriminator.resnet({ imageShape: [8, 8, 3], channels: 2, seed: 3 }),
      pathLength: { every: 2 }, seed: 4,
    });
    const history = await trainer.fit(data, { steps: 3, batchSize: 4 });
    expect(history.logs.every((log) => Number.isFinite(log.gLoss))).toBe(true);
    expect(trainer.pathLength!.mean).toBeGreaterThan(0);
    const before = tf.memory().numTensors;
    await trainer.trainStep(data, 4); // step 3: not regularized
    await trainer.trainStep(data, 4); // step 4: regularized
    expect(tf.memory().numTensors).toBe(before);
    if (backend === 'cpu') {
      const dir = await mkdtemp(join(tmpdir(), 'tfjs-gan-path-length-'));
      try {
        await trainer.save(`file://${dir}`);
        const loaded = await Trainer.load(`file://${dir}`);
        expect(loaded.pathLength!.mean).toBe(trainer.pathLength!.mean);
        expect(loaded.pathLength!.every).toBe(2);
        loaded.dispose();
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    }
    expect(() => new Trainer({ generator: Generator.dcgan({ imageShape: [28, 28, 1], width: 2 }), discriminator: Discriminator.dcgan({ imageShape: [28, 28, 1], width: 2 }), pathLength: {} }))
      .toThrow(/'pathLength' needs a style-based generator/);
    trainer.dispose();
    data.dispose();
  });
});
