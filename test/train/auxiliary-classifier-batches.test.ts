/**
 * `TrainerConfig.auxiliaryClassifierBatches: 'real'`: an ACGAN discriminator's classifier learns from
 * the real batch only. The objective's class term is then the real batch's cross-entropy alone and
 * does not depend on the fakes' labels; the Trainer passes the choice to every step, saves it in
 * checkpoints so that a resumed run continues exactly, and refuses it for a discriminator without a
 * classifier.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Dataset } from '../../src/data/dataset.js';
import { ConfigError } from '../../src/errors.js';
import { classCrossEntropy } from '../../src/losses/class-cross-entropy.js';
import { nonSaturating } from '../../src/losses/non-saturating.js';
import { Discriminator, Generator } from '../../src/nets/index.js';
import type { AuxiliaryClassifierBatches } from '../../src/train/auxiliary-classifier-batches.js';
import { discriminatorObjective, monitorTensors } from '../../src/train/objectives.js';
import { Trainer } from '../../src/train/trainer.js';
import { switchBackend } from '../helpers/backends.js';
import { disposeAll, expectSettingResumes, lossPairs, savedConfig } from '../helpers/trainers.js';
import { labelledPoints } from '../helpers/points.js';

const LABELS = Array.from({ length: 32 }, (_, i) => i % 3);

function points(): Dataset {
  return labelledPoints(LABELS, { numClasses: 3 });
}

function acganDiscriminator(): Discriminator {
  return Discriminator.mlp({ inputShape: [2], hiddenUnits: [8], numClasses: 3, conditioning: 'acgan', seed: 2 });
}

function makeTrainer(batches?: AuxiliaryClassifierBatches, discriminator = acganDiscriminator()): Trainer {
  return new Trainer({
    generator: Generator.mlp({ outputShape: [2], latentDim: 4, hiddenUnits: [8], numClasses: 3, seed: 1 }),
    discriminator,
    seed: 5,
    ...(batches !== undefined ? { auxiliaryClassifierBatches: batches } : {}),
  });
}

describe("Trainer auxiliaryClassifierBatches: 'real' (cpu)", () => {
  let data: Dataset;
  beforeAll(async () => {
    await switchBackend('cpu');
    data = points();
  });
  afterAll(() => data.dispose());

  it("the discriminator's class term is the real batch's cross-entropy alone, whatever the fakes' labels", () => {
    const discriminator = acganDiscriminator();
    const realInputs = tf.tensor2d([0.1, 0.2, -0.3, 0.4, 0.5, -0.6, 0.7, 0.1], [4, 2]);
    const fakeInputs = tf.tensor2d([-0.2, 0.3, 0.6, -0.1, 0.2, 0.2, -0.5, -0.4], [4, 2]);
    const realClasses = tf.tensor1d([0, 1, 2, 1], 'int32');
    /** The class monitor and the loss, with the given fake labels and batches. */
    const run = (fakeLabels: number[], batches?: AuxiliaryClassifierBatches): { classLoss: number; loss: number } => {
      const fakeClasses = tf.tensor1d(fakeLabels, 'int32');
      const { loss, monitors } = discriminatorObjective({
        discriminator,
        loss: nonSaturating(),
        penalties: [],
        auxiliaryClassifierWeight: 1,
        ...(batches !== undefined ? { auxiliaryClassifierBatches: batches } : {}),
        realInputs,
        fakeInputs,
        realLabels: undefined,
        fakeLabels: undefined,
        realClasses,
        fakeClasses,
        step: 0,
        penaltySeed: () => 1,
      });
      const out = { classLoss: monitors.classLoss!.dataSync()[0]!, loss: loss.dataSync()[0]! };
      tf.dispose([fakeClasses, loss, ...monitorTensors(monitors)]);
      return out;
    };
    const expected = tf.tidy(() => {
      const real = discriminator.outputs(realInputs, undefined, true).classLogits!;
      const fake = discriminator.outputs(fakeInputs, undefined, true).classLogits!;
      const fakeClasses = tf.tensor1d([2, 2, 0, 1], 'int32');
      return {
        real: classCrossEntropy({ classLogits: real, labels: realClasses }).dataSync()[0]!,
        fake: classCrossEntropy({ classLogits: fake, labels: fakeClasses }).dataSync()[0]!,
      };
    });
    const realOnly = run([2, 2, 0, 1], 'real');
    expect(realOnly.classLoss).toBeCloseTo(expected.real, 5);
    // Other fake labels change nothing.
    const relabelled = run([0, 1, 1, 2], 'real');
    expect(relabelled.classLoss).toBeCloseTo(expected.real, 5);
    expect(relabelled.loss).toBeCloseTo(realOnly.loss, 5);
    // ACGAN's default adds the fake batch's term.
    const both = run([2, 2, 0, 1]);
    expect(both.classLoss).toBeCloseTo(expected.real + expected.fake, 5);
    expect(expected.fake).toBeGreaterThan(0.1);
    expect(both.loss - realOnly.loss).toBeCloseTo(expected.fake, 4);
    expect(run([2, 2, 0, 1], 'real-and-fake').classLoss).toBeCloseTo(both.classLoss, 6);
    tf.dispose([realInputs, fakeInputs, realClasses]);
    discriminator.dispose();
  });

  it("trains with it: the first step's class loss leaves out the fake batch's term", async () => {
    const realOnly = makeTrainer('real');
    const both = makeTrainer();
    expect(realOnly.auxiliaryClassifierBatches).toBe('real');
    expect(both.auxiliaryClassifierBatches).toBe('real-and-fake');
    // The same weights, batches and fakes at step 0: the two class losses differ by the fakes' term.
    const a = await realOnly.trainStep(data, 8);
    const b = await both.trainStep(data, 8);
    expect(a.dClassLoss).toBeGreaterThan(0);
    expect(b.dClassLoss! - a.dClassLoss!).toBeGreaterThan(0.1);
    // With 3 classes and a fresh classifier, each term is near ln 3.
    expect(a.dClassLoss).toBeCloseTo(Math.log(3), 0);
    expect(b.dClassLoss).toBeCloseTo(2 * Math.log(3), 0);
    disposeAll(realOnly, both);
  });

  it('saves the choice with the trainer: a loaded copy continues exactly as the original', async () => {
    const original = makeTrainer('real');
    await expectSettingResumes(original, data, 8, 'auxiliaryClassifierBatches', 'real');
    // Both batches are the default, left out of the checkpoint, and train differently.
    const plain = makeTrainer();
    expect('auxiliaryClassifierBatches' in (await savedConfig(plain))).toBe(false);
    const c = await plain.fit(data, { steps: 5, batchSize: 8 });
    const fresh = makeTrainer('real');
    const d = await fresh.fit(data, { steps: 5, batchSize: 8 });
    expect(lossPairs(d.logs)).not.toEqual(lossPairs(c.logs));
    disposeAll(original, plain, fresh);
  });

  it('refuses an unknown value, and the real batch alone without an auxiliary classifier', () => {
    expect(() => makeTrainer('fake' as never)).toThrow(ConfigError);
    expect(() => makeTrainer('fake' as never)).toThrow(
      /Trainer: 'auxiliaryClassifierBatches' must be one of \["real-and-fake", "real"\], received "fake"/,
    );
    const projection = () => Discriminator.mlp({ inputShape: [2], hiddenUnits: [8], numClasses: 3, conditioning: 'projection', seed: 2 });
    expect(() => makeTrainer('real', projection())).toThrow(
      /Trainer: 'auxiliaryClassifierBatches' "real" needs a discriminator with an auxiliary classifier \(conditioning 'acgan', or 'projection' with auxiliaryClassifier: true\), but this one has none/,
    );
    // The default is accepted with any discriminator.
    const plain = makeTrainer('real-and-fake', projection());
    disposeAll(plain);
  });
});
