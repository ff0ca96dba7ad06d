import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, ShapeError } from '../../src/errors.js';
import { ConditionalBatchNormalization } from '../../src/layers/conditional-batch-normalization.js';
import { TEST_BACKENDS, switchBackend } from '../helpers/backends.js';
import { expectLeakFree } from '../helpers/leaks.js';
import { expectAllClose, roundTrip } from '../helpers/model-io.js';

/** x [batch, 2, 2, channels] and label [batch, 1] into one CBN layer. */
function cbnModel(numClasses: number, channels: number, momentum = 0.5): { model: tf.LayersModel; layer: ConditionalBatchNormalization } {
  const x = tf.input({ shape: [2, 2, channels] });
  const label = tf.input({ shape: [1], dtype: 'int32' });
  const layer = new ConditionalBatchNormalization({ numClasses, momentum, epsilon: 1e-5, name: 'cbn' });
  const y = layer.apply([x, label]) as tf.SymbolicTensor;
  return { model: tf.model({ inputs: [x, label], outputs: y }), layer };
}

/** Gamma = 1 + class + channel / 10 and beta = -class, so every class scales and shifts differently. */
function setClassParameters(layer: ConditionalBatchNormalization, numClasses: number, channels: number): void {
  const gamma = tf.tensor2d(Array.from({ length: numClasses * channels }, (_, i) => 1 + Math.floor(i / channels) + (i % channels) / 10), [numClasses, channels]);
  const beta = tf.tensor2d(Array.from({ length: numClasses * channels }, (_, i) => -Math.floor(i / channels)), [numClasses, channels]);
  const [, , mean, variance] = layer.getWeights();
  layer.setWeights([gamma, beta, mean, variance]);
  tf.dispose([gamma, beta]);
}

describe.each(TEST_BACKENDS)('ConditionalBatchNormalization on %s', (backend) => {
  beforeAll(async () => {
    await switchBackend(backend);
  });
  afterEach(() => tf.disposeVariables());

  it('normalizes with the batch statistics in training, then scales and shifts per class', () => {
    const { model, layer } = cbnModel(3, 2);
    setClassParameters(layer, 3, 2);
    const x = tf.randomNormal([4, 2, 2, 2], 3, 2, 'float32', 1);
    const labels = tf.tensor2d([[0], [1], [2], [1]], [4, 1], 'int32');
    const y = model.apply([x, labels], { training: true }) as tf.Tensor;
    // Hand computation: per channel, (x - mean) / sqrt(var + eps) over batch and space, then gamma/beta of the class.
    const xv = x.arraySync() as number[][][][];
    const yv = y.arraySync() as number[][][][];
    for (let c = 0; c < 2; c++) {
      const values = xv.flatMap((s) => s.flatMap((row) => row.map((p) => p[c])));
      const mean = values.reduce((a, b) => a + b, 0) / values.length;
      const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length;
      [0, 1, 2, 1].forEach((k, n) => {
        const expected = ((xv[n][1][0][c] - mean) / Math.sqrt(variance + 1e-5)) * (1 + k + c / 10) - k;
        expect(yv[n][1][0][c]).toBeCloseTo(expected, 3);
      });
    }
    tf.dispose([x, labels, y]);
    model.dispose();
  });

  it('updates the moving statistics with its momentum and uses them in inference', () => {
    const { model, layer } = cbnModel(2, 1, 0.5);
    const x = tf.tensor4d([1, 3, 5, 7, 9, 11, 13, 15], [2, 2, 2, 1]);
    const labels = tf.tensor2d([[0], [0]], [2, 1], 'int32');
    tf.dispose(model.apply([x, labels], { training: true }) as tf.Tensor);
    const [, , movingMean, movingVariance] = layer.getWeights();
    // mean 8, variance 21; moving = 0.5 * initial + 0.5 * batch.
    expect(movingMean.dataSync()[0]).toBeCloseTo(0.5 * 0 + 0.5 * 8, 4);
    expect(movingVariance.dataSync()[0]).toBeCloseTo(0.5 * 1 + 0.5 * 21, 3);
    const y = model.apply([x, labels], { training: false }) as tf.Tensor;
    expect(y.dataSync()[0]).toBeCloseTo((1 - 4) / Math.sqrt(11 + 1e-5), 4);
    tf.dispose([x, labels, y]);
    model.dispose();
  });

  it('gives different outputs for different labels, and mixes classes linearly with class weights', () => {
    const { layer } = cbnModel(3, 2);
    setClassParameters(layer, 3, 2);
    const x = tf.randomNormal([2, 2, 2, 2], 0, 1, 'float32', 2);
    const run = (label: tf.Tensor): tf.Tensor => layer.apply([x, label]) as tf.Tensor;
    const [a, b] = [run(tf.tensor1d([0, 0], 'int32')), run(tf.tensor1d([2, 2], 'int32'))];
    expect(tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]).toBeGreaterThan(0.5);
    const oneHot = run(tf.tensor2d([[1, 0, 0], [1, 0, 0]]));
    expect(Array.from(oneHot.dataSync())).toEqual(Array.from(a.dataSync()));
    const mixed = run(tf.tensor2d([[0.25, 0, 0.75], [0.25, 0, 0.75]]));
    const expected = tf.add(tf.mul(0.25, a), tf.mul(0.75, b));
    expectAllClose(mixed, expected, 4);
    tf.dispose([x, a, b, oneHot, mixed, expected]);
  });

  it('is leak-free in training and inference', async () => {
    const { model } = cbnModel(3, 2);
    const x = tf.randomNormal([4, 2, 2, 2]);
    const labels = tf.tensor2d([[0], [1], [2], [1]], [4, 1], 'int32');
    await expectLeakFree(() => {
      tf.dispose(model.apply([x, labels], { training: true }) as tf.Tensor);
      tf.dispose(model.apply([x, labels], { training: false }) as tf.Tensor);
    });
    tf.dispose([x, labels]);
    model.dispose();
  });

  it('saves and loads through tf.io: same config, weights and outputs', async () => {
    const { model, layer } = cbnModel(3, 2, 0.9);
    setClassParameters(layer, 3, 2);
    const loaded = await roundTrip(model);
    const restored = loaded.getLayer('cbn') as ConditionalBatchNormalization;
    expect(restored).toBeInstanceOf(ConditionalBatchNormalization);
    expect(restored.getConfig()).toMatchObject({ numClasses: 3, momentum: 0.9, epsilon: 1e-5 });
    const x = tf.randomNormal([3, 2, 2, 2], 0, 1, 'float32', 3);
    const labels = tf.tensor2d([[2], [0], [1]], [3, 1], 'int32');
    const before = model.predict([x, labels]) as tf.Tensor;
    const after = loaded.predict([x, labels]) as tf.Tensor;
    expect(Array.from(after.dataSync())).toEqual(Array.from(before.dataSync()));
    tf.dispose([x, labels, before, after]);
    model.dispose();
    loaded.dispose();
  });
});

describe('ConditionalBatchNormalization options', () => {
  it('rejects bad options and inputs, naming what was expected', () => {
    expect(() => new ConditionalBatchNormalization({ numClasses: 1 })).toThrow(ConfigError);
    expect(() => new ConditionalBatchNormalization({ numClasses: 1 })).toThrow(/'numClasses' must be an integer >= 2, received 1/);
    expect(() => new ConditionalBatchNormalization({ numClasses: 3, momentum: 1 })).toThrow(/'momentum' must be in \[0, 1\), received 1/);
    const layer = new ConditionalBatchNormalization({ numClasses: 3 });
    expect(() => layer.apply(tf.input({ shape: [4] }))).toThrow(ShapeError);
    expect(() => layer.apply(tf.input({ shape: [4] }))).toThrow(/expects two inputs \[x, label\]/);
  });
});
