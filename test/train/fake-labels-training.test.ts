/**
 * `TrainerConfig.fakeLabels: 'data'`: the Trainer draws the fakes' labels, for both networks'
 * updates, in the data's class frequencies; `'data-for-discriminator'` so for the discriminator's
 * update only, uniformly for the generator's. It saves the choice in checkpoints so that a resumed run
 * continues exactly, and refuses an unknown value when built.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Dataset } from '../../src/data/dataset.js';
import { ConfigError } from '../../src/errors.js';
import { Discriminator, Generator } from '../../src/nets/index.js';
import { Trainer } from '../../src/train/trainer.js';
import type { FakeLabels } from '../../src/train/fake-labels.js';
import type { BatchSampling } from '../../src/data/class-balanced-sampler.js';
import { switchBackend } from '../helpers/backends.js';
import { disposeAll, expectSettingResumes, lossPairs, savedConfig } from '../helpers/trainers.js';
import { labelledPoints } from '../helpers/points.js';

/** 2-D points in 4 classes of 24, 6, 0 and 2 samples. */
const LABELS = Array.from({ length: 32 }, (_, i) => (i < 24 ? 0 : i < 30 ? 1 : 3));

function points(): Dataset {
  return labelledPoints(LABELS, { numClasses: 4 });
}

/** Expects each class's count to be its bound: a number exactly, or strictly between `[low, high]`. */
function expectCounts(counts: readonly number[], bounds: ReadonlyArray<number | readonly [number, number]>): void {
  bounds.forEach((bound, c) => {
    if (typeof bound === 'number') {
      expect(counts[c], `class ${c}`).toBe(bound);
    } else {
      expect(counts[c], `class ${c}`).toBeGreaterThan(bound[0]);
      expect(counts[c], `class ${c}`).toBeLessThan(bound[1]);
    }
  });
}

function makeTrainer(fakeLabels?: FakeLabels, sampling?: BatchSampling): Trainer {
  return new Trainer({
    ...(sampling !== undefined ? { sampling } : {}),
    generator: Generator.mlp({ outputShape: [2], latentDim: 4, hiddenUnits: [8], numClasses: 4, seed: 1 }),
    discriminator: Discriminator.mlp({ inputShape: [2], hiddenUnits: [8], numClasses: 4, seed: 2 }),
    seed: 5,
    ...(fakeLabels !== undefined ? { fakeLabels } : {}),
  });
}

describe("Trainer fakeLabels: 'data' (cpu)", () => {
  let data: Dataset;
  beforeAll(async () => {
    await switchBackend('cpu');
    data = points();
  });
  afterAll(() => data.dispose());

  /**
   * The labels of every batch the generator made in training (40 steps of 8: the discriminator's fakes,
   * then the generator's own, each step), counted by class: all of them, and those of each update.
   */
  async function drawnLabels(fakeLabels?: FakeLabels, sampling?: BatchSampling): Promise<{ counts: number[]; discriminator: number[]; generator: number[]; calls: number }> {
    const trainer = makeTrainer(fakeLabels, sampling);
    const generate = trainer.generator.generate.bind(trainer.generator);
    const labels: number[][] = [];
    // Read at the call: the step disposes the labels after use.
    const spy = vi.spyOn(trainer.generator, 'generate').mockImplementation((latents, given, training) => {
      labels.push(Array.from(given!.dataSync()));
      return generate(latents, given, training);
    });
    try {
      await trainer.fit(data, { steps: 40, batchSize: 8 });
      // The fit's checks before the first step generate too; the steps' 80 calls come last.
      const steps = labels.slice(-80);
      const count = (batches: number[][]): number[] => [0, 1, 2, 3].map((c) => batches.flat().filter((l) => l === c).length);
      return {
        counts: count(steps),
        discriminator: count(steps.filter((_, i) => i % 2 === 0)),
        generator: count(steps.filter((_, i) => i % 2 === 1)),
        calls: labels.length,
      };
    } finally {
      spy.mockRestore();
      disposeAll(trainer);
    }
  }

  it("draws the fakes' labels in the data's class frequencies for both updates; 'uniform' draws every class alike", async () => {
    const fromData = await drawnLabels('data');
    // Both updates follow the data: the class with no samples is drawn by neither, the generator's too.
    expect(fromData.generator[2]).toBe(0);
    expect(fromData.generator[0]).toBeGreaterThan(205);
    // 40 discriminator batches and 40 generator batches of 8.
    expect(fromData.calls).toBeGreaterThanOrEqual(80);
    expect(fromData.counts.reduce((a, b) => a + b, 0)).toBe(640);
    // Expected 480, 120, 0 and 40 of 640 (24, 6, 0 and 2 of 32 samples).
    expectCounts(fromData.counts, [[430, Infinity], [80, 160], 0, [15, 70]]);
    const uniform = await drawnLabels();
    for (const count of uniform.counts) {
      expect(count).toBeGreaterThan(120);
      expect(count).toBeLessThan(200);
    }
  });

  it("'data-for-discriminator' draws the discriminator's fakes in the data's frequencies and the generator's batches uniformly", async () => {
    const split = await drawnLabels('data-for-discriminator');
    // Each update 320 labels: expected 240, 60, 0 and 20 for the discriminator's, 80 each for the generator's.
    expect(split.discriminator.reduce((a, b) => a + b, 0)).toBe(320);
    expectCounts(split.discriminator, [[205, Infinity], [35, 90], 0, [-Infinity, 40]]);
    expect(split.generator.reduce((a, b) => a + b, 0)).toBe(320);
    for (const count of split.generator) {
      expect(count).toBeGreaterThan(50);
      expect(count).toBeLessThan(112);
    }
  });

  it("follows the real batches' class shares under 'class-sqrt' and 'class-balanced' sampling, so neither side has a class prior", async () => {
    // Square-root shares of 24, 6, 0 and 2 samples: 27, 13, 0 and 8 of every 48 real samples, so of
    // the discriminator's 320 fake labels expected 180, 87, 0 and 53.
    const sqrt = await drawnLabels('data-for-discriminator', 'class-sqrt');
    expectCounts(sqrt.discriminator, [[140, 220], [55, 120], 0, [30, 80]]);
    // Balanced real batches: the fakes' labels of both updates spread evenly over the 3 classes with samples.
    const balanced = await drawnLabels('data', 'class-balanced');
    expectCounts(balanced.counts, [[170, 257], [170, 257], 0, [170, 257]]);
  });

  it('saves the choice with the trainer: a loaded copy continues exactly as the original', async () => {
    const original = makeTrainer('data');
    await expectSettingResumes(original, data, 8, 'fakeLabels', 'data');
    const split = makeTrainer('data-for-discriminator');
    await expectSettingResumes(split, data, 8, 'fakeLabels', 'data-for-discriminator');
    // Uniform labels are the default, left out of the checkpoint, and train differently.
    const plain = makeTrainer();
    expect(plain.fakeLabels).toBe('uniform');
    expect('fakeLabels' in (await savedConfig(plain))).toBe(false);
    const c = await plain.fit(data, { steps: 5, batchSize: 8 });
    const fresh = makeTrainer('data');
    const d = await fresh.fit(data, { steps: 5, batchSize: 8 });
    expect(lossPairs(d.logs)).not.toEqual(lossPairs(c.logs));
    disposeAll(original, split, plain, fresh);
  });

  it('refuses an unknown value when built, naming it and the choices', () => {
    expect(() => makeTrainer('balanced' as never)).toThrow(ConfigError);
    expect(() => makeTrainer('balanced' as never)).toThrow(/Trainer: 'fakeLabels' must be one of \["uniform", "data", "data-for-discriminator"\], received "balanced"/);
  });
});
