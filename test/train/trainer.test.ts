import * as tf from '@tensorflow/tfjs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Dataset } from '../../src/data/dataset.js';
import { ConfigError, DataError, ShapeError, TrainingError } from '../../src/errors.js';
import type { GanLoss } from '../../src/losses/gan-loss.js';
import type { Penalty } from '../../src/losses/penalty.js';
import { Discriminator, Generator } from '../../src/nets/index.js';
import { Trainer } from '../../src/train/trainer.js';
import { TEST_BACKENDS, switchBackend } from '../helpers/backends.js';
import { expectLeakFree } from '../helpers/leaks.js';
import { disposeAll, lossPairs } from '../helpers/trainers.js';

/** A small labelled 2-D dataset: two blobs. */
function blobs(n = 64): Dataset {
  const points = new Float32Array(n * 2);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = i % 2;
    points[2 * i] = (labels[i] ? 0.5 : -0.5) + 0.01 * Math.sin(i);
    points[2 * i + 1] = 0.01 * Math.cos(i);
  }
  return Dataset.fromTensors(tf.tensor2d(points, [n, 2]), labels, { numClasses: 2, checkRange: false, name: 'blobs' });
}

function makeTrainer(options: { seed?: number; numClasses?: number; batchNorm?: boolean; loss?: GanLoss | string; penalties?: Penalty[]; discriminatorSteps?: number } = {}): Trainer {
  const numClasses = options.numClasses ?? 0;
  const generator = Generator.mlp({ outputShape: [2], latentDim: 4, hiddenUnits: [16, 16], numClasses, batchNorm: options.batchNorm, seed: 1 });
  const discriminator = Discriminator.mlp({ inputShape: [2], hiddenUnits: [16], numClasses, seed: 2 });
  return new Trainer({
    generator,
    discriminator,
    seed: options.seed ?? 3,
    loss: options.loss,
    penalties: options.penalties,
    discriminatorSteps: options.discriminatorSteps,
    generatorLearningRate: 1e-3,
    discriminatorLearningRate: 1e-3,
  });
}

/**
 * Where a test saves a checkpoint: a fresh temporary directory (`file://`) in Node, an IndexedDB
 * entry in the page runs of `npm run test:browser`.
 */
const tempDirs: string[] = [];
async function checkpointUrl(name: string): Promise<string> {
  if (typeof window !== 'undefined') return `indexeddb://${name}-${Date.now().toString(36)}`;
  const [{ mkdtempSync }, { tmpdir }, { join }] = await Promise.all([import('node:fs'), import('node:os'), import('node:path')]);
  const dir = mkdtempSync(join(tmpdir(), `tfjs-gan-${name}-`));
  tempDirs.push(dir);
  return `file://${dir}`;
}

async function removeTempDirs(): Promise<void> {
  if (tempDirs.length === 0) return;
  const { rmSync } = await import('node:fs');
  tempDirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true }));
}


describe.each(TEST_BACKENDS)('Trainer on %s', (backend) => {
  let data: Dataset;
  beforeAll(async () => {
    await switchBackend(backend);
    data = blobs();
  });
  afterAll(async () => {
    data.dispose();
    await removeTempDirs();
  });
  afterEach(() => tf.disposeVariables());

  it('trains: losses are finite numbers, the step advances and history has one entry per step', async () => {
    const trainer = makeTrainer();
    const history = await trainer.fit(data, { steps: 5, batchSize: 16 });
    expect(history.logs).toHaveLength(5);
    expect(history.aborted).toBe(false);
    expect(trainer.step).toBe(5);
    expect(history.logs.map((l) => l.step)).toEqual([1, 2, 3, 4, 5]);
    for (const log of history.logs) {
      expect(Number.isFinite(log.dLoss) && Number.isFinite(log.gLoss)).toBe(true);
      expect(log.seconds).toBeGreaterThan(0);
    }
    disposeAll(trainer);
  });

  it('is reproducible: the same seed gives the same losses, another seed different ones', async () => {
    const runs = [];
    for (const seed of [11, 11, 12]) {
      const trainer = makeTrainer({ seed });
      runs.push(lossPairs((await trainer.fit(data, { steps: 4, batchSize: 16 })).logs));
      disposeAll(trainer);
    }
    expect(runs[1]).toEqual(runs[0]);
    expect(runs[2]).not.toEqual(runs[0]);
  });

  it('is leak-free: the tensor count is unchanged across steps after a warm-up', async () => {
    const trainer = makeTrainer({ numClasses: 2, batchNorm: true });
    await expectLeakFree(() => trainer.trainStep(data, 16));
    disposeAll(trainer);
  });

  it('resumes exactly: N steps, save, load, N steps equals 2N steps straight', async () => {
    const url = await checkpointUrl('resume');
    const straight = makeTrainer({ batchNorm: true, numClasses: 2, discriminatorSteps: 2 });
    const straightLogs = lossPairs((await straight.fit(data, { steps: 6, batchSize: 16 })).logs);
    const straightWeights = straight.generator.model.getWeights().map((w) => Array.from(w.dataSync()));

    const first = makeTrainer({ batchNorm: true, numClasses: 2, discriminatorSteps: 2 });
    const firstLogs = lossPairs((await first.fit(data, { steps: 3, batchSize: 16 })).logs);
    await first.save(url);
    disposeAll(first);
    const resumed = await Trainer.load(url);
    expect(resumed.step).toBe(3);
    const secondLogs = lossPairs((await resumed.fit(data, { steps: 3, batchSize: 16 })).logs);
    expect([...firstLogs, ...secondLogs]).toEqual(straightLogs);
    expect(resumed.generator.model.getWeights().map((w) => Array.from(w.dataSync()))).toEqual(straightWeights);
    disposeAll(straight);
    disposeAll(resumed);
  });

  it('stops on a non-finite loss with a TrainingError naming the step, without applying the update', async () => {
    let explode = false;
    const exploding: GanLoss = {
      name: 'exploding',
      config: {},
      discriminator: ({ realLogits }) => tf.tidy(() => (explode ? tf.mul(Number.NaN, tf.mean(realLogits)) : tf.mean(realLogits)) as tf.Scalar),
      generator: ({ fakeLogits }) => tf.tidy(() => tf.neg(tf.mean(fakeLogits)) as tf.Scalar),
    };
    const trainer = makeTrainer({ loss: exploding });
    const error = await trainer
      .fit(data, { steps: 5, batchSize: 16, callbacks: [{ onStepEnd: (logs) => void (explode = logs.step === 2) }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TrainingError);
    expect((error as TrainingError).step).toBe(3);
    expect((error as Error).message).toMatch(/discriminator loss became NaN at step 3/);
    expect(trainer.step).toBe(2);
    const weights = trainer.discriminator.model.getWeights().flatMap((w) => Array.from(w.dataSync()));
    expect(weights.every(Number.isFinite)).toBe(true);
    disposeAll(trainer);
  });

  it('stops after the current step when the AbortSignal fires', async () => {
    const trainer = makeTrainer();
    const controller = new AbortController();
    const history = await trainer.fit(data, {
      steps: 100,
      batchSize: 16,
      signal: controller.signal,
      callbacks: [{ onStepEnd: (logs) => void (logs.step === 3 && controller.abort()) }],
    });
    expect(history.aborted).toBe(true);
    expect(trainer.step).toBe(3);
    disposeAll(trainer);
  });

  it('adds penalties to the discriminator loss and logs their values', async () => {
    const logitPenalty: Penalty = {
      name: 'logitSquare',
      config: { weight: 0.1 },
      compute: ({ realLogits }) => tf.tidy(() => tf.mul(0.1, tf.mean(tf.square(realLogits))) as tf.Scalar),
    };
    const trainer = makeTrainer({ penalties: [logitPenalty] });
    const history = await trainer.fit(data, { steps: 2, batchSize: 16 });
    const last = history.logs[1];
    expect(last.penalties.logitSquare).toBeGreaterThan(0);
    expect(last.penalties.logitSquare).toBeCloseTo(0.1 * last.realScore ** 2, 1);
    disposeAll(trainer);
  });

  it('trains for epochs: steps = epochs x batches per epoch / discriminator steps', async () => {
    const trainer = makeTrainer({ discriminatorSteps: 2 });
    const history = await trainer.fit(data, { epochs: 2, batchSize: 16 });
    expect(history.logs).toHaveLength((2 * 4) / 2);
    disposeAll(trainer);
  });

  it('rejects bad data and options with clear errors', async () => {
    const trainer = makeTrainer({ numClasses: 2 });
    const unlabelled = Dataset.fromTensors(tf.zeros([8, 2]), undefined, { checkRange: false, name: 'plain' });
    await expect(trainer.fit(unlabelled, { steps: 1, batchSize: 4 })).rejects.toThrow(DataError);
    await expect(trainer.fit(unlabelled, { steps: 1, batchSize: 4 })).rejects.toThrow(/conditional \(numClasses 2\) but the dataset "plain" has no labels/);
    const images = Dataset.fromTensors(tf.zeros([8, 4, 4, 1]), undefined, { name: 'images' });
    await expect(trainer.fit(images, { steps: 1, batchSize: 4 })).rejects.toThrow(ShapeError);
    await expect(trainer.fit(images, { steps: 1, batchSize: 4 })).rejects.toThrow(/input shape \[2\], received \[4, 4, 1\]/);
    await expect(trainer.fit(data, { steps: 1, batchSize: 1000 })).rejects.toThrow(/'batchSize' must be at most the dataset size 64, received 1000/);
    await expect(trainer.fit(data, { steps: 1, epochs: 1 })).rejects.toThrow(ConfigError);
    await expect(trainer.fit(data, {})).rejects.toThrow(/give 'steps'/);
    await expect(trainer.fit({} as Dataset, { steps: 1 })).rejects.toThrow(/'data' must be a Dataset/);
    unlabelled.dispose();
    images.dispose();
    disposeAll(trainer);
  });
});

describe('Trainer configuration', () => {
  beforeAll(async () => {
    await switchBackend('cpu');
  });

  it('defaults by kind of data: DCGAN Adam for images; Adam(1e-3, 0, 0.99), batch 256 and an EMA for vectors', async () => {
    const adamOf = (o: tf.Optimizer): unknown[] => {
      const c = o.getConfig();
      return [o.getClassName(), c.learningRate, c.beta1, c.beta2];
    };
    const vector = new Trainer({ generator: Generator.mlp({ outputShape: [2] }), discriminator: Discriminator.mlp({ inputShape: [2] }) });
    expect(adamOf(vector.generatorOptimizer)).toEqual(['Adam', 1e-3, 0, 0.99]);
    expect(adamOf(vector.discriminatorOptimizer)).toEqual(['Adam', 1e-3, 0, 0.99]);
    expect(vector.defaultBatchSize).toBe(256);
    expect(vector.ema?.config).toEqual({ decay: 0.999, startStep: 0 });
    expect(vector.samplingGenerator).toBe(vector.emaGenerator);
    const images = new Trainer({
      generator: Generator.mlp({ outputShape: [4, 4, 1], latentDim: 2, hiddenUnits: [4] }),
      discriminator: Discriminator.mlp({ inputShape: [4, 4, 1], hiddenUnits: [4] }),
    });
    expect(adamOf(images.generatorOptimizer)).toEqual(['Adam', 2e-4, 0.5, 0.999]);
    expect(images.defaultBatchSize).toBe(64);
    expect(images.ema).toBeUndefined();
    expect(images.samplingGenerator).toBe(images.generator);
    // ema: false turns the vector default off; an explicit config wins.
    const plain = new Trainer({ generator: Generator.mlp({ outputShape: [2] }), discriminator: Discriminator.mlp({ inputShape: [2] }), ema: false });
    expect(plain.ema).toBeUndefined();
    // The default batch shrinks to a smaller dataset, to a multiple of the packing.
    const packed = new Trainer({ generator: Generator.mlp({ outputShape: [2] }), discriminator: Discriminator.mlp({ inputShape: [2], packing: 4 }), seed: 1 });
    const small = Dataset.fromTensors(tf.randomUniform([30, 2], -1, 1, 'float32', 1));
    const history = await packed.fit(small, { epochs: 1 });
    expect(history.logs).toHaveLength(1); // one batch of 28 from 30 samples
    [vector, images, plain, packed, small].forEach((x) => x.dispose());
  });

  it('checks that the networks fit together and that names are known', () => {
    const generator = Generator.mlp({ outputShape: [3] });
    const discriminator = Discriminator.mlp({ inputShape: [2] });
    expect(() => new Trainer({ generator, discriminator })).toThrow(/output shape \[3\] must equal the discriminator's input shape \[2\]/);
    const g2 = Generator.mlp({ outputShape: [2] });
    expect(() => new Trainer({ generator: g2, discriminator, loss: 'hinj' })).toThrow(/unknown loss name "hinj"/);
    expect(() => new Trainer({ generator: g2, discriminator, discriminatorSteps: 0 })).toThrow(/'discriminatorSteps' must be an integer >= 1, received 0/);
    expect(() => new Trainer({ generator: g2, discriminator, generatorLearningRate: -1 })).toThrow(/'generatorLearningRate' must be a finite number > 0, received -1/);
    const g3 = Generator.mlp({ outputShape: [2], numClasses: 3 });
    expect(() => new Trainer({ generator: g3, discriminator })).toThrow(/same 'numClasses', received 3 and 0/);
    const shared = tf.train.adam();
    expect(() => new Trainer({ generator: g2, discriminator, generatorOptimizer: shared, discriminatorOptimizer: shared })).toThrow(/two different optimizer objects/);
    [generator, discriminator, g2, g3].forEach((n) => n.dispose());
  });
});
