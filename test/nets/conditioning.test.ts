import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, ShapeError } from '../../src/errors.js';
import { ConditionalBatchNormalization } from '../../src/layers/conditional-batch-normalization.js';
import { ProjectionHead } from '../../src/layers/projection-head.js';
import { Discriminator, Generator } from '../../src/nets/index.js';
import { Dataset } from '../../src/data/dataset.js';
import { MNIST_CLASS_NAMES } from '../../src/data/mnist.js';
import { Trainer } from '../../src/train/trainer.js';
import { roundTrip } from '../helpers/model-io.js';

const classNamesOf = (layers: tf.layers.Layer[]): string[] => layers.map((layer) => layer.getClassName());

describe('conditioning options of the builders', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });
  afterEach(() => tf.disposeVariables());

  it.each([
    ['dcgan', () => Generator.dcgan({ imageShape: [28, 28, 1], latentDim: 8, width: 4, numClasses: 5, conditioning: 'cbn', seed: 1 })],
    ['mlp', () => Generator.mlp({ outputShape: [28, 28, 1], latentDim: 8, hiddenUnits: [16, 16], numClasses: 5, conditioning: 'cbn', seed: 1 })],
  ])("%s generator with conditioning 'cbn': conditional batch norms instead of a concatenated embedding", async (_, build) => {
    const generator = build();
    const layers = classNamesOf(generator.model.layers);
    expect(layers).not.toContain('Embedding');
    expect(layers).not.toContain('BatchNormalization');
    expect(layers.filter((name) => name === 'ConditionalBatchNormalization').length).toBeGreaterThanOrEqual(2);
    // Per-class scales and offsets (set apart from their ones/zeros start) make the classes differ.
    for (const layer of generator.model.layers.filter((l) => l instanceof ConditionalBatchNormalization)) {
      const [gamma, beta, mean, variance] = layer.getWeights();
      layer.setWeights([tf.randomUniform(gamma.shape, 0.5, 1.5, 'float32', 1), tf.randomNormal(beta.shape, 0, 1, 'float32', 2), mean, variance]);
    }
    const images = generator.sample({ count: 2, labels: 'all', seed: 3 });
    expect(images.shape).toEqual([10, 28, 28, 1]);
    const class0 = images.slice([0], [1]);
    const class4 = images.slice([8], [1]);
    expect(tf.max(tf.abs(tf.sub(class0, class4))).dataSync()[0]).toBeGreaterThan(0.01);
    // The model saves and loads with the custom layer.
    const loaded = new Generator(await roundTrip(generator.model), generator.spec);
    loaded.model.setWeights(generator.model.getWeights());
    const again = loaded.sample({ count: 2, labels: 'all', seed: 3 });
    expect(Array.from(again.dataSync())).toEqual(Array.from(images.dataSync()));
    tf.dispose([images, class0, class4, again]);
    generator.dispose();
    loaded.dispose();
  });

  it.each([
    ['dcgan', () => Generator.dcgan({ imageShape: [32, 32, 3], latentDim: 8, width: 4, numClasses: 5, conditioning: 'concat-cbn', embeddingDim: 6, seed: 1 })],
    ['mlp', () => Generator.mlp({ outputShape: [8], latentDim: 8, hiddenUnits: [16, 16], numClasses: 5, conditioning: 'concat-cbn', embeddingDim: 6, seed: 1 })],
    ['resnet', () => Generator.resnet({ imageShape: [16, 16, 3], latentDim: 8, channels: 8, numClasses: 5, conditioning: 'concat-cbn', embeddingDim: 6, seed: 1 })],
  ])("%s generator with conditioning 'concat-cbn': the embedding joins z and every batch norm is conditional", async (_, build) => {
    const generator = build();
    const layers = classNamesOf(generator.model.layers);
    expect(layers.filter((name) => name === 'Embedding')).toHaveLength(1);
    expect(layers).not.toContain('BatchNormalization');
    expect(layers.filter((name) => name === 'ConditionalBatchNormalization').length).toBeGreaterThanOrEqual(2);
    // The first dense layer sees z and the 6-wide embedding.
    const dense = generator.model.layers.find((layer) => layer.getClassName().endsWith('Dense'))!;
    expect(dense.getWeights()[0].shape[0]).toBe(8 + 6);
    // With the conditional norms left at their ones/zeros start, the class still changes the first
    // layer's output (through the embedding); saving and loading keeps both paths.
    const firstLayer = tf.model({ inputs: generator.model.inputs, outputs: dense.output as tf.SymbolicTensor });
    const z = tf.randomNormal([2, 8], 0, 1, 'float32', 3);
    const [classA, classB] = [tf.tensor1d([0, 0], 'int32'), tf.tensor1d([4, 4], 'int32')];
    const [outA, outB] = [firstLayer.predict([z, classA]) as tf.Tensor, firstLayer.predict([z, classB]) as tf.Tensor];
    const gap = tf.max(tf.abs(tf.sub(outA, outB))).dataSync()[0];
    const scale = tf.max(tf.abs(outA)).dataSync()[0];
    expect(gap).toBeGreaterThan(0.01 * scale);
    tf.dispose([z, classA, classB, outA, outB]);
    const images = generator.sample({ count: 1, labels: 'all', seed: 3 });
    const first = images.slice([0], [1]);
    const last = images.slice([4], [1]);
    expect(tf.max(tf.abs(tf.sub(first, last))).dataSync()[0]).toBeGreaterThan(0);
    const loaded = new Generator(await roundTrip(generator.model), generator.spec);
    loaded.model.setWeights(generator.model.getWeights());
    const again = loaded.sample({ count: 1, labels: 'all', seed: 3 });
    expect(Array.from(again.dataSync())).toEqual(Array.from(images.dataSync()));
    tf.dispose([images, first, last, again]);
    generator.dispose();
    loaded.dispose();
  });

  it.each([
    ['dcgan', () => Discriminator.dcgan({ imageShape: [28, 28, 1], width: 4, numClasses: 5, conditioning: 'projection', seed: 2 })],
    ['mlp', () => Discriminator.mlp({ inputShape: [28, 28, 1], hiddenUnits: [16], numClasses: 5, conditioning: 'projection', seed: 2 })],
  ])("%s discriminator with conditioning 'projection': a projection head on the features", async (_, build) => {
    const discriminator = build();
    expect(discriminator.conditional).toBe(true);
    expect(discriminator.auxiliaryClassifier).toBe(false);
    expect(discriminator.model.getLayer('logits')).toBeInstanceOf(ProjectionHead);
    expect(classNamesOf(discriminator.model.layers)).not.toContain('Embedding');
    const images = tf.randomUniform([3, 28, 28, 1], -1, 1, 'float32', 4);
    const labels = tf.tensor1d([0, 3, 4], 'int32');
    const logits = tf.tidy(() => discriminator.logits(images, labels));
    expect(logits.shape).toEqual([3]);
    const loaded = await roundTrip(discriminator.model);
    const reloaded = new Discriminator(loaded, discriminator.spec);
    const again = tf.tidy(() => reloaded.logits(images, labels));
    expect(Array.from(again.dataSync())).toEqual(Array.from(logits.dataSync()));
    tf.dispose([images, labels, logits, again]);
    discriminator.dispose();
    reloaded.dispose();
  });

  it.each([
    ['dcgan', () => Discriminator.dcgan({ imageShape: [28, 28, 1], width: 4, numClasses: 5, conditioning: 'acgan', seed: 2 })],
    ['mlp', () => Discriminator.mlp({ inputShape: [28, 28, 1], hiddenUnits: [16], numClasses: 5, conditioning: 'acgan', seed: 2 })],
  ])("%s discriminator with conditioning 'acgan': no label input, a second output of class logits", (_, build) => {
    const discriminator = build();
    expect(discriminator.conditional).toBe(false);
    expect(discriminator.auxiliaryClassifier).toBe(true);
    expect(discriminator.numClasses).toBe(5);
    expect(discriminator.model.inputs).toHaveLength(1);
    const images = tf.randomUniform([3, 28, 28, 1], -1, 1, 'float32', 4);
    const { logits, classLogits } = discriminator.outputs(images);
    expect(logits.shape).toEqual([3]);
    expect(classLogits!.shape).toEqual([3, 5]);
    // logits() keeps the plain contract: one logit per sample.
    const plain = discriminator.logits(images);
    expect(Array.from(plain.dataSync())).toEqual(Array.from(logits.dataSync()));
    const labels = tf.tensor1d([0, 1, 2], 'int32');
    expect(() => discriminator.logits(images, labels)).toThrow(/takes no label input \(it predicts the class\)/);
    tf.dispose([images, logits, classLogits, plain, labels]);
    discriminator.dispose();
  });

  it('concat stays the default and the defaults say so', async () => {
    const { DCGAN_GENERATOR_DEFAULTS, DCGAN_DISCRIMINATOR_DEFAULTS, MLP_GENERATOR_DEFAULTS, MLP_DISCRIMINATOR_DEFAULTS } = await import('../../src/nets/index.js');
    for (const defaults of [DCGAN_GENERATOR_DEFAULTS, DCGAN_DISCRIMINATOR_DEFAULTS, MLP_GENERATOR_DEFAULTS, MLP_DISCRIMINATOR_DEFAULTS]) {
      expect(defaults.conditioning).toBe('concat');
    }
    const generator = Generator.dcgan({ imageShape: [28, 28, 1], width: 4, numClasses: 3 });
    expect(classNamesOf(generator.model.layers)).toContain('Embedding');
    generator.dispose();
  });

  it('rejects bad conditioning options, naming the option, expected and received', () => {
    expect(() => Generator.dcgan({ imageShape: [28, 28, 1], numClasses: 3, conditioning: 'projection' as never })).toThrow(ConfigError);
    expect(() => Generator.dcgan({ imageShape: [28, 28, 1], numClasses: 3, conditioning: 'projection' as never })).toThrow(
      /'conditioning' must be one of \["concat", "cbn", "concat-cbn"\], received "projection"/,
    );
    expect(() => Discriminator.mlp({ inputShape: [2], numClasses: 3, conditioning: 'cbn' as never })).toThrow(
      /'conditioning' must be one of \["concat", "projection", "acgan"\], received "cbn"/,
    );
    expect(() => Generator.mlp({ outputShape: [2], conditioning: 'cbn' })).toThrow(/'conditioning' "cbn" needs 'numClasses' >= 2, received numClasses 0/);
    expect(() => Discriminator.dcgan({ imageShape: [28, 28, 1], conditioning: 'acgan' })).toThrow(/needs 'numClasses' >= 2/);
    expect(() => Generator.dcgan({ imageShape: [28, 28, 1], numClasses: 3, conditioning: 'cbn', batchNorm: false })).toThrow(
      /conditioning 'cbn' is batch normalisation, so 'batchNorm' must be true, received false/,
    );
    expect(() => Generator.mlp({ outputShape: [2], numClasses: 3, conditioning: 'cbn', batchNorm: false })).toThrow(/'batchNorm' must be true or left out/);
    expect(() => Generator.dcgan({ imageShape: [28, 28, 1], numClasses: 3, conditioning: 'concat-cbn', batchNorm: false })).toThrow(
      /conditioning 'concat-cbn' is batch normalisation, so 'batchNorm' must be true, received false/,
    );
    expect(() => Generator.mlp({ outputShape: [2], numClasses: 3, conditioning: 'concat-cbn', batchNorm: false })).toThrow(/'concat-cbn' is batch normalisation/);
    expect(() => Generator.mlp({ outputShape: [2], numClasses: 3, classNames: ['a', 'b'] })).toThrow(
      /'classNames' must be 3 distinct non-empty strings \(one per class\), received \["a", "b"\]/,
    );
    expect(() => Generator.mlp({ outputShape: [2], numClasses: 2, classNames: ['a', 'a'] })).toThrow(/distinct/);
    expect(() => Generator.mlp({ outputShape: [2], classNames: ['a', 'b'] })).toThrow(/'classNames' were given, but 'numClasses' is 0/);
  });
});

describe('user models with the conditional contract', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('wraps a user ACGAN discriminator and checks its class output', () => {
    const image = tf.input({ shape: [2] });
    const hidden = tf.layers.dense({ units: 4, activation: 'relu' }).apply(image) as tf.SymbolicTensor;
    const logit = tf.layers.dense({ units: 1 }).apply(hidden) as tf.SymbolicTensor;
    const classes = tf.layers.dense({ units: 3 }).apply(hidden) as tf.SymbolicTensor;
    const model = tf.model({ inputs: image, outputs: [logit, classes] });
    const discriminator = new Discriminator(model, { inputShape: [2], numClasses: 3, auxiliaryClassifier: true });
    expect(discriminator.conditional).toBe(false);
    expect(() => new Discriminator(model, { inputShape: [2], numClasses: 4, auxiliaryClassifier: true })).toThrow(
      /second output must be class logits of per-sample shape \[4\] \(numClasses\), received \[3\]/,
    );
    expect(() => new Discriminator(model, { inputShape: [2], numClasses: 3 })).toThrow(/must have 2 input\(s\) \(image and label\)/);
    expect(() => new Discriminator(model, { inputShape: [2], auxiliaryClassifier: true })).toThrow(/true only with 'numClasses' >= 2/);
    const single = tf.model({ inputs: image, outputs: logit });
    expect(() => new Discriminator(single, { inputShape: [2], numClasses: 3, auxiliaryClassifier: true })).toThrow(
      /exactly 2 outputs \(logits and class logits\), received 1/,
    );
    model.dispose();
  });

  it('runs the conditional generator of the guide: samples by name, class interpolation, training', async () => {
    const z = tf.input({ shape: [32], name: 'z' });
    const label = tf.input({ shape: [1], dtype: 'int32', name: 'label' });
    const embedded = tf.layers.flatten().apply(tf.layers.embedding({ inputDim: 10, outputDim: 16 }).apply(label)) as tf.SymbolicTensor;
    const joined = tf.layers.concatenate().apply([z, embedded]) as tf.SymbolicTensor;
    const hidden = tf.layers.dense({ units: 256, activation: 'relu' }).apply(joined) as tf.SymbolicTensor;
    const pixels = tf.layers.dense({ units: 784, activation: 'tanh' }).apply(hidden) as tf.SymbolicTensor;
    const image = tf.layers.reshape({ targetShape: [28, 28, 1] }).apply(pixels) as tf.SymbolicTensor;
    const generator = new Generator(tf.model({ inputs: [z, label], outputs: image }), {
      latentDim: 32,
      outputShape: [28, 28, 1],
      numClasses: 10,
      classNames: MNIST_CLASS_NAMES,
    });
    const sevens = generator.sample({ count: 2, labels: '7', seed: 1 });
    const morph = generator.interpolateClasses({ from: '7', to: '1', steps: 3, seed: 1 });
    expect(Array.from(morph.slice([0], [1]).dataSync())).toEqual(Array.from(sevens.slice([0], [1]).dataSync()));
    const discriminator = Discriminator.mlp({ inputShape: [28, 28, 1], hiddenUnits: [16], numClasses: 10, conditioning: 'projection', seed: 1 });
    const data = Dataset.fromTensors(tf.randomUniform([16, 28, 28, 1], -1, 1, 'float32', 1), Array.from({ length: 16 }, (_, i) => i % 10), {
      numClasses: 10,
    });
    const trainer = new Trainer({ generator, discriminator, seed: 1 });
    const history = await trainer.fit(data, { steps: 2, batchSize: 8 });
    expect(history.logs.every((l) => Number.isFinite(l.dLoss) && Number.isFinite(l.gLoss))).toBe(true);
    tf.dispose([sevens, morph]);
    data.dispose();
    generator.dispose();
    discriminator.dispose();
    trainer.dispose();
  });

  it('checks the label input shape of a user model', () => {
    const z = tf.input({ shape: [2] });
    const label = tf.input({ shape: [3] });
    const out = tf.layers.dense({ units: 2 }).apply(tf.layers.concatenate().apply([z, label])) as tf.SymbolicTensor;
    const model = tf.model({ inputs: [z, label], outputs: out });
    expect(() => new Generator(model, { latentDim: 2, outputShape: [2], numClasses: 3 })).toThrow(ShapeError);
    model.dispose();
  });
});
