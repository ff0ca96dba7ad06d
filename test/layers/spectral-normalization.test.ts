import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { SpectralNormalization } from '../../src/layers/spectral-normalization.js';
import { TEST_BACKENDS, switchBackend } from '../helpers/backends.js';
import { gradientVsFiniteDifferences, maxRelativeError } from '../helpers/finite-differences.js';
import { expectLeakFree } from '../helpers/leaks.js';

type Matrix = number[][];

/** I - 2 v vᵀ / ‖v‖²: an orthogonal matrix. */
function householder(v: number[]): Matrix {
  const n2 = v.reduce((s, x) => s + x * x, 0);
  return v.map((vi, i) => v.map((vj, j) => (i === j ? 1 : 0) - (2 * vi * vj) / n2));
}

function multiply(a: Matrix, b: Matrix): Matrix {
  return a.map((row) => b[0].map((_, j) => row.reduce((s, x, k) => s + x * b[k][j], 0)));
}

/** The largest singular value of a [rows][cols] matrix: power iteration on MᵀM to convergence, in float64. */
function largestSingularValue(m: Matrix): number {
  let v = m[0].map((_, j) => 1 + j / 10);
  let sigma = 0;
  for (let it = 0; it < 5000; it++) {
    const mv = m.map((row) => row.reduce((s, x, j) => s + x * v[j], 0));
    const mtmv = v.map((_, j) => m.reduce((s, row, i) => s + row[j] * mv[i], 0));
    const norm = Math.hypot(...mtmv);
    v = mtmv.map((x) => x / norm);
    sigma = Math.sqrt(norm);
  }
  return sigma;
}

/** Rows of a flat array. */
function rows(values: ArrayLike<number>, cols: number): Matrix {
  return Array.from({ length: values.length / cols }, (_, i) => Array.from(values).slice(i * cols, (i + 1) * cols));
}

function modelOf(layer: tf.layers.Layer, inputShape: number[]): tf.LayersModel {
  const input = tf.input({ shape: inputShape });
  return tf.model({ inputs: input, outputs: layer.apply(input) as tf.SymbolicTensor });
}

function train(layer: SpectralNormalization, x: tf.Tensor, calls: number): void {
  for (let i = 0; i < calls; i++) tf.dispose(tf.tidy(() => layer.apply(x, { training: true }) as tf.Tensor));
}

function sigmaOf(layer: SpectralNormalization): number {
  const s = layer.sigma();
  const v = s.dataSync()[0];
  s.dispose();
  return v;
}

describe.each(TEST_BACKENDS)('SpectralNormalization on %s', (backend) => {
  beforeAll(async () => {
    await switchBackend(backend);
  });
  afterEach(() => tf.disposeVariables());

  it('estimates the largest singular value of a dense kernel with known singular values (3, 2, 0.5)', () => {
    // W = H4[:, :3] · diag(3, 2, 0.5) · H3, with Householder (orthogonal) H4 and H3.
    const h4 = householder([1, -2, 0.5, 1]);
    const h3 = householder([0.3, 1, -1]);
    const left = h4.map((row) => row.slice(0, 3));
    const w = multiply(multiply(left, [[3, 0, 0], [0, 2, 0], [0, 0, 0.5]]), h3);
    expect(largestSingularValue(w)).toBeCloseTo(3, 6); // the reference agrees with the construction
    const layer = new SpectralNormalization({ layer: tf.layers.dense({ units: 3 }), uInitializer: tf.initializers.randomNormal({ seed: 1 }) });
    modelOf(layer, [4]);
    layer.setWeights([tf.tensor2d(w), tf.zeros([3]), tf.tensor1d([1, 0.2, -0.4])]);
    const x = tf.randomNormal([5, 4], 0, 1, 'float32', 2);
    train(layer, x, 40);
    expect(sigmaOf(layer)).toBeCloseTo(3, 4);
    // The layer computes x · W / σ + b.
    const y = (layer.apply(x) as tf.Tensor).arraySync() as Matrix;
    const expected = multiply(x.arraySync() as Matrix, w).map((row) => row.map((v) => v / 3));
    y.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(expected[i][j], 4)));
  });

  it.each([
    ['conv2d', () => tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', kernelInitializer: tf.initializers.glorotNormal({ seed: 3 }) })],
    ['conv2dTranspose', () => tf.layers.conv2dTranspose({ filters: 4, kernelSize: 3, strides: 2, padding: 'same', kernelInitializer: tf.initializers.glorotNormal({ seed: 4 }) })],
  ] as const)('%s: σ matches the largest singular value of the kernel matrix [kh·kw·in, filters]', (_, make) => {
    const inner = make();
    const layer = new SpectralNormalization({ layer: inner, uInitializer: tf.initializers.randomNormal({ seed: 5 }) });
    modelOf(layer, [6, 6, 3]);
    const kernel = layer.getWeights()[0]; // [kh, kw, in, filters], or [kh, kw, filters, in] when transposed
    const oriented = inner.getClassName() === 'Conv2DTranspose' ? tf.transpose(kernel, [0, 1, 3, 2]) : kernel;
    const reference = largestSingularValue(rows(oriented.dataSync(), 4));
    train(layer, tf.ones([2, 6, 6, 3]), 200);
    expect(sigmaOf(layer)).toBeCloseTo(reference, 3);
  });

  it('updates u once per training-mode call and never at inference', () => {
    const layer = new SpectralNormalization({ layer: tf.layers.dense({ units: 3 }), uInitializer: tf.initializers.randomNormal({ seed: 6 }) });
    const model = modelOf(layer, [4]);
    const x = tf.randomNormal([2, 4], 0, 1, 'float32', 7);
    const u = () => Array.from(layer.getWeights()[2].dataSync());
    const u0 = u();
    const first = (model.predict(x) as tf.Tensor).dataSync();
    expect(u()).toEqual(u0);
    expect((model.predict(x) as tf.Tensor).dataSync()).toEqual(first);
    train(layer, x, 1);
    const u1 = u();
    expect(u1).not.toEqual(u0);
    // One call = one power iteration: u1 = normalise(Wᵀ normalise(W u0)), W as [units, in]ᵀ.
    const w = rows(layer.getWeights()[0].dataSync(), 3); // [in][units]
    const norm = (a: number[]) => a.map((v) => v / Math.hypot(...a));
    const n0 = norm(u0);
    const v = norm(w.map((row) => row.reduce((s, x, j) => s + x * n0[j], 0)));
    const expected = norm(n0.map((_, j) => w.reduce((s, row, i) => s + row[j] * v[i], 0)));
    u1.forEach((value, j) => expect(value).toBeCloseTo(expected[j], 5));
    layer.apply(x, { training: false });
    expect(u()).toEqual(u1);
  });

  it('exposes kernel and bias as trainable and u as non-trainable weights; its gradient matches finite differences', () => {
    const layer = new SpectralNormalization({ layer: tf.layers.dense({ units: 2, activation: 'tanh' }), uInitializer: tf.initializers.randomNormal({ seed: 8 }) });
    const model = modelOf(layer, [3]);
    expect(model.trainableWeights.map((w) => w.originalName.split('/').pop())).toEqual(['kernel', 'bias']);
    expect(model.nonTrainableWeights.map((w) => w.originalName.split('/').pop())).toEqual(['u']);
    const x = tf.randomNormal([4, 3], 0, 1, 'float32', 9);
    const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const { analytic, numeric } = gradientVsFiniteDifferences(
      () => tf.sum(tf.square(model.apply(x, { training: false }) as tf.Tensor)) as tf.Scalar,
      variables,
    );
    expect(maxRelativeError(analytic, numeric)).toBeCloseTo(0, 2);
  });

  it('saves and loads with the model: same config, same u, same outputs', async () => {
    const input = tf.input({ shape: [8, 8, 1] });
    let x = new SpectralNormalization({ layer: tf.layers.conv2d({ filters: 3, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' }), powerIterations: 2 }).apply(input) as tf.SymbolicTensor;
    x = tf.layers.flatten().apply(x) as tf.SymbolicTensor;
    x = new SpectralNormalization({ layer: tf.layers.dense({ units: 1 }) }).apply(x) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: x });
    const images = tf.randomUniform([2, 8, 8, 1], -1, 1, 'float32', 10);
    tf.dispose(tf.tidy(() => model.apply(images, { training: true }) as tf.Tensor));
    let artifacts: tf.io.ModelArtifacts | undefined;
    await model.save(tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }));
    const loaded = await tf.loadLayersModel(tf.io.fromMemory(artifacts!));
    const sn = loaded.layers.filter((l) => l instanceof SpectralNormalization) as SpectralNormalization[];
    expect(sn).toHaveLength(2);
    expect(sn[0].powerIterations).toBe(2);
    expect(sn[0].layer.getClassName()).toBe('Conv2D');
    expect(loaded.getWeights().map((w) => Array.from(w.dataSync()))).toEqual(model.getWeights().map((w) => Array.from(w.dataSync())));
    const a = (model.predict(images) as tf.Tensor).dataSync();
    const b = (loaded.predict(images) as tf.Tensor).dataSync();
    Array.from(a).forEach((v, i) => expect(b[i]).toBeCloseTo(v, 6));
    // Loaded, it trains on: the same update as the original.
    tf.dispose([
      tf.tidy(() => model.apply(images, { training: true }) as tf.Tensor),
      tf.tidy(() => loaded.apply(images, { training: true }) as tf.Tensor),
    ]);
    const c = (model.predict(images) as tf.Tensor).dataSync();
    const d = (loaded.predict(images) as tf.Tensor).dataSync();
    Array.from(c).forEach((v, i) => expect(d[i]).toBeCloseTo(v, 5));
  });

  it('a training-mode call leaks no tensors', async () => {
    const layer = new SpectralNormalization({ layer: tf.layers.conv2dTranspose({ filters: 2, kernelSize: 4, strides: 2, padding: 'same' }) });
    modelOf(layer, [4, 4, 3]);
    const x = tf.ones([2, 4, 4, 3]);
    await expectLeakFree(() => tf.dispose(tf.tidy(() => layer.apply(x, { training: true }) as tf.Tensor)));
  });

  it('refuses layers it cannot normalise and bad options', () => {
    expect(() => new SpectralNormalization({ layer: tf.layers.batchNormalization() })).toThrow(ConfigError);
    expect(() => new SpectralNormalization({ layer: tf.layers.batchNormalization() })).toThrow(/must be one of \["Dense", "Conv2D", "Conv2DTranspose"\], received a BatchNormalization layer/);
    expect(() => new SpectralNormalization({ layer: tf.layers.dense({ units: 1 }), powerIterations: 0 })).toThrow(/'powerIterations' must be an integer >= 1/);
    expect(() => new SpectralNormalization({ layer: tf.layers.conv2d({ filters: 1, kernelSize: 1, dataFormat: 'channelsFirst' }) })).toThrow(/channels-last/);
    expect(() => new SpectralNormalization({} as never)).toThrow(/'layer' must be a tf.layers.Layer/);
  });
});
