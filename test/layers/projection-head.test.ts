import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, ShapeError } from '../../src/errors.js';
import { ProjectionHead } from '../../src/layers/projection-head.js';
import { TEST_BACKENDS, switchBackend } from '../helpers/backends.js';
import { expectAllClose, roundTrip } from '../helpers/model-io.js';

const KERNEL = [[0.5], [-1], [2]];
const BIAS = [0.25];
const EMBEDDINGS = [
  [1, 0, 0],
  [0, 1, 0],
  [0.5, 0.5, -1],
];
const FEATURES = [
  [1, 2, 3],
  [-1, 0.5, 2],
];

function headModel(): { model: tf.LayersModel; head: ProjectionHead } {
  const features = tf.input({ shape: [3] });
  const label = tf.input({ shape: [1], dtype: 'int32' });
  const head = new ProjectionHead({ numClasses: 3, name: 'projection' });
  const logits = head.apply([features, label]) as tf.SymbolicTensor;
  const model = tf.model({ inputs: [features, label], outputs: logits });
  head.setWeights([tf.tensor2d(KERNEL), tf.tensor1d(BIAS), tf.tensor2d(EMBEDDINGS)]);
  return { model, head };
}

/** logit = f . kernel + bias + f . embeddings[label], by hand. */
function expectedLogit(f: number[], label: number): number {
  const dot = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i], 0);
  return dot(f, KERNEL.map((r) => r[0])) + BIAS[0] + dot(f, EMBEDDINGS[label]);
}

describe.each(TEST_BACKENDS)('ProjectionHead on %s', (backend) => {
  beforeAll(async () => {
    await switchBackend(backend);
  });
  afterEach(() => tf.disposeVariables());

  it('computes dense(features) + sum(embed(label) * features), one logit per sample', () => {
    const { model, head } = headModel();
    const features = tf.tensor2d(FEATURES);
    const logits = model.predict([features, tf.tensor2d([[2], [1]], [2, 1], 'int32')]) as tf.Tensor;
    expect(logits.shape).toEqual([2, 1]);
    const values = logits.dataSync();
    expect(values[0]).toBeCloseTo(expectedLogit(FEATURES[0], 2), 5);
    expect(values[1]).toBeCloseTo(expectedLogit(FEATURES[1], 1), 5);
    // Different labels, different logits; class weights mix the projections linearly.
    const other = model.predict([features, tf.tensor2d([[0], [0]], [2, 1], 'int32')]) as tf.Tensor;
    expect(other.dataSync()[0]).toBeCloseTo(expectedLogit(FEATURES[0], 0), 5);
    const mixed = head.apply([features, tf.tensor2d([[0.5, 0, 0.5], [0, 1, 0]])]) as tf.Tensor;
    expectAllClose(mixed, [0.5 * expectedLogit(FEATURES[0], 0) + 0.5 * expectedLogit(FEATURES[0], 2), expectedLogit(FEATURES[1], 1)], 5);
    tf.dispose([features, logits, other, mixed]);
    model.dispose();
  });

  it('has the gradient kernel + embeddings[label] with respect to the features', () => {
    const { model } = headModel();
    const labels = tf.tensor2d([[2], [0]], [2, 1], 'int32');
    const grad = tf.grad((f: tf.Tensor) => tf.sum(model.apply([f, labels]) as tf.Tensor))(tf.tensor2d(FEATURES));
    const expected = [2, 0].flatMap((k) => KERNEL.map((r, i) => r[0] + EMBEDDINGS[k][i]));
    expectAllClose(grad, expected, 5);
    tf.dispose([labels, grad]);
    model.dispose();
  });

  it('saves and loads through tf.io: same config, weights and logits', async () => {
    const { model } = headModel();
    const loaded = await roundTrip(model);
    const restored = loaded.getLayer('projection') as ProjectionHead;
    expect(restored).toBeInstanceOf(ProjectionHead);
    expect(restored.getConfig()).toMatchObject({ numClasses: 3, useBias: true });
    const features = tf.tensor2d(FEATURES);
    const labels = tf.tensor2d([[1], [2]], [2, 1], 'int32');
    expectAllClose(loaded.predict([features, labels]) as tf.Tensor, model.predict([features, labels]) as tf.Tensor, 6);
    model.dispose();
    loaded.dispose();
  });
});

describe('ProjectionHead options', () => {
  it('rejects bad options and inputs, naming what was expected', () => {
    expect(() => new ProjectionHead({ numClasses: 0 })).toThrow(ConfigError);
    expect(() => new ProjectionHead({ numClasses: 0 })).toThrow(/'numClasses' must be an integer >= 2, received 0/);
    const head = new ProjectionHead({ numClasses: 3 });
    const label = tf.input({ shape: [1], dtype: 'int32' });
    expect(() => head.apply([tf.input({ shape: [4, 4, 2] }), label])).toThrow(ShapeError);
    expect(() => head.apply([tf.input({ shape: [4, 4, 2] }), label])).toThrow(/features of shape \[batch, features\] \(flatten or pool first\)/);
  });
});
