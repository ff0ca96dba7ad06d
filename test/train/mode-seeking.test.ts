/**
 * The Trainer's `modeSeeking` option (MSGAN): the term's value and gradient, the paired labels of the
 * generator's batch, the diversity it keeps where a plain GAN collapses, leak-free steps, checkpoints,
 * the recipe field, and the refusals.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Dataset } from '../../src/data/dataset.js';
import { ConfigError } from '../../src/errors.js';
import { Discriminator, Generator } from '../../src/nets/index.js';
import { byName } from '../../src/recipes/index.js';
import { MODE_SEEKING_DEFAULTS, ModeSeekingRegularizer } from '../../src/train/mode-seeking.js';
import { Trainer } from '../../src/train/trainer.js';
import type { TrainerConfig } from '../../src/train/trainer-options.js';
import { TEST_BACKENDS, switchBackend } from '../helpers/backends.js';
import { expectLeakFree } from '../helpers/leaks.js';
import { labelledPoints } from '../helpers/points.js';
import { disposeAll, expectCorruptFieldRefused, loadedCopy, lossPairs, savedConfig } from '../helpers/trainers.js';

const conditionalTrainer = (extra: Partial<TrainerConfig> = {}): Trainer =>
  new Trainer({
    generator: Generator.mlp({ outputShape: [2], latentDim: 4, hiddenUnits: [16], numClasses: 3, conditioning: 'cbn', seed: 1 }),
    discriminator: Discriminator.mlp({ inputShape: [2], hiddenUnits: [16], numClasses: 3, conditioning: 'projection', seed: 2 }),
    seed: 5,
    ...extra,
  });

describe('mode seeking (cpu)', () => {
  beforeAll(async () => {
    await switchBackend('cpu');
  });

  it('the term is weight / (mean|G(z1) - G(z2)| / mean|z1 - z2| + 1e-5) over the two halves', () => {
    const regularizer = new ModeSeekingRegularizer({ weight: 0.5 }, 'test');
    const latents = tf.tensor2d([[0, 1], [2, -1], [1, 1], [0, 0], [9, 9]]);
    const samples = tf.tensor2d([[0.1, 0.2], [0.3, -0.5], [0.4, 0.2], [0.3, 0.1], [5, 5]]);
    const { penalty, ratio } = regularizer.penalty(latents, samples);
    // Pairs (0, 2) and (1, 3); the odd fifth sample has no pair and is left out.
    const imageDistance = (0.3 + 0 + 0 + 0.6) / 4;
    const latentDistance = (1 + 0 + 2 + 1) / 4;
    expect(ratio.dataSync()[0]).toBeCloseTo(imageDistance / latentDistance, 6);
    expect(penalty.dataSync()[0]).toBeCloseTo(0.5 / (imageDistance / latentDistance + 1e-5), 4);
    // Its gradient moves each pair apart: one small step down the term raises the ratio.
    const moved = tf.variable(samples.clone());
    const grad = tf.grad((s: tf.Tensor) => regularizer.penalty(latents, s).penalty)(moved);
    const after = regularizer.penalty(latents, tf.sub(moved, tf.mul(grad, 0.01)));
    expect(after.ratio.dataSync()[0]).toBeGreaterThan(ratio.dataSync()[0]);
    tf.dispose([latents, samples, penalty, ratio, moved, grad, after.penalty, after.ratio]);
  });

  it('poolSize compares the pairs averaged over blocks: pixel noise with equal block means is no distance', () => {
    // Two pairs of 4x4 one-channel images. Pair 0 differs by a checkerboard of +-1 (every 2x2 block
    // averages to 0); pair 1 by a constant 0.5.
    const checker = Array.from({ length: 16 }, (_, i) => ((Math.floor(i / 4) + (i % 4)) % 2 === 0 ? 1 : -1));
    const flat = [Array(16).fill(0), Array(16).fill(0.25), checker, Array(16).fill(0.75)];
    const samples = tf.tensor4d(flat.flat(), [4, 4, 4, 1]);
    const latents = tf.tensor2d([[0, 0], [0, 0], [1, 1], [1, 1]]);
    const pixels = new ModeSeekingRegularizer({ weight: 1 }, 'test').penalty(latents, samples);
    const blocks = new ModeSeekingRegularizer({ weight: 1, poolSize: 2 }, 'test').penalty(latents, samples);
    const whole = new ModeSeekingRegularizer({ weight: 1, poolSize: 4 }, 'test').penalty(latents, samples);
    // Pixels: (1 + 0.5) / 2 over a latent distance of 1; blocks of 2 and of 4: only pair 1's 0.5 is left.
    expect(pixels.ratio.dataSync()[0]).toBeCloseTo(0.75, 6);
    expect(blocks.ratio.dataSync()[0]).toBeCloseTo(0.25, 6);
    expect(whole.ratio.dataSync()[0]).toBeCloseTo(0.25, 6);
    expect(blocks.penalty.dataSync()[0]).toBeCloseTo(1 / (0.25 + 1e-5), 3);
    // Its gradient still moves the pairs apart: one small step down the term raises the pooled ratio.
    const regularizer = new ModeSeekingRegularizer({ weight: 1, poolSize: 2 }, 'test');
    const grad = tf.grad((s: tf.Tensor) => regularizer.penalty(latents, s).penalty)(samples);
    const after = regularizer.penalty(latents, tf.sub(samples, tf.mul(grad, 0.01)));
    expect(after.ratio.dataSync()[0]).toBeGreaterThan(0.25);
    expect(() => regularizer.penalty(latents.slice(0, 2), tf.zeros([2, 5, 4, 1]))).toThrow(
      /'modeSeeking\.poolSize' must divide the height and width of the generator's images, received 2 for samples of shape \[5, 4, 1\]/,
    );
    tf.dispose([samples, latents, pixels.penalty, pixels.ratio, blocks.penalty, blocks.ratio, whole.penalty, whole.ratio, grad, after.penalty, after.ratio]);
  });

  it('pairs labels: the first half twice, the first label again for an odd batch', () => {
    const regularizer = new ModeSeekingRegularizer({}, 'test');
    expect(regularizer.weight).toBe(MODE_SEEKING_DEFAULTS.weight);
    const even = regularizer.pairLabels(tf.tensor1d([4, 1, 2, 0, 3, 3], 'int32'));
    const odd = regularizer.pairLabels(tf.tensor1d([4, 1, 2, 0, 3], 'int32'));
    const single = regularizer.pairLabels(tf.tensor1d([2], 'int32'));
    expect(Array.from(even.dataSync())).toEqual([4, 1, 2, 4, 1, 2]);
    expect(Array.from(odd.dataSync())).toEqual([4, 1, 4, 1, 4]);
    expect(Array.from(single.dataSync())).toEqual([2]);
    expect(odd.dtype).toBe('int32');
    expect(() => regularizer.penalty(tf.zeros([1, 2]), tf.zeros([1, 2]))).toThrow(/the batch size must be at least 2, received 1/);
    tf.dispose([even, odd, single]);
  });

  it('refuses bad options, naming the option, what was expected and what was received', () => {
    const generator = Generator.mlp({ outputShape: [2], latentDim: 2, hiddenUnits: [4], seed: 1 });
    const discriminator = Discriminator.mlp({ inputShape: [2], hiddenUnits: [4], seed: 2 });
    const make = (modeSeeking: unknown) => () => new Trainer({ generator, discriminator, modeSeeking: modeSeeking as never });
    expect(make(1)).toThrow(ConfigError);
    expect(make(1)).toThrow(/Trainer: 'modeSeeking' must be an object \{ weight\?, poolSize\? \}, received 1/);
    expect(make([])).toThrow(/'modeSeeking' must be an object/);
    expect(make({ weight: -1 })).toThrow(/'modeSeeking\.weight' must be .*>= 0.*received -1/);
    expect(make({ weight: Number.NaN })).toThrow(/'modeSeeking\.weight'.*received NaN/);
    expect(make({ wieght: 1 })).toThrow(/Did you mean 'modeSeeking\.weight'\?/);
    expect(make({ poolSize: 0 })).toThrow(/'modeSeeking\.poolSize' must be .*received 0/);
    expect(make({ poolSize: 1.5 })).toThrow(/'modeSeeking\.poolSize' must be .*received 1\.5/);
    expect(make({ poolsize: 2 })).toThrow(/Did you mean 'modeSeeking\.poolSize'\?/);
    // Pooling needs images it divides: refused when the Trainer is made, not at the first step.
    expect(make({ poolSize: 2 })).toThrow(/Trainer: 'modeSeeking\.poolSize' must divide the height and width of the generator's images, received 2 for samples of shape \[2\]/);
    const images = Generator.dcgan({ imageShape: [28, 28, 1], latentDim: 2, width: 2, seed: 1 });
    const judge = Discriminator.dcgan({ imageShape: [28, 28, 1], width: 2, seed: 2 });
    expect(() => new Trainer({ generator: images, discriminator: judge, modeSeeking: { poolSize: 3 } })).toThrow(/received 3 for samples of shape \[28, 28, 1\]/);
    images.dispose();
    judge.dispose();
    expect(() => byName('ring', { modeSeeking: { weight: 'a lot' } as never })).toThrow(/Recipe: 'modeSeeking\.weight' must be a finite number >= 0, received "a lot"/);
    generator.dispose();
    discriminator.dispose();
  });

  it("a recipe's modeSeeking reaches its trainer; without it there is none", () => {
    const seeking = byName('ring', { modeSeeking: { weight: 0.5 } }).buildTrainer({ sampleShape: [2], numClasses: 0 });
    const plain = byName('ring').buildTrainer({ sampleShape: [2], numClasses: 0 });
    expect(seeking.modeSeeking?.weight).toBe(0.5);
    expect(plain.modeSeeking).toBeUndefined();
    disposeAll(seeking, plain);
  });

  describe('trained by the Trainer', () => {
    let data: Dataset;
    beforeAll(() => {
      data = labelledPoints(Array.from({ length: 48 }, (_, i) => i % 3), { numClasses: 3 });
    });
    afterAll(() => data.dispose());

    it("makes the generator's batch in pairs that share their labels (and only with the option)", async () => {
      // Weight 0 keeps the option (and its checkpoint field) but is off: nothing paired, no ratio.
      for (const modeSeeking of [{ weight: 1 }, { weight: 0 }, undefined]) {
        const trainer = conditionalTrainer(modeSeeking ? { modeSeeking } : {});
        const asked: number[][] = [];
        const generate = trainer.generator.generate.bind(trainer.generator);
        trainer.generator.generate = ((latents: tf.Tensor, labels?: tf.Tensor1D, training?: boolean) => {
          // The training batches only (the fit's preflight dry-runs a batch of 2 first).
          if (labels !== undefined && labels.shape[0] === 8) asked.push(Array.from(labels.dataSync()));
          return generate(latents, labels, training);
        }) as typeof trainer.generator.generate;
        const { logs } = await trainer.fit(data, { steps: 3, batchSize: 8 });
        // Each step: the discriminator's fakes, then the generator's batch.
        const generatorBatches = asked.filter((_, i) => i % 2 === 1);
        expect(generatorBatches).toHaveLength(3);
        const paired = generatorBatches.map((labels) => labels.slice(0, 4).join() === labels.slice(4).join());
        if (modeSeeking !== undefined && modeSeeking.weight > 0) {
          expect(paired).toEqual([true, true, true]);
          for (const log of logs) expect(log.modeSeekingRatio).toBeGreaterThan(0);
          // The discriminator's fakes keep their own draw.
          expect(asked.filter((_, i) => i % 2 === 0).some((labels) => labels.slice(0, 4).join() !== labels.slice(4).join())).toBe(true);
        } else {
          expect(paired).not.toEqual([true, true, true]);
          for (const log of logs) expect(log.modeSeekingRatio).toBeUndefined();
        }
        disposeAll(trainer);
      }
    });

    it('is leak-free, and a checkpoint keeps it: a loaded copy continues exactly as the original', async () => {
      const trainer = conditionalTrainer({ modeSeeking: { weight: 0.25 } });
      await expectLeakFree(() => trainer.trainStep(data, 8));
      const copy = await loadedCopy(trainer);
      expect(copy.modeSeeking?.weight).toBe(0.25);
      expect((await savedConfig(trainer)).modeSeeking).toEqual({ weight: 0.25 });
      const a = await trainer.fit(data, { steps: 3, batchSize: 8 });
      const b = await copy.fit(data, { steps: 3, batchSize: 8 });
      expect(lossPairs(b.logs)).toEqual(lossPairs(a.logs));
      expect(b.logs.map((l) => l.modeSeekingRatio)).toEqual(a.logs.map((l) => l.modeSeekingRatio));
      // A pool size is kept when it is not 1 (a checkpoint of pixel distances is as before).
      const pixels = conditionalTrainer({ modeSeeking: { weight: 0.25, poolSize: 1 } });
      expect((await savedConfig(pixels)).modeSeeking).toEqual({ weight: 0.25 });
      const pooled = new Trainer({
        generator: Generator.dcgan({ imageShape: [28, 28, 1], latentDim: 2, width: 2, seed: 1 }),
        discriminator: Discriminator.dcgan({ imageShape: [28, 28, 1], width: 2, seed: 2 }),
        modeSeeking: { weight: 2, poolSize: 4 },
      });
      expect((await savedConfig(pooled)).modeSeeking).toEqual({ weight: 2, poolSize: 4 });
      const pooledCopy = await loadedCopy(pooled);
      expect([pooledCopy.modeSeeking?.weight, pooledCopy.modeSeeking?.poolSize]).toEqual([2, 4]);
      disposeAll(pixels, pooled, pooledCopy);
      // Without the option the checkpoint has no field.
      // A batch of 1 has no pair: refused before any step, naming the batch size.
      await expect(trainer.fit(data, { steps: 1, batchSize: 1 })).rejects.toThrow(
        /Trainer\.fit: 'batchSize' must be at least 2 with 'modeSeeking'.*received 1/,
      );
      const plain = conditionalTrainer();
      expect((await savedConfig(plain)).modeSeeking).toBeUndefined();
      disposeAll(trainer, copy, plain);
    });

    it('a corrupt modeSeeking in a checkpoint is a CheckpointError naming it', async () => {
      const trainer = conditionalTrainer({ modeSeeking: { weight: 1 } });
      await expectCorruptFieldRefused(trainer, 'modeSeeking', [
        [{ weight: -2 }, /field 'modeSeeking\.weight' must be a finite number >= 0, received -2/],
        ['strong', /field 'modeSeeking' must be an object \{ weight, poolSize\? \}, received "strong"/],
        [{ weight: 1, poolSize: 0 }, /field 'modeSeeking\.poolSize' must be an integer >= 1, received 0/],
      ]);
      disposeAll(trainer);
    });
  });

  it('keeps a generator diverse where the plain GAN collapses onto one point', async () => {
    // Every real sample is one point: a plain GAN pulls every latent onto it.
    const points = tf.tensor2d(Array.from({ length: 64 }, () => [0.5, -0.25]));
    const data = Dataset.fromTensors(points, undefined, { checkRange: false, name: 'one point' });
    points.dispose();
    const spreads: number[] = [];
    for (const modeSeeking of [undefined, { weight: 1 }]) {
      const trainer = new Trainer({
        generator: Generator.mlp({ outputShape: [2], latentDim: 2, hiddenUnits: [16], seed: 3 }),
        discriminator: Discriminator.mlp({ inputShape: [2], hiddenUnits: [16], seed: 4 }),
        ema: false,
        seed: 6,
        ...(modeSeeking ? { modeSeeking } : {}),
      });
      await trainer.fit(data, { steps: 600, batchSize: 32 });
      const latents = tf.randomNormal([256, 2], 0, 1, 'float32', 9);
      const spread = tf.tidy(() => tf.mean(tf.abs(tf.sub(trainer.generator.generate(latents), [0.5, -0.25]))).dataSync()[0]);
      spreads.push(spread);
      latents.dispose();
      disposeAll(trainer);
    }
    // Measured: 0.022 without the term (collapsed), 0.90 with it.
    const [plain, seeking] = spreads;
    expect(plain).toBeLessThan(0.1);
    expect(seeking).toBeGreaterThan(10 * plain);
    data.dispose();
  });
});

describe.each(TEST_BACKENDS)('mode seeking on %s', (backend) => {
  beforeAll(async () => {
    await switchBackend(backend);
  });

  it('trains a conditional image GAN with it, on pixels and on 2x2 blocks: finite ratios, leak-free steps', async () => {
    const images = tf.randomUniform([16, 28, 28, 1], -1, 1, 'float32', 1);
    const data = Dataset.fromTensors(images, Array.from({ length: 16 }, (_, i) => i % 2));
    images.dispose();
    for (const modeSeeking of [{ weight: 1 }, { weight: 1, poolSize: 2 }]) {
      const trainer = new Trainer({
        generator: Generator.dcgan({ imageShape: [28, 28, 1], latentDim: 4, width: 2, numClasses: 2, conditioning: 'cbn', seed: 1 }),
        discriminator: Discriminator.dcgan({ imageShape: [28, 28, 1], width: 2, numClasses: 2, conditioning: 'projection', seed: 2 }),
        modeSeeking,
        seed: 3,
      });
      const { logs } = await trainer.fit(data, { steps: 2, batchSize: 4 });
      for (const log of logs) {
        expect(Number.isFinite(log.gLoss)).toBe(true);
        expect(log.modeSeekingRatio).toBeGreaterThan(0);
      }
      await expectLeakFree(() => trainer.trainStep(data, 4));
      disposeAll(trainer);
    }
    data.dispose();
  });
});
