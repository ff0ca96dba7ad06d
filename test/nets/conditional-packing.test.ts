/**
 * Conditional PacGAN: a conditional discriminator that packs `m` samples of one class takes one label
 * per group. Its logits against the model run by hand on the packed input and the groups' labels (class
 * ids and class weights), the refusal of a group that mixes labels and of an auxiliary classifier, the
 * frozen pretrained path on packed samples against a hand computation, and the Trainer's grouped batches
 * (real and fake, checked through the labels the data and the generator see) through leak-free steps
 * with data-frequency fake labels, a conditioning transition or mode seeking, and an exact resume.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Dataset } from '../../src/data/dataset.js';
import { ConfigError } from '../../src/errors.js';
import { EXTRACTOR } from '../../src/extractors/mnist.js';
import { Discriminator, Generator, withPretrainedFeatures } from '../../src/nets/index.js';
import { packLabels, packSamples } from '../../src/nets/packing.js';
import { Trainer, type TrainerConfig } from '../../src/train/trainer.js';
import { decodeEmbeddedModel } from '../../src/util/embedded-model.js';
import { TEST_BACKENDS, switchBackend } from '../helpers/backends.js';
import { expectLeakFree } from '../helpers/leaks.js';
import { disposeAll, loadedCopy, lossPairs } from '../helpers/trainers.js';

const CLASSES = 3;

const mlpDiscriminator = (extra: Record<string, unknown> = {}): Discriminator =>
  Discriminator.mlp({ inputShape: [2], hiddenUnits: [8], numClasses: CLASSES, conditioning: 'projection', packing: 2, seed: 2, ...extra });

function labelledPoints(n = 48): Dataset {
  const values = new Float32Array(n * 2);
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = i % CLASSES;
    values[2 * i] = Math.cos((2 * Math.PI * c) / CLASSES) * 0.8 + 0.05 * Math.sin(7 * i);
    values[2 * i + 1] = Math.sin((2 * Math.PI * c) / CLASSES) * 0.8 + 0.05 * Math.cos(5 * i);
    labels.push(c);
  }
  return Dataset.fromTensors(tf.tensor2d(values, [n, 2]), labels, { checkRange: false, name: 'three-points' });
}

describe('conditional packing in the discriminator (cpu)', () => {
  beforeAll(async () => {
    await switchBackend('cpu');
  });

  it('judges each group with its one label: ids and class weights give the model run on the group labels', () => {
    const d = mlpDiscriminator();
    expect(d.packing).toBe(2);
    expect(d.conditional).toBe(true);
    expect(d.model.inputs[0].shape).toEqual([null, 4]);
    const x = tf.randomNormal([6, 2], 0, 1, 'float32', 3);
    const ids = tf.tensor1d([0, 0, 2, 2, 1, 1], 'int32');
    const got = tf.tidy(() => d.logits(x, ids));
    expect(got.shape).toEqual([3]);
    const byHand = tf.tidy(() => tf.reshape(d.model.apply([packSamples(x, 2, 'test'), tf.tensor2d([[0], [2], [1]], [3, 1], 'int32')]) as tf.Tensor, [-1]));
    expect(Array.from(got.dataSync())).toEqual(Array.from(byHand.dataSync()));
    const weights = tf.oneHot(ids, CLASSES).toFloat() as tf.Tensor2D;
    const weighted = tf.tidy(() => d.logits(x, weights));
    Array.from(weighted.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(got.dataSync()[i], 5));
    // One label per group, as the Trainer gives them: the same logits, nothing read back.
    const perGroup = tf.tidy(() => d.logits(x, tf.tensor1d([0, 2, 1], 'int32')));
    expect(Array.from(perGroup.dataSync())).toEqual(Array.from(got.dataSync()));
    const perGroupWeights = tf.tidy(() => d.logits(x, tf.oneHot(tf.tensor1d([0, 2, 1], 'int32'), CLASSES).toFloat() as tf.Tensor2D));
    Array.from(perGroupWeights.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(got.dataSync()[i], 5));
    expect(() => tf.tidy(() => d.logits(x, tf.tensor1d([0, 2], 'int32')))).toThrow(/'labels' must be class ids of shape \[6\].*\(or one per group of 2: \[3\] or \[3, 3\]\), received \[2\]/);
    tf.dispose([perGroup, perGroupWeights]);
    // A different label for one group changes that group's logit only.
    const other = tf.tidy(() => d.logits(x, tf.tensor1d([0, 0, 1, 1, 1, 1], 'int32')));
    expect(other.dataSync()[0]).toBe(got.dataSync()[0]);
    expect(other.dataSync()[1]).not.toBe(got.dataSync()[1]);
    tf.dispose([x, ids, got, byHand, weights, weighted, other]);
    d.dispose();
  });

  it('refuses a group that mixes labels, naming it, and leaks nothing', () => {
    const d = mlpDiscriminator();
    const x = tf.zeros([6, 2]);
    const mixed = tf.tensor1d([0, 0, 2, 1, 1, 1], 'int32');
    const weights = tf.tensor2d([[1, 0, 0], [1, 0, 0], [0, 1, 0], [0, 1, 0], [0, 0.5, 0.5], [0, 0.4, 0.6]]);
    const before = tf.memory().numTensors;
    expect(() => tf.tidy(() => d.logits(x, mixed))).toThrow(ConfigError);
    expect(() => tf.tidy(() => d.logits(x, mixed))).toThrow(/packs 2 samples of one class per input.*group 1 \(samples 2 to 3\) mixes labels.*'groupSize'/);
    expect(() => tf.tidy(() => d.logits(x, weights))).toThrow(/group 2 \(samples 4 to 5\) mixes labels/);
    expect(tf.memory().numTensors).toBe(before);
    expect(() => packLabels(tf.tensor1d([0, 0, 1]), 2, 'test')).toThrow(/multiple of 2, received 3/);
    tf.dispose([x, mixed, weights]);
    d.dispose();
  });

  it('builds conditional packing for every architecture, and refuses it with an auxiliary classifier', () => {
    const dcgan = Discriminator.dcgan({ imageShape: [28, 28, 1], width: 4, numClasses: CLASSES, conditioning: 'projection', packing: 2, seed: 1 });
    expect(dcgan.model.inputs[0].shape).toEqual([null, 28, 28, 2]);
    expect(dcgan.spec).toMatchObject({ numClasses: CLASSES, packing: 2 });
    const concat = Discriminator.dcgan({ imageShape: [28, 28, 1], width: 4, numClasses: CLASSES, conditioning: 'concat', packing: 4, seed: 1 });
    const logits = tf.tidy(() => concat.logits(tf.zeros([8, 28, 28, 1]), tf.tensor1d([1, 1, 1, 1, 2, 2, 2, 2], 'int32')));
    expect(logits.shape).toEqual([2]);
    const resnet = Discriminator.resnet({ imageShape: [8, 8, 3], channels: 4, numClasses: CLASSES, packing: 2, seed: 1 });
    expect(resnet.model.inputs[0].shape).toEqual([null, 8, 8, 6]);
    expect(() => Discriminator.mlp({ inputShape: [2], numClasses: CLASSES, conditioning: 'acgan', packing: 2 })).toThrow(/'packing' 2 judges a group of samples as one input, but the auxiliary classifier/);
    expect(() => Discriminator.dcgan({ imageShape: [28, 28, 1], numClasses: CLASSES, conditioning: 'projection', auxiliaryClassifier: true, packing: 2 })).toThrow(/auxiliary classifier/);
    // A model of the user's own with two outputs and packing: refused by the wrapper.
    const input = tf.input({ shape: [4] });
    const outputs = [tf.layers.dense({ units: 1 }).apply(input), tf.layers.dense({ units: CLASSES }).apply(input)] as tf.SymbolicTensor[];
    const own = tf.model({ inputs: input, outputs });
    expect(() => new Discriminator(own, { inputShape: [2], numClasses: CLASSES, auxiliaryClassifier: true, packing: 2 })).toThrow(/received packing 2 with auxiliaryClassifier true/);
    [dcgan, concat, resnet].forEach((d) => d.dispose());
    own.dispose();
    logits.dispose();
  });

  it('runs the frozen pretrained path on each packed sample and reads the features of a group side by side', async () => {
    const own = Discriminator.dcgan({ imageShape: [28, 28, 1], width: 4, numClasses: CLASSES, conditioning: 'projection', packing: 2, seed: 2 });
    const images = tf.randomUniform([4, 28, 28, 1], -1, 1, 'float32', 7);
    const labels = tf.tensor1d([2, 2, 0, 0], 'int32');
    const ownLogits = tf.tidy(() => own.logits(images, labels));
    const combined = await withPretrainedFeatures(own, 'mnist', { seed: 3 });
    const extractor = await decodeEmbeddedModel(EXTRACTOR.model);
    const cut = tf.model({ inputs: extractor.inputs, outputs: extractor.getLayer('features').output as tf.SymbolicTensor });
    const [kernel, bias, embeddings] = combined.model.getLayer('pretrained_logits').getWeights();
    const features = (cut.outputs[0].shape[1] as number);
    expect(kernel.shape).toEqual([2 * features, 1]);
    const expected = tf.tidy(() => {
      const f = tf.reshape(cut.predict(images) as tf.Tensor2D, [2, 2 * features]) as tf.Tensor2D;
      const plain = tf.add(tf.matMul(f, kernel as tf.Tensor2D), bias).reshape([-1]);
      const projected = tf.sum(tf.mul(tf.gather(embeddings, tf.tensor1d([2, 0], 'int32')), f), 1);
      return tf.add(ownLogits, tf.add(plain, projected));
    });
    const got = tf.tidy(() => combined.logits(images, labels));
    expect(got.shape).toEqual([2]);
    Array.from(got.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(expected.dataSync()[i], 4));
    expect(combined.trainableVariables.length).toBe(own.trainableVariables.length + 3);
    expect(combined.model.getLayer('pretrained_conv1').trainable).toBe(false);
    // Through a checkpoint's model JSON and weights: the same logits.
    const generator = Generator.dcgan({ imageShape: [28, 28, 1], latentDim: 4, width: 4, numClasses: CLASSES, conditioning: 'cbn', seed: 1 });
    const trainer = new Trainer({ generator, discriminator: combined, seed: 1 });
    const copy = await loadedCopy(trainer);
    const reloaded = tf.tidy(() => copy.discriminator.logits(images, labels));
    expect(Array.from(reloaded.dataSync())).toEqual(Array.from(got.dataSync()));
    expect(copy.discriminator.trainableVariables.length).toBe(combined.trainableVariables.length);
    // An unconditional packing discriminator gets the path too, its dense head on the group's features.
    const plain = await withPretrainedFeatures(Discriminator.dcgan({ imageShape: [28, 28, 1], width: 4, packing: 2, seed: 2 }), 'mnist', { seed: 3 });
    const plainLogits = tf.tidy(() => plain.logits(images));
    expect(plainLogits.shape).toEqual([2]);
    expect(plain.model.getLayer('pretrained_logits').getWeights()[0].shape).toEqual([2 * features, 1]);
    tf.dispose([images, labels, ownLogits, expected, got, reloaded, plainLogits]);
    extractor.dispose();
    plain.dispose();
    disposeAll(trainer, copy);
  });
});

describe.each(TEST_BACKENDS)('the Trainer with a conditional packing discriminator on %s', (backend) => {
  let data: Dataset;
  beforeAll(async () => {
    await switchBackend(backend);
    data = labelledPoints();
  });
  afterAll(() => data.dispose());

  const make = (extra: Partial<TrainerConfig> = {}, discriminator: Record<string, unknown> = {}): Trainer =>
    new Trainer({
      generator: Generator.mlp({ outputShape: [2], latentDim: 4, hiddenUnits: [8], numClasses: CLASSES, seed: 1 }),
      discriminator: mlpDiscriminator(discriminator),
      seed: 5,
      ...extra,
    });

  it('trains step after step, leak-free, with data-frequency labels, class-balanced batches, a conditioning transition or mode seeking', async () => {
    for (const extra of [
      {},
      { fakeLabels: 'data-for-discriminator', sampling: 'class-balanced' },
      { conditioningTransition: { start: 1, end: 3 } },
      { modeSeeking: { weight: 1 } },
    ] as Partial<TrainerConfig>[]) {
      const trainer = make(extra, { packing: 4 });
      await expectLeakFree(() => trainer.trainStep(data, 16));
      const logs = (await trainer.fit(data, { steps: 2, batchSize: 16 })).logs;
      expect(logs.every((l) => Number.isFinite(l.dLoss) && Number.isFinite(l.gLoss))).toBe(true);
      disposeAll(trainer);
    }
  });

  it('gives the discriminator real batches and fakes in groups of one class (the labels seen by the data and the generator)', async () => {
    for (const extra of [{}, { conditioningTransition: { start: 0, end: 4 } }] as Partial<TrainerConfig>[]) {
      const trainer = make(extra, { packing: 4 });
      const batches: number[][] = [];
      const made: number[][][] = [];
      const batch = vi.spyOn(data, 'batch');
      const generate = vi.spyOn(trainer.generator, 'generate');
      batch.mockImplementation((...args) => {
        const drawn = Dataset.prototype.batch.apply(data, args);
        batches.push(Array.from(drawn.labels!.dataSync()));
        return drawn;
      });
      generate.mockImplementation((latents, labels, training) => {
        // Class ids [batch] or class weights [batch, classes], as rows.
        made.push((labels!.rank === 1 ? Array.from(labels!.dataSync()).map((v) => [v]) : (labels!.arraySync() as number[][])));
        return Generator.prototype.generate.call(trainer.generator, latents, labels, training);
      });
      await trainer.fit(data, { steps: 3, batchSize: 16 });
      batch.mockRestore();
      generate.mockRestore();
      expect(batches.length).toBeGreaterThanOrEqual(3);
      expect(made.filter((rows) => rows.length === 16).length).toBeGreaterThanOrEqual(6);
      for (const rows of [...batches.map((ids) => ids.map((v) => [v])), ...made]) {
        // 16 in training, 8 in the preflight's dry run (2 groups).
        expect([8, 16]).toContain(rows.length);
        for (let g = 0; g < rows.length / 4; g++) for (let j = 1; j < 4; j++) expect(rows[4 * g + j]).toEqual(rows[4 * g]);
      }
      // Not all groups of a batch are one class: the groups are drawn, not the batch.
      expect(batches.some((ids) => new Set(ids).size > 1)).toBe(true);
      expect(made.some((rows) => new Set(rows.map((r) => r.join())).size > 1)).toBe(true);
      disposeAll(trainer);
    }
  });

  it('refuses mode seeking on a batch whose halves cut a group, before anything changes', async () => {
    const trainer = make({ modeSeeking: { weight: 1 } }, { packing: 4 });
    const before = trainer.discriminator.model.getWeights().map((w) => Array.from(w.dataSync()));
    await expect(trainer.fit(data, { steps: 1, batchSize: 12 })).rejects.toThrow(/'modeSeeking' repeats the first half.*groups of 4 samples of one class, so the batch size must be a multiple of 8, received 12/);
    expect(trainer.discriminator.model.getWeights().map((w) => Array.from(w.dataSync()))).toEqual(before);
    expect(trainer.step).toBe(0);
    disposeAll(trainer);
  });

  it('resumes from a checkpoint exactly, packing and all', async () => {
    const straight = make();
    const straightLogs = lossPairs((await straight.fit(data, { steps: 4, batchSize: 8 })).logs);
    const first = make();
    const firstLogs = lossPairs((await first.fit(data, { steps: 2, batchSize: 8 })).logs);
    const resumed = await loadedCopy(first);
    expect(resumed.discriminator.packing).toBe(2);
    expect(resumed.discriminator.numClasses).toBe(CLASSES);
    const secondLogs = lossPairs((await resumed.fit(data, { steps: 2, batchSize: 8 })).logs);
    expect([...firstLogs, ...secondLogs]).toEqual(straightLogs);
    disposeAll(straight, first, resumed);
  });
});
