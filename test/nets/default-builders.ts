/**
 * Every builder at its default options samples and trains: the networks a new user gets first, on the
 * backend and thread count the test file sets up (each file runs in its own process).
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';

import { Dataset } from '../../src/data/dataset.js';
import { Discriminator, Generator } from '../../src/nets/index.js';
import { Trainer } from '../../src/train/trainer.js';
import { pseudoRandom } from '../backend/conv-reference.js';

/** A generator family and the discriminator family it trains against (the style generator has none of its own). */
export type BuilderPair = 'mlp' | 'dcgan' | 'resnet' | 'style';

/** Builds the pair at its defaults: only the image shape, the classes and the seeds are given. */
function buildPair(pair: BuilderPair, imageShape: [number, number, number], numClasses: number): { generator: Generator; discriminator: Discriminator } {
  switch (pair) {
    case 'mlp':
      return { generator: Generator.mlp({ outputShape: imageShape, numClasses, seed: 1 }), discriminator: Discriminator.mlp({ inputShape: imageShape, numClasses, seed: 2 }) };
    case 'dcgan':
      return { generator: Generator.dcgan({ imageShape, numClasses, seed: 1 }), discriminator: Discriminator.dcgan({ imageShape, numClasses, seed: 2 }) };
    case 'resnet':
      return { generator: Generator.resnet({ imageShape, numClasses, seed: 1 }), discriminator: Discriminator.resnet({ imageShape, numClasses, seed: 2 }) };
    case 'style':
      return { generator: Generator.style({ imageShape, numClasses, seed: 1 }), discriminator: Discriminator.resnet({ imageShape, numClasses, seed: 2 }) };
  }
}

/**
 * Defines one test per pair, image size and conditioning: sample four images, train two steps of batch 2,
 * finite losses, nothing leaked. The backend must already be active (a `beforeAll` of the file).
 */
export function defineDefaultBuilderTests(label: string, pairs: readonly BuilderPair[], sizes: readonly number[]): void {
  describe(`builders at their defaults on ${label}`, () => {
    const cases = pairs.flatMap((pair) => sizes.flatMap((size) => [0, 10].map((numClasses) => [pair, size, numClasses] as const)));
    it.each(cases)('%s at %i pixels with %i classes samples and trains two steps', async (pair, size, numClasses) => {
      const before = tf.memory().numTensors;
      const imageShape: [number, number, number] = [size, size, 3];
      const { generator, discriminator } = buildPair(pair, imageShape, numClasses);
      const images = generator.sample({ count: 4, seed: 3, ...(numClasses > 0 ? { labels: [0, 3, 6, 9] } : {}) });
      expect(images.shape).toEqual([4, size, size, 3]);
      const values = await images.data();
      expect(values.every((v) => Number.isFinite(v) && v >= -1 && v <= 1)).toBe(true);
      images.dispose();
      const real = tf.tensor4d(pseudoRandom(4 * size * size * 3, size + numClasses), [4, size, size, 3]);
      const data = numClasses > 0 ? Dataset.fromTensors(real, [1, 2, 3, 9], { numClasses }) : Dataset.fromTensors(real);
      const trainer = new Trainer({ generator, discriminator, seed: 4 });
      const history = await trainer.fit(data, { steps: 2, batchSize: 2 });
      expect(history.logs).toHaveLength(2);
      for (const logs of history.logs) expect(Number.isFinite(logs.dLoss) && Number.isFinite(logs.gLoss)).toBe(true);
      [trainer, generator, discriminator, data].forEach((x) => x.dispose());
      real.dispose();
      expect(tf.memory().numTensors).toBe(before);
    });
  });
}
