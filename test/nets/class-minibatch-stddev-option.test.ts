/**
 * The discriminator builders' `classMinibatchStdDev` option: the layer in the graph of each family,
 * class ids and class weights through it (a conditioning transition), a leak-free Trainer step, a
 * checkpoint that continues exactly, and the refusals.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Dataset } from '../../src/data/dataset.js';
import { ConfigError } from '../../src/errors.js';
import { ClassMinibatchStdDev } from '../../src/layers/class-minibatch-stddev.js';
import { Discriminator, Generator } from '../../src/nets/index.js';
import { Trainer } from '../../src/train/trainer.js';
import { switchBackend } from '../helpers/backends.js';
import { expectLeakFree } from '../helpers/leaks.js';
import { labelledPoints } from '../helpers/points.js';
import { disposeAll, loadedCopy, lossPairs } from '../helpers/trainers.js';

const hasLayer = (d: Discriminator): boolean => d.model.layers.some((l) => l instanceof ClassMinibatchStdDev);

describe('classMinibatchStdDev on the discriminator builders (cpu)', () => {
  beforeAll(async () => {
    await switchBackend('cpu');
  });

  it('adds the per-class layer after the batch-wide one in every family, and scores ids and class weights alike', () => {
    const built = [
      Discriminator.dcgan({ imageShape: [32, 32, 3], width: 4, numClasses: 3, conditioning: 'projection', batchNorm: true, minibatchStdDev: true, classMinibatchStdDev: true, seed: 2 }),
      Discriminator.dcgan({ imageShape: [32, 32, 3], width: 4, numClasses: 3, conditioning: 'concat', classMinibatchStdDev: true, seed: 2 }),
      Discriminator.resnet({ imageShape: [16, 16, 3], channels: 4, maxChannels: 8, numClasses: 3, conditioning: 'projection', classMinibatchStdDev: true, seed: 2 }),
      Discriminator.mlp({ inputShape: [2], hiddenUnits: [8], numClasses: 3, conditioning: 'projection', minibatchStdDev: 2, classMinibatchStdDev: true, seed: 2 }),
    ];
    for (const d of built) {
      expect(hasLayer(d)).toBe(true);
      tf.tidy(() => {
        const x = tf.randomNormal([6, ...d.inputShape], 0, 0.5, 'float32', 3);
        const ids = tf.tensor1d([0, 1, 2, 0, 1, 2], 'int32');
        const byIds = d.logits(x, ids).dataSync();
        const byWeights = d.logits(x, tf.oneHot(ids, 3).toFloat() as tf.Tensor2D).dataSync();
        byIds.forEach((v, i) => expect(byWeights[i]).toBeCloseTo(v, 4));
        expect(Array.from(d.logits(x, tf.zeros([6, 3]) as tf.Tensor2D).dataSync()).every(Number.isFinite)).toBe(true);
      });
    }
    const plain = Discriminator.dcgan({ imageShape: [32, 32, 3], width: 4, numClasses: 3, conditioning: 'projection', seed: 2 });
    expect(hasLayer(plain)).toBe(false);
    for (const d of [...built, plain]) d.dispose();
  });

  it('refuses it where there is no class to group by, naming the option', () => {
    expect(() => Discriminator.dcgan({ imageShape: [32, 32, 3], width: 4, classMinibatchStdDev: true })).toThrow(ConfigError);
    expect(() => Discriminator.dcgan({ imageShape: [32, 32, 3], width: 4, classMinibatchStdDev: true })).toThrow(
      /Discriminator\.dcgan: 'classMinibatchStdDev' needs a conditional discriminator \('numClasses' >= 2\), received numClasses 0/,
    );
    expect(() => Discriminator.dcgan({ imageShape: [32, 32, 3], width: 4, numClasses: 3, conditioning: 'acgan', classMinibatchStdDev: true })).toThrow(
      /'classMinibatchStdDev' needs the discriminator to take the label \(conditioning 'concat' or 'projection'\)/,
    );
    expect(() => Discriminator.mlp({ inputShape: [2], numClasses: 3, conditioning: 'projection', classMinibatchStdDev: 'yes' as never })).toThrow(
      /Discriminator\.mlp: 'classMinibatchStdDev' must be a boolean, received "yes"/,
    );
  });

  describe('trained by the Trainer through a conditioning transition', () => {
    let data: Dataset;
    beforeAll(() => {
      data = labelledPoints(Array.from({ length: 48 }, (_, i) => i % 3), { numClasses: 3 });
    });
    afterAll(() => data.dispose());

    const trainer = (): Trainer =>
      new Trainer({
        generator: Generator.mlp({ outputShape: [2], latentDim: 4, hiddenUnits: [16], numClasses: 3, conditioning: 'concat-cbn', seed: 1 }),
        discriminator: Discriminator.mlp({ inputShape: [2], hiddenUnits: [16], numClasses: 3, conditioning: 'projection', classMinibatchStdDev: true, seed: 2 }),
        conditioningTransition: { start: 1, end: 4 },
        seed: 5,
      });

    it('is leak-free on class weights and ids, and a checkpoint continues exactly as the original', async () => {
      const t = trainer();
      await expectLeakFree(() => t.trainStep(data, 8)); // steps 0-4: strength 0, 1/3, 2/3, then ids
      const copy = await loadedCopy(t);
      expect(hasLayer(copy.discriminator)).toBe(true);
      const a = await t.fit(data, { steps: 3, batchSize: 8 });
      const b = await copy.fit(data, { steps: 3, batchSize: 8 });
      expect(lossPairs(b.logs)).toEqual(lossPairs(a.logs));
      expect(lossPairs(a.logs).flat().every(Number.isFinite)).toBe(true);
      disposeAll(t, copy);
    });
  });
});
