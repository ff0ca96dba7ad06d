/**
 * `withPretrainedFeatures`: a discriminator's second path through a frozen copy of a pretrained
 * network. The summed logit against a hand computation (cut at the features and at a map), frozen
 * copied weights through training steps, leak-free steps and disposal, checkpoints, class weights, gradient penalties, an ACGAN second output,
 * a model of the user's own (copied, not changed), the recipe field, and the refusals.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Dataset } from '../../src/data/dataset.js';
import { ConfigError } from '../../src/errors.js';
import { r1 } from '../../src/losses/penalties/index.js';
import { decodeEmbeddedModel } from '../../src/util/embedded-model.js';
import { Discriminator, Generator, withPretrainedFeatures } from '../../src/nets/index.js';
import { Recipe, byName } from '../../src/recipes/index.js';
import { Trainer } from '../../src/train/trainer.js';
import { EXTRACTOR } from '../../src/extractors/mnist.js';
import { switchBackend } from '../helpers/backends.js';
import { expectLeakFree } from '../helpers/leaks.js';
import { disposeAll, loadedCopy, lossPairs } from '../helpers/trainers.js';

const NUM_CLASSES = 3;
const SHAPE = [28, 28, 1];

const base = (extra: Record<string, unknown> = {}): Discriminator =>
  Discriminator.dcgan({ imageShape: SHAPE, width: 4, numClasses: NUM_CLASSES, conditioning: 'projection', seed: 2, ...extra });
const generator = (): Generator =>
  Generator.dcgan({ imageShape: SHAPE, latentDim: 8, width: 4, numClasses: NUM_CLASSES, conditioning: 'cbn', seed: 1 });

/** Values of weights by their layer-scoped name without a uniquifying suffix (the copied layers' names start with the prefix). */
function byLayer(model: tf.LayersModel, prefix: string): Map<string, number[]> {
  return new Map(model.weights.filter((w) => w.originalName.startsWith(prefix)).map((w) => [w.originalName, Array.from(w.read().dataSync())]));
}

/** A small chain of the user's own taking [28, 28, 1]: conv, pool, flatten, dense. */
function userModel(extra?: tf.layers.Layer): tf.LayersModel {
  const image = tf.input({ shape: SHAPE, name: 'pixels' });
  let x = tf.layers.conv2d({ filters: 2, kernelSize: 3, padding: 'same', activation: 'relu', name: 'c1', kernelInitializer: tf.initializers.randomNormal({ seed: 4 }) }).apply(image) as tf.SymbolicTensor;
  x = tf.layers.maxPooling2d({ poolSize: 2, name: 'p1' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.flatten({ name: 'f1' }).apply(x) as tf.SymbolicTensor;
  if (extra) x = extra.apply(x) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 5, name: 'd1', kernelInitializer: tf.initializers.randomNormal({ seed: 5 }) }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: image, outputs: out });
}

describe('withPretrainedFeatures (cpu)', () => {
  let data: Dataset;

  beforeAll(async () => {
    await switchBackend('cpu');
    const images = tf.randomUniform([12, ...SHAPE], -1, 1, 'float32', 3);
    data = Dataset.fromTensors(images, [0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2]);
    images.dispose();
  });

  afterAll(() => {
    data.dispose();
  });

  it('adds the projection head on the frozen network features to the discriminator own logit', async () => {
    const own = base();
    const images = tf.randomUniform([4, ...SHAPE], -1, 1, 'float32', 7);
    const labels = tf.tensor1d([0, 2, 1, 2], 'int32');
    const ownLogits = tf.tidy(() => own.logits(images, labels));
    const combined = await withPretrainedFeatures(own, 'mnist', { seed: 3 });
    const extractor = await decodeEmbeddedModel(EXTRACTOR.model);
    const cut = tf.model({ inputs: extractor.inputs, outputs: extractor.getLayer('features').output as tf.SymbolicTensor });
    const head = combined.model.getLayer('pretrained_logits');
    const [kernel, bias, embeddings] = head.getWeights();
    const expected = tf.tidy(() => {
      const f = cut.predict(images) as tf.Tensor2D;
      const plain = tf.add(tf.matMul(f, kernel as tf.Tensor2D), bias).reshape([-1]);
      const projected = tf.sum(tf.mul(tf.gather(embeddings, labels), f), 1);
      return tf.add(ownLogits, tf.add(plain, projected));
    });
    const got = tf.tidy(() => combined.logits(images, labels));
    const [a, b] = [Array.from(got.dataSync()), Array.from(expected.dataSync())];
    a.forEach((v, i) => expect(v).toBeCloseTo(b[i], 4));
    // The head starts small against the discriminator's own logit but is not zero.
    expect(b.some((v, i) => Math.abs(v - ownLogits.dataSync()[i]) > 1e-4)).toBe(true);
    // The copied layers hold the extractor's weights, frozen; the head and the discriminator's own train.
    for (const layer of extractor.layers.filter((l) => l.weights.length > 0 && cut.layers.includes(l))) {
      const copy = combined.model.getLayer(`pretrained_${layer.name}`);
      expect(copy.trainable).toBe(false);
      copy.getWeights().forEach((w, i) => expect(Array.from(w.dataSync())).toEqual(Array.from(layer.getWeights()[i].dataSync())));
    }
    expect(combined.trainableVariables.length).toBe(own.trainableVariables.length + 3);
    tf.dispose([images, labels, ownLogits, expected, got]);
    extractor.dispose();
    combined.dispose();
  });

  it('cuts a shipped network at an intermediate map and reads it flattened', async () => {
    const own = base();
    const images = tf.randomUniform([3, ...SHAPE], -1, 1, 'float32', 9);
    const labels = tf.tensor1d([1, 0, 2], 'int32');
    const ownLogits = tf.tidy(() => own.logits(images, labels));
    const combined = await withPretrainedFeatures(own, 'mnist', { layer: 'pool2', seed: 4 });
    const names = combined.model.layers.map((l) => l.name);
    expect(names).toContain('pretrained_pool2');
    expect(names).toContain('pretrained_flatten');
    expect(names).not.toContain('pretrained_conv3');
    const extractor = await decodeEmbeddedModel(EXTRACTOR.model);
    const cut = tf.model({ inputs: extractor.inputs, outputs: extractor.getLayer('pool2').output as tf.SymbolicTensor });
    const [kernel, bias, embeddings] = combined.model.getLayer('pretrained_logits').getWeights();
    // pool2 of the 28x28 MNIST extractor: 7 x 7 x (2 x width 32) = 3,136 features.
    expect(kernel.shape).toEqual([7 * 7 * 64, 1]);
    const expected = tf.tidy(() => {
      const f = (cut.predict(images) as tf.Tensor).reshape([3, -1]) as tf.Tensor2D;
      const plain = tf.add(tf.matMul(f, kernel as tf.Tensor2D), bias).reshape([-1]);
      return tf.add(ownLogits, tf.add(plain, tf.sum(tf.mul(tf.gather(embeddings, labels), f), 1)));
    });
    const got = tf.tidy(() => combined.logits(images, labels));
    const [a, b] = [Array.from(got.dataSync()), Array.from(expected.dataSync())];
    a.forEach((v, i) => expect(v).toBeCloseTo(b[i], 4));
    tf.dispose([images, labels, ownLogits, expected, got]);
    extractor.dispose();
    combined.dispose();
  });

  it('trains the head and the discriminator while the copied weights stay fixed, leak-free; disposing frees all', async () => {
    const start = tf.memory().numTensors;
    const trainer = new Trainer({ generator: generator(), discriminator: await withPretrainedFeatures(base(), 'mnist', { seed: 3 }), seed: 5 });
    const frozen = byLayer(trainer.discriminator.model, 'pretrained_conv');
    expect(frozen.size).toBe(6);
    const head = byLayer(trainer.discriminator.model, 'pretrained_logits');
    await expectLeakFree(() => trainer.fit(data, { steps: 1, batchSize: 4 }));
    expect(byLayer(trainer.discriminator.model, 'pretrained_conv')).toEqual(frozen);
    const moved = byLayer(trainer.discriminator.model, 'pretrained_logits');
    for (const [name, values] of head) expect(moved.get(name)).not.toEqual(values);
    disposeAll(trainer);
    expect(tf.memory().numTensors).toBe(start);
  });

  it('resumes from a checkpoint with identical losses, the copied layers still frozen', async () => {
    const trainer = new Trainer({ generator: generator(), discriminator: await withPretrainedFeatures(base(), 'mnist', { seed: 3 }), seed: 5 });
    await trainer.fit(data, { steps: 2, batchSize: 4 });
    const copy = await loadedCopy(trainer);
    try {
      expect(copy.discriminator.trainableVariables.length).toBe(trainer.discriminator.trainableVariables.length);
      expect(copy.discriminator.model.getLayer('pretrained_conv1').trainable).toBe(false);
      const a = await trainer.fit(data, { steps: 2, batchSize: 4 });
      const b = await copy.fit(data, { steps: 2, batchSize: 4 });
      expect(lossPairs(b.logs)).toEqual(lossPairs(a.logs));
      expect(byLayer(copy.discriminator.model, 'pretrained_conv')).toEqual(byLayer(trainer.discriminator.model, 'pretrained_conv'));
    } finally {
      disposeAll(trainer, copy);
    }
  });

  it('takes class weights (a conditioning transition), an R1 penalty through the frozen path, and keeps an ACGAN second output', async () => {
    const trainer = new Trainer({
      generator: generator(),
      discriminator: await withPretrainedFeatures(base(), 'mnist', { seed: 3 }),
      penalties: [r1({ gamma: 1 })],
      conditioningTransition: { start: 1, end: 3 },
      seed: 5,
    });
    const history = await trainer.fit(data, { steps: 3, batchSize: 4 });
    expect(history.logs.every((l) => Number.isFinite(l.dLoss) && Number.isFinite(l.gLoss))).toBe(true);
    const images = tf.randomUniform([3, ...SHAPE], -1, 1, 'float32', 8);
    const ids = tf.tensor1d([2, 0, 1], 'int32');
    const oneHot = tf.oneHot(ids, NUM_CLASSES).toFloat() as tf.Tensor2D;
    const [a, b] = tf.tidy(() => [trainer.discriminator.logits(images, ids), trainer.discriminator.logits(images, oneHot)]);
    Array.from(a.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(b.dataSync()[i], 4));
    tf.dispose([images, ids, oneHot, a, b]);
    disposeAll(trainer);

    const acgan = await withPretrainedFeatures(base({ auxiliaryClassifier: true }), 'mnist');
    expect(acgan.auxiliaryClassifier).toBe(true);
    const x = tf.zeros([2, ...SHAPE]);
    const y = tf.tensor1d([0, 1], 'int32');
    const [logits, classLogits] = tf.tidy(() => {
      const out = acgan.outputs(x, y);
      return [out.logits, out.classLogits!];
    });
    expect(logits.shape).toEqual([2]);
    expect(classLogits.shape).toEqual([2, NUM_CLASSES]);
    tf.dispose([x, y, logits, classLogits]);
    acgan.dispose();
  });

  it('copies a model of the user own (cut at a named layer), leaving it trainable and unchanged; unconditional gets a dense head', async () => {
    const user = userModel();
    const before = user.getWeights().map((w) => Array.from(w.dataSync()));
    const own = Discriminator.dcgan({ imageShape: SHAPE, width: 4, seed: 2 });
    const combined = await withPretrainedFeatures(own, user, { layer: 'f1', prefix: 'mine_' });
    expect(combined.model.getLayer('mine_c1').trainable).toBe(false);
    expect(combined.model.getLayer('mine_logits').getClassName()).toBe('Dense');
    expect(() => combined.model.getLayer('mine_d1')).toThrow();
    const trainer = new Trainer({ generator: Generator.dcgan({ imageShape: SHAPE, latentDim: 8, width: 4, seed: 1 }), discriminator: combined, seed: 5 });
    const unlabelled = Dataset.fromTensors(data.images, undefined);
    await trainer.fit(unlabelled, { steps: 2, batchSize: 4 });
    expect(user.layers.filter((l) => l.weights.length > 0).every((l) => l.trainable)).toBe(true);
    expect(user.getWeights().map((w) => Array.from(w.dataSync()))).toEqual(before);
    expect(Array.from(combined.model.getLayer('mine_c1').getWeights()[0].dataSync())).toEqual(before[0]);
    unlabelled.dispose();
    disposeAll(trainer);
    user.dispose();
  });

  it('refuses bad networks, layers, options and discriminators, naming what it expected', async () => {
    const refused = async (make: () => Promise<unknown>, message: RegExp): Promise<void> => {
      await expect(make()).rejects.toThrow(ConfigError);
      await expect(make()).rejects.toThrow(message);
    };
    const d = base();
    await refused(() => withPretrainedFeatures(d, 'imagenet' as never), /'network' must be one of 'mnist', 'fashion-mnist', 'emoji'.*received "imagenet"/);
    await refused(() => withPretrainedFeatures(d, 'mnist', { layer: 'nope' }), /'layer' must name a layer of the network \(image, conv1.*received "nope"/);
    await refused(() => withPretrainedFeatures(d, 'mnist', { layer: 'dropout' }), /'dropout' is a Dropout, whose output depends on training/);
    await refused(() => withPretrainedFeatures(d, 'mnist', { typo: 1 } as never), /typo/);
    await refused(() => withPretrainedFeatures(d, 'mnist', { prefix: 'bad prefix' }), /'prefix' must be a name/);
    await refused(() => withPretrainedFeatures(d, 'emoji'), /takes samples of shape \[64,\s*64,\s*3\], the discriminator \[28,\s*28,\s*1\]/);
    const user = userModel();
    await refused(() => withPretrainedFeatures(d, user), /'layer' .* is required with a model of your own/);
    const noisy = userModel(tf.layers.batchNormalization({ name: 'bn' }));
    await refused(() => withPretrainedFeatures(d, noisy, { layer: 'd1' }), /'bn' is a BatchNormalization/);
    const a = tf.input({ shape: SHAPE });
    const branches = tf.layers.add({ name: 'sum' }).apply([tf.layers.conv2d({ filters: 1, kernelSize: 1 }).apply(a) as tf.SymbolicTensor, a]) as tf.SymbolicTensor;
    const branched = tf.model({ inputs: a, outputs: branches });
    await refused(() => withPretrainedFeatures(d, branched, { layer: 'sum' }), /must form a chain, but 'sum' takes 2 inputs/);
    const twice = await withPretrainedFeatures(base(), 'mnist');
    await refused(() => withPretrainedFeatures(twice, 'mnist'), /already has a layer named 'pretrained_conv1'; pass another 'prefix'/);
    // A clash found after the copies are built frees them: no tensor is left behind.
    const pixels = tf.input({ shape: SHAPE });
    const flat = tf.layers.flatten().apply(pixels) as tf.SymbolicTensor;
    const own = new Discriminator(tf.model({ inputs: pixels, outputs: tf.layers.dense({ units: 1, name: 'pretrained_logits' }).apply(flat) as tf.SymbolicTensor }), { inputShape: SHAPE });
    const live = tf.memory().numTensors;
    await refused(() => withPretrainedFeatures(own, 'mnist'), /already has a layer named 'pretrained_logits'/);
    expect(tf.memory().numTensors).toBe(live);
    await refused(() => withPretrainedFeatures({} as never, 'mnist'), /'discriminator' must be a Discriminator/);
    [d, user, noisy, branched, twice, own].forEach((m) => m.dispose());
  });

  it('the recipe field: checked, refused by buildTrainer, built by createTrainer and train', async () => {
    expect(() => byName('mnist', { pretrainedFeatures: { network: 'inception' } } as never)).toThrow(/pretrainedFeatures.network/);
    expect(() => byName('mnist', { pretrainedFeatures: { network: 'mnist', depth: 2 } } as never)).toThrow(/depth/);
    const recipe = byName('mnist', { pretrainedFeatures: { network: 'mnist' }, steps: 2, batchSize: 4 }) as Recipe;
    expect(() => recipe.buildTrainer(data)).toThrow(/use 'await recipe.createTrainer\(data\)'/);
    const trainer = await recipe.createTrainer(data);
    expect(trainer.discriminator.model.getLayer('pretrained_features').trainable).toBe(false);
    disposeAll(trainer);
    const run = await recipe.train({ data });
    expect(run.history.logs).toHaveLength(2);
    expect(run.trainer.discriminator.model.layers.some((l) => l.name === 'pretrained_logits')).toBe(true);
    run.dispose();
  });

  it("the recipe's pretrainedNetwork: the path copies the user's model, cut at 'features' or the config's layer", async () => {
    const user = userModel(tf.layers.dense({ units: 3, name: 'features', kernelInitializer: tf.initializers.randomNormal({ seed: 6 }) }));
    const before = byLayer(user, '');
    const recipe = byName('mnist', { pretrainedFeatures: { network: 'mnist' }, steps: 2, batchSize: 4 }) as Recipe;
    const trainer = await recipe.createTrainer(data, { pretrainedNetwork: user });
    const copied = trainer.discriminator.model;
    // The user's layers, not the shipped extractor's: its conv 'c1' and its 3 features.
    expect(Array.from(copied.getLayer('pretrained_c1').getWeights()[0].dataSync())).toEqual(before.get('c1/kernel'));
    expect(copied.getLayer('pretrained_features').outputShape).toEqual([null, 3]);
    expect(copied.layers.some((l) => l.name === 'pretrained_d1')).toBe(false);
    disposeAll(trainer);
    // Cut where the config says.
    const atF1 = await (byName('mnist', { pretrainedFeatures: { network: 'mnist', layer: 'f1' }, steps: 2, batchSize: 4 }) as Recipe).createTrainer(data, { pretrainedNetwork: user });
    expect(atF1.discriminator.model.layers.some((l) => l.name === 'pretrained_features')).toBe(false);
    expect(atF1.discriminator.model.getLayer('pretrained_f1').outputShape).toEqual([null, 14 * 14 * 2]);
    disposeAll(atF1);
    // train passes it on; the user's model is unchanged and still usable.
    const run = await recipe.train({ data, pretrainedNetwork: user });
    expect(run.trainer.discriminator.model.getLayer('pretrained_features').outputShape).toEqual([null, 3]);
    run.dispose();
    expect(byLayer(user, '')).toEqual(before);
    const noFeatures = userModel();
    const live = tf.memory().numTensors;
    await expect(byName('mnist', { steps: 2 }).createTrainer(data, { pretrainedNetwork: user })).rejects.toThrow(
      /recipes\.mnist\.createTrainer: 'pretrainedNetwork' replaces the network of the config's 'pretrainedFeatures', but this recipe has none/,
    );
    await expect(recipe.createTrainer(data, { pretrainedNetwork: 'mnist' as never })).rejects.toThrow(/'pretrainedNetwork' must be a tf\.LayersModel, received/);
    await expect(recipe.createTrainer(data, { pretrainedNetworks: user } as never)).rejects.toThrow(/pretrainedNetworks/);
    await expect(recipe.createTrainer(data, { pretrainedNetwork: noFeatures })).rejects.toThrow(/features/);
    expect(tf.memory().numTensors).toBe(live);
    user.dispose();
    noFeatures.dispose();
  });
});
