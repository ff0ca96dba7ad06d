/**
 * The Trainer's `conditioningTransition` option (Shahbazi et al. 2023): the schedule of the class's
 * strength, class weights through both networks (conditional batch norm, label embedding, projection
 * head), a run that is unconditional before `start` and takes ids from `end`, leak-free steps,
 * checkpoints, the recipe field, and the refusals.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Dataset } from '../../src/data/dataset.js';
import { ConfigError } from '../../src/errors.js';
import { ConditionalBatchNormalization } from '../../src/layers/conditional-batch-normalization.js';
import { Discriminator, Generator } from '../../src/nets/index.js';
import { byName } from '../../src/recipes/index.js';
import { ConditioningTransition } from '../../src/train/conditioning-transition.js';
import { Trainer } from '../../src/train/trainer.js';
import type { TrainerConfig } from '../../src/train/trainer-options.js';
import { switchBackend } from '../helpers/backends.js';
import { expectLeakFree } from '../helpers/leaks.js';
import { labelledPoints } from '../helpers/points.js';
import { disposeAll, expectCorruptFieldRefused, loadedCopy, lossPairs, savedConfig } from '../helpers/trainers.js';

const NUM_CLASSES = 3;

const generator = (): Generator =>
  Generator.mlp({ outputShape: [2], latentDim: 4, hiddenUnits: [16], numClasses: NUM_CLASSES, conditioning: 'concat-cbn', seed: 1 });
const discriminator = (): Discriminator =>
  Discriminator.mlp({ inputShape: [2], hiddenUnits: [16], numClasses: NUM_CLASSES, conditioning: 'projection', seed: 2 });
const transitionTrainer = (extra: Partial<TrainerConfig> = {}): Trainer =>
  new Trainer({ generator: generator(), discriminator: discriminator(), seed: 5, ...extra });

/** The weights that hold a class's parameters: label embeddings, conditional batch norms' tables, projection embeddings. */
function classTables(model: tf.LayersModel): tf.LayerVariable[] {
  const classLayers = new Set(['Embedding', 'ConditionalBatchNormalization', 'ProjectionHead']);
  return model.layers
    .filter((layer) => classLayers.has(layer.getClassName()))
    .flatMap((layer) => layer.trainableWeights.filter((w) => layer.getClassName() !== 'ProjectionHead' || /\/embeddings(_\d+)?$/.test(w.name)));
}

/** Every trainable weight's values, by name. */
function values(weights: readonly tf.LayerVariable[]): Map<string, number[]> {
  return new Map(weights.map((w) => [w.name, Array.from(w.read().dataSync())]));
}

describe('conditioning transition (cpu)', () => {
  beforeAll(async () => {
    await switchBackend('cpu');
  });

  it('the strength is 0 up to start, rises linearly, and is 1 from end; labels are ids at 1 and scaled one-hot rows before', () => {
    const transition = new ConditioningTransition({ start: 2, end: 6 }, 'test');
    expect([0, 1, 2, 3, 4, 5, 6, 7, 100].map((step) => transition.strength(step))).toEqual([0, 0, 0, 0.25, 0.5, 0.75, 1, 1, 1]);
    const ids = tf.tensor1d([2, 0, 1], 'int32');
    expect(transition.labels(ids, NUM_CLASSES, 6)).toBe(ids);
    const weights = transition.labels(ids, NUM_CLASSES, 3);
    expect(weights.shape).toEqual([3, NUM_CLASSES]);
    expect(Array.from(weights.dataSync())).toEqual([0, 0, 0.25, 0.25, 0, 0, 0, 0.25, 0]);
    const zero = transition.labels(ids, NUM_CLASSES, 0);
    expect(Array.from(zero.dataSync())).toEqual(Array(9).fill(0));
    expect(transition.toJSON()).toEqual({ start: 2, end: 6 });
    tf.dispose([ids, weights, zero]);
  });

  it('conditional batch norm gives weights summing below 1 the rest as scale 1 and offset 0', () => {
    const layer = new ConditionalBatchNormalization({ numClasses: 2, epsilon: 1e-3 });
    const x = tf.tensor2d([[1, -2], [3, 0], [-1, 4], [0, 1]]);
    layer.apply([x, tf.zeros([4, 2])]);
    layer.setWeights([tf.tensor2d([[2, 3], [-1, 0.5]]), tf.tensor2d([[1, -1], [0.5, 2]]), tf.tensor1d([0.5, 1]), tf.tensor1d([2, 3])]);
    const normed = tf.div(tf.sub(x, tf.tensor1d([0.5, 1])), tf.sqrt(tf.tensor1d([2.001, 3.001])));
    const run = (weights: number[][]) => layer.apply([x, tf.tensor2d(weights)]) as tf.Tensor;
    // Zero weights: the plain normalization, no affine step.
    expect(tf.max(tf.abs(tf.sub(run([[0, 0], [0, 0], [0, 0], [0, 0]]), normed))).dataSync()[0]).toBeLessThan(1e-6);
    // A quarter of class 0: scale 0.25 * gamma0 + 0.75, offset 0.25 * beta0.
    const quarter = run(Array(4).fill([0.25, 0]));
    const expected = tf.add(tf.mul(normed, tf.tensor1d([0.25 * 2 + 0.75, 0.25 * 3 + 0.75])), tf.tensor1d([0.25, -0.25]));
    expect(tf.max(tf.abs(tf.sub(quarter, expected))).dataSync()[0]).toBeLessThan(1e-6);
    // One-hot rows are exactly the ids.
    const ids = layer.apply([x, tf.tensor1d([1, 0, 1, 1], 'int32')]) as tf.Tensor;
    expect(run([[0, 1], [1, 0], [0, 1], [0, 1]]).arraySync()).toEqual(ids.arraySync());
  });

  it('both networks take class weights: one-hot rows equal the ids, and the projection scores unconditional + strength x class term', () => {
    const g = generator();
    const d = discriminator();
    tf.tidy(() => {
      const z = tf.randomNormal([4, 4], 0, 1, 'float32', 3);
      const ids = tf.tensor1d([0, 2, 1, 2], 'int32');
      const oneHot = tf.oneHot(ids, NUM_CLASSES).toFloat() as tf.Tensor2D;
      expect(g.generate(z, oneHot).arraySync()).toEqual(g.generate(z, ids).arraySync());
      const x = tf.randomNormal([4, 2], 0, 0.5, 'float32', 4);
      const full = d.logits(x, ids).dataSync();
      const none = d.logits(x, tf.zerosLike(oneHot) as tf.Tensor2D).dataSync();
      const part = d.logits(x, tf.mul(oneHot, 0.3) as tf.Tensor2D).dataSync();
      expect(Array.from(d.logits(x, oneHot).dataSync())).toEqual(Array.from(full));
      full.forEach((f, i) => expect(part[i]).toBeCloseTo(none[i] + 0.3 * (f - none[i]), 5));
      // Zero weights make the discriminator unconditional: every class scores alike.
      expect(Array.from(d.logits(x, tf.zeros([4, NUM_CLASSES]) as tf.Tensor2D).dataSync())).toEqual(Array.from(none));
      expect(() => d.logits(x, tf.zeros([4, 2]) as tf.Tensor2D)).toThrow(
        /Discriminator\.logits: 'labels' must be class ids of shape \[4\] or class weights of shape \[4, 3\], received \[4, 2\]/,
      );
    });
    g.dispose();
    d.dispose();
    // Disposing a discriminator that ran on class weights frees its weights.
    const before = tf.memory().numTensors;
    const other = discriminator();
    tf.tidy(() => {
      other.logits(tf.zeros([2, 2]), tf.zeros([2, NUM_CLASSES]) as tf.Tensor2D);
    });
    other.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  describe('trained by the Trainer', () => {
    let data: Dataset;
    beforeAll(() => {
      data = labelledPoints(Array.from({ length: 48 }, (_, i) => i % NUM_CLASSES), { numClasses: NUM_CLASSES });
    });
    afterAll(() => data.dispose());

    it('before start the class tables do not move while the rest trains; they train once the class fades in', async () => {
      const trainer = transitionTrainer({ conditioningTransition: { start: 4, end: 8 } });
      const tables = [...classTables(trainer.generator.model), ...classTables(trainer.discriminator.model)];
      // A label embedding, two batch norm tables, the projection's embeddings.
      expect(tables.length).toBe(4);
      const others = [...trainer.generator.model.trainableWeights, ...trainer.discriminator.model.trainableWeights].filter((w) => !tables.includes(w));
      const tablesAt0 = values(tables);
      const othersAt0 = values(others);
      await trainer.fit(data, { steps: 5, batchSize: 8 }); // steps 0 to 4: strength 0
      expect(values(tables)).toEqual(tablesAt0);
      const moved = [...values(others)].filter(([name, v]) => v.some((x, i) => x !== othersAt0.get(name)![i]));
      expect(moved.length).toBe(others.length);
      await trainer.fit(data, { steps: 2, batchSize: 8 }); // steps 5 and 6: strength 0.25, 0.5
      const after = values(tables);
      for (const [name, v] of tablesAt0) expect(after.get(name)).not.toEqual(v);
      disposeAll(trainer);
    });

    it('feeds class weights to both networks until end, then the ids themselves', async () => {
      const trainer = transitionTrainer({ conditioningTransition: { start: 0, end: 2 } });
      const seen: string[] = [];
      const logits = trainer.discriminator.outputs.bind(trainer.discriminator);
      trainer.discriminator.outputs = ((x: tf.Tensor, labels?: tf.Tensor1D | tf.Tensor2D, training?: boolean) => {
        if (x.shape[0] === 8 && labels) seen.push(labels.rank === 2 ? `w${labels.sum().dataSync()[0] / 8}` : 'ids');
        return logits(x, labels, training);
      }) as typeof trainer.discriminator.outputs;
      await trainer.fit(data, { steps: 4, batchSize: 8 });
      // Per step: the real and fake batches of the discriminator update, then the generator's fakes.
      expect(seen).toEqual(['w0', 'w0', 'w0', 'w0.5', 'w0.5', 'w0.5', 'ids', 'ids', 'ids', 'ids', 'ids', 'ids']);
      disposeAll(trainer);
    });

    it('is leak-free, and a checkpoint mid-transition continues exactly as the original', async () => {
      const trainer = transitionTrainer({ conditioningTransition: { start: 1, end: 9 }, ema: { decay: 0.9 } });
      await expectLeakFree(() => trainer.trainStep(data, 8));
      expect(trainer.conditioningTransition?.strength(trainer.step)).toBeGreaterThan(0);
      expect(trainer.conditioningTransition?.strength(trainer.step)).toBeLessThan(1);
      const copy = await loadedCopy(trainer);
      expect(copy.conditioningTransition?.toJSON()).toEqual({ start: 1, end: 9 });
      expect((await savedConfig(trainer)).conditioningTransition).toEqual({ start: 1, end: 9 });
      const a = await trainer.fit(data, { steps: 5, batchSize: 8 });
      const b = await copy.fit(data, { steps: 5, batchSize: 8 });
      expect(lossPairs(b.logs)).toEqual(lossPairs(a.logs));
      const plain = transitionTrainer();
      expect(plain.conditioningTransition).toBeUndefined();
      expect((await savedConfig(plain)).conditioningTransition).toBeUndefined();
      disposeAll(trainer, copy, plain);
    });

    it('a corrupt conditioningTransition in a checkpoint is a CheckpointError naming it', async () => {
      const trainer = transitionTrainer({ conditioningTransition: { start: 1, end: 3 } });
      await expectCorruptFieldRefused(trainer, 'conditioningTransition', [
        [{ start: 3, end: 3 }, /field 'conditioningTransition\.end' must be an integer >= 4, received 3/],
        [{ start: -1, end: 3 }, /field 'conditioningTransition\.start' must be an integer >= 0, received -1/],
        ['soon', /field 'conditioningTransition' must be an object \{ start, end \}, received "soon"/],
      ]);
      disposeAll(trainer);
    });
  });

  it('refuses bad options and runs it cannot fade a class into, naming what was expected and received', () => {
    const g = generator();
    const d = discriminator();
    const make = (conditioningTransition: unknown, parts: Partial<TrainerConfig> = {}) => () =>
      new Trainer({ generator: g, discriminator: d, conditioningTransition: conditioningTransition as never, ...parts });
    expect(make(5)).toThrow(ConfigError);
    expect(make(5)).toThrow(/Trainer: 'conditioningTransition' must be an object \{ start, end \} \(steps\), received 5/);
    expect(make({ start: 2 })).toThrow(/'conditioningTransition\.end' must be an integer >= 3, received undefined/);
    expect(make({ start: 4, end: 4 })).toThrow(/'conditioningTransition\.end' must be an integer >= 5, received 4/);
    expect(make({ start: -1, end: 4 })).toThrow(/'conditioningTransition\.start' must be an integer >= 0, received -1/);
    expect(make({ start: 0.5, end: 4 })).toThrow(/'conditioningTransition\.start'.*received 0\.5/);
    expect(make({ start: 0, stop: 4 })).toThrow(/unknown option 'conditioningTransition\.stop'\. Expected one of \["start", "end"\]/);
    expect(make({ start: 0, ned: 4 })).toThrow(/Did you mean 'conditioningTransition\.end'\?/);
    // Unconditional, ACGAN, path length.
    const ug = Generator.mlp({ outputShape: [2], latentDim: 4, hiddenUnits: [8], seed: 1 });
    const ud = Discriminator.mlp({ inputShape: [2], hiddenUnits: [8], seed: 2 });
    expect(make({ start: 0, end: 4 }, { generator: ug, discriminator: ud })).toThrow(
      /'conditioningTransition' fades the class in, so it needs a conditional generator and a discriminator that takes labels; received numClasses 0/,
    );
    const acgan = Discriminator.mlp({ inputShape: [2], hiddenUnits: [8], numClasses: NUM_CLASSES, conditioning: 'acgan', seed: 2 });
    expect(make({ start: 0, end: 4 }, { discriminator: acgan })).toThrow(/received numClasses 3 with an ACGAN discriminator/);
    const hybrid = Discriminator.mlp({ inputShape: [2], hiddenUnits: [8], numClasses: NUM_CLASSES, conditioning: 'projection', auxiliaryClassifier: true, seed: 2 });
    expect(make({ start: 0, end: 4 }, { discriminator: hybrid })).toThrow(/does not combine with an auxiliary classifier/);
    // A custom discriminator whose label feeds a dense layer cannot take class weights: refused now, not at step 1.
    const image = tf.input({ shape: [2] });
    const label = tf.input({ shape: [1], dtype: 'int32', name: 'label' });
    const joined = tf.layers.concatenate().apply([image, tf.layers.dense({ units: 2 }).apply(label) as tf.SymbolicTensor]) as tf.SymbolicTensor;
    const custom = new Discriminator(tf.model({ inputs: [image, label], outputs: tf.layers.dense({ units: 1 }).apply(joined) as tf.SymbolicTensor }), {
      inputShape: [2],
      numClasses: NUM_CLASSES,
    });
    expect(make({ start: 0, end: 4 }, { discriminator: custom })).toThrow(
      /taking class weights needs the 'label' input to feed only embedding layers .* it feeds layer .* of class "Dense"/,
    );
    const style = Generator.style({ imageShape: [8, 8, 1], latentDim: 8, styleDim: 8, mappingLayers: 2, channels: 4, numClasses: NUM_CLASSES, seed: 1 });
    const resnet = Discriminator.resnet({ imageShape: [8, 8, 1], channels: 2, numClasses: NUM_CLASSES, seed: 2 });
    expect(make({ start: 0, end: 4 }, { generator: style, discriminator: resnet, pathLength: { every: 2 } })).toThrow(
      /'conditioningTransition' does not combine with 'pathLength'/,
    );
    // The style generator's label embedding and the ResNet discriminator's projection head take class weights.
    const styled = new Trainer({ generator: style, discriminator: resnet, conditioningTransition: { start: 0, end: 4 } });
    expect(styled.conditioningTransition?.toJSON()).toEqual({ start: 0, end: 4 });
    styled.dispose();
    expect(() => byName('mnist', { conditioningTransition: { start: 10, end: 5 } })).toThrow(/Recipe: 'conditioningTransition\.end' must be an integer >= 11, received 5/);
    for (const net of [g, d, ug, ud, acgan, hybrid, custom, style, resnet]) net.dispose();
  });

  it("a recipe's conditioningTransition reaches its trainer; without it there is none", () => {
    const shape = { sampleShape: [28, 28, 1], numClasses: 10 };
    const fading = byName('mnist', { generator: { latentDim: 8, width: 2 }, discriminator: { width: 2 }, conditioningTransition: { start: 100, end: 300 } }).buildTrainer(shape);
    const plain = byName('mnist', { generator: { latentDim: 8, width: 2 }, discriminator: { width: 2 } }).buildTrainer(shape);
    expect(fading.conditioningTransition?.toJSON()).toEqual({ start: 100, end: 300 });
    expect(plain.conditioningTransition).toBeUndefined();
    disposeAll(fading, plain);
  });
});
