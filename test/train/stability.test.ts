import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Dataset } from '../../src/data/dataset.js';
import { CheckpointError, ConfigError, ShapeError } from '../../src/errors.js';
import { readCheckpointManifest } from '../../src/io/checkpoint.js';
import type { GanLoss } from '../../src/losses/gan-loss.js';
import { relativistic, wasserstein } from '../../src/losses/index.js';
import { gradientPenalty, r1 } from '../../src/losses/penalties/index.js';
import type { Penalty } from '../../src/losses/penalty.js';
import { Discriminator, Generator } from '../../src/nets/index.js';
import { GeneratorEma } from '../../src/train/ema.js';
import { Trainer } from '../../src/train/trainer.js';
import { TEST_BACKENDS, switchBackend } from '../helpers/backends.js';
import { gradientVsFiniteDifferences, maxRelativeError } from '../helpers/finite-differences.js';
import { expectLeakFree } from '../helpers/leaks.js';
import { disposeAll } from '../helpers/trainers.js';

function points(n = 64): Dataset {
  const values = new Float32Array(n * 2);
  for (let i = 0; i < n; i++) {
    values[2 * i] = Math.cos(i) * 0.8;
    values[2 * i + 1] = Math.sin(i) * 0.8;
  }
  return Dataset.fromTensors(tf.tensor2d(values, [n, 2]), undefined, { checkRange: false, name: 'circle' });
}

function images(n = 32): Dataset {
  return Dataset.fromTensors(tf.randomUniform([n, 8, 8, 1], -1, 1, 'float32', 1), undefined, { name: 'noise-images' });
}

interface Options {
  loss?: GanLoss;
  penalties?: Penalty[];
  spectralNorm?: boolean;
  minibatchStdDev?: boolean;
  packing?: number;
  ema?: { decay: number; startStep?: number };
  augment?: ('translation' | 'cutout' | 'color')[];
  imageData?: boolean;
}

function makeTrainer(o: Options = {}): Trainer {
  const shape = o.imageData ? [8, 8, 1] : [2];
  const generator = Generator.mlp({ outputShape: shape, latentDim: 4, hiddenUnits: [16], seed: 1 });
  const discriminator = Discriminator.mlp({
    inputShape: shape,
    hiddenUnits: [16, 8],
    seed: 2,
    spectralNorm: o.spectralNorm,
    minibatchStdDev: o.minibatchStdDev,
    packing: o.packing,
  });
  return new Trainer({
    generator,
    discriminator,
    seed: 3,
    loss: o.loss,
    penalties: o.penalties,
    ema: o.ema,
    augment: o.augment,
    generatorLearningRate: 1e-3,
    discriminatorLearningRate: 1e-3,
  });
}

const weightsOf = (model: tf.LayersModel) => model.getWeights().map((w) => Array.from(w.dataSync()));

describe.each(TEST_BACKENDS)('stable-training options in the Trainer on %s', (backend) => {
  let data: Dataset;
  let imageData: Dataset;
  const dirs: string[] = [];
  beforeAll(async () => {
    await switchBackend(backend);
    data = points();
    imageData = images();
  });
  afterAll(() => {
    data.dispose();
    imageData.dispose();
    dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true }));
  });
  afterEach(() => tf.disposeVariables());

  it('EMA: avg ← d·avg + (1 - d)·w after each generator step, with a warm-up d = min(decay, (1 + n) / (10 + n))', async () => {
    const trainer = makeTrainer({ ema: { decay: 0.5 } });
    expect(trainer.emaGenerator).toBeInstanceOf(Generator);
    expect(trainer.samplingGenerator).toBe(trainer.emaGenerator);
    expect(weightsOf(trainer.emaGenerator!.model)).toEqual(weightsOf(trainer.generator.model));
    let average = weightsOf(trainer.generator.model);
    for (let step = 1; step <= 3; step++) {
      await trainer.fit(data, { steps: 1, batchSize: 16 });
      const d = Math.min(0.5, (1 + step) / (10 + step)); // 0.1818, 0.25, 0.3077
      const current = weightsOf(trainer.generator.model);
      average = average.map((w, i) => w.map((a, j) => d * a + (1 - d) * current[i][j]));
      weightsOf(trainer.emaGenerator!.model).forEach((w, i) => w.forEach((v, j) => expect(v).toBeCloseTo(average[i][j], 5)));
    }
    expect(weightsOf(trainer.emaGenerator!.model)).not.toEqual(weightsOf(trainer.generator.model));
    disposeAll(trainer);
  });

  it('EMA: copies the weights before startStep; sampling uses the average', async () => {
    const trainer = makeTrainer({ ema: { decay: 0.99, startStep: 2 } });
    await trainer.fit(data, { steps: 2, batchSize: 16 });
    expect(weightsOf(trainer.emaGenerator!.model)).toEqual(weightsOf(trainer.generator.model));
    await trainer.fit(data, { steps: 1, batchSize: 16 });
    expect(weightsOf(trainer.emaGenerator!.model)).not.toEqual(weightsOf(trainer.generator.model));
    const fromEma = trainer.samplingGenerator.sample({ count: 4, seed: 1 });
    const fromRaw = trainer.generator.sample({ count: 4, seed: 1 });
    expect(Array.from(fromEma.dataSync())).not.toEqual(Array.from(fromRaw.dataSync()));
    tf.dispose([fromEma, fromRaw]);
    expect(makeTrainer().samplingGenerator).toBeInstanceOf(Generator);
    expect(() => makeTrainer({ ema: { decay: 1 } })).toThrow(/'ema.decay' must be a number in \[0, 1\)/);
    expect(() => makeTrainer({ ema: { decay: 0.9, startStep: -1 } })).toThrow(/'ema.startStep' must be an integer >= 0/);
    disposeAll(trainer);
  });

  it('EMA update alone leaks nothing', async () => {
    const generator = Generator.mlp({ outputShape: [2], latentDim: 4, hiddenUnits: [8], batchNorm: true, seed: 1 });
    const ema = GeneratorEma.create(generator, { decay: 0.9 });
    let step = 0;
    await expectLeakFree(() => ema.update(generator, ++step));
    ema.dispose();
    generator.dispose();
  });

  it('a step with every option (SN, minibatch std, packing, R1, GP, EMA) is finite and leak-free', async () => {
    const trainer = makeTrainer({
      spectralNorm: true,
      minibatchStdDev: true,
      packing: 2,
      ema: { decay: 0.9 },
      penalties: [r1({ gamma: 1, every: 2 }), gradientPenalty({ weight: 1 })],
      loss: relativistic({ form: 'hinge' }),
    });
    const history = await trainer.fit(data, { steps: 3, batchSize: 16 });
    for (const log of history.logs) expect(Number.isFinite(log.dLoss) && Number.isFinite(log.gLoss)).toBe(true);
    expect(Object.keys(history.logs[0].penalties).sort()).toEqual(['gradient-penalty', 'r1']);
    expect(Object.keys(history.logs[1].penalties)).toEqual(['gradient-penalty']); // lazy R1 skips odd steps
    await expectLeakFree(() => trainer.trainStep(data, 16));
    disposeAll(trainer);
  });

  it('DiffAugment in the trainer: seeded, leak-free, gradients reach the generator', async () => {
    const run = async (augment?: ('translation' | 'cutout' | 'color')[]) => {
      const trainer = makeTrainer({ imageData: true, augment, ema: { decay: 0.9 } });
      const logs = (await trainer.fit(imageData, { steps: 2, batchSize: 8 })).logs.map((l) => [l.dLoss, l.gLoss]);
      const before = weightsOf(trainer.generator.model);
      await trainer.fit(imageData, { steps: 1, batchSize: 8 });
      const changed = weightsOf(trainer.generator.model).some((w, i) => w.some((v, j) => v !== before[i][j]));
      return { trainer, logs, changed };
    };
    const a = await run(['translation', 'cutout', 'color']);
    const b = await run(['translation', 'cutout', 'color']);
    const plain = await run();
    expect(a.logs).toEqual(b.logs);
    expect(a.logs).not.toEqual(plain.logs);
    expect(a.changed).toBe(true);
    expect(a.trainer.augment).toEqual(['translation', 'cutout', 'color']);
    await expectLeakFree(() => a.trainer.trainStep(imageData, 8));
    [a, b, plain].forEach((r) => disposeAll(r.trainer));
    expect(() => makeTrainer({ augment: ['cutout'] })).toThrow(/'augment' needs image data/);
    expect(() => makeTrainer({ imageData: true, augment: ['blur' as never] })).toThrow(ConfigError);
  });

  it('Wasserstein with clip: the critic weights stay in [-c, c] after every step', async () => {
    const trainer = makeTrainer({ loss: wasserstein({ clip: 0.02 }) });
    await trainer.fit(data, { steps: 2, batchSize: 16 });
    const all = weightsOf(trainer.discriminator.model).flat();
    expect(Math.max(...all.map(Math.abs))).toBeLessThanOrEqual(0.02 + 1e-7);
    expect(all.some((v) => Math.abs(v) === Math.fround(0.02))).toBe(true);
    disposeAll(trainer);
  });

  it('packing: logits per group of m samples, batch sizes that are not multiples refused', async () => {
    const trainer = makeTrainer({ packing: 4 });
    expect(trainer.discriminator.packing).toBe(4);
    expect(trainer.discriminator.model.inputs[0].shape).toEqual([null, 8]);
    const logits = tf.tidy(() => trainer.discriminator.logits(tf.zeros([12, 2])));
    expect(logits.shape).toEqual([3]);
    logits.dispose();
    // Groups are consecutive samples concatenated: [x0, x1, x2, x3] -> one input.
    const x = tf.tensor2d([[1, 2], [3, 4], [5, 6], [7, 8]]);
    const packedModel = tf.model({ inputs: trainer.discriminator.model.inputs, outputs: trainer.discriminator.model.inputs[0] });
    expect(packedModel.inputs[0].shape).toEqual([null, 8]);
    const { packSamples } = await import('../../src/nets/packing.js');
    expect(packSamples(x, 4, 'test').arraySync()).toEqual([[1, 2, 3, 4, 5, 6, 7, 8]]);
    const imagesPacked = packSamples(tf.reshape(tf.range(0, 16), [2, 2, 2, 2]), 2, 'test');
    expect(imagesPacked.shape).toEqual([1, 2, 2, 4]);
    expect((imagesPacked.arraySync() as number[][][][])[0][0][0]).toEqual([0, 1, 8, 9]); // pixel (0,0) of both samples
    await expect(trainer.fit(data, { steps: 1, batchSize: 10 })).rejects.toThrow(/'batchSize' must be a multiple of the discriminator's packing 4/);
    expect(() => tf.tidy(() => trainer.discriminator.logits(tf.zeros([6, 2])))).toThrow(ShapeError);
    // Conditional packing judges groups of one class (test/nets/conditional-packing.test.ts); not with an ACGAN classifier.
    expect(() => Discriminator.mlp({ inputShape: [2], numClasses: 2, conditioning: 'acgan', packing: 2 })).toThrow(/'packing' 2 judges a group of samples as one input/);
    expect(() => Discriminator.dcgan({ imageShape: [28, 28, 1], packing: 0 })).toThrow(/'packing' must be an integer >= 1/);
    expect(Discriminator.dcgan({ imageShape: [28, 28, 1], packing: 2, spectralNorm: true, minibatchStdDev: 2 }).model.inputs[0].shape).toEqual([null, 28, 28, 2]);
    disposeAll(trainer);
  });

  it('the gradient penalty through a spectrally normalised discriminator matches finite differences', () => {
    const discriminator = Discriminator.mlp({ inputShape: [2], hiddenUnits: [6, 4], spectralNorm: true, minibatchStdDev: true, seed: 4 });
    const real = tf.tensor2d([[0.5, -1], [1, 0.5], [-0.75, 0.2], [0.1, 0.9]]);
    const fake = tf.tensor2d([[-0.4, 0.3], [0.6, -0.9], [0.2, 0.2], [-1, -0.1]]);
    // Converge the power iteration first, so that the extra iteration of each evaluation changes nothing.
    for (let i = 0; i < 100; i++) tf.dispose(tf.tidy(() => discriminator.logits(real, undefined, true)));
    const penalty = gradientPenalty({ weight: 10 });
    const inputs = { discriminator, realSamples: real, fakeSamples: fake, realLogits: real, fakeLogits: fake, step: 0, seed: 9 };
    const { analytic, numeric } = gradientVsFiniteDifferences(() => penalty.compute(inputs)!, discriminator.trainableVariables);
    expect(maxRelativeError(analytic, numeric)).toBeCloseTo(0, 2);
    discriminator.dispose();
  });

  it('checkpoints restore penalties, loss config, EMA, augment and packing without overrides, and resume exactly', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tfjs-gan-stable-'));
    dirs.push(dir);
    const options: Options = {
      loss: wasserstein({ clip: 0.5 }),
      penalties: [gradientPenalty({ weight: 2 }), r1({ gamma: 1, every: 2 })],
      spectralNorm: true,
      minibatchStdDev: true,
      packing: 2,
      ema: { decay: 0.8, startStep: 1 },
    };
    const straight = makeTrainer(options);
    const straightLogs = (await straight.fit(data, { steps: 4, batchSize: 16 })).logs.map((l) => [l.dLoss, l.gLoss, l.penalties]);
    const first = makeTrainer(options);
    const firstLogs = (await first.fit(data, { steps: 2, batchSize: 16 })).logs.map((l) => [l.dLoss, l.gLoss, l.penalties]);
    await first.save(`file://${dir}`);
    const manifest = await readCheckpointManifest(`file://${dir}`);
    expect(manifest.penalties).toEqual([
      { name: 'gradient-penalty', config: { weight: 2, target: 1, epsilon: 1e-12 } },
      { name: 'r1', config: { gamma: 1, every: 2 } },
    ]);
    expect(manifest.loss).toEqual({ name: 'wasserstein', config: { clip: 0.5 } });
    expect(manifest.ema).toMatchObject({ decay: 0.8, startStep: 1 });
    expect(manifest.discriminator.spec).toMatchObject({ packing: 2 });
    disposeAll(first);
    const resumed = await Trainer.load(`file://${dir}`);
    expect(resumed.penalties.map((p) => p.name)).toEqual(['gradient-penalty', 'r1']);
    expect(resumed.loss.config).toEqual({ clip: 0.5 });
    expect(resumed.discriminator.packing).toBe(2);
    expect(resumed.ema?.config).toEqual({ decay: 0.8, startStep: 1 });
    const secondLogs = (await resumed.fit(data, { steps: 2, batchSize: 16 })).logs.map((l) => [l.dLoss, l.gLoss, l.penalties]);
    expect([...firstLogs, ...secondLogs]).toEqual(straightLogs);
    expect(weightsOf(resumed.emaGenerator!.model)).toEqual(weightsOf(straight.emaGenerator!.model));
    expect(weightsOf(resumed.discriminator.model)).toEqual(weightsOf(straight.discriminator.model));
    disposeAll(straight);
    disposeAll(resumed);
  });

  it('checkpoints with augment keep the policy; custom penalties still need overrides', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tfjs-gan-augment-'));
    dirs.push(dir);
    const custom: Penalty = { name: 'mine', config: {}, compute: () => null };
    const trainer = makeTrainer({ imageData: true, augment: ['translation', 'color'], penalties: [custom] });
    await trainer.fit(imageData, { steps: 1, batchSize: 8 });
    await trainer.save(`file://${dir}`);
    expect((await readCheckpointManifest(`file://${dir}`)).augment).toEqual(['translation', 'color']);
    await expect(Trainer.load(`file://${dir}`)).rejects.toThrow(CheckpointError);
    await expect(Trainer.load(`file://${dir}`)).rejects.toThrow(/penalty "mine".*pass the penalties as 'penalties' to Trainer.load/);
    const resumed = await Trainer.load(`file://${dir}`, { penalties: [custom] });
    expect(resumed.augment).toEqual(['translation', 'color']);
    disposeAll(trainer);
    disposeAll(resumed);
  });
});
