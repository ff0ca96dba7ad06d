import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ConfigError, ShapeError } from '../../src/errors.js';
import { extractorSplit } from '../../src/metrics/extractor-data.js';
import { type FeatureExtractor, emoji, fashionMnist, forDataset, fromModel, mnist } from '../../src/metrics/feature-extractor.js';
import { switchBackend } from '../helpers/backends.js';
import { FASHION_MNIST, skipWithout } from '../helpers/debian.js';

/** The share of a split's first `count` images that the extractor classifies correctly. */
async function heldOutAccuracy(extractor: FeatureExtractor, name: 'mnist' | 'fashion-mnist' | 'emoji', count: number): Promise<number> {
  const data = await extractorSplit(name, 'test', { count });
  const predicted = tf.tidy(() => tf.argMax(extractor.classify!(data.images), 1));
  const ids = await predicted.data();
  const labels = await data.labels!.data();
  predicted.dispose();
  data.dispose();
  let correct = 0;
  ids.forEach((id, i) => (correct += id === labels[i] ? 1 : 0));
  return correct / count;
}

describe('shipped feature extractors', () => {
  beforeAll(() => switchBackend('wasm'));
  afterEach(() => vi.restoreAllMocks());

  it('loads the MNIST extractor without the network and classifies held-out digits', async () => {
    const fetchSpy = vi.spyOn(globalThis, 'fetch').mockRejectedValue(new Error('no network in this test'));
    const extractor = await mnist();
    expect(fetchSpy).not.toHaveBeenCalled();
    expect(await mnist()).toBe(extractor); // shared until disposed
    expect(extractor.id).toMatch(/^mnist-cnn-[0-9a-f]{12}$/);
    expect(extractor.featureDim).toBe(128);
    expect(extractor.numClasses).toBe(10);
    expect(extractor.inputShape).toEqual([28, 28, 1]);
    expect(extractor.record.testAccuracy).toBeGreaterThanOrEqual(0.99);
    expect(extractor.record.testData).toMatch(/last 2000/);
    // 600 of the 2,000 held-out digits: at 99% the chance of < 97.5% here is negligible.
    expect(await heldOutAccuracy(extractor, 'mnist', 600)).toBeGreaterThanOrEqual(0.975);
  });

  it.skipIf(skipWithout(FASHION_MNIST))('loads the Fashion-MNIST extractor and classifies test images', async () => {
    const extractor = await fashionMnist();
    expect(extractor.id).toMatch(/^fashion-mnist-cnn-[0-9a-f]{12}$/);
    expect(extractor.record.testAccuracy).toBeGreaterThanOrEqual(0.9);
    expect(await heldOutAccuracy(extractor, 'fashion-mnist', 1000)).toBeGreaterThanOrEqual(0.87);
  });

  it('loads the emoji extractor: 64x64 colour, 9 categories, the held-out accuracy of its record', async () => {
    const extractor = await emoji();
    expect(await forDataset('emoji-64-test')).toBe(extractor);
    expect(extractor.id).toMatch(/^emoji-cnn-[0-9a-f]{12}$/);
    expect(extractor.inputShape).toEqual([64, 64, 3]);
    expect(extractor.numClasses).toBe(9);
    expect(extractor.featureDim).toBe(128);
    expect(extractor.record.testData).toMatch(/618 samples/);
    // The whole held-out split: the shipped (uint8) weights give exactly the recorded accuracy, up to
    // the summation order of another thread count.
    expect(Math.abs((await heldOutAccuracy(extractor, 'emoji', 618)) - extractor.record.testAccuracy)).toBeLessThanOrEqual(2 / 618);
    expect(extractor.record.testAccuracy).toBeGreaterThan(0.8);
  });

  it('loads a shared extractor again after tf.disposeVariables() freed its weights', async () => {
    const images = tf.zeros([2, 28, 28, 1]);
    const first = await mnist();
    const before = first.extract(images);
    tf.disposeVariables();
    const again = await mnist();
    expect(again).not.toBe(first);
    const after = again.extract(images);
    expect(Array.from(await after.data())).toEqual(Array.from(await before.data()));
    expect(await mnist()).toBe(again);
    tf.dispose([images, before, after]);
  });

  it('extracts [N, 128] features in batches without leaking', async () => {
    const extractor = await mnist();
    const images = tf.randomUniform([7, 28, 28, 1], -1, 1, 'float32', 1);
    const before = tf.memory().numTensors;
    const features = extractor.extract(images);
    expect(features.shape).toEqual([7, 128]);
    features.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(() => extractor.extract(tf.zeros([2, 32, 32, 1]))).toThrow(ShapeError);
    expect(() => extractor.extract(tf.zeros([2, 32, 32, 1]))).toThrow(/must have shape \[N, 28, 28, 1\], received \[2, 32, 32, 1\]/);
    images.dispose();
  });
});

describe('metrics.features.fromModel', () => {
  beforeAll(() => switchBackend('wasm'));

  function smallModel(): tf.LayersModel {
    const input = tf.input({ shape: [4, 4, 1] });
    const flat = tf.layers.flatten({ name: 'flat' }).apply(input) as tf.SymbolicTensor;
    const hidden = tf.layers.dense({ units: 5, name: 'hidden', kernelInitializer: tf.initializers.glorotNormal({ seed: 1 }) }).apply(flat) as tf.SymbolicTensor;
    const logits = tf.layers.dense({ units: 3, name: 'out', kernelInitializer: tf.initializers.glorotNormal({ seed: 2 }) }).apply(hidden) as tf.SymbolicTensor;
    return tf.model({ inputs: input, outputs: logits, name: 'small' });
  }

  it('takes the features from the named layer, in batches, and classifies with the logits layer', () => {
    const model = smallModel();
    const extractor = fromModel(model, 'hidden', { logitsLayer: 'out', batchSize: 3 });
    expect(extractor).toMatchObject({ id: 'small/hidden', featureDim: 5, numClasses: 3, inputShape: [4, 4, 1] });
    const images = tf.randomNormal([7, 4, 4, 1], 0, 1, 'float32', 2);
    const features = extractor.extract(images);
    expect(features.shape).toEqual([7, 5]);
    const hidden = tf.model({ inputs: model.inputs, outputs: model.getLayer('hidden').output as tf.SymbolicTensor });
    const expected = (hidden.predict(images) as tf.Tensor).dataSync();
    features.dataSync().forEach((v, i) => expect(v).toBeCloseTo(expected[i], 5));
    expect(extractor.classify!(images).shape).toEqual([7, 3]);
    extractor.dispose();
  });

  it('names the layers when the layer does not exist', () => {
    const model = smallModel();
    expect(() => fromModel(model, 'penultimate')).toThrow(ConfigError);
    expect(() => fromModel(model, 'penultimate')).toThrow(/'layerName' must name a layer of the model, one of \[.*"hidden", "out"\], received "penultimate"/);
    expect(fromModel(model, 'hidden').classify).toBeUndefined();
    model.dispose();
  });
});
