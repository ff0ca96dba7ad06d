import * as tf from '@tensorflow/tfjs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Dataset } from '../../src/data/dataset.js';
import { ConfigError } from '../../src/errors.js';
import { FadeIn } from '../../src/layers/fade-in.js';
import { nonSaturating } from '../../src/losses/non-saturating.js';
import { r1 } from '../../src/losses/penalties/r1.js';
import { Discriminator, Generator } from '../../src/nets/index.js';
import { progressiveSchedule } from '../../src/train/progressive.js';
import { Trainer } from '../../src/train/trainer.js';
import { TEST_BACKENDS, switchBackend } from '../helpers/backends.js';
import { expectLeakFree } from '../helpers/leaks.js';
import { expectAllClose, roundTrip } from '../helpers/model-io.js';

const setAlphas = (model: tf.LayersModel, alpha: number) =>
  model.layers.forEach((layer) => layer instanceof FadeIn && layer.setAlpha(alpha));

describe('ResNet and style-based builders', () => {
  beforeAll(async () => {
    await switchBackend('cpu');
  });
  afterEach(() => tf.disposeVariables());

  it.each([32, 64])('ResNet generator and discriminator for %i-pixel colour images, plain and conditional', (size) => {
    for (const numClasses of [0, 5]) {
      const generator = Generator.resnet({ imageShape: [size, size, 3], latentDim: 8, channels: 4, maxChannels: 16, numClasses, seed: 1 });
      const discriminator = Discriminator.resnet({ imageShape: [size, size, 3], channels: 4, maxChannels: 16, numClasses, spectralNorm: true, seed: 2 });
      const labels = numClasses > 0 ? [0, 4] : undefined;
      const images = generator.sample({ count: 2, seed: 3, labels });
      expect(images.shape).toEqual([2, size, size, 3]);
      expect(Math.max(...images.dataSync())).toBeLessThanOrEqual(1);
      const logits = tf.tidy(() => discriminator.logits(images, numClasses > 0 ? tf.tensor1d([0, 4], 'int32') : undefined));
      expect(logits.shape).toEqual([2]);
      // Conditional: batch norms are class-conditional, the discriminator ends in a projection head.
      const names = [...generator.model.layers, ...discriminator.model.layers].map((layer) => layer.getClassName());
      expect(names.includes('ConditionalBatchNormalization')).toBe(numClasses > 0);
      expect(names.includes('ProjectionHead')).toBe(numClasses > 0);
      tf.dispose([images, logits]);
    }
  });

  it('style generator: shapes, style count, and rejects bad options naming them', () => {
    const generator = Generator.style({ imageShape: [16, 16, 3], latentDim: 8, styleDim: 8, mappingLayers: 2, channels: 4, maxChannels: 8, seed: 1 });
    expect(generator.styleBased).toBe(true);
    expect(generator.imageShape).toEqual([16, 16, 3]);
    const images = generator.sample({ count: 3, seed: 1 });
    expect(images.shape).toEqual([3, 16, 16, 3]);
    expect(Generator.dcgan({ imageShape: [28, 28, 1], width: 4 }).styleBased).toBe(false);
    expect(() => Generator.style({ imageShape: [24, 24, 3] })).toThrow(/'imageShape' must be square with a side that is a power of 2 from 8 to 1024, received \[24, 24, 3\]/);
    expect(() => Generator.style({ imageShape: [16, 16, 3], mappingLayers: 0 })).toThrow(ConfigError);
    expect(() => Generator.style({ imageShape: [16, 16, 3], widht: 3 } as never)).toThrow(/unknown option 'widht'/);
    expect(() => generator.sample({ count: 1, truncation: -1 })).toThrow(/'truncation' of a style-based generator is ψ, a finite number >= 0/);
  });

  it('style generator: truncation ψ pulls towards the mean latent; ψ = 1 is none; mixing with itself is the identity', () => {
    const generator = Generator.style({ imageShape: [8, 8, 3], latentDim: 8, styleDim: 8, mappingLayers: 2, channels: 4, seed: 2 });
    const styles = generator.model.getLayer('styles');
    styles.setWeights([tf.randomNormal([8], 0, 1, 'float32', 5)]); // a mean latent to pull towards
    const plain = generator.sample({ count: 4, seed: 3 });
    expectAllClose(generator.sample({ count: 4, seed: 3, truncation: 1 }), plain, 6);
    // ψ = 0: every latent becomes the mean, so all samples are the same image.
    const mean = generator.sample({ count: 4, seed: 3, truncation: 0 });
    const first = tf.slice(mean, [0, 0, 0, 0], [1, 8, 8, 3]);
    expectAllClose(mean, tf.tile(first, [4, 1, 1, 1]), 6);
    expect(tf.max(tf.abs(tf.sub(plain, mean))).dataSync()[0]).toBeGreaterThan(1e-3);
    // Truncation is reset after sampling.
    expectAllClose(generator.sample({ count: 4, seed: 3 }), plain, 6);
    expectAllClose(generator.mixStyles({ coarse: 3, fine: 3, count: 4, crossover: 2 }), plain, 5);
    const mixed = generator.mixStyles({ coarse: 3, fine: 4, count: 4, crossover: 2 });
    expect(mixed.shape).toEqual([4, 8, 8, 3]);
    expect(() => generator.mixStyles({ coarse: 1, fine: 2, count: 1, crossover: 4 })).toThrow(/'crossover' must be an integer in \[1, 3\], received 4/);
  });

  it('conditional style mixing takes the class of each source; labels are required there and refused without classes', () => {
    const generator = Generator.style({ imageShape: [8, 8, 3], latentDim: 8, styleDim: 8, mappingLayers: 1, channels: 4, numClasses: 3, classNames: ['a', 'b', 'c'], seed: 2 });
    // Mixing a source with itself is plain sampling of that class with those latents.
    const plain = generator.sample({ count: 2, seed: 5, labels: 'b' });
    expectAllClose(generator.mixStyles({ coarse: 5, fine: 5, count: 2, crossover: 1, coarseLabels: 'b' }), plain, 5);
    expectAllClose(generator.mixStyles({ coarse: 5, fine: 9, count: 2, crossover: 1, coarseLabels: 1, fineLabels: [0, 2] }), generator.mixStyles({ coarse: 5, fine: 9, count: 2, crossover: 1, coarseLabels: ['b', 'b'], fineLabels: ['a', 'c'] }), 6);
    // The fine source's class changes the image.
    const other = generator.mixStyles({ coarse: 5, fine: 5, count: 2, crossover: 1, coarseLabels: 'b', fineLabels: 'c' });
    expect(tf.max(tf.abs(tf.sub(plain, other))).dataSync()[0]).toBeGreaterThan(1e-4);
    expect(() => generator.mixStyles({ coarse: 1, fine: 2, count: 1, crossover: 1 })).toThrow(/'coarseLabels' are required: the generator is conditional \(numClasses 3\)/);
    expect(() => generator.mixStyles({ coarse: 1, fine: 2, count: 1, crossover: 1, coarseLabels: 'd' })).toThrow(/coarseLabels/);
    const unconditional = Generator.style({ imageShape: [8, 8, 3], latentDim: 8, styleDim: 8, mappingLayers: 1, channels: 4, seed: 2 });
    expect(() => unconditional.mixStyles({ coarse: 1, fine: 2, count: 1, crossover: 1, fineLabels: 0 })).toThrow(/unconditional/);
    tf.dispose([plain, other]);
    // Nothing but the result stays allocated.
    const before = tf.memory().numTensors;
    tf.dispose(generator.mixStyles({ coarse: 1, fine: 2, count: 2, crossover: 1, coarseLabels: 0, fineLabels: 2 }));
    expect(tf.memory().numTensors).toBe(before);
  });

  it('progressive networks at alpha 0 are exactly their 8x8 selves, and at alpha 1 the full networks', async () => {
    const generator = Generator.style({ imageShape: [16, 16, 3], latentDim: 8, styleDim: 8, mappingLayers: 1, channels: 4, progressive: true, seed: 3 });
    const discriminator = Discriminator.resnet({ imageShape: [16, 16, 3], channels: 4, progressive: true, seed: 4 });
    setAlphas(generator.model, 0);
    setAlphas(discriminator.model, 0);
    const images = generator.sample({ count: 2, seed: 1 });
    // The output is an 8x8 image upsampled by nearest neighbour: every 2x2 block is constant.
    const low = tf.avgPool(images as tf.Tensor4D, 2, 2, 'valid');
    expectAllClose(images, tf.image.resizeNearestNeighbor(low, [16, 16]), 6);
    // The discriminator reads only the 2x2-average-pooled image.
    const real = tf.randomUniform([2, 16, 16, 3], -1, 1, 'float32', 2) as tf.Tensor4D;
    const blocky = tf.image.resizeNearestNeighbor(tf.avgPool(real, 2, 2, 'valid'), [16, 16]);
    expectAllClose(discriminator.logits(real), discriminator.logits(blocky), 4);
    setAlphas(generator.model, 1);
    setAlphas(discriminator.model, 1);
    const full = generator.sample({ count: 2, seed: 1 });
    expect(tf.max(tf.abs(tf.sub(full, tf.image.resizeNearestNeighbor(tf.avgPool(full as tf.Tensor4D, 2, 2, 'valid'), [16, 16])))).dataSync()[0]).toBeGreaterThan(1e-4);
    expect(tf.max(tf.abs(tf.sub(discriminator.logits(real), discriminator.logits(blocky)))).dataSync()[0]).toBeGreaterThan(1e-5);
    // Saved and loaded, with the alphas.
    const loaded = await roundTrip(generator.model);
    expectAllClose(loaded.predict(tf.randomNormal([2, 8], 0, 1, 'float32', 1)) as tf.Tensor, generator.model.predict(tf.randomNormal([2, 8], 0, 1, 'float32', 1)) as tf.Tensor, 5);
  });

  it('progressiveSchedule: stable at the start resolution, then each resolution fades in linearly', () => {
    const schedule = progressiveSchedule({ startResolution: 8, fadeSteps: 10, stableSteps: 5 });
    expect([0, 4, 5, 10, 15, 20].map((step) => schedule.alpha(16, step))).toEqual([0, 0, 0, 0.5, 1, 1]);
    expect([0, 19, 20, 25, 30].map((step) => schedule.alpha(32, step))).toEqual([0, 0, 0, 0.5, 1]);
    expect(schedule.alpha(8, 0)).toBe(1);
    expect(() => progressiveSchedule({ fadeSteps: 0, stableSteps: 1 })).toThrow(/'fadeSteps' must be an integer >= 1, received 0/);
    expect(() => progressiveSchedule({ startResolution: 6, fadeSteps: 1, stableSteps: 1 })).toThrow(/'startResolution' must be a power of 2, received 6/);
  });
});

describe.each(TEST_BACKENDS)('progressive style GAN training on %s', (backend) => {
  beforeAll(async () => {
    await switchBackend(backend);
  });
  afterEach(() => tf.disposeVariables());

  it('steps with lazy R1 are finite and leak-free, and the schedule sets every fade-in', async () => {
    const images = tf.randomUniform([8, 16, 16, 3], -1, 1, 'float32', 1);
    const data = Dataset.fromTensors(images);
    images.dispose();
    const generator = Generator.style({ imageShape: [16, 16, 3], latentDim: 8, styleDim: 8, mappingLayers: 1, channels: 4, maxChannels: 8, progressive: true, seed: 1 });
    const discriminator = Discriminator.resnet({ imageShape: [16, 16, 3], channels: 4, maxChannels: 8, minibatchStdDev: 2, progressive: true, seed: 2 });
    const trainer = new Trainer({
      generator, discriminator, loss: nonSaturating(), penalties: [r1({ gamma: 1, every: 2 })], ema: { decay: 0.9 },
      progressive: { startResolution: 8, fadeSteps: 2, stableSteps: 1 }, seed: 3,
    });
    const history = await trainer.fit(data, { steps: 2, batchSize: 4 });
    for (const log of history.logs) expect([log.dLoss, log.gLoss].every(Number.isFinite)).toBe(true);
    const fade = (model: tf.LayersModel) => (model.getLayer('fade_16') as FadeIn).alpha;
    // Step 1 (0-based) ran with alpha (1 − 1) / 2 = 0 for 16x16.
    expect(fade(generator.model)).toBe(0);
    expect(fade(discriminator.model)).toBe(0);
    await trainer.fit(data, { steps: 1, batchSize: 4 }); // step 2: alpha 0.5
    expect(fade(generator.model)).toBe(0.5);
    expect(fade(trainer.emaGenerator!.model)).toBe(0.5);
    await expectLeakFree(() => trainer.trainStep(data, 4), 1, 2);
    expect(() => new Trainer({ generator: Generator.style({ imageShape: [8, 8, 3], channels: 2 }), discriminator: Discriminator.resnet({ imageShape: [8, 8, 3], channels: 2 }), progressive: { fadeSteps: 1, stableSteps: 1 } }))
      .toThrow(/'progressive' needs networks with FadeIn layers/);
    if (backend === 'cpu') {
      // A checkpoint keeps the schedule and the alphas, and the loaded trainer goes on with them.
      const dir = await mkdtemp(join(tmpdir(), 'tfjs-gan-progressive-'));
      try {
        await trainer.save(`file://${dir}`);
        const loaded = await Trainer.load(`file://${dir}`);
        expect(loaded.progressive?.options).toEqual({ startResolution: 8, fadeSteps: 2, stableSteps: 1 });
        expect((loaded.generator.model.getLayer('fade_16') as FadeIn).alpha).toBe(fade(generator.model));
        expect(loaded.generator.styleBased).toBe(true);
        loaded.dispose();
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    }
    trainer.dispose();
    data.dispose();
  });
});
