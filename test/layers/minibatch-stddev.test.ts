import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { MinibatchStdDev } from '../../src/layers/minibatch-stddev.js';
import { TEST_BACKENDS, switchBackend } from '../helpers/backends.js';
import { gradientVsFiniteDifferences, maxRelativeError } from '../helpers/finite-differences.js';

const std = (xs: number[]): number => {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  return Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / xs.length + 1e-8);
};

describe.each(TEST_BACKENDS)('MinibatchStdDev on %s', (backend) => {
  beforeAll(async () => {
    await switchBackend(backend);
  });
  afterEach(() => tf.disposeVariables());

  it('appends each group\'s mean per-feature standard deviation (features)', () => {
    // Batch 4, groups of 2: sample i is in group i mod 2, so groups {0, 2} and {1, 3}.
    const x = [[1, 2, 0], [0, 0, 0], [3, 4, 2], [0, 2, 4]];
    const y = (new MinibatchStdDev({ groupSize: 2 }).apply(tf.tensor2d(x)) as tf.Tensor).arraySync() as number[][];
    const groupA = (std([1, 3]) + std([2, 4]) + std([0, 2])) / 3; // 1
    const groupB = (std([0, 0]) + std([0, 2]) + std([0, 4])) / 3; // 1
    expect(y.map((row) => row.slice(0, 3))).toEqual(x);
    expect(y[0][3]).toBeCloseTo(groupA, 5);
    expect(y[2][3]).toBeCloseTo(groupA, 5);
    expect(y[1][3]).toBeCloseTo(groupB, 5);
    expect(y[3][3]).toBeCloseTo(groupB, 5);
  });

  it('appends a constant channel to images and uses a divisor of the batch when groupSize does not divide it', () => {
    const layer = new MinibatchStdDev({ groupSize: 4 });
    const images = tf.randomNormal([6, 3, 3, 2], 0, 1, 'float32', 1); // groupSize 4 does not divide 6: groups of 3
    const y = layer.apply(images) as tf.Tensor;
    expect(y.shape).toEqual([6, 3, 3, 3]);
    const channel = tf.slice(y, [0, 0, 0, 2], [6, 3, 3, 1]);
    const values = channel.arraySync() as number[][][][];
    // Constant over pixels; sample i and i + 2 share group i mod 2 (groups of 3 samples, 2 groups).
    for (let b = 0; b < 6; b++) for (const row of values[b]) for (const px of row) expect(px[0]).toBeCloseTo(values[b][0][0][0], 6);
    expect(values[0][0][0][0]).toBeCloseTo(values[2][0][0][0], 6);
    expect(values[0][0][0][0]).toBeCloseTo(values[4][0][0][0], 6);
    const flat = images.arraySync() as number[][][][];
    let sum = 0;
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) for (let c = 0; c < 2; c++) sum += std([0, 2, 4].map((b) => flat[b][i][j][c]));
    expect(values[0][0][0][0]).toBeCloseTo(sum / 18, 5);
  });

  it('is differentiable (gradient matches finite differences) and serialisable', async () => {
    const input = tf.input({ shape: [3] });
    const dense = tf.layers.dense({ units: 3, kernelInitializer: tf.initializers.glorotNormal({ seed: 2 }) });
    let x = dense.apply(input) as tf.SymbolicTensor;
    x = new MinibatchStdDev({ groupSize: 2, epsilon: 1e-6 }).apply(x) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: tf.layers.dense({ units: 1 }).apply(x) as tf.SymbolicTensor });
    expect(model.outputs[0].shape).toEqual([null, 1]);
    expect(model.layers[2].outputShape).toEqual([null, 4]);
    const data = tf.randomNormal([4, 3], 0, 1, 'float32', 3);
    const { analytic, numeric } = gradientVsFiniteDifferences(
      () => tf.sum(tf.square(model.apply(data) as tf.Tensor)) as tf.Scalar,
      model.trainableWeights.map((w) => w.read() as tf.Variable),
    );
    expect(maxRelativeError(analytic, numeric)).toBeCloseTo(0, 2);
    const loaded = await tf.models.modelFromJSON({ modelTopology: model.toJSON(null, false) as never });
    const layer = loaded.layers[2] as MinibatchStdDev;
    expect(layer).toBeInstanceOf(MinibatchStdDev);
    expect([layer.groupSize, layer.epsilon]).toEqual([2, 1e-6]);
    loaded.setWeights(model.getWeights());
    Array.from((loaded.predict(data) as tf.Tensor).dataSync()).forEach((v, i) =>
      expect(v).toBeCloseTo((model.predict(data) as tf.Tensor).dataSync()[i], 5));
  });

  it('rejects a group size below 2', () => {
    expect(() => new MinibatchStdDev({ groupSize: 1 })).toThrow(ConfigError);
    expect(() => new MinibatchStdDev({ groupSize: 1 })).toThrow(/'groupSize' must be an integer >= 2, received 1/);
  });
});
