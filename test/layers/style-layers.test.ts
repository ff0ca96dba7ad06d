import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { ConstantInput } from '../../src/layers/constant-input.js';
import { EqualizedDense } from '../../src/layers/equalized-dense.js';
import { FadeIn } from '../../src/layers/fade-in.js';
import { ModulatedConv2D } from '../../src/layers/modulated-conv2d.js';
import { NoiseInjection } from '../../src/layers/noise-injection.js';
import { PixelNorm } from '../../src/layers/pixel-norm.js';
import { StyleBroadcast } from '../../src/layers/style-broadcast.js';
import { TEST_BACKENDS, switchBackend } from '../helpers/backends.js';
import { expectAllClose, roundTrip } from '../helpers/model-io.js';

describe.each(TEST_BACKENDS)('style layers on %s', (backend) => {
  beforeAll(async () => {
    await switchBackend(backend);
  });
  afterEach(() => tf.disposeVariables());

  it('PixelNorm scales each feature vector to unit root mean square', () => {
    const y = new PixelNorm().apply(tf.tensor2d([[3, 4], [0, 2]])) as tf.Tensor;
    // [3, 4]: rms = sqrt((9 + 16) / 2) = 3.5355; [0, 2]: rms = sqrt(2).
    expectAllClose(y, [3 / Math.sqrt(12.5), 4 / Math.sqrt(12.5), 0, 2 / Math.SQRT2], 5);
    const image = new PixelNorm().apply(tf.fill([1, 2, 2, 3], 5)) as tf.Tensor;
    expectAllClose(image, new Array(12).fill(1), 5);
    expect(() => new PixelNorm({ epsilon: 0 })).toThrow(/'epsilon' must be a finite number > 0, received 0/);
  });

  it('EqualizedDense scales its N(0, 1) kernel by lrMultiplier / sqrt(fanIn) at run time', () => {
    const layer = new EqualizedDense({ units: 2, lrMultiplier: 0.5, biasInit: 1, seed: 3 });
    const x = tf.tensor2d([[1, 2, 3, 4]]);
    const y = layer.apply(x) as tf.Tensor;
    const [kernel, bias] = layer.getWeights();
    // Stored kernel ~ N(0, 1 / lr²); stored bias = biasInit / lr.
    expectAllClose(bias, [2, 2], 6);
    const expected = tf.add(tf.matMul(x, tf.mul(kernel, 0.5 / 2) as tf.Tensor2D), tf.mul(bias, 0.5));
    expectAllClose(y, expected, 5);
    const lrelu = new EqualizedDense({ units: 3, activation: 'leakyRelu', seed: 1 });
    const out = lrelu.apply(x) as tf.Tensor;
    const [k2, b2] = lrelu.getWeights();
    const pre = tf.add(tf.matMul(x, tf.mul(k2, 0.5) as tf.Tensor2D), b2);
    expectAllClose(out, tf.mul(tf.leakyRelu(pre, 0.2), Math.SQRT2), 5);
    expect(() => new EqualizedDense({ units: 0 })).toThrow(ConfigError);
  });

  it.each([true, false])('ModulatedConv2D (demodulate %s) matches per-sample convolutions with explicit weights', (demodulate) => {
    const [batch, size, inChannels, filters, styleDim, k] = [3, 5, 4, 6, 7, 3];
    const x = tf.randomNormal([batch, size, size, inChannels], 0, 1, 'float32', 1) as tf.Tensor4D;
    const styles = tf.randomNormal([batch, 2, styleDim], 0, 1, 'float32', 2) as tf.Tensor3D;
    const layer = new ModulatedConv2D({ filters, kernelSize: k, styleIndex: 1, demodulate, seed: 5 });
    const y = layer.apply([x, styles]) as tf.Tensor;
    expect(y.shape).toEqual([batch, size, size, filters]);
    // Give the bias a value so that it is checked too.
    const [affineKernel, affineBias, kernel] = layer.getWeights();
    const bias = tf.range(0, filters).mul(0.1);
    layer.setWeights([affineKernel, affineBias, kernel, bias]);
    const actual = layer.apply([x, styles]) as tf.Tensor;
    // Reference, per sample: s = w·A/sqrt(styleDim) + b_A; W' = W/sqrt(in·k²) · s[in]; W'' = W' / ||W'||_out.
    const parts: tf.Tensor[] = [];
    for (let b = 0; b < batch; b++) {
      const w = tf.reshape(tf.slice(styles, [b, 1, 0], [1, 1, styleDim]), [1, styleDim]) as tf.Tensor2D;
      const s = tf.reshape(tf.add(tf.matMul(w, tf.div(affineKernel, Math.sqrt(styleDim)) as tf.Tensor2D), affineBias), [1, 1, inChannels, 1]);
      let weights = tf.mul(tf.div(kernel, Math.sqrt(inChannels * k * k)), s);
      if (demodulate) weights = tf.div(weights, tf.sqrt(tf.add(tf.sum(tf.square(weights), [0, 1, 2], true), 1e-8)));
      const sample = tf.slice(x, [b, 0, 0, 0], [1, size, size, inChannels]) as tf.Tensor4D;
      parts.push(tf.add(tf.conv2d(sample, weights as tf.Tensor4D, 1, 'same'), bias));
    }
    expectAllClose(actual, tf.concat(parts, 0), 4);
    expect(() => layer.apply([x, tf.zeros([batch, 1, styleDim])])).toThrow(/'styleIndex' 1 needs at least 2 styles, received 1/);
    expect(() => new ModulatedConv2D({ filters: 2, kernelSize: 2, styleIndex: 0 })).toThrow(/'kernelSize' must be an odd integer >= 1, received 2/);
  });

  it('NoiseInjection adds fixed noise at inference and fresh noise in training, scaled by its strength', () => {
    const layer = new NoiseInjection({ seed: 4 });
    const x = tf.zeros([2, 3, 3, 2]);
    expectAllClose(layer.apply(x) as tf.Tensor, x, 6); // strength starts at 0
    const [, noise] = layer.getWeights();
    layer.setWeights([tf.tensor1d([0.5]), noise]);
    const inference = layer.apply(x) as tf.Tensor;
    // Every sample and channel gets the same stored noise map, times 0.5.
    const expected = tf.tile(tf.mul(noise, 0.5), [2, 1, 1, 2]);
    expectAllClose(inference, expected, 6);
    expectAllClose(layer.apply(x) as tf.Tensor, inference, 6);
    const first = layer.apply(x, { training: true }) as tf.Tensor;
    const second = layer.apply(x, { training: true }) as tf.Tensor;
    expect(tf.max(tf.abs(tf.sub(first, second))).dataSync()[0]).toBeGreaterThan(0.01);
    // Fresh noise differs between the samples of a batch, and is shared by the channels of a pixel.
    const values = first.arraySync() as number[][][][];
    expect(values[0][0][0][0]).not.toBeCloseTo(values[1][0][0][0], 3);
    expect(values[0][1][2][0]).toBe(values[0][1][2][1]);
  });

  it('ConstantInput repeats a learned constant per sample', () => {
    const layer = new ConstantInput({ shape: [2, 2, 3], seed: 1 });
    const y = layer.apply(tf.zeros([4, 7])) as tf.Tensor;
    expect(y.shape).toEqual([4, 2, 2, 3]);
    const [constant] = layer.getWeights();
    expectAllClose(tf.slice(y, [3, 0, 0, 0], [1, 2, 2, 3]), constant, 6);
    expect(() => new ConstantInput({ shape: [0] })).toThrow(/'shape' must be a non-empty array of integers >= 1, received \[0\]/);
  });

  it('StyleBroadcast repeats w, tracks its mean in training, and truncates towards it at inference', () => {
    const layer = new StyleBroadcast({ numStyles: 3, mixingProbability: 0, meanDecay: 0.5, seed: 1 });
    const w = tf.tensor2d([[1, 2], [3, 6]]);
    const styles = layer.apply(w) as tf.Tensor;
    expect(styles.arraySync()).toEqual([[[1, 2], [1, 2], [1, 2]], [[3, 6], [3, 6], [3, 6]]]);
    layer.apply(w, { training: true }); // w_avg = 0.5 · 0 + 0.5 · [2, 4]
    const mean = layer.meanW();
    expectAllClose(mean, [1, 2], 6);
    layer.truncation = 0.5;
    const truncated = layer.apply(w) as tf.Tensor; // [1, 2] + 0.5 ([3, 6] − [1, 2]) = [2, 4]
    expectAllClose(tf.slice(truncated, [1, 0, 0], [1, 1, 2]), [2, 4], 6);
    layer.truncation = 0;
    expectAllClose(layer.apply(w) as tf.Tensor, [1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2], 6);
  });

  it('StyleBroadcast mixes: from a crossover on, a sample takes the next sample\'s latent', () => {
    const layer = new StyleBroadcast({ numStyles: 6, mixingProbability: 1, seed: 2 });
    const w = tf.tensor2d([[1], [2], [3], [4]]);
    const styles = (layer.apply(w, { training: true }) as tf.Tensor).arraySync() as number[][][];
    styles.forEach((rows, b) => {
      const own = b + 1;
      const next = ((b + 1) % 4) + 1;
      const values = rows.map((r) => r[0]);
      const crossover = values.indexOf(next);
      expect(crossover).toBeGreaterThanOrEqual(1);
      expect(values).toEqual([...new Array(crossover).fill(own), ...new Array(6 - crossover).fill(next)]);
    });
  });

  it('FadeIn gives exactly the old path at alpha 0, exactly the new at 1, and the blend between', () => {
    const layer = new FadeIn({ resolution: 16, alpha: 0 });
    const old = tf.tensor2d([[0.1, -3.7, 1e-7]]);
    const next = tf.tensor2d([[0.3, 2.9, 123.456]]);
    expect(Array.from((layer.apply([old, next]) as tf.Tensor).dataSync())).toEqual(Array.from(old.dataSync()));
    layer.setAlpha(1);
    expect(layer.alpha).toBe(1);
    expect(Array.from((layer.apply([old, next]) as tf.Tensor).dataSync())).toEqual(Array.from(next.dataSync()));
    layer.setAlpha(0.25);
    expectAllClose(layer.apply([old, next]) as tf.Tensor, [0.75 * 0.1 + 0.25 * 0.3, 0.75 * -3.7 + 0.25 * 2.9, 0.75e-7 + 0.25 * 123.456], 4);
    expect(() => layer.setAlpha(1.5)).toThrow(/'alpha' must be a number in \[0, 1\], received 1.5/);
  });

  it('every new layer serializes: getConfig/fromConfig and a model save/load give the same outputs', async () => {
    const z = tf.input({ shape: [6] });
    let w = new PixelNorm({ name: 'pn' }).apply(z) as tf.SymbolicTensor;
    w = new EqualizedDense({ units: 5, lrMultiplier: 0.1, activation: 'leakyRelu', seed: 1, name: 'ed' }).apply(w) as tf.SymbolicTensor;
    const styles = new StyleBroadcast({ numStyles: 2, seed: 3, name: 'sb' }).apply(w) as tf.SymbolicTensor;
    let h = new ConstantInput({ shape: [4, 4, 3], seed: 2, name: 'ci' }).apply(z) as tf.SymbolicTensor;
    h = new ModulatedConv2D({ filters: 4, styleIndex: 0, seed: 4, name: 'mc' }).apply([h, styles]) as tf.SymbolicTensor;
    h = new NoiseInjection({ seed: 5, name: 'ni' }).apply(h) as tf.SymbolicTensor;
    const rgb = new ModulatedConv2D({ filters: 3, kernelSize: 1, styleIndex: 1, demodulate: false, seed: 6, name: 'rgb' }).apply([h, styles]) as tf.SymbolicTensor;
    const other = tf.layers.conv2d({ filters: 3, kernelSize: 1 }).apply(h) as tf.SymbolicTensor;
    const out = new FadeIn({ resolution: 4, alpha: 0.3, name: 'fade' }).apply([other, rgb]) as tf.SymbolicTensor;
    const model = tf.model({ inputs: z, outputs: out });
    // Non-default values in the non-trainable weights, so that loading them is checked.
    model.getLayer('ni').setWeights([tf.tensor1d([0.7]), model.getLayer('ni').getWeights()[1]]);
    (model.getLayer('fade') as FadeIn).setAlpha(0.6);
    model.getLayer('sb').setWeights([tf.tensor1d([0.1, 0.2, 0.3, 0.4, 0.5])]);
    const loaded = await roundTrip(model);
    for (const name of ['pn', 'ed', 'sb', 'ci', 'mc', 'ni', 'rgb', 'fade']) {
      expect(loaded.getLayer(name).constructor).toBe(model.getLayer(name).constructor);
      expect(loaded.getLayer(name).getConfig()).toEqual(model.getLayer(name).getConfig());
    }
    expect((loaded.getLayer('fade') as FadeIn).alpha).toBeCloseTo(0.6, 6);
    const input = tf.randomNormal([2, 6], 0, 1, 'float32', 9);
    expectAllClose(loaded.predict(input) as tf.Tensor, model.predict(input) as tf.Tensor, 5);
  });
});
