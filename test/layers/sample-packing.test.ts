/**
 * `UnpackSamples` and `PackFeatures`: a packed batch split into its samples in the order the
 * discriminator packs them, the features put back side by side, the shapes they report, and a round
 * trip through a saved model.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { TEST_BACKENDS, switchBackend } from '../helpers/backends.js';
import { PackFeatures, UnpackSamples } from '../../src/layers/sample-packing.js';
import { packSamples } from '../../src/nets/packing.js';

describe.each(TEST_BACKENDS)('UnpackSamples and PackFeatures on %s', (backend) => {
  beforeAll(async () => {
    await switchBackend(backend);
  });

  it('undo the packing of images and of vectors', () => {
    for (const shape of [[6, 3, 4, 2], [6, 5]]) {
      const samples = tf.randomNormal(shape, 0, 1, 'float32', 1);
      for (const packing of [1, 2, 3]) {
        const packed = packing === 1 ? samples.clone() : packSamples(samples, packing, 'test');
        const unpacked = new UnpackSamples({ packing }).apply(packed) as tf.Tensor;
        expect(unpacked.shape).toEqual(shape);
        expect(Array.from(unpacked.dataSync())).toEqual(Array.from(samples.dataSync()));
        const side = new PackFeatures({ packing }).apply(unpacked) as tf.Tensor;
        expect(side.shape).toEqual([6 / packing, (packing * samples.size) / 6]);
        // Each group's samples flattened one after the other.
        expect(Array.from(side.dataSync())).toEqual(Array.from(samples.dataSync()));
        tf.dispose([packed, unpacked, side]);
      }
      samples.dispose();
    }
  });

  it('report the shapes of a symbolic batch, and save and load with a model', async () => {
    const input = tf.input({ shape: [4, 4, 6] });
    const one = new UnpackSamples({ packing: 2 }).apply(input) as tf.SymbolicTensor;
    expect(one.shape).toEqual([null, 4, 4, 3]);
    const conv = tf.layers.conv2d({ filters: 2, kernelSize: 1, kernelInitializer: tf.initializers.randomNormal({ seed: 2 }) }).apply(one) as tf.SymbolicTensor;
    const back = new PackFeatures({ packing: 2, name: 'back' }).apply(conv) as tf.SymbolicTensor;
    expect(back.shape).toEqual([null, 2 * 4 * 4 * 2]);
    const model = tf.model({ inputs: input, outputs: back });
    let saved: tf.io.ModelArtifacts | undefined;
    await model.save(tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }));
    const loaded = await tf.loadLayersModel(tf.io.fromMemory(saved!));
    const x = tf.randomNormal([3, 4, 4, 6], 0, 1, 'float32', 4);
    const [a, b] = [model.predict(x) as tf.Tensor, loaded.predict(x) as tf.Tensor];
    expect(b.shape).toEqual([3, 64]);
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    expect((loaded.getLayer('back') as PackFeatures).packing).toBe(2);
    tf.dispose([x, a, b]);
    model.dispose();
    loaded.dispose();
  });

  it('refuse a packing that is not a positive integer', () => {
    expect(() => new UnpackSamples({ packing: 0 })).toThrow(/UnpackSamples: 'packing' must be an integer >= 1/);
    expect(() => new PackFeatures({ packing: 1.5 })).toThrow(/PackFeatures: 'packing' must be an integer >= 1/);
  });
});
