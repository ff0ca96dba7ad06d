/**
 * `TrainerConfig.sampling: 'class-balanced'`: the Trainer draws every real batch with the classes
 * balanced, saves the choice in checkpoints so that a resumed run continues exactly, and refuses data
 * it cannot balance before any step.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Dataset } from '../../src/data/dataset.js';
import type { BatchSampling } from '../../src/data/class-balanced-sampler.js';
import { ConfigError, DataError } from '../../src/errors.js';
import { Discriminator, Generator } from '../../src/nets/index.js';
import { Trainer } from '../../src/train/trainer.js';
import { switchBackend } from '../helpers/backends.js';
import { disposeAll, expectSettingResumes, savedConfig } from '../helpers/trainers.js';
import { labelledPoints } from '../helpers/points.js';

/** 2-D points in 3 classes of 24, 6 and 2 samples. */
const LABELS = Array.from({ length: 32 }, (_, i) => (i < 24 ? 0 : i < 30 ? 1 : 2));

function points(labelled = true): Dataset {
  return labelledPoints(LABELS, { labelled });
}

function makeTrainer(sampling?: BatchSampling, numClasses = 3): Trainer {
  return new Trainer({
    generator: Generator.mlp({ outputShape: [2], latentDim: 4, hiddenUnits: [8], numClasses, seed: 1 }),
    discriminator: Discriminator.mlp({ inputShape: [2], hiddenUnits: [8], numClasses, seed: 2 }),
    seed: 5,
    ...(sampling !== undefined ? { sampling } : {}),
  });
}

describe("Trainer sampling: 'class-balanced' (cpu)", () => {
  let data: Dataset;
  beforeAll(async () => {
    await switchBackend('cpu');
    data = points();
  });
  afterAll(() => data.dispose());

  it("draws every real batch class-balanced, where 'shuffle' keeps the data's proportions", async () => {
    const shares = async (sampling: BatchSampling): Promise<number[]> => {
      const trainer = makeTrainer(sampling);
      const spy = vi.spyOn(data, 'batchIndices');
      try {
        await trainer.fit(data, { steps: 8, batchSize: 6 });
        const drawn = spy.mock.results.flatMap((result) => Array.from(result.value as Int32Array));
        expect(spy.mock.calls.every((call) => call[3] === sampling)).toBe(true);
        expect(drawn).toHaveLength(8 * 6);
        return [0, 1, 2].map((c) => drawn.filter((i) => LABELS[i] === c).length);
      } finally {
        spy.mockRestore();
        disposeAll(trainer);
      }
    };
    expect(await shares('class-balanced')).toEqual([16, 16, 16]);
    // Square roots of 24, 6 and 2: 27, 13 and 8 of every block of 48 slots, here the 8 batches of 6.
    expect(await shares('class-sqrt')).toEqual([27, 13, 8]);
    // Shuffled epochs of 5 batches of 6 (30 of the 32 samples): class 0 dominates.
    const shuffled = await shares('shuffle');
    expect(shuffled[0]).toBeGreaterThan(30);
    expect(shuffled[2]).toBeLessThan(6);
  });

  it('saves the sampling with the trainer: a loaded copy continues exactly as the original', async () => {
    const original = makeTrainer('class-balanced');
    await expectSettingResumes(original, data, 6, 'sampling', 'class-balanced');
    const sqrt = makeTrainer('class-sqrt');
    await expectSettingResumes(sqrt, data, 6, 'sampling', 'class-sqrt');
    // A trainer with the default leaves the field out (older readers load it unchanged).
    const plain = makeTrainer();
    expect(plain.sampling).toBe('shuffle');
    expect('sampling' in (await savedConfig(plain))).toBe(false);
    disposeAll(original, sqrt, plain);
  });

  it('refuses unlabelled data before any step, and an unknown sampling when built, naming them', async () => {
    const unlabelled = points(false);
    const trainer = makeTrainer('class-balanced', 0);
    await expect(trainer.fit(unlabelled, { steps: 1, batchSize: 4 })).rejects.toThrow(DataError);
    await expect(trainer.fit(unlabelled, { steps: 1, batchSize: 4 })).rejects.toThrow(/'sampling' is 'class-balanced' but the dataset "points" has no labels to draw by class/);
    expect(trainer.step).toBe(0);
    expect(() => makeTrainer('balanced' as never)).toThrow(ConfigError);
    expect(() => makeTrainer('balanced' as never)).toThrow(/Trainer: 'sampling' must be one of \["shuffle", "class-balanced", "class-sqrt"\], received "balanced"/);
    // An unconditional generator may balance labelled data too (to cover rare classes).
    const unconditional = makeTrainer('class-balanced', 0);
    expect((await unconditional.fit(data, { steps: 1, batchSize: 6 })).logs).toHaveLength(1);
    disposeAll(trainer, unconditional);
    unlabelled.dispose();
  });
});
