import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, ShapeError } from '../../src/errors.js';
import { ClassMinibatchStdDev } from '../../src/layers/class-minibatch-stddev.js';
import { MinibatchStdDev } from '../../src/layers/minibatch-stddev.js';
import { TEST_BACKENDS, switchBackend } from '../helpers/backends.js';
import { gradientVsFiniteDifferences, maxRelativeError } from '../helpers/finite-differences.js';

const std = (xs: number[]): number => {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  return Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / xs.length + 1e-8);
};

/** The appended feature of every sample (the last feature / channel of its first pixel). */
function appended(y: tf.Tensor): number[] {
  const flat = tf.reshape(y, [y.shape[0], -1, y.shape[y.rank - 1]]);
  const last = tf.slice(flat, [0, 0, y.shape[y.rank - 1] - 1], [y.shape[0], 1, 1]);
  const values = Array.from(last.dataSync());
  tf.dispose([flat, last]);
  return values;
}

describe.each(TEST_BACKENDS)('ClassMinibatchStdDev on %s', (backend) => {
  beforeAll(async () => {
    await switchBackend(backend);
  });
  afterEach(() => tf.disposeVariables());

  it("appends each class's mean per-feature standard deviation within the batch (features)", () => {
    const x = [[1, 2, 0], [0, 0, 0], [3, 4, 2], [0, 2, 4], [5, 5, 5]];
    const labels = [0, 1, 0, 1, 2]; // class 0: samples {0, 2}; class 1: {1, 3}; class 2: {4} alone
    const layer = new ClassMinibatchStdDev({ numClasses: 3 });
    const y = layer.apply([tf.tensor2d(x), tf.tensor2d(labels, [5, 1], 'int32')]) as tf.Tensor;
    expect(y.shape).toEqual([5, 4]);
    const rows = y.arraySync() as number[][];
    expect(rows.map((row) => row.slice(0, 3))).toEqual(x);
    const class0 = (std([1, 3]) + std([2, 4]) + std([0, 2])) / 3;
    const class1 = (std([0, 0]) + std([0, 2]) + std([0, 4])) / 3;
    expect(rows[0][3]).toBeCloseTo(class0, 5);
    expect(rows[2][3]).toBeCloseTo(class0, 5);
    expect(rows[1][3]).toBeCloseTo(class1, 5);
    expect(rows[3][3]).toBeCloseTo(class1, 5);
    expect(rows[4][3]).toBeCloseTo(1e-4, 5); // one sample: sqrt(epsilon)
  });

  it('sees a class drawn as one picture where the batch-wide layer does not', () => {
    // Two classes, each 4 copies of one picture: the classes differ, the samples within a class do not.
    const a = [1, -1, 2];
    const b = [-2, 3, 0];
    // MinibatchStdDev's groups of 4 here are samples {0, 2, 4, 6} and {1, 3, 5, 7}: both classes each.
    const x = tf.tensor2d([a, a, b, b, a, a, b, b]);
    const labels = tf.tensor1d([0, 0, 1, 1, 0, 0, 1, 1], 'int32');
    const perClass = appended(new ClassMinibatchStdDev({ numClasses: 2 }).apply([x, labels]) as tf.Tensor);
    const batchWide = appended(new MinibatchStdDev({ groupSize: 4 }).apply(x) as tf.Tensor);
    perClass.forEach((v) => expect(v).toBeCloseTo(1e-4, 5));
    batchWide.forEach((v) => expect(v).toBeGreaterThan(1));
  });

  it('takes class weights: one-hot rows as the ids, all-zero rows as one class (the whole batch)', () => {
    const x = tf.randomNormal([6, 2, 2, 3], 0, 1, 'float32', 4);
    const ids = [2, 0, 1, 2, 0, 1];
    const layer = new ClassMinibatchStdDev({ numClasses: 3 });
    const byIds = appended(layer.apply([x, tf.tensor1d(ids, 'int32')]) as tf.Tensor);
    const byWeights = appended(layer.apply([x, tf.oneHot(tf.tensor1d(ids, 'int32'), 3).toFloat()]) as tf.Tensor);
    byWeights.forEach((v, i) => expect(v).toBeCloseTo(byIds[i], 5));
    // lambda * one-hot (a conditioning transition fading the class in) splits each sample between its
    // class and the rest evenly; at lambda 0 every class is the whole batch.
    const zero = layer.apply([x, tf.zeros([6, 3])]) as tf.Tensor;
    expect(zero.shape).toEqual([6, 2, 2, 4]);
    const flat = x.arraySync() as number[][][][];
    let sum = 0;
    for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) for (let c = 0; c < 3; c++) sum += std(flat.map((s) => s[i][j][c]));
    appended(zero).forEach((v) => expect(v).toBeCloseTo(sum / 12, 5));
    const half = appended(layer.apply([x, tf.mul(tf.oneHot(tf.tensor1d(ids, 'int32'), 3), 0.5)]) as tf.Tensor);
    half.forEach((v, i) => {
      expect(v).toBeLessThan(sum / 12 + 1e-6);
      expect(v).toBeGreaterThan(Math.min(byIds[i], sum / 12) - 1e-6);
    });
    // Constant over the pixels of a sample.
    const channel = tf.slice(zero, [0, 0, 0, 3], [6, 2, 2, 1]).arraySync() as number[][][][];
    for (const sample of channel) for (const row of sample) for (const px of row) expect(px[0]).toBeCloseTo(sample[0][0][0], 6);
  });

  it('is differentiable (gradient matches finite differences), leak-free and serialisable', async () => {
    const input = tf.input({ shape: [3] });
    const label = tf.input({ shape: [1], dtype: 'int32' });
    const dense = tf.layers.dense({ units: 3, kernelInitializer: tf.initializers.glorotNormal({ seed: 2 }) });
    let x = dense.apply(input) as tf.SymbolicTensor;
    x = new ClassMinibatchStdDev({ numClasses: 2, epsilon: 1e-6 }).apply([x, label]) as tf.SymbolicTensor;
    const model = tf.model({ inputs: [input, label], outputs: tf.layers.dense({ units: 1 }).apply(x) as tf.SymbolicTensor });
    expect(model.layers[3].outputShape).toEqual([null, 4]);
    const data = tf.randomNormal([6, 3], 0, 1, 'float32', 3);
    const ids = tf.tensor2d([0, 1, 1, 0, 0, 1], [6, 1], 'int32');
    const { analytic, numeric } = gradientVsFiniteDifferences(
      () => tf.sum(tf.square(model.apply([data, ids]) as tf.Tensor)) as tf.Scalar,
      model.trainableWeights.map((w) => w.read() as tf.Variable),
    );
    expect(maxRelativeError(analytic, numeric)).toBeCloseTo(0, 2);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) tf.dispose(model.predict([data, ids]) as tf.Tensor);
    expect(tf.memory().numTensors).toBe(before);
    const loaded = await tf.models.modelFromJSON({ modelTopology: model.toJSON(null, false) as never });
    const layer = loaded.layers[3] as ClassMinibatchStdDev;
    expect(layer).toBeInstanceOf(ClassMinibatchStdDev);
    expect([layer.numClasses, layer.epsilon]).toEqual([2, 1e-6]);
    loaded.setWeights(model.getWeights());
    const expected = (model.predict([data, ids]) as tf.Tensor).dataSync();
    Array.from((loaded.predict([data, ids]) as tf.Tensor).dataSync()).forEach((v, i) => expect(v).toBeCloseTo(expected[i], 5));
  });

  it('rejects bad options and inputs, naming them', () => {
    expect(() => new ClassMinibatchStdDev({ numClasses: 1 })).toThrow(ConfigError);
    expect(() => new ClassMinibatchStdDev({ numClasses: 1 })).toThrow(/'numClasses' must be an integer >= 2, received 1/);
    expect(() => new ClassMinibatchStdDev({ numClasses: 3, epsilon: 0 })).toThrow(/'epsilon'/);
    const layer = new ClassMinibatchStdDev({ numClasses: 3 });
    expect(() => layer.apply(tf.zeros([4, 2]))).toThrow(ShapeError);
    expect(() => layer.apply([tf.zeros([4, 2]), tf.zeros([3], 'int32')])).toThrow(/batch size of x \(4\), received 3/);
    expect(() => layer.apply([tf.zeros([4, 2]), tf.zeros([4, 5])])).toThrow(/class ids \[batch\] or \[batch, 1\], or class weights \[batch, 3\]/);
  });
});
