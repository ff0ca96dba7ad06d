import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Dataset } from '../../src/data/dataset.js';
import { Discriminator, Generator } from '../../src/nets/index.js';
import type { Callback } from '../../src/train/callback.js';
import { learningRateSchedule } from '../../src/train/callbacks/index.js';
import { Trainer } from '../../src/train/trainer.js';

const root = mkdtempSync(join(tmpdir(), 'tfjs-gan-lr-'));
const rateOf = (optimizer: tf.Optimizer): number => (optimizer as unknown as { learningRate: number }).learningRate;

function makeTrainer(optimizer: () => tf.Optimizer = () => tf.train.adam(1e-3)): Trainer {
  const generator = Generator.mlp({ outputShape: [2], latentDim: 2, hiddenUnits: [8], seed: 1 });
  const discriminator = Discriminator.mlp({ inputShape: [2], hiddenUnits: [8], seed: 2 });
  return new Trainer({ generator, discriminator, generatorOptimizer: optimizer(), discriminatorOptimizer: optimizer(), seed: 3 });
}

/** Records the learning rates each step actually ran with (read at the start of the next step's callbacks). */
function recorder(trainer: Trainer, seen: number[][]): Callback {
  return {
    onTrainBegin: () => void seen.push([rateOf(trainer.generatorOptimizer), rateOf(trainer.discriminatorOptimizer)]),
    onStepEnd: () => void seen.push([rateOf(trainer.generatorOptimizer), rateOf(trainer.discriminatorOptimizer)]),
  };
}

describe('callbacks.learningRateSchedule', () => {
  let data: Dataset;
  beforeAll(async () => {
    await tf.setBackend('cpu');
    data = Dataset.fromTensors(tf.randomUniform([32, 2], -1, 1, 'float32', 4));
  });
  afterAll(() => {
    data.dispose();
    rmSync(root, { recursive: true, force: true });
  });

  it('sets both rates to base x schedule(step) before every step', async () => {
    const trainer = makeTrainer();
    const seen: number[][] = [];
    const schedule = learningRateSchedule({ schedule: (step) => (step < 2 ? 1 : 0.1) });
    // The recorder runs after the schedule, so it sees the rate of the step about to run.
    await trainer.fit(data, { steps: 4, batchSize: 8, callbacks: [schedule, recorder(trainer, seen)] });
    expect(seen.map(([g]) => g)).toEqual([1e-3, 1e-3, 1e-4, 1e-4, 1e-4].map((x, i) => (i < 2 ? x : expect.closeTo(x, 12))));
    expect(seen.every(([g, d]) => g === d)).toBe(true);
    trainer.dispose();
  });

  it('changes the updates: a tiny multiplier leaves the weights almost where they were', async () => {
    const moved = async (optimizer: () => tf.Optimizer, multiplier: number): Promise<number> => {
      const trainer = makeTrainer(optimizer);
      const before = trainer.generator.model.getWeights().map((w) => w.dataSync().slice());
      await trainer.fit(data, { steps: 2, batchSize: 8, callbacks: [learningRateSchedule({ schedule: () => multiplier })] });
      const after = trainer.generator.model.getWeights().map((w) => w.dataSync());
      let change = 0;
      after.forEach((w, i) => w.forEach((x, j) => (change += Math.abs(x - before[i][j]))));
      trainer.dispose();
      return change;
    };
    for (const optimizer of [() => tf.train.sgd(0.5), () => tf.train.momentum(0.5, 0.9), () => tf.train.adam(0.1), () => tf.train.rmsprop(0.1)]) {
      const full = await moved(optimizer, 1);
      const tiny = await moved(optimizer, 1e-6);
      expect(full).toBeGreaterThan(0);
      expect(tiny).toBeLessThan(full * 1e-4);
    }
  });

  it('recovers the base rates on resume from a checkpoint saved under the same schedule', async () => {
    const schedule = (step: number): number => (step < 3 ? 1 : 0.25);
    const dir = join(root, 'resume');
    const first = makeTrainer();
    await first.fit(data, { steps: 4, batchSize: 8, callbacks: [learningRateSchedule({ schedule })] });
    expect(rateOf(first.generatorOptimizer)).toBeCloseTo(2.5e-4, 12);
    await first.save(`file://${dir}`);
    first.dispose();
    const resumed = await Trainer.load(`file://${dir}`);
    const seen: number[][] = [];
    await resumed.fit(data, { steps: 2, batchSize: 8, callbacks: [learningRateSchedule({ schedule }), recorder(resumed, seen)] });
    for (const [g, d] of seen) {
      expect(g).toBeCloseTo(2.5e-4, 12);
      expect(d).toBeCloseTo(2.5e-4, 12);
    }
    resumed.dispose();
  });

  it('takes explicit base rates', async () => {
    const trainer = makeTrainer();
    await trainer.fit(data, {
      steps: 1,
      batchSize: 8,
      callbacks: [learningRateSchedule({ schedule: () => 0.5, baseRates: { generator: 4e-3, discriminator: 2e-3 } })],
    });
    expect(rateOf(trainer.generatorOptimizer)).toBeCloseTo(2e-3, 12);
    expect(rateOf(trainer.discriminatorOptimizer)).toBeCloseTo(1e-3, 12);
    trainer.dispose();
  });

  it('rejects bad options and bad multipliers with errors naming them', async () => {
    expect(() => learningRateSchedule({ schedule: 0.1 as unknown as (step: number) => number })).toThrow(
      /'schedule' must be a function of the step returning a multiplier, received 0\.1/,
    );
    expect(() => learningRateSchedule({ schedule: () => 1, baseRates: { generator: -1, discriminator: 1 } })).toThrow(
      /'baseRates\.generator' must be a finite number > 0, received -1/,
    );
    const trainer = makeTrainer();
    await expect(
      trainer.fit(data, { steps: 3, batchSize: 8, callbacks: [learningRateSchedule({ schedule: (step) => (step < 1 ? 1 : Number.NaN) })] }),
    ).rejects.toThrow(/'schedule\(1\)' must return a finite number > 0, received NaN/);
    trainer.dispose();
  });
});
