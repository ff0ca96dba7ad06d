import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../src/backend/index.js';
import { ConfigError } from '../../src/errors.js';
import { Generator, datasets, metrics, recipes } from '../../src/index.js';
import { decayMultiplier } from '../../src/recipes/recipe-config.js';
import { extractorSplit } from '../../src/metrics/extractor-data.js';
import { buildNetworks } from '../../src/nets/build-networks.js';
import { disposeAll } from '../helpers/trainers.js';

/** The hearts and four crossed flags as classes of their own beside the 9 categories. */
const HEARTS_AND_CROSSES: datasets.EmojiExtraClasses = {
  extraClasses: [
    { name: 'hearts', category: 'Smileys & Emotion', subcategories: ['heart'] },
    { name: 'crossed flags', category: 'Flags', emoji: ['flag-dk', 'flag-se', 'flag-no', 'gb'] },
  ],
};

beforeAll(async () => {
  await useBackend('wasm');
});

describe('recipes: configurations', () => {
  it('ships one valid config per name, each reachable by its function and byName', () => {
    expect(recipes.RECIPE_NAMES).toEqual(['mnist', 'mnist-unconditional', 'fashion-mnist', 'emoji64', 'ring']);
    for (const name of recipes.RECIPE_NAMES) {
      const recipe = recipes.byName(name);
      expect(recipe.name).toBe(name);
      expect(() => recipes.checkRecipeConfig(JSON.parse(JSON.stringify(recipe.config)), 'test')).not.toThrow();
    }
    expect(recipes.mnist().config.conditional).toBe(true);
    expect(recipes.mnistUnconditional().config.conditional).toBe(false);
    expect(recipes.fashionMnist().config.dataset).toBe('fashion-mnist');
    expect(recipes.ring().config.architecture).toBe('mlp');
    expect(recipes.emoji64().config).toMatchObject({ dataset: 'emoji', architecture: 'dcgan', conditional: true, augment: ['color', 'translation', 'cutout'] });
  });

  it('changes fields with `with` and leaves the shipped recipe as it was', () => {
    const longer = recipes.mnist().with({ steps: 12, seed: 5 });
    expect(longer.config.steps).toBe(12);
    expect(longer.config.seed).toBe(5);
    expect(recipes.mnist().config.steps).toBe(recipes.RECIPES.mnist.steps);
    expect(recipes.byName('ring', { batchSize: 32 }).config.batchSize).toBe(32);
  });

  it('refuses unknown names and bad fields, naming them', () => {
    expect(() => recipes.byName('mnsit')).toThrow(ConfigError);
    expect(() => recipes.byName('mnsit')).toThrow(/unknown recipe "mnsit".*"mnist"/);
    expect(() => recipes.mnist({ steps: -5 })).toThrow(/'steps' must be an integer >= 1, received -5/);
    expect(() => recipes.mnist({ loss: 'hinj' as never })).toThrow(/'loss'.*received "hinj"/);
    expect(() => recipes.mnist().with({ stpes: 3 } as never)).toThrow(/stpes.*steps/);
    expect(() => recipes.mnist({ generator: { imageShape: [32, 32, 1] } })).toThrow(/'generator' may not set \["imageShape"\]/);
    expect(() => recipes.mnist({ penalties: [{ name: 'r3' as never }] })).toThrow(/penalties\[0\]\.name/);
    expect(() => recipes.mnist({ learningRateDecay: { kind: 'cosine' as never } })).toThrow(/learningRateDecay\.kind/);
    expect(() => new recipes.Recipe({ name: 'x' } as never)).toThrow(/lacks/);
    expect(() => recipes.mnist({ discriminatorArchitecture: 'vit' as never })).toThrow(/'discriminatorArchitecture'.*received "vit"/);
  });

  it('decays the learning rates linearly from the decay start to the final multiplier', () => {
    const decay = { kind: 'linear', start: 0.5, final: 0.1 } as const;
    expect(decayMultiplier(decay, 0, 100)).toBe(1);
    expect(decayMultiplier(decay, 50, 100)).toBe(1);
    expect(decayMultiplier(decay, 75, 100)).toBeCloseTo(0.55, 10);
    expect(decayMultiplier(decay, 100, 100)).toBeCloseTo(0.1, 10);
    expect(decayMultiplier(decay, 400, 100)).toBeCloseTo(0.1, 10);
    expect(decayMultiplier({ kind: 'none' }, 80, 100)).toBe(1);
  });
});

describe('recipes: building and training', () => {
  it('builds the conditional MNIST recipe for the data: classes and names from the data, seeded weights', async () => {
    const data = await datasets.mnist({ count: 64 });
    const recipe = recipes.mnist();
    const trainer = recipe.buildTrainer(data);
    try {
      expect(trainer.generator.numClasses).toBe(10);
      expect(trainer.generator.classNames).toEqual(data.classNames);
      expect(trainer.discriminator.numClasses).toBe(10);
      expect(trainer.loss.name).toBe(recipe.config.loss);
      expect(trainer.ema?.config.decay).toBe(recipe.config.emaDecay);
      const again = recipe.buildTrainer(data);
      const same = tf.tidy(() => tf.max(tf.abs(tf.sub(trainer.generator.model.weights[0].read(), again.generator.model.weights[0].read()))).dataSync()[0]);
      expect(same).toBe(0);
      for (const t of [again]) {
        t.generator.dispose();
        t.discriminator.dispose();
        t.dispose();
      }
    } finally {
      trainer.generator.dispose();
      trainer.discriminator.dispose();
      trainer.dispose();
      data.dispose();
    }
  });

  it('builds the discriminator of another family when discriminatorArchitecture names one, with its own seed and options', () => {
    const mixed = recipes.mnist({ discriminatorArchitecture: 'mlp', discriminator: { hiddenUnits: [16], conditioning: 'projection' }, seed: 4 });
    // A record without the field (as written before it existed) is still a whole config.
    const older: Record<string, unknown> = { ...mixed.config };
    delete older.discriminatorArchitecture;
    expect(() => recipes.checkRecipeConfig(older, 'test')).not.toThrow();
    const before = tf.memory().numTensors;
    const trainer = mixed.buildTrainer({ sampleShape: [28, 28, 1], numClasses: 10 });
    const plain = recipes.mnist({ seed: 4 }).buildTrainer({ sampleShape: [28, 28, 1], numClasses: 10 });
    try {
      // The generator is the recipe's own family (the same weights as without the field); the discriminator the MLP.
      expect(trainer.generator.model.name).toBe(plain.generator.model.name);
      expect(trainer.generator.model.weights[0].read().dataSync()).toEqual(plain.generator.model.weights[0].read().dataSync());
      const dense = trainer.discriminator.model.layers.filter((layer) => layer.getClassName().includes('Dense'));
      expect(dense.length).toBeGreaterThan(0);
      expect(trainer.discriminator.model.layers.some((layer) => layer.getClassName() === 'Conv2D')).toBe(false);
      expect(trainer.discriminator.conditional).toBe(true);
      const shape = tf.tidy(() => trainer.discriminator.logits(tf.zeros([2, 28, 28, 1]), tf.tensor1d([1, 7], 'int32')).shape);
      expect(shape).toEqual([2]);
    } finally {
      for (const t of [trainer, plain]) {
        t.generator.dispose();
        t.discriminator.dispose();
        t.dispose();
      }
    }
    expect(tf.memory().numTensors).toBe(before);
    // Options of the generator's family given to the other family's builder are refused by that builder.
    expect(() => recipes.mnist({ discriminatorArchitecture: 'mlp' }).buildTrainer({ sampleShape: [28, 28, 1], numClasses: 10 })).toThrow(/width/);
  });

  it("passes 'fakeLabels' to the trainer; a config without it draws uniform labels", () => {
    // The emoji recipe labels the discriminator's fakes in the data's frequencies; without its
    // pretrained path (whose weights load asynchronously) buildTrainer builds it.
    expect(recipes.emoji64().config.fakeLabels).toBe('data-for-discriminator');
    expect(() => recipes.emoji64().buildTrainer({ sampleShape: [64, 64, 3], numClasses: 9 })).toThrow(/use 'await recipe.createTrainer\(data\)'/);
    const fromData = recipes.emoji64({ fakeLabels: 'data', pretrainedFeatures: undefined });
    const plain = recipes.emoji64({ fakeLabels: undefined, pretrainedFeatures: undefined });
    expect(plain.config.fakeLabels).toBeUndefined();
    expect(() => recipes.emoji64({ fakeLabels: 'real' as never })).toThrow(/'fakeLabels' must be one of \["uniform", "data", "data-for-discriminator"\], received "real"/);
    const trainers = [fromData, plain].map((recipe) => recipe.buildTrainer({ sampleShape: [64, 64, 3], numClasses: 9 }));
    try {
      expect(trainers.map((t) => t.fakeLabels)).toEqual(['data', 'uniform']);
    } finally {
      disposeAll(...trainers);
    }
  });

  it("passes 'augmentDraws' to the trainer; a config without it draws per image", () => {
    expect(recipes.emoji64().config.augmentDraws).toBeUndefined();
    const byClass = recipes.emoji64({ augmentDraws: 'class', pretrainedFeatures: undefined });
    const plain = recipes.emoji64({ pretrainedFeatures: undefined });
    expect(() => recipes.emoji64({ augmentDraws: 'batch' as never })).toThrow(/'augmentDraws' must be one of \["sample", "class"\], received "batch"/);
    const trainers = [byClass, plain].map((recipe) => recipe.buildTrainer({ sampleShape: [64, 64, 3], numClasses: 9 }));
    try {
      expect(trainers.map((t) => t.augmentDraws)).toEqual(['class', 'sample']);
    } finally {
      disposeAll(...trainers);
    }
    // Without a policy, or on an unconditional recipe, 'class' has nothing to share: refused with the config.
    expect(() => recipes.emoji64({ augmentDraws: 'class', augment: [] })).toThrow(/'augmentDraws' 'class' .*'augment' is \[\]/);
    expect(() => recipes.mnist({ augmentDraws: 'class', augment: ['cutout'], conditional: false })).toThrow(/'augmentDraws' 'class' .*needs a conditional generator/);
  });

  it("passes 'auxiliaryClassifierBatches' and 'auxiliaryClassifierWeight' to the trainer; a config without them trains the classifier on both batches at weight 1", () => {
    // The recipe's class fade-in needs a discriminator that takes labels, and its path loads asynchronously.
    const acgan = {
      discriminator: { width: 32, conditioning: 'acgan' as const, batchNorm: true, minibatchStdDev: true },
      conditioningTransition: undefined,
      pretrainedFeatures: undefined,
    };
    const realOnly = recipes.emoji64({ ...acgan, auxiliaryClassifierBatches: 'real', auxiliaryClassifierWeight: 0.25 });
    const plain = recipes.emoji64(acgan);
    expect('auxiliaryClassifierBatches' in plain.config).toBe(false);
    expect('auxiliaryClassifierWeight' in plain.config).toBe(false);
    expect(() => recipes.emoji64({ ...acgan, auxiliaryClassifierBatches: 'fake' as never })).toThrow(
      /'auxiliaryClassifierBatches' must be one of \["real-and-fake", "real"\], received "fake"/,
    );
    expect(() => recipes.emoji64({ ...acgan, auxiliaryClassifierWeight: -1 })).toThrow(/'auxiliaryClassifierWeight' must be .*>= 0.*received -1/);
    const trainers = [realOnly, plain].map((recipe) => recipe.buildTrainer({ sampleShape: [64, 64, 3], numClasses: 9 }));
    try {
      expect(trainers.map((t) => t.auxiliaryClassifierBatches)).toEqual(['real', 'real-and-fake']);
      expect(trainers.map((t) => t.auxiliaryClassifierWeight)).toEqual([0.25, 1]);
    } finally {
      disposeAll(...trainers);
    }
  });

  it("passes 'sampling' to the trainer; a config without it (as written before it existed) is whole and shuffles", () => {
    const balanced = recipes.mnist({ sampling: 'class-balanced' });
    const plain = recipes.mnist();
    expect('sampling' in plain.config).toBe(false);
    expect(() => recipes.checkRecipeConfig({ ...plain.config }, 'test')).not.toThrow();
    expect(() => recipes.mnist({ sampling: 'uniform' as never })).toThrow(/'sampling' must be one of \["shuffle", "class-balanced", "class-sqrt"\], received "uniform"/);
    const trainers = [balanced, plain].map((recipe) => recipe.buildTrainer({ sampleShape: [28, 28, 1], numClasses: 10 }));
    try {
      expect(trainers.map((t) => t.sampling)).toEqual(['class-balanced', 'shuffle']);
    } finally {
      disposeAll(...trainers);
    }
  });

  it('refuses a conditional recipe on data without classes', async () => {
    expect(() => recipes.mnist().buildTrainer({ sampleShape: [28, 28, 1], numClasses: 0 })).toThrow(/conditional recipe needs data with classes/);
  });

  it('trains in one call with its decay schedule, leak-free, and scores against held-out data', async () => {
    const recipe = recipes.mnist({ steps: 4, batchSize: 8, learningRateDecay: { kind: 'linear', start: 0, final: 0.5 } });
    const data = await datasets.mnist({ count: 64 });
    const rates: number[] = [];
    // The shipped extractor stays loaded once used (shared between calls): load it before counting.
    await metrics.features.mnist();
    const before = tf.memory().numTensors;
    const run = await recipe.train({
      data,
      callbacks: [{ onStepEnd: (_logs, context) => void rates.push((context.trainer.generatorOptimizer as unknown as { learningRate: number }).learningRate) }],
    });
    expect(run.trainer.step).toBe(4);
    expect(run.history.logs).toHaveLength(4);
    // The schedule sets the rate of the next step at the end of each step.
    const base = recipe.config.generatorLearningRate;
    expect(rates.map((rate) => rate / base)).toEqual([1, 2, 3, 4].map((step) => expect.closeTo(decayMultiplier(recipe.config.learningRateDecay, step, 4), 10)));
    expect(rates[3]).toBeCloseTo(base * 0.5, 12);
    const score = await recipe.score(run.trainer.samplingGenerator, { count: 200 });
    expect(score.dataset).toBe('mnist');
    expect(score.fid).toBeGreaterThan(score.floorFid);
    expect(score.fidRatio).toBeCloseTo(score.fid / score.floorFid, 10);
    expect(score.classAccuracy).toBeGreaterThanOrEqual(0);
    expect(score.perClassAccuracy).toHaveLength(10);
    expect(score.extractorAccuracy).toBeGreaterThan(0.98);
    // The balanced pass draws 20 samples of each of the 10 classes: every class accuracy is k / 20.
    expect(score.balancedPerClassAccuracy).toHaveLength(10);
    for (const accuracy of score.balancedPerClassAccuracy!) expect(Math.abs(accuracy * 20 - Math.round(accuracy * 20))).toBeLessThan(1e-9);
    const mean = score.balancedPerClassAccuracy!.reduce((sum, a) => sum + a, 0) / 10;
    expect(score.balancedClassAccuracy).toBeCloseTo(mean, 12);
    expect(score.extractorPerClassAccuracy).toHaveLength(10);
    expect(score.extractorBalancedAccuracy).toBeGreaterThan(0.98);
    expect(score.realCount).toBe(8000);
    run.dispose();
    expect(tf.memory().numTensors).toBe(before);
    data.dispose();
  });

  it('trains the ring recipe from its own data and reports mode coverage', async () => {
    const run = await recipes.ring({ steps: 3 }).train();
    const score = await recipes.ring().score(run.trainer.samplingGenerator, { count: 500 });
    expect(score.modes).toBeGreaterThanOrEqual(0);
    expect(score.modes).toBeLessThanOrEqual(8);
    expect(score.classAccuracy).toBeUndefined();
    expect(score.extractor).toBe('samples');
    run.dispose();
  });

  it('emoji64: trains on the emoji training split at 64x64 and scores against the held-out emoji, classes in proportion', { timeout: 300_000 }, async () => {
    await metrics.features.emoji();
    const before = tf.memory().numTensors;
    const recipe = recipes.emoji64({ steps: 2, batchSize: 4 });
    const run = await recipe.train();
    expect(run.trainer.generator.outputShape).toEqual([64, 64, 3]);
    // The recipe's discriminator has its frozen path through the emoji extractor; the discriminator's
    // fakes follow the data's class frequencies.
    expect(run.trainer.discriminator.model.getLayer('pretrained_features').trainable).toBe(false);
    expect(run.trainer.fakeLabels).toBe('data-for-discriminator');
    expect(run.trainer.generator.classNames).toEqual(datasets.EMOJI_CATEGORIES);
    expect(run.trainer.generator.styleBased).toBe(false);
    const score = await recipe.score(run.trainer.samplingGenerator, { count: 90, intraClass: true });
    expect(score.dataset).toBe('emoji');
    expect(score.count).toBe(90);
    expect(score.realCount).toBe(3163);
    expect(score.fid).toBeGreaterThan(score.floorFid);
    expect(score.perClassAccuracy).toHaveLength(9);
    expect(score.extractorAccuracy).toBeGreaterThan(0.8);
    // 90 samples of the balanced draw: 10 per category, each class scored against its own reference;
    // the first 90 held-out emoji are of two categories only, so there is no intra-class floor.
    expect(score.perClassIntraKid).toHaveLength(9);
    expect(score.perClassIntraKid!.every((value) => value > 0)).toBe(true);
    expect(score.floorIntraKid).toBeUndefined();
    // 10 samples a category are enough for precision within each (k = 3), not its floor.
    expect(score.perClassIntraPrecision).toHaveLength(9);
    expect(score.intraPrecision).toBeGreaterThanOrEqual(0);
    expect(score.floorIntraPrecision).toBeUndefined();
    run.dispose();
    expect(tf.memory().numTensors).toBe(before);
    // The held-out emoji score their own floor; samples of the wrong shape are refused, naming the shape.
    const heldOut = await extractorSplit('emoji', 'test', { count: 90 });
    const own = await recipes.heldOutScore('emoji', { samples: heldOut.images, labels: await heldOut.labels!.data() });
    expect(own.fidRatio).toBeCloseTo(1, 6);
    // ...and their own class accuracy per category, the ceiling of the balanced class accuracy; given
    // samples have no balanced pass (no generator to draw from).
    expect(own.extractorPerClassAccuracy).toEqual(own.perClassAccuracy);
    expect(own.balancedClassAccuracy).toBeUndefined();
    const digits = tf.zeros([2, 28, 28, 1]);
    await expect(recipes.heldOutScore('emoji', { samples: digits })).rejects.toThrow(/samples for emoji must have shape \[64, 64, 3\], received samples of \[28, 28, 1\]/);
    tf.dispose([digits]);
    // The same emoji with hearts and crossed flags as classes of their own score the same: the category
    // classifier reads each extra class as its category.
    const extra = await extractorSplit('emoji', 'test', { count: 90, labels: HEARTS_AND_CROSSES });
    expect(extra.numClasses).toBe(11);
    const extraLabels = await extra.labels!.data();
    expect(Array.from(extraLabels).some((label) => label >= 9)).toBe(true);
    const byExtra = await recipes.heldOutScore('emoji', { samples: extra.images, labels: extraLabels }, { labels: HEARTS_AND_CROSSES });
    expect(byExtra.fid).toBe(own.fid);
    expect(byExtra.classAccuracy).toBe(own.classAccuracy);
    expect(byExtra.perClassAccuracy).toEqual(own.perClassAccuracy);
    extra.dispose();
    heldOut.dispose();
  });

  it('emoji64 with labels \'subcategory\': trains on the 98 subcategories, scored by their category', { timeout: 300_000 }, async () => {
    const before = tf.memory().numTensors;
    const recipe = recipes.emoji64({ labels: 'subcategory', steps: 1, batchSize: 4 });
    const run = await recipe.train();
    const { generator } = run.trainer;
    expect(generator.numClasses).toBe(98);
    expect(generator.classNames).toEqual(datasets.EMOJI_SUBCATEGORIES);
    // The recipe's labels, or the generator's 98 classes, make the score read subcategories by category.
    const score = await recipe.score(run.trainer.samplingGenerator, { count: 90, intraClass: true });
    expect(score.perClassAccuracy).toHaveLength(9);
    expect(score.balancedPerClassAccuracy).toHaveLength(9);
    expect(score.balancedClassAccuracy).toBeGreaterThanOrEqual(0);
    // 98 subcategories are too few samples each for a within-class distance: none is reported.
    expect(score.intraFid).toBeUndefined();
    expect(score.intraKid).toBeUndefined();
    expect(score.intraPrecision).toBeUndefined();
    expect(score.realCount).toBe(3163);
    const inferred = await recipes.heldOutScore('emoji', run.trainer.samplingGenerator, { count: 90 });
    expect(inferred.fid).toBe(score.fid);
    expect(inferred.classAccuracy).toBe(score.classAccuracy);
    await expect(recipes.heldOutScore('emoji', generator, { count: 90, labels: 'category' })).rejects.toThrow(
      /labels "category" need a generator of 9 classes, received one of 98/,
    );
    await expect(recipes.heldOutScore('emoji', generator, { count: 90, labels: HEARTS_AND_CROSSES })).rejects.toThrow(/need a generator of 11 classes, received one of 98/);
    // A generator of classes of its own is not taken for the categories: its labels must be given.
    const eleven = buildNetworks('dcgan', { sampleShape: [64, 64, 3], numClasses: 11, latentDim: 4, width: 2, seed: 1 });
    await expect(recipes.heldOutScore('emoji', eleven.generator, { count: 90 })).rejects.toThrow(
      /recipes\.heldOutScore: a generator of 11 emoji classes is neither of the 9 categories nor of the 98 subcategories; give 'labels', the \{ extraClasses \} it was trained with/,
    );
    eleven.generator.dispose();
    eleven.discriminator.dispose();
    run.dispose();
    expect(tf.memory().numTensors).toBe(before);
    const digit = tf.zeros([1, 28, 28, 1]);
    await expect(recipes.heldOutScore('mnist', { samples: digit }, { labels: 'subcategory' })).rejects.toThrow(/recipes\.heldOutScore: 'labels' applies to \["emoji"\] only, received "subcategory" for dataset mnist/);
    digit.dispose();
    expect(() => recipes.mnist({ labels: 'subcategory' })).toThrow(/'labels' applies to \["emoji"\] only, received "subcategory" for dataset mnist/);
    expect(() => recipes.emoji64({ labels: 'subgroup' as never })).toThrow(/'labels' for dataset emoji must be one of \["category", "subcategory"\] or \{ extraClasses: \[\.\.\.\] \}, received "subgroup"/);
  });

  it('emoji64 as documented for style mixing (docs/recipes.md): a style generator that mixes the styles of two categories', () => {
    const styleRecipe = recipes.emoji64({
      architecture: 'style',
      generator: { latentDim: 64, styleDim: 128, mappingLayers: 2, channels: 8, maxChannels: 128 },
      discriminator: { channels: 8, maxChannels: 128, spectralNorm: true },
      loss: 'hinge',
      penalties: [{ name: 'r1', options: { gamma: 0.5, every: 4 } }],
      generatorLearningRate: 1e-3,
      discriminatorLearningRate: 1e-3,
      beta1: 0,
      beta2: 0.99,
      steps: 3000,
      // Session 9's run: none of the recipe's later additions, its rates decayed to a tenth.
      learningRateDecay: { kind: 'linear', start: 0.5, final: 0.1 },
      fakeLabels: undefined,
      conditioningTransition: undefined,
      pretrainedFeatures: undefined,
    });
    const before = tf.memory().numTensors;
    const trainer = styleRecipe.buildTrainer({ sampleShape: [64, 64, 3], numClasses: 9, classNames: datasets.EMOJI_CATEGORIES });
    expect(trainer.generator.styleBased).toBe(true);
    const mixed = trainer.generator.mixStyles({ coarse: 1, fine: 2, count: 1, crossover: 4, coarseLabels: 'Smileys & Emotion', fineLabels: 'Flags' });
    expect(mixed.shape).toEqual([1, 64, 64, 3]);
    mixed.dispose();
    trainer.generator.dispose();
    trainer.discriminator.dispose();
    trainer.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('scores given samples: the held-out digits themselves score the floor and the extractor\'s own accuracy', async () => {
    const heldOut = await extractorSplit('mnist', 'test');
    const labels = await heldOut.labels!.data();
    const score = await recipes.heldOutScore('mnist', { samples: heldOut.images, labels });
    expect(score.count).toBe(2000);
    expect(score.fid).toBeCloseTo(score.floorFid, 6);
    expect(score.fidRatio).toBeCloseTo(1, 6);
    expect(score.classAccuracy).toBeCloseTo(score.extractorAccuracy!, 3);
    expect(score.extractorPerClassAccuracy).toEqual(score.perClassAccuracy);
    const mean = score.perClassAccuracy!.reduce((sum, a) => sum + a, 0) / 10;
    expect(score.extractorBalancedAccuracy).toBeCloseTo(mean, 12);
    // Within each class only when asked for (a few seconds per score).
    expect(score.intraFid).toBeUndefined();
    expect(score.floorIntraKid).toBeUndefined();
    // Asked for, on the first 500: within each class too they are their own floor; with every label
    // moved to the next digit the images are the same (FID unchanged) but no class matches its reference.
    const some = heldOut.images.slice(0, 500);
    const someLabels = labels.slice(0, 500);
    const within = await recipes.heldOutScore('mnist', { samples: some, labels: someLabels }, { intraClass: true });
    expect(within.intraKid).toBeCloseTo(within.floorIntraKid!, 9);
    expect(within.perClassIntraKid).toHaveLength(10);
    expect(within.floorPerClassIntraKid).toEqual(within.perClassIntraKid);
    expect(within.intraFid).toBeGreaterThan(0);
    expect(within.intraPrecision).toBeCloseTo(within.floorIntraPrecision!, 12);
    expect(within.floorPerClassIntraPrecision).toEqual(within.perClassIntraPrecision);
    expect(within.intraPrecision).toBeGreaterThan(0.6);
    const rotated = await recipes.heldOutScore('mnist', { samples: some, labels: Int32Array.from(someLabels, (l) => (l + 1) % 10) }, { intraClass: true });
    expect(rotated.fid).toBeCloseTo(within.fid, 6);
    expect(rotated.intraFid).toBeGreaterThan(3 * within.intraFid!);
    expect(rotated.intraKid).toBeGreaterThan(10 * Math.abs(within.floorIntraKid!));
    expect(rotated.intraPrecision).toBeLessThan(0.5 * within.intraPrecision!);
    some.dispose();
    await expect(recipes.heldOutScore('mnist', { samples: heldOut.images, labels }, { intraClass: 'yes' as never })).rejects.toThrow(/'intraClass' must be/);
    await expect(recipes.heldOutScore('mnist', { samples: heldOut.images, labels: labels.slice(1) })).rejects.toThrow(/one label per sample \(2000\), received 1999/);
    heldOut.dispose();
  });

  it('scores a generator at a truncation: the same draw when no latent passes it, a different one when many do', async () => {
    const generator = await Generator.pretrained('mnist');
    const plain = await recipes.heldOutScore('mnist', generator, { count: 200, seed: 3 });
    const before = tf.memory().numTensors; // after the first score has cached the extractor and the floor
    // No standard normal component reaches 100 std: the latents, and so every score, are the same.
    const loose = await recipes.heldOutScore('mnist', generator, { count: 200, seed: 3, truncation: 100 });
    expect(loose.fid).toBe(plain.fid);
    expect(loose.classAccuracy).toBe(plain.classAccuracy);
    // At 0.5 std most components are redrawn: closer to each class's middle, so read as their digit as often or more.
    const tight = await recipes.heldOutScore('mnist', generator, { count: 200, seed: 3, truncation: 0.5 });
    expect(tight.fid).not.toBeCloseTo(plain.fid, 3);
    expect(tight.classAccuracy).toBeGreaterThanOrEqual(plain.classAccuracy! - 0.02);
    expect(tight.floorFid).toBe(plain.floorFid);
    expect(tf.memory().numTensors).toBe(before);
    for (const bad of [0, -1, Number.NaN, '1' as never]) {
      await expect(recipes.heldOutScore('mnist', generator, { count: 200, truncation: bad })).rejects.toThrow(/recipes.heldOutScore: 'truncation' must be a finite number > 0/);
    }
    const heldOut = await extractorSplit('mnist', 'test', { count: 50 });
    await expect(recipes.heldOutScore('mnist', { samples: heldOut.images }, { truncation: 1 })).rejects.toThrow(/'truncation' applies to a generator's latents, received samples/);
    heldOut.dispose();
    generator.dispose();
  });

  it('refuses to score a generator that does not fit the dataset', async () => {
    const run = await recipes.ring({ steps: 1 }).train();
    await expect(recipes.heldOutScore('mnist', run.trainer.generator)).rejects.toThrow(/samples for mnist must have shape \[28, 28, 1\], received a generator that makes \[2\]/);
    run.dispose();
  });
});
