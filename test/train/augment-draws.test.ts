/**
 * `TrainerConfig.augmentDraws: 'class'`: the images of one class in a batch share DiffAugment's draws,
 * in the discriminator's update (real batch by its labels, fakes by theirs) and the generator's, so
 * copies of one picture reach the discriminator as copies; `'sample'` (the default) draws per image.
 * Saved in checkpoints; refused without a policy, for an unconditional generator, or unknown.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Dataset } from '../../src/data/dataset.js';
import { ConfigError } from '../../src/errors.js';
import { Discriminator, Generator } from '../../src/nets/index.js';
import type { AugmentationName } from '../../src/augment/diff-augment.js';
import type { AugmentDraws } from '../../src/train/augment-draws.js';
import { Trainer } from '../../src/train/trainer.js';
import { TEST_BACKENDS, switchBackend } from '../helpers/backends.js';
import { expectLeakFree } from '../helpers/leaks.js';
import { disposeAll, expectCorruptFieldRefused, expectSettingResumes, lossPairs, savedConfig } from '../helpers/trainers.js';

const SIZE = 8;
const POLICY: AugmentationName[] = ['translation', 'cutout', 'color'];
/** 24 images in 3 classes; every image of class c is the same picture (a ramp scaled by c). */
const LABELS = Array.from({ length: 24 }, (_, i) => i % 3);

function copiesPerClass(): Dataset {
  const images = tf.tidy(() => {
    const ramp = tf.linspace(-0.9, 0.9, SIZE * SIZE).reshape([1, SIZE, SIZE, 1]);
    return tf.concat(LABELS.map((c) => tf.mul(ramp, (c + 1) / 3)));
  });
  const data = Dataset.fromTensors(images, LABELS, { name: 'copies', numClasses: 3 });
  images.dispose();
  return data;
}

function makeTrainer(options: { draws?: AugmentDraws; augment?: AugmentationName[]; numClasses?: number; loss?: string } = {}): Trainer {
  const numClasses = options.numClasses ?? 3;
  const shape = [SIZE, SIZE, 1];
  return new Trainer({
    generator: Generator.mlp({ outputShape: shape, latentDim: 4, hiddenUnits: [16], seed: 1, ...(numClasses > 0 ? { numClasses } : {}) }),
    discriminator: Discriminator.mlp({ inputShape: shape, hiddenUnits: [16], seed: 2, ...(numClasses > 0 ? { numClasses } : {}) }),
    augment: options.augment ?? POLICY,
    ...(options.loss !== undefined ? { loss: options.loss } : {}),
    ...(options.draws !== undefined ? { augmentDraws: options.draws } : {}),
    seed: 7,
  });
}

/** The largest difference between two images of one class within one batch, over every batch given. */
function withinClassSpread(batches: readonly { images: number[][]; labels: number[] }[]): number {
  let spread = 0;
  for (const { images, labels } of batches) {
    for (let a = 0; a < images.length; a++) {
      for (let b = a + 1; b < images.length; b++) {
        if (labels[a] !== labels[b]) continue;
        images[a].forEach((v, i) => (spread = Math.max(spread, Math.abs(v - images[b][i]))));
      }
    }
  }
  return spread;
}

describe.each(TEST_BACKENDS)("Trainer augmentDraws (%s)", (backend) => {
  let data: Dataset;
  beforeAll(async () => {
    await switchBackend(backend);
    data = copiesPerClass();
  });
  afterAll(() => data.dispose());

  /**
   * Every batch the discriminator sees in 3 steps (after one step that runs the fit's checks), with the
   * labels it is given; the generator is made to ignore its latents, so its fakes of one class are copies.
   */
  async function seenBatches(draws?: AugmentDraws, loss?: string): Promise<{ images: number[][]; labels: number[] }[]> {
    const trainer = makeTrainer({ draws, loss });
    await trainer.fit(data, { steps: 1, batchSize: 12 });
    const generate = trainer.generator.generate.bind(trainer.generator);
    const outputs = trainer.discriminator.outputs.bind(trainer.discriminator);
    const logits = trainer.discriminator.logits.bind(trainer.discriminator);
    const seen: { images: number[][]; labels: number[] }[] = [];
    const record = (inputs: tf.Tensor, labels: tf.Tensor | undefined): void => {
      const flat = inputs.reshape([inputs.shape[0], -1]);
      seen.push({ images: flat.arraySync() as number[][], labels: Array.from(labels!.dataSync()) });
      flat.dispose();
    };
    const spies = [
      vi.spyOn(trainer.generator, 'generate').mockImplementation((latents, labels, training) =>
        tf.tidy(() => generate(tf.mul(latents, 0), labels, training)),
      ),
      vi.spyOn(trainer.discriminator, 'outputs').mockImplementation((inputs, labels, training) => {
        record(inputs, labels);
        return outputs(inputs, labels, training);
      }),
      // The generator's update of a relativistic loss scores the real batch with logits().
      vi.spyOn(trainer.discriminator, 'logits').mockImplementation((inputs, labels, training) => {
        record(inputs, labels);
        return logits(inputs, labels, training);
      }),
    ];
    try {
      await trainer.fit(data, { steps: 3, batchSize: 12 });
    } finally {
      spies.forEach((spy) => spy.mockRestore());
      disposeAll(trainer);
    }
    return seen;
  }

  it("'class' gives the images of one class one draw, real and fake, in both updates; 'sample' one each", async () => {
    const perClass = await seenBatches('class');
    // 3 steps: the discriminator's real and fake batches, and the generator's fakes.
    expect(perClass.length).toBeGreaterThanOrEqual(9);
    expect(perClass.every((b) => b.images.length === 12)).toBe(true);
    expect(withinClassSpread(perClass)).toBeLessThan(1e-5);
    const perSample = await seenBatches();
    expect(perSample.length).toBe(perClass.length);
    // DiffAugment's own draws make the copies of one class differ.
    expect(withinClassSpread(perSample)).toBeGreaterThan(0.1);
    // The classes still get different draws from each other: a class's images do not all move alike.
    const first = perClass[0];
    expect(first.labels.some((l) => l !== first.labels[0])).toBe(true);
  });

  it("'class' groups the real batch of the generator's update too (a relativistic loss scores it)", async () => {
    const perClass = await seenBatches('class', 'relativistic');
    // 3 steps of 4 batches: the discriminator's real and fake, the generator's fake and real.
    expect(perClass.length).toBeGreaterThanOrEqual(12);
    expect(withinClassSpread(perClass)).toBeLessThan(1e-5);
    expect(withinClassSpread(await seenBatches('sample', 'relativistic'))).toBeGreaterThan(0.1);
  });

  it("a label read that rejects (a lost backend) leaks nothing and changes no weight, in either update", async () => {
    const trainer = makeTrainer({ draws: 'class', loss: 'relativistic' });
    await trainer.fit(data, { steps: 1, batchSize: 12 });
    const weights = (): number[][] => trainer.generator.model.weights.concat(trainer.discriminator.model.weights).map((w) => Array.from(w.read().dataSync()));
    const before = weights();
    const live = tf.memory().numTensors;
    const read = tf.Tensor.prototype.data;
    // The step's label reads: the discriminator's real and fake labels, the generator's fake and real labels.
    for (let rejected = 1; rejected <= 4; rejected++) {
      let labelReads = 0;
      const spy = vi.spyOn(tf.Tensor.prototype, 'data').mockImplementation(function (this: tf.Tensor) {
        // Label tensors are int32 of rank 1; the step's other reads are float scalars.
        if (this.dtype === 'int32' && this.rank === 1 && ++labelReads === rejected) return Promise.reject(new Error('backend lost'));
        return read.call(this) as never;
      });
      try {
        await expect(trainer.fit(data, { steps: 1, batchSize: 12 })).rejects.toThrow(/backend lost/);
      } finally {
        spy.mockRestore();
      }
      expect(labelReads).toBe(rejected);
      expect(tf.memory().numTensors).toBe(live);
      expect(weights()).toEqual(before);
    }
    disposeAll(trainer);
  });

  it("'sample' is the default and trains exactly as before; 'class' trains differently; leak-free", async () => {
    const plain = makeTrainer();
    const sample = makeTrainer({ draws: 'sample' });
    const byClass = makeTrainer({ draws: 'class' });
    expect(plain.augmentDraws).toBe('sample');
    const a = await plain.fit(data, { steps: 3, batchSize: 12 });
    const b = await sample.fit(data, { steps: 3, batchSize: 12 });
    const c = await byClass.fit(data, { steps: 3, batchSize: 12 });
    expect(lossPairs(b.logs)).toEqual(lossPairs(a.logs));
    expect(lossPairs(c.logs)).not.toEqual(lossPairs(a.logs));
    await expectLeakFree(() => byClass.trainStep(data, 12));
    disposeAll(plain, sample, byClass);
  });

  it('saves the choice in checkpoints: a loaded copy continues exactly; the default is left out', async () => {
    const original = makeTrainer({ draws: 'class' });
    await expectSettingResumes(original, data, 12, 'augmentDraws', 'class');
    const plain = makeTrainer();
    expect('augmentDraws' in (await savedConfig(plain))).toBe(false);
    disposeAll(original, plain);
  });

  it('refuses a bad value, no policy, or an unconditional generator, naming the option', () => {
    expect(() => makeTrainer({ draws: 'batch' as never })).toThrow(ConfigError);
    expect(() => makeTrainer({ draws: 'batch' as never })).toThrow(/'augmentDraws' must be one of \["sample", "class"\], received "batch"/);
    expect(() => makeTrainer({ draws: 'class', augment: [] })).toThrow(/'augmentDraws' 'class' .*'augment' is \[\]/);
    expect(() => makeTrainer({ draws: 'class', numClasses: 0 })).toThrow(/'augmentDraws' 'class' .*needs a conditional generator/);
    // Per-image draws need nothing.
    const unconditional = makeTrainer({ draws: 'sample', numClasses: 0 });
    disposeAll(unconditional);
  });
});

describe('a checkpoint with a bad augmentDraws (cpu)', () => {
  it('is refused on load with a CheckpointError naming the field', async () => {
    await switchBackend('cpu');
    const trainer = makeTrainer({ draws: 'class' });
    await expectCorruptFieldRefused(trainer, 'augmentDraws', [
      ['sample', /augmentDraws/],
      ['batch', /augmentDraws/],
      [3, /augmentDraws/],
    ]);
    // 'class' with the policy taken away: the trainer it describes cannot be built.
    await expectCorruptFieldRefused(trainer, 'augment', [[[], /'augmentDraws' 'class'/]]);
    disposeAll(trainer);
  });
});
