import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Dataset } from '../../src/data/dataset.js';
import { ConfigError, DataError } from '../../src/errors.js';
import type { Penalty } from '../../src/losses/penalty.js';
import { Discriminator, Generator } from '../../src/nets/index.js';
import { Trainer } from '../../src/train/trainer.js';
import { TEST_BACKENDS, switchBackend } from '../helpers/backends.js';
import { expectLeakFree } from '../helpers/leaks.js';
import { disposeAll } from '../helpers/trainers.js';

const NAMES = ['left', 'middle', 'right'];

/** Three labelled 2-D blobs. */
function blobs(n = 48, classNames?: readonly string[]): Dataset {
  const points = new Float32Array(n * 2);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = i % 3;
    points[2 * i] = labels[i] - 1 + 0.05 * Math.sin(i);
    points[2 * i + 1] = 0.05 * Math.cos(i);
  }
  return Dataset.fromTensors(tf.tensor2d(points, [n, 2]), labels, { numClasses: 3, checkRange: false, name: 'blobs', classNames });
}

/** A user ACGAN discriminator whose class head starts at zero: uniform class logits, CE = ln 3. */
function zeroClassHeadDiscriminator(): Discriminator {
  const input = tf.input({ shape: [2] });
  const hidden = tf.layers.dense({ units: 8, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) }).apply(input) as tf.SymbolicTensor;
  const logit = tf.layers.dense({ units: 1, kernelInitializer: tf.initializers.glorotUniform({ seed: 4 }) }).apply(hidden) as tf.SymbolicTensor;
  const classes = tf.layers.dense({ units: 3, kernelInitializer: 'zeros' }).apply(hidden) as tf.SymbolicTensor;
  return new Discriminator(tf.model({ inputs: input, outputs: [logit, classes] }), { inputShape: [2], numClasses: 3, auxiliaryClassifier: true });
}

function acganTrainer(options: { weight?: number; frozenDiscriminator?: boolean; penalties?: Penalty[]; conditioning?: 'concat' | 'cbn' } = {}): Trainer {
  const generator = Generator.mlp({ outputShape: [2], latentDim: 4, hiddenUnits: [16, 16], numClasses: 3, conditioning: options.conditioning, seed: 1 });
  const discriminator = options.frozenDiscriminator
    ? zeroClassHeadDiscriminator()
    : Discriminator.mlp({ inputShape: [2], hiddenUnits: [16], numClasses: 3, conditioning: 'acgan', seed: 2 });
  return new Trainer({
    generator,
    discriminator,
    seed: 5,
    auxiliaryClassifierWeight: options.weight,
    penalties: options.penalties,
    generatorLearningRate: 1e-3,
    // A learning rate of 0 keeps the discriminator as built, so the generator step sees it unchanged.
    discriminatorOptimizer: options.frozenDiscriminator ? tf.train.sgd(0) : undefined,
    discriminatorLearningRate: options.frozenDiscriminator ? undefined : 1e-3,
  });
}

describe.each(TEST_BACKENDS)('ACGAN training on %s', (backend) => {
  let data: Dataset;
  beforeAll(async () => {
    await switchBackend(backend);
    data = blobs();
  });
  afterAll(() => data.dispose());
  afterEach(() => tf.disposeVariables());

  it('adds the class cross-entropy to both losses with its weight: hand-computed values at uniform class logits', async () => {
    const ln3 = Math.log(3);
    const runs = new Map<number, { dLoss: number; gLoss: number; dClassLoss?: number; gClassLoss?: number }>();
    for (const weight of [0, 0.5, 1]) {
      const trainer = acganTrainer({ weight, frozenDiscriminator: true });
      const [logs] = (await trainer.fit(data, { steps: 1, batchSize: 12 })).logs;
      runs.set(weight, logs);
      disposeAll(trainer);
    }
    const [w0, wHalf, w1] = [runs.get(0)!, runs.get(0.5)!, runs.get(1)!];
    // D: cross-entropy on the real batch plus on the fake batch, ln 3 each; G: ln 3 on its own fakes.
    expect(w1.dClassLoss).toBeCloseTo(2 * ln3, 5);
    expect(w1.gClassLoss).toBeCloseTo(ln3, 5);
    expect(w1.dLoss - w0.dLoss).toBeCloseTo(2 * ln3, 4);
    expect(wHalf.dLoss - w0.dLoss).toBeCloseTo(ln3, 4);
    expect(w1.gLoss - w0.gLoss).toBeCloseTo(ln3, 4);
    expect(wHalf.gLoss - w0.gLoss).toBeCloseTo(0.5 * ln3, 4);
  });

  it('trains the class head, passes no labels into the discriminator, and is leak-free', async () => {
    const seen: (tf.Tensor | undefined)[] = [];
    const spy: Penalty = {
      name: 'spy',
      config: {},
      compute: ({ discriminator, realSamples, realLabels, fakeLabels }) => {
        seen.push(realLabels, fakeLabels);
        return tf.tidy(() => tf.mul(0, tf.mean(discriminator.logits(realSamples, realLabels, true))) as tf.Scalar);
      },
    };
    const trainer = acganTrainer({ penalties: [spy], conditioning: 'cbn' });
    const head = () => Array.from(trainer.discriminator.model.getLayer('class_logits').getWeights()[0].dataSync());
    const before = head();
    const history = await trainer.fit(data, { steps: 20, batchSize: 12 });
    expect(head()).not.toEqual(before);
    expect(seen.every((labels) => labels === undefined)).toBe(true);
    const first = history.logs[0];
    const last = history.logs.at(-1)!;
    expect(Number.isFinite(last.dClassLoss) && Number.isFinite(last.gClassLoss)).toBe(true);
    expect(last.dClassLoss!).toBeLessThan(first.dClassLoss!);
    await expectLeakFree(() => trainer.trainStep(data, 12));
    disposeAll(trainer);
  });
});

describe('conditional training state', () => {
  const dirs: string[] = [];
  beforeAll(async () => {
    await switchBackend('cpu');
  });
  afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
  afterEach(() => tf.disposeVariables());

  it('checkpoints class names, the auxiliary classifier and its weight, and resumes exactly', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tfjs-gan-acgan-'));
    dirs.push(dir);
    const data = blobs(48, NAMES);
    const make = () => acganTrainer({ weight: 0.5, conditioning: 'cbn' });
    const straight = make();
    const straightLogs = (await straight.fit(data, { steps: 4, batchSize: 12 })).logs;
    const first = make();
    const firstLogs = (await first.fit(data, { steps: 2, batchSize: 12 })).logs;
    expect(first.generator.classNames).toEqual(NAMES);
    await first.save(dir);
    disposeAll(first);
    const resumed = await Trainer.load(dir);
    expect(resumed.generator.classNames).toEqual(NAMES);
    expect(resumed.discriminator.auxiliaryClassifier).toBe(true);
    expect(resumed.discriminator.conditional).toBe(false);
    expect(resumed.auxiliaryClassifierWeight).toBe(0.5);
    const secondLogs = (await resumed.fit(data, { steps: 2, batchSize: 12 })).logs;
    const pick = (logs: readonly { dLoss: number; gLoss: number; dClassLoss?: number }[]) => logs.map((l) => [l.dLoss, l.gLoss, l.dClassLoss]);
    expect(pick([...firstLogs, ...secondLogs])).toEqual(pick(straightLogs));
    const a = straight.generator.sample({ count: 2, labels: 'right', seed: 1 });
    const b = resumed.generator.sample({ count: 2, labels: 'right', seed: 1 });
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    tf.dispose([a, b]);
    disposeAll(straight);
    disposeAll(resumed);
    data.dispose();
  });

  it('loads checkpoints written before class names and auxiliary classifiers existed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tfjs-gan-old-'));
    dirs.push(dir);
    const data = blobs(48, NAMES);
    const generator = Generator.mlp({ outputShape: [2], latentDim: 4, hiddenUnits: [8], numClasses: 3, seed: 1 });
    const discriminator = Discriminator.mlp({ inputShape: [2], hiddenUnits: [8], numClasses: 3, seed: 2 });
    const trainer = new Trainer({ generator, discriminator, seed: 1 });
    await trainer.fit(data, { steps: 1, batchSize: 12 });
    await trainer.save(dir);
    disposeAll(trainer);
    // Strip the fields that this version added, as an older tfjs-gan wrote the manifest.
    const manifestPath = join(dir, 'gan.json');
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
    delete manifest.auxiliaryClassifierWeight;
    // Older manifests also had no checksum (one that no longer matches its content is refused).
    delete manifest.checksum;
    delete manifest.generator.spec.classNames;
    delete manifest.discriminator.spec.auxiliaryClassifier;
    writeFileSync(manifestPath, JSON.stringify(manifest));
    const loaded = await Trainer.load(dir);
    expect(loaded.auxiliaryClassifierWeight).toBe(1);
    expect(loaded.generator.classNames).toBeUndefined();
    expect(loaded.discriminator.auxiliaryClassifier).toBe(false);
    expect(loaded.discriminator.conditional).toBe(true);
    await loaded.fit(data, { steps: 1, batchSize: 12 });
    expect(loaded.generator.classNames).toEqual(NAMES);
    disposeAll(loaded);
    data.dispose();
  });

  it('takes class names from the data, and refuses data whose names or labels do not fit', async () => {
    const named = blobs(48, NAMES);
    const other = blobs(48, ['a', 'b', 'c']);
    const unlabelled = Dataset.fromTensors(tf.zeros([12, 2]), undefined, { checkRange: false, name: 'plain' });
    const trainer = acganTrainer();
    await trainer.fit(named, { steps: 1, batchSize: 12 });
    expect(trainer.generator.classNames).toEqual(NAMES);
    await expect(trainer.fit(other, { steps: 1, batchSize: 12 })).rejects.toThrow(ConfigError);
    await expect(trainer.fit(other, { steps: 1, batchSize: 12 })).rejects.toThrow(
      /class names \["left", "middle", "right"\] differ from the class names \["a", "b", "c"\] of the data/,
    );
    await expect(trainer.fit(unlabelled, { steps: 1, batchSize: 12 })).rejects.toThrow(DataError);
    await expect(trainer.fit(unlabelled, { steps: 1, batchSize: 12 })).rejects.toThrow(/conditional \(numClasses 3\) but the dataset "plain" has no labels/);
    expect(() => new Trainer({ generator: trainer.generator, discriminator: trainer.discriminator, auxiliaryClassifierWeight: -1 })).toThrow(
      /'auxiliaryClassifierWeight' must be a finite number >= 0, received -1/,
    );
    disposeAll(trainer);
    [named, other, unlabelled].forEach((d) => d.dispose());
  });
});
