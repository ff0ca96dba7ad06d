/**
 * No bad update is applied: when a step fails (a non-finite loss, or an update that leaves a weight or an
 * optimizer's state non-finite), every weight, the optimizers' state and the EMA are exactly as after the
 * last good step, on the 2-D ring with learning rates far too large.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Dataset } from '../../src/data/dataset.js';
import { toy2d } from '../../src/data/toy2d.js';
import { TrainingError } from '../../src/errors.js';
import { Discriminator, Generator } from '../../src/nets/index.js';
import type { StepLogs } from '../../src/train/callback.js';
import { Trainer } from '../../src/train/trainer.js';
import { TEST_BACKENDS, switchBackend } from '../helpers/backends.js';
import { expectLeakFree } from '../helpers/leaks.js';
import { PoisoningSgd } from '../helpers/poisoning-optimizer.js';
import { disposeAll, ringTrainer } from '../helpers/trainers.js';

/** Every value the run owns: both networks' weights, the EMA's, both optimizers' state and step counts. */
async function state(trainer: Trainer): Promise<number[][]> {
  const weights = [trainer.generator.model, trainer.discriminator.model, ...(trainer.emaGenerator ? [trainer.emaGenerator.model] : [])]
    .flatMap((model) => model.weights.map((w) => Array.from(w.read().dataSync())));
  const optimizerState: number[][] = [];
  for (const optimizer of [trainer.generatorOptimizer, trainer.discriminatorOptimizer]) {
    for (const { tensor } of await optimizer.getWeights()) optimizerState.push(Array.from(tensor.dataSync()));
    optimizerState.push([optimizer.iterations]);
    // Adam's bias corrections are not in getWeights.
    for (const key of ['accBeta1', 'accBeta2']) {
      const v = (optimizer as unknown as Record<string, tf.Variable | undefined>)[key];
      if (v !== undefined) optimizerState.push(Array.from(v.dataSync()));
    }
  }
  return [...weights, ...optimizerState];
}

const allFinite = (values: number[][]): boolean => values.every((v) => v.every(Number.isFinite));

/** Sets an optimizer's learning rate (SGD and momentum cache it in a tensor that setLearningRate replaces). */
function setLearningRate(optimizer: tf.Optimizer, rate: number): void {
  const o = optimizer as unknown as { learningRate: number; setLearningRate?: (rate: number) => void };
  if (o.setLearningRate) o.setLearningRate(rate);
  else o.learningRate = rate;
}

/**
 * Trains until the run fails, the learning rates raised to `hugeRate` after `goodSteps` steps (0: from
 * the start); returns the error and the state after the last good step.
 */
async function trainUntilFailure(
  trainer: Trainer,
  data: Dataset,
  hugeRate: number,
  goodSteps: number,
): Promise<{ error: unknown; good: number[][]; goodStep: number }> {
  const raise = (): void => [trainer.generatorOptimizer, trainer.discriminatorOptimizer].forEach((o) => setLearningRate(o, hugeRate));
  if (goodSteps === 0) raise();
  let good = await state(trainer);
  let goodStep = 0;
  const snapshot = async (logs: StepLogs): Promise<void> => {
    good = await state(trainer);
    goodStep = logs.step;
    if (logs.step === goodSteps) raise();
  };
  const error = await trainer.fit(data, { steps: 30, batchSize: 32, callbacks: [{ onStepEnd: snapshot }] }).then(
    () => undefined,
    (e: unknown) => e,
  );
  return { error, good, goodStep };
}

describe.each(TEST_BACKENDS)('the update guard on %s', (backend) => {
  let ring: Dataset;
  beforeAll(async () => {
    await switchBackend(backend);
    ring = await toy2d('ring', { count: 256 });
  });
  afterAll(() => ring.dispose());
  afterEach(() => tf.disposeVariables());

  const cases: Array<[string, () => tf.Optimizer, number, number]> = [
    ['adam, 1e30 from the start', () => tf.train.adam(1e-3), 1e30, 0],
    ['adam, 1e30 after 3 steps', () => tf.train.adam(1e-3), 1e30, 3],
    ['sgd, 1e20 from the start', () => tf.train.sgd(1e-3), 1e20, 0],
    ['sgd, 1e20 after 3 steps', () => tf.train.sgd(1e-3), 1e20, 3],
    ['momentum, 1e20 after 3 steps', () => tf.train.momentum(1e-3, 0.9), 1e20, 3],
    ['rmsprop, 1e30 after 3 steps', () => tf.train.rmsprop(1e-3), 1e30, 3],
  ];
  it.each(cases)('%s: after the TrainingError every value is as after the last good step', async (_, optimizer, hugeRate, goodSteps) => {
    const trainer = ringTrainer(optimizer(), optimizer());
    const { error, good, goodStep } = await trainUntilFailure(trainer, ring, hugeRate, goodSteps);
    expect(error).toBeInstanceOf(TrainingError);
    expect(goodStep).toBeGreaterThanOrEqual(goodSteps);
    expect((error as TrainingError).step).toBe(goodStep + 1);
    expect(trainer.step).toBe(goodStep);
    expect(allFinite(good)).toBe(true);
    expect(await state(trainer)).toEqual(good);
    disposeAll(trainer);
  });

  it('the default fused Adam: a failed step leaves the state of the last good one, and the run can go on', async () => {
    const trainer = new Trainer({
      generator: Generator.mlp({ outputShape: [2], latentDim: 4, hiddenUnits: [16], seed: 1 }),
      discriminator: Discriminator.mlp({ inputShape: [2], hiddenUnits: [16], seed: 2 }),
      seed: 3,
    });
    const { error, good, goodStep } = await trainUntilFailure(trainer, ring, 1e30, 2);
    expect(error).toBeInstanceOf(TrainingError);
    expect(await state(trainer)).toEqual(good);
    // Back to a sane rate, the run goes on from the last good step.
    [trainer.generatorOptimizer, trainer.discriminatorOptimizer].forEach((o) => setLearningRate(o, 1e-3));
    const history = await trainer.fit(ring, { steps: 2, batchSize: 32 });
    expect(history.logs.map((l) => l.step)).toEqual([goodStep + 1, goodStep + 2]);
    expect(allFinite(await state(trainer))).toBe(true);
    disposeAll(trainer);
  });

  it('an update that leaves a weight non-finite while every loss is finite is undone, and named', async () => {
    const trainer = ringTrainer(new PoisoningSgd(1e-3), tf.train.sgd(1e-3));
    const { error, good, goodStep } = await trainUntilFailure(trainer, ring, 1e-3, 0);
    expect(goodStep).toBe(2);
    expect(error).toBeInstanceOf(TrainingError);
    expect((error as Error).message).toMatch(/step 3 made a weight or an optimizer's state non-finite .* as after step 2/);
    expect(await state(trainer)).toEqual(good);
    disposeAll(trainer);
  });

  it('guarded steps are leak-free, and a failed step leaks nothing', async () => {
    const trainer = ringTrainer(tf.train.adam(1e-3), tf.train.adam(1e-3));
    await expectLeakFree(() => trainer.trainStep(ring, 32));
    const before = tf.memory().numTensors;
    (trainer.discriminatorOptimizer as unknown as { learningRate: number }).learningRate = 1e38;
    (trainer.generatorOptimizer as unknown as { learningRate: number }).learningRate = 1e38;
    let failures = 0;
    for (let i = 0; i < 6; i++) await trainer.trainStep(ring, 32).catch(() => void (failures += 1));
    expect(failures).toBeGreaterThan(0);
    expect(tf.memory().numTensors).toBe(before);
    disposeAll(trainer);
  });
});
