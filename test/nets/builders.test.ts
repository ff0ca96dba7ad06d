import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, ShapeError } from '../../src/errors.js';
import { Discriminator, Generator } from '../../src/nets/index.js';

describe('DCGAN builders', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });
  afterEach(() => tf.disposeVariables());

  it.each([
    [28, 1],
    [32, 3],
    [64, 3],
    [28, 4],
  ])('builds %i-pixel square images with %i channels, unconditional and conditional', (size, channels) => {
    for (const numClasses of [0, 10]) {
      const generator = Generator.dcgan({ imageShape: [size, size, channels], latentDim: 16, width: 8, numClasses, seed: 1 });
      const discriminator = Discriminator.dcgan({ imageShape: [size, size, channels], width: 8, numClasses, seed: 2 });
      expect(generator.imageShape).toEqual([size, size, channels]);
      expect(generator.conditional).toBe(numClasses > 0);
      const labels = numClasses > 0 ? [1, 2, 3] : undefined;
      const images = generator.sample({ count: 3, seed: 4, labels });
      expect(images.shape).toEqual([3, size, size, channels]);
      const values = images.dataSync();
      expect(Math.max(...values)).toBeLessThanOrEqual(1);
      expect(Math.min(...values)).toBeGreaterThanOrEqual(-1);
      const logits = tf.tidy(() => discriminator.logits(images, numClasses > 0 ? tf.tensor1d([1, 2, 3], 'int32') : undefined));
      expect(logits.shape).toEqual([3]);
      tf.dispose([images, logits]);
      generator.dispose();
      discriminator.dispose();
    }
  });

  it('the same seed builds the same weights, another seed different ones', () => {
    const a = Generator.dcgan({ imageShape: [28, 28, 1], width: 8, seed: 7 });
    const b = Generator.dcgan({ imageShape: [28, 28, 1], width: 8, seed: 7 });
    const c = Generator.dcgan({ imageShape: [28, 28, 1], width: 8, seed: 8 });
    const wa = a.model.getWeights()[0].dataSync();
    expect(Array.from(b.model.getWeights()[0].dataSync())).toEqual(Array.from(wa));
    expect(Array.from(c.model.getWeights()[0].dataSync())).not.toEqual(Array.from(wa));
    [a, b, c].forEach((g) => g.dispose());
  });

  it('sample() is deterministic for a seed and leaves no tensors behind', () => {
    const generator = Generator.dcgan({ imageShape: [32, 32, 3], width: 8, seed: 1 });
    const before = tf.memory().numTensors;
    const x = generator.sample({ count: 2, seed: 9 });
    const y = generator.sample({ count: 2, seed: 9 });
    expect(tf.memory().numTensors).toBe(before + 2);
    expect(Array.from(x.dataSync())).toEqual(Array.from(y.dataSync()));
    tf.dispose([x, y]);
    generator.dispose();
  });

  it('truncation keeps every latent component within the threshold', async () => {
    const { sampleLatents } = await import('../../src/nets/latents.js');
    const z = sampleLatents(100, 16, 3, 0.5);
    const values = z.dataSync();
    expect(Math.max(...values.map(Math.abs))).toBeLessThanOrEqual(0.5);
    z.dispose();
    expect(() => sampleLatents(2, 2, 1, 0)).toThrow(/'truncation' must be a finite number > 0/);
  });

  it('globalPooling averages the last feature maps over positions: the head sees channels, the same wherever they lie', () => {
    const pooled = Discriminator.dcgan({ imageShape: [32, 32, 3], width: 4, numClasses: 5, conditioning: 'projection', globalPooling: true, seed: 3 });
    const flat = Discriminator.dcgan({ imageShape: [32, 32, 3], width: 4, numClasses: 5, conditioning: 'projection', seed: 3 });
    const shapes = (d: Discriminator): number[][] => d.model.getLayer('logits').getWeights().map((w) => w.shape);
    // 16 filters at 4x4: the head's kernel, bias and class embeddings.
    expect(shapes(pooled)).toEqual([[16, 1], [1], [5, 16]]);
    expect(shapes(flat)).toEqual([[16 * 16, 1], [1], [5, 16 * 16]]);
    expect(pooled.model.layers.some((layer) => layer.getClassName() === 'GlobalAveragePooling2D')).toBe(true);
    const images = tf.randomUniform([2, 32, 32, 3], -1, 1, 'float32', 5);
    const logits = tf.tidy(() => pooled.logits(images, tf.tensor1d([0, 4], 'int32')));
    expect(logits.shape).toEqual([2]);
    expect(Array.from(logits.dataSync()).every(Number.isFinite)).toBe(true);
    tf.dispose([images, logits]);
    pooled.dispose();
    flat.dispose();
    expect(() => Discriminator.dcgan({ imageShape: [32, 32, 3], globalPooling: 'yes' as never })).toThrow(/'globalPooling' must be true, false or 'class', received "yes"/);
  });

  it("globalPooling 'class' sums the maps for a projection head's class term only: the unconditional logit keeps the flattened maps", async () => {
    const options = { imageShape: [32, 32, 3], width: 4, numClasses: 5, conditioning: 'projection', seed: 3 } as const;
    const split = Discriminator.dcgan({ ...options, globalPooling: 'class' });
    const flat = Discriminator.dcgan(options);
    expect(split.model.getLayer('logits_spatial').getWeights().map((w) => w.shape)).toEqual([[16 * 16, 1]]);
    expect(split.model.getLayer('logits_class').getWeights().map((w) => w.shape)).toEqual([[16, 1], [1], [5, 16]]);
    // The same image under two labels differs by the class term alone: the difference of the two
    // labels' embeddings against the averaged maps.
    const images = tf.randomUniform([1, 32, 32, 3], -1, 1, 'float32', 5);
    const [a, b] = [0, 4].map((label) => tf.tidy(() => split.logits(images, tf.tensor1d([label], 'int32'))));
    const embeddings = split.model.getLayer('logits_class').getWeights()[2];
    const maps = tf.model({ inputs: split.model.inputs, outputs: split.model.getLayer('logits_class').input as tf.SymbolicTensor[] });
    const [pooled] = maps.predict([images, tf.tensor2d([[0]], [1, 1], 'int32')]) as tf.Tensor[];
    const expected = tf.tidy(() => tf.sum(tf.mul(tf.sub(embeddings.slice([4, 0], [1, 16]), embeddings.slice([0, 0], [1, 16])), pooled)));
    expect(b.dataSync()[0] - a.dataSync()[0]).toBeCloseTo(expected.dataSync()[0], 4);
    // Summed, not averaged, over the 4x4 positions: the same scale as the flattened term's dense layer.
    expect(split.model.layers.filter((layer) => layer.getClassName() === 'Rescaling').map((layer) => layer.getConfig().scale)).toEqual([16]);
    // It saves and loads as any tfjs model, to the same logits.
    let saved: tf.io.ModelArtifacts | undefined;
    await split.model.save(tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }));
    const loaded = await tf.loadLayersModel(tf.io.fromMemory(saved!));
    const again = loaded.predict([images, tf.tensor2d([[4]], [1, 1], 'int32')]) as tf.Tensor;
    expect(again.dataSync()[0]).toBeCloseTo(b.dataSync()[0], 5);
    loaded.dispose();
    tf.dispose([images, a, b, pooled, expected, again]);
    split.dispose();
    flat.dispose();
    expect(() => Discriminator.dcgan({ imageShape: [32, 32, 3], numClasses: 5, conditioning: 'acgan', globalPooling: 'class' })).toThrow(
      /'globalPooling' 'class' pools the features of a projection head's class term, so it needs numClasses >= 2 and conditioning 'projection', received numClasses 5 and conditioning "acgan"/,
    );
  });

  it('rejects bad options with errors naming the option, expected and received', () => {
    expect(() => Generator.dcgan({ imageShape: [30, 30, 1] })).toThrow(ConfigError);
    expect(() => Generator.dcgan({ imageShape: [30, 30, 1] })).toThrow(/'imageShape' must be square with a side of 28, 32 or 64, received \[30, 30, 1\]/);
    expect(() => Generator.dcgan({ imageShape: [28, 28, 1], latentDim: 0 })).toThrow(/'latentDim' must be an integer >= 1, received 0/);
    expect(() => Discriminator.dcgan({ imageShape: [28, 28] })).toThrow(/\[height, width, channels\]/);
    expect(() => Generator.dcgan({ imageShape: [28, 28, 1], numClasses: 1 })).toThrow(/'numClasses' must be 0 \(unconditional\) or an integer >= 2, received 1/);
    // A typo is an error, not a silently ignored option.
    expect(() => Generator.dcgan({ imageShape: [28, 28, 1], latentDims: 3 } as never)).toThrow(/unknown option 'latentDims'/);
  });
});

describe('MLP builders', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('builds 2-D point and image networks', () => {
    const generator = Generator.mlp({ outputShape: [2], latentDim: 4, seed: 1 });
    const discriminator = Discriminator.mlp({ inputShape: [2], seed: 1 });
    const points = generator.sample({ count: 5, seed: 1 });
    expect(points.shape).toEqual([5, 2]);
    const logits = tf.tidy(() => discriminator.logits(points));
    expect(logits.shape).toEqual([5]);
    tf.dispose([points, logits]);
    const imageGenerator = Generator.mlp({ outputShape: [28, 28, 1], numClasses: 10, hiddenUnits: [32] });
    const images = imageGenerator.sample({ count: 2, labels: [3, 4] });
    expect(images.shape).toEqual([2, 28, 28, 1]);
    expect(Math.max(...images.dataSync())).toBeLessThanOrEqual(1);
    images.dispose();
    [generator, discriminator, imageGenerator].forEach((n) => n.dispose());
  });
});

describe('user models plug in with the same contract', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('wraps a Sequential generator and discriminator', () => {
    const g = tf.sequential({ layers: [tf.layers.dense({ inputShape: [3], units: 2 })] });
    const d = tf.sequential({ layers: [tf.layers.dense({ inputShape: [2], units: 1 })] });
    const generator = new Generator(g, { latentDim: 3, outputShape: [2] });
    const discriminator = new Discriminator(d, { inputShape: [2] });
    const x = generator.sample({ count: 4, seed: 1 });
    expect(x.shape).toEqual([4, 2]);
    x.dispose();
    expect(discriminator.trainableVariables.length).toBe(2);
    generator.dispose();
    discriminator.dispose();
  });

  it('refuses a model whose shapes do not match the spec', () => {
    const g = tf.sequential({ layers: [tf.layers.dense({ inputShape: [3], units: 2 })] });
    expect(() => new Generator(g, { latentDim: 4, outputShape: [2] })).toThrow(ShapeError);
    expect(() => new Generator(g, { latentDim: 4, outputShape: [2] })).toThrow(/'z' input must have per-sample shape \[4\], received \[3\]/);
    expect(() => new Generator(g, { latentDim: 3, outputShape: [5] })).toThrow(/output must have per-sample shape \[5\], received \[2\]/);
    expect(() => new Generator(g, { latentDim: 3, outputShape: [5] })).toThrow(ShapeError);
    expect(() => new Generator(g, { latentDim: 3, outputShape: [2], numClasses: 10 })).toThrow(/must have 2 input\(s\)/);
    const d = tf.sequential({ layers: [tf.layers.dense({ inputShape: [2], units: 3 })] });
    expect(() => new Discriminator(d, { inputShape: [2] })).toThrow(/one logit per sample/);
    g.dispose();
    d.dispose();
  });

  it('checks latents, labels and sample options', () => {
    const generator = Generator.mlp({ outputShape: [2], latentDim: 4, numClasses: 3 });
    expect(() => generator.sample({ count: 2 })).toThrow(/'labels' must be a class id in \[0, 2\]/);
    expect(() => generator.sample({ count: 2, labels: 3 })).toThrow(/'labels' must be integer class ids in \[0, 2\], received 3 at index 0/);
    expect(() => generator.sample({ count: 2, labels: [0] })).toThrow(/must hold 2 class ids/);
    const z = tf.zeros([2, 5]);
    expect(() => generator.generate(z)).toThrow(/'latents' must have shape \[batch, 4\], received \[2, 5\]/);
    z.dispose();
    generator.dispose();
    const unconditional = Generator.mlp({ outputShape: [2] });
    expect(() => unconditional.sample({ count: 2, labels: 1 })).toThrow(/unconditional/);
    expect(() => unconditional.sample({ count: 0 })).toThrow(/'count' must be an integer >= 1, received 0/);
    unconditional.dispose();
  });
});
