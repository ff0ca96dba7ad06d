/**
 * The discriminator builders' `auxiliaryClassifier` option: a projection discriminator that also
 * classifies. It keeps the label input and the projection logit (with the same initial weights as
 * without the option: the class head is built last), adds class logits computed from the image alone,
 * saves and loads, trains with the Trainer's class term, and refuses the combinations where it would
 * be meaningless.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Dataset } from '../../src/data/dataset.js';
import { ConfigError } from '../../src/errors.js';
import { Discriminator, Generator } from '../../src/nets/index.js';
import { Trainer } from '../../src/train/trainer.js';
import { switchBackend } from '../helpers/backends.js';
import { roundTrip } from '../helpers/model-io.js';
import { disposeAll, expectSettingResumes } from '../helpers/trainers.js';
import { labelledPoints } from '../helpers/points.js';

type Build = (extra: { auxiliaryClassifier?: boolean }) => Discriminator;

const BUILDERS: [string, number[], Build][] = [
  ['dcgan', [28, 28, 1], (extra) => Discriminator.dcgan({ imageShape: [28, 28, 1], width: 4, numClasses: 5, conditioning: 'projection', seed: 2, ...extra })],
  [
    'dcgan with globalPooling class',
    [32, 32, 3],
    (extra) => Discriminator.dcgan({ imageShape: [32, 32, 3], width: 4, numClasses: 5, conditioning: 'projection', globalPooling: 'class', batchNorm: true, minibatchStdDev: true, seed: 2, ...extra }),
  ],
  ['resnet', [16, 16, 3], (extra) => Discriminator.resnet({ imageShape: [16, 16, 3], channels: 4, maxChannels: 8, numClasses: 5, spectralNorm: true, seed: 2, ...extra })],
  ['mlp', [6], (extra) => Discriminator.mlp({ inputShape: [6], hiddenUnits: [8], numClasses: 5, conditioning: 'projection', seed: 2, ...extra })],
];


describe("discriminator builders' auxiliaryClassifier option (cpu)", () => {
  beforeAll(async () => {
    await switchBackend('cpu');
  });

  it.each(BUILDERS)('%s: the projection logit as before, plus class logits from the image alone; saves and loads', async (_, shape, build) => {
    const plain = build({});
    const hybrid = build({ auxiliaryClassifier: true });
    expect(plain.auxiliaryClassifier).toBe(false);
    expect(hybrid.auxiliaryClassifier).toBe(true);
    expect(hybrid.conditional).toBe(true);
    expect(hybrid.model.inputs).toHaveLength(2);
    expect(hybrid.model.outputs).toHaveLength(2);
    const images = tf.randomUniform([4, ...shape], -1, 1, 'float32', 7);
    const labels = tf.tensor1d([0, 1, 2, 4], 'int32');
    const others = tf.tensor1d([3, 3, 0, 1], 'int32');
    const a = hybrid.outputs(images, labels);
    const b = hybrid.outputs(images, others);
    expect(a.logits.shape).toEqual([4]);
    expect(a.classLogits!.shape).toEqual([4, 5]);
    // The class head reads the image, not the label; the projection logit reads both.
    expect(Array.from(b.classLogits!.dataSync())).toEqual(Array.from(a.classLogits!.dataSync()));
    expect(Array.from(b.logits.dataSync())).not.toEqual(Array.from(a.logits.dataSync()));
    // Built last, the class head leaves the other layers' initial weights as they were: the same logit.
    const before = plain.logits(images, labels);
    expect(Array.from(a.logits.dataSync())).toEqual(Array.from(before.dataSync()));
    // The label is required, as for any projection discriminator.
    expect(() => hybrid.outputs(images)).toThrow(/'labels' are required/);
    const loaded = new Discriminator(await roundTrip(hybrid.model), hybrid.spec);
    expect(loaded.auxiliaryClassifier).toBe(true);
    const c = loaded.outputs(images, labels);
    expect(Array.from(c.logits.dataSync())).toEqual(Array.from(a.logits.dataSync()));
    expect(Array.from(c.classLogits!.dataSync())).toEqual(Array.from(a.classLogits!.dataSync()));
    tf.dispose([images, labels, others, a.logits, a.classLogits, b.logits, b.classLogits, before, c.logits, c.classLogits]);
    for (const d of [plain, hybrid, loaded]) d.dispose();
  });

  it('refuses a non-boolean, a classifier without classes or beside concat, and turning off acgan’s', () => {
    const dcgan = (options: Record<string, unknown>) => () => Discriminator.dcgan({ imageShape: [28, 28, 1], width: 4, ...options });
    expect(dcgan({ numClasses: 3, conditioning: 'projection', auxiliaryClassifier: 'yes' })).toThrow(ConfigError);
    expect(dcgan({ numClasses: 3, conditioning: 'projection', auxiliaryClassifier: 'yes' })).toThrow(
      /Discriminator\.dcgan: 'auxiliaryClassifier' must be true or false, received "yes"/,
    );
    expect(dcgan({ auxiliaryClassifier: true })).toThrow(/'auxiliaryClassifier' true classifies the classes, so it needs 'numClasses' >= 2, received numClasses 0/);
    expect(dcgan({ numClasses: 3, conditioning: 'concat', auxiliaryClassifier: true })).toThrow(
      /'auxiliaryClassifier' true needs conditioning 'projection' \(or 'acgan', which has one already\).*received conditioning "concat"/,
    );
    // The DCGAN discriminator's default conditioning is concat.
    expect(dcgan({ numClasses: 3, auxiliaryClassifier: true })).toThrow(/received conditioning "concat"/);
    expect(dcgan({ numClasses: 3, conditioning: 'acgan', auxiliaryClassifier: false })).toThrow(/'auxiliaryClassifier' false contradicts conditioning 'acgan'/);
    expect(() => Discriminator.resnet({ imageShape: [16, 16, 3], numClasses: 3, conditioning: 'concat', auxiliaryClassifier: true })).toThrow(
      /Discriminator\.resnet: 'auxiliaryClassifier' true needs conditioning 'projection'/,
    );
    expect(() => Discriminator.mlp({ inputShape: [2], auxiliaryClassifier: 1 as never })).toThrow(/Discriminator\.mlp: 'auxiliaryClassifier' must be true or false, received 1/);
    // Redundant but consistent: true with acgan, false with projection.
    const acgan = Discriminator.dcgan({ imageShape: [28, 28, 1], width: 4, numClasses: 3, conditioning: 'acgan', auxiliaryClassifier: true });
    expect(acgan.auxiliaryClassifier).toBe(true);
    expect(acgan.conditional).toBe(false);
    const projection = Discriminator.mlp({ inputShape: [2], numClasses: 3, conditioning: 'projection', auxiliaryClassifier: false });
    expect(projection.auxiliaryClassifier).toBe(false);
    acgan.dispose();
    projection.dispose();
  });

  describe('trained by the Trainer', () => {
    let data: Dataset;
    beforeAll(() => {
      data = labelledPoints(Array.from({ length: 48 }, (_, i) => i % 3), { numClasses: 3 });
    });
    afterAll(() => data.dispose());

    const makeTrainer = (): Trainer =>
      new Trainer({
        generator: Generator.mlp({ outputShape: [2], latentDim: 4, hiddenUnits: [16], numClasses: 3, conditioning: 'cbn', seed: 1 }),
        discriminator: Discriminator.mlp({ inputShape: [2], hiddenUnits: [16], numClasses: 3, conditioning: 'projection', auxiliaryClassifier: true, seed: 2 }),
        auxiliaryClassifierBatches: 'real',
        seed: 5,
      });

    it("learns to name real samples' classes from the real batch, leak-free", async () => {
      const trainer = makeTrainer();
      const first = await trainer.trainStep(data, 16);
      // A fresh classifier of 3 classes: the real batch's cross-entropy is near ln 3.
      expect(first.dClassLoss).toBeCloseTo(Math.log(3), 0);
      expect(first.gClassLoss).toBeGreaterThan(0);
      await trainer.trainStep(data, 16);
      const tensors = tf.memory().numTensors;
      const { logs } = await trainer.fit(data, { steps: 150, batchSize: 16 });
      expect(tf.memory().numTensors).toBe(tensors);
      const last = logs.slice(-10).reduce((sum, l) => sum + l.dClassLoss!, 0) / 10;
      expect(last).toBeLessThan(0.7 * Math.log(3));
      // The classifier names the real points' classes.
      const batch = data.batch(0, 48, 1);
      const accuracy = tf.tidy(() => {
        const { classLogits } = trainer.discriminator.outputs(batch.images, batch.labels!);
        return tf.mean(tf.cast(tf.equal(tf.argMax(classLogits!, 1), batch.labels!), 'float32')).dataSync()[0];
      });
      tf.dispose([batch.images, batch.labels]);
      expect(accuracy).toBeGreaterThan(0.9);
      disposeAll(trainer);
    });

    it('a checkpoint keeps the classifier: a loaded copy continues exactly as the original', async () => {
      const trainer = makeTrainer();
      await expectSettingResumes(trainer, data, 8, 'auxiliaryClassifierBatches', 'real');
      disposeAll(trainer);
    });
  });
});
