import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';

import { applyKernelPatches, revertKernelPatches, useBackend } from '../../src/backend/index.js';
import { pseudoRandom, relativeError } from './conv-reference.js';

/** Weights of a tiny generator (dense-free: convT) and discriminator (conv, conv, dense). */
interface Weights {
  ct1: Float32Array; // [4, 4, 8, 4]: 4 -> 8 channels, 4x4 -> 8x8
  ct2: Float32Array; // [5, 5, 1, 8]: 8 -> 1 channel, 8x8 -> 16x16
  c1: Float32Array; // [3, 3, 1, 4]
  c2: Float32Array; // [3, 3, 4, 8]
  dense: Float32Array; // [4*4*8, 1]
}

const SHAPES = { ct1: [4, 4, 8, 4], ct2: [5, 5, 1, 8], c1: [3, 3, 1, 4], c2: [3, 3, 4, 8], dense: [128, 1] } as const;
const BATCH = 3;

const weights: Weights = {
  ct1: pseudoRandom(4 * 4 * 8 * 4, 11).map((v) => v * 0.3),
  ct2: pseudoRandom(5 * 5 * 8, 12).map((v) => v * 0.3),
  c1: pseudoRandom(3 * 3 * 4, 13).map((v) => v * 0.5),
  c2: pseudoRandom(3 * 3 * 4 * 8, 14).map((v) => v * 0.3),
  dense: pseudoRandom(128, 15).map((v) => v * 0.2),
};
const latent = pseudoRandom(BATCH * 4 * 4 * 4, 16);
const real = pseudoRandom(BATCH * 16 * 16, 17);

type Params = Record<keyof Weights, tf.Tensor>;

function generate(p: Params, z: tf.Tensor4D): tf.Tensor4D {
  const h = tf.leakyRelu(tf.conv2dTranspose(z, p.ct1 as tf.Tensor4D, [BATCH, 8, 8, 8], 2, 'same'), 0.2);
  return tf.tanh(tf.conv2dTranspose(h, p.ct2 as tf.Tensor4D, [BATCH, 16, 16, 1], 2, 'same'));
}

/** Smooth activations: tfjs has no second derivative for leakyRelu (its gradient uses Greater). */
function discriminate(p: Params, images: tf.Tensor4D): tf.Tensor2D {
  const h1 = tf.tanh(tf.conv2d(images, p.c1 as tf.Tensor4D, 2, 'same'));
  const h2 = tf.tanh(tf.conv2d(h1, p.c2 as tf.Tensor4D, 2, 'valid')); // 8x8 -> 3x3, odd
  const padded = tf.pad(h2, [[0, 0], [0, 1], [0, 1], [0, 0]]);
  return tf.matMul(tf.reshape(padded, [BATCH, 128]), p.dense as tf.Tensor2D);
}

const names = Object.keys(SHAPES) as Array<keyof Weights>;

/** Gradients of a GAN-like loss plus an R1 penalty (gradients of gradients) w.r.t. every weight. */
function gradients(): Float32Array[] {
  const params = Object.fromEntries(names.map((n) => [n, tf.tensor(weights[n], [...SHAPES[n]])])) as Params;
  const z = tf.tensor4d(latent, [BATCH, 4, 4, 4]);
  const x = tf.tensor4d(real, [BATCH, 16, 16, 1]);
  const loss = (...values: tf.Tensor[]): tf.Scalar => {
    const p = Object.fromEntries(names.map((n, i) => [n, values[i]])) as Params;
    const fakeLogits = discriminate(p, generate(p, z));
    const inputGradient = tf.grad((images: tf.Tensor) => tf.sum(discriminate(p, images as tf.Tensor4D)))(x);
    const r1 = tf.sum(tf.square(inputGradient));
    return tf.add(tf.mean(tf.softplus(fakeLogits)), tf.mul(r1, 0.5)) as tf.Scalar;
  };
  const grads = tf.grads(loss)(names.map((n) => params[n]));
  const values = grads.map((g) => g.dataSync() as Float32Array);
  tf.dispose([...grads, ...Object.values(params), z, x]);
  return values;
}

describe('training a small conv net', () => {
  afterAll(() => {
    applyKernelPatches('cpu');
  });

  it('gets the same gradients (with an R1 penalty) on wasm as on cpu with the shipped kernels', async () => {
    await useBackend('cpu');
    revertKernelPatches('cpu');
    const expected = gradients();
    applyKernelPatches('cpu');
    const cpuPatched = gradients();

    await useBackend('wasm');
    const before = tf.memory().numTensors;
    const actual = gradients();
    expect(tf.memory().numTensors).toBe(before);

    names.forEach((name, i) => {
      expect(relativeError(actual[i], expected[i]), `wasm d/d${name}`).toBeLessThanOrEqual(1e-4);
      expect(relativeError(cpuPatched[i], expected[i]), `patched cpu d/d${name}`).toBeLessThanOrEqual(1e-4);
      expect(expected[i].some((v) => v !== 0)).toBe(true);
    });
  });

  it('lowers the loss of a conv2d + conv2dTranspose autoencoder on wasm', async () => {
    await useBackend('wasm');
    const x = tf.tensor4d(real, [BATCH, 16, 16, 1]);
    const encoder = tf.variable(tf.tensor4d(weights.c1, [3, 3, 1, 4]));
    const decoder = tf.variable(tf.tensor4d(pseudoRandom(4 * 4 * 1 * 4, 21).map((v) => v * 0.3), [4, 4, 1, 4]));
    const optimizer = tf.train.adam(0.02);
    const loss = () =>
      tf.tidy(() => {
        const code = tf.tanh(tf.conv2d(x, encoder as tf.Tensor4D, 2, 'same'));
        const decoded = tf.conv2dTranspose(code, decoder as tf.Tensor4D, [BATCH, 16, 16, 1], 2, 'same');
        return tf.mean(tf.square(tf.sub(decoded, x))) as tf.Scalar;
      });
    const first = loss();
    const initial = first.dataSync()[0];
    first.dispose();
    for (let step = 0; step < 20; step++) optimizer.minimize(loss);
    const last = loss();
    const final = last.dataSync()[0];
    last.dispose();
    expect(final).toBeLessThan(initial * 0.7);
    tf.dispose([x, encoder, decoder]);
    optimizer.dispose();
  });
});
