/**
 * `LazyGradientConv2D` and `LazyGradientDense`: the same outputs, gradients, weights and configs as
 * tfjs's `Conv2D` and `Dense`, but a backward pass that runs only the gradient kernels the tape needs.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';

import { useBackend } from '../../src/backend/index.js';
import { LazyGradientConv2D, LazyGradientDense, lazyGradientConv2d, lazyGradientDense } from '../../src/layers/lazy-gradient-layers.js';
import { expectLeakFree } from '../helpers/leaks.js';

/** A model of one layer on `inputShape`, with the weights of `weights` when given. */
function oneLayer(layer: tf.layers.Layer, inputShape: number[], weights?: tf.Tensor[]): tf.LayersModel {
  const input = tf.input({ shape: inputShape });
  const model = tf.model({ inputs: input, outputs: layer.apply(input) as tf.SymbolicTensor });
  if (weights) model.setWeights(weights);
  return model;
}

/** The kernels run while computing the gradients of `model`'s output sum with respect to `xs` only. */
function kernelsOfGradient(model: tf.LayersModel, input: tf.Tensor, wrt: 'input' | 'weights'): Promise<string[]> {
  return tf
    .profile(() => {
      const f = (): tf.Scalar => tf.sum(model.apply(input, { training: true }) as tf.Tensor);
      if (wrt === 'input') tf.dispose(tf.grads((x: tf.Tensor) => tf.sum(model.apply(x, { training: true }) as tf.Tensor))([input]));
      else tf.dispose(tf.variableGrads(f, model.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val)).grads);
    })
    .then((info) => info.kernels.map((k) => k.name));
}

const cases = [
  {
    name: 'conv2d',
    lazy: () => lazyGradientConv2d({ filters: 6, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', kernelInitializer: 'glorotUniform' }),
    plain: () => tf.layers.conv2d({ filters: 6, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', kernelInitializer: 'glorotUniform' }),
    inputShape: [9, 9, 4],
    batch: [5, 9, 9, 4],
    className: 'LazyGradientConv2D',
  },
  {
    name: 'dense',
    lazy: () => lazyGradientDense({ units: 7, activation: 'tanh', kernelInitializer: 'glorotUniform' }),
    plain: () => tf.layers.dense({ units: 7, activation: 'tanh', kernelInitializer: 'glorotUniform' }),
    inputShape: [11],
    batch: [5, 11],
    className: 'LazyGradientDense',
  },
] as const;

describe('layers whose backward pass computes only the gradients needed', () => {
  beforeAll(async () => {
    await useBackend('cpu');
  });

  for (const c of cases) {
    it(`${c.name}: same outputs, input gradients and weight gradients as tfjs's layer`, () => {
      const lazy = oneLayer(c.lazy(), [...c.inputShape]);
      const plain = oneLayer(c.plain(), [...c.inputShape], lazy.getWeights());
      const x = tf.randomNormal([...c.batch], 0, 1, 'float32', 3);
      const read = (model: tf.LayersModel) =>
        tf.tidy(() => {
          const out = model.apply(x, { training: true }) as tf.Tensor;
          const [dx] = tf.grads((t: tf.Tensor) => tf.sum(tf.square(model.apply(t, { training: true }) as tf.Tensor)))([x]);
          const vars = model.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val);
          const { grads } = tf.variableGrads(() => tf.sum(tf.square(model.apply(x, { training: true }) as tf.Tensor)), vars);
          return [out, dx, ...vars.map((v) => grads[v.name])].map((t) => Array.from(t.dataSync()));
        });
      const actual = read(lazy);
      const expected = read(plain);
      expect(actual.length).toBe(expected.length);
      actual.forEach((values, i) => values.forEach((v, j) => expect(v, `output ${i} [${j}]`).toBeCloseTo(expected[i][j], 5)));
      // Outside a gradient the layer is tfjs's own fused call: identical outputs.
      expect(Array.from((lazy.predict(x) as tf.Tensor).dataSync())).toEqual(Array.from((plain.predict(x) as tf.Tensor).dataSync()));
      tf.dispose([x]);
      lazy.dispose();
      plain.dispose();
    });

    it(`${c.name}: is saved under its own class name with tfjs's config, and loads back as itself`, async () => {
      const layer = c.lazy();
      const plain = c.plain();
      expect(layer.getClassName()).toBe(c.className);
      const { name: _a, ...config } = layer.getConfig();
      const { name: _b, ...plainConfig } = plain.getConfig();
      expect(config).toEqual(plainConfig);
      const model = oneLayer(layer, [...c.inputShape]);
      const artifacts: tf.io.ModelArtifacts[] = [];
      await model.save(
        tf.io.withSaveHandler(async (a) => {
          artifacts.push(a);
          return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
        }),
      );
      const topology = artifacts[0].modelTopology as { config: { layers: Array<{ class_name: string }> } };
      expect(topology.config.layers[1].class_name).toBe(c.className);
      const loaded = await tf.loadLayersModel(tf.io.fromMemory(artifacts[0]));
      expect(loaded.layers[1]).toBeInstanceOf(c.name === 'conv2d' ? LazyGradientConv2D : LazyGradientDense);
      const x = tf.randomNormal([...c.batch], 0, 1, 'float32', 4);
      expect(Array.from((loaded.predict(x) as tf.Tensor).dataSync())).toEqual(Array.from((model.predict(x) as tf.Tensor).dataSync()));
      tf.dispose(x);
      model.dispose();
      loaded.dispose();
    });
  }

  it('conv2d: a gradient for the input only runs no filter gradient, where tfjs layer runs one', async () => {
    // A linear layer (the activation as its own layer, as in tfjs-gan's discriminators): tfjs fuses it
    // even while recording a gradient. (It does not fuse non-linear activations there.)
    const args = { filters: 6, kernelSize: 3, strides: 2, padding: 'same', kernelInitializer: 'glorotUniform' } as const;
    const lazy = oneLayer(lazyGradientConv2d(args), [...cases[0].inputShape]);
    const plain = oneLayer(tf.layers.conv2d(args), [...cases[0].inputShape], lazy.getWeights());
    const x = tf.randomNormal([...cases[0].batch]);
    expect(await kernelsOfGradient(lazy, x, 'input')).not.toContain('Conv2DBackpropFilter');
    expect(await kernelsOfGradient(plain, x, 'input')).toContain('Conv2DBackpropFilter');
    // And a gradient for the weights only runs no input gradient.
    expect(await kernelsOfGradient(lazy, x, 'weights')).not.toContain('Conv2DBackpropInput');
    expect(await kernelsOfGradient(plain, x, 'weights')).toContain('Conv2DBackpropInput');
    tf.dispose(x);
    lazy.dispose();
    plain.dispose();
  });

  it('dense: a gradient for the weights only runs one matrix product, where tfjs layer runs two', async () => {
    const lazy = oneLayer(cases[1].lazy(), [...cases[1].inputShape]);
    const plain = oneLayer(cases[1].plain(), [...cases[1].inputShape], lazy.getWeights());
    const x = tf.randomNormal([...cases[1].batch]);
    const products = (names: string[]) => names.filter((n) => n === 'BatchMatMul' || n === '_FusedMatMul').length;
    // Forward product + the kernel gradient; tfjs's fused layer also computes the input gradient.
    expect(products(await kernelsOfGradient(lazy, x, 'weights'))).toBe(2);
    expect(products(await kernelsOfGradient(plain, x, 'weights'))).toBe(3);
    tf.dispose(x);
    lazy.dispose();
    plain.dispose();
  });

  it('trains leak-free', async () => {
    const model = oneLayer(cases[0].lazy(), [...cases[0].inputShape]);
    const x = tf.randomNormal([...cases[0].batch]);
    const optimizer = tf.train.adam(1e-3);
    await expectLeakFree(() => optimizer.minimize(() => tf.sum(model.apply(x, { training: true }) as tf.Tensor)));
    tf.dispose(x);
    optimizer.dispose();
    model.dispose();
  });
});
