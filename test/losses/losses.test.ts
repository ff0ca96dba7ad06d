import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { LOSS_NAMES, hinge, leastSquares, lossByName, minimax, nonSaturating, wasserstein } from '../../src/losses/index.js';

const real = [2, -1];
const fake = [0.5, -3];
const softplus = (x: number): number => Math.log1p(Math.exp(x));
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

function value(t: tf.Scalar): number {
  const v = t.dataSync()[0];
  t.dispose();
  return v;
}

describe('losses (hand-computed values)', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });
  const inputs = () => ({ realLogits: tf.tensor1d(real), fakeLogits: tf.tensor1d(fake) });

  it('minimax: D = mean softplus(-r) + mean softplus(f); G = -mean softplus(f)', () => {
    const loss = minimax();
    expect(value(loss.discriminator(inputs()))).toBeCloseTo(mean(real.map((r) => softplus(-r))) + mean(fake.map(softplus)), 5);
    expect(value(loss.generator(inputs()))).toBeCloseTo(-mean(fake.map(softplus)), 5);
    // At logits 0 (D outputs 1/2 everywhere) the discriminator loss is 2 ln 2.
    expect(value(loss.discriminator({ realLogits: tf.zeros([4]), fakeLogits: tf.zeros([4]) }))).toBeCloseTo(2 * Math.LN2, 5);
  });

  it('non-saturating: G = mean softplus(-f) = -mean log sigmoid(f)', () => {
    const loss = nonSaturating();
    expect(value(loss.discriminator(inputs()))).toBeCloseTo(mean(real.map((r) => softplus(-r))) + mean(fake.map(softplus)), 5);
    expect(value(loss.generator(inputs()))).toBeCloseTo(mean(fake.map((f) => -Math.log(1 / (1 + Math.exp(-f))))), 5);
  });

  it('least squares: D = ½ mean (r-1)² + ½ mean f²; G = ½ mean (f-1)²', () => {
    const loss = leastSquares();
    // r: (1, 4) -> mean 2.5; f: (0.25, 9) -> mean 4.625
    expect(value(loss.discriminator(inputs()))).toBeCloseTo(0.5 * 2.5 + 0.5 * 4.625, 5);
    // (f-1)²: 0.25, 16 -> mean 8.125
    expect(value(loss.generator(inputs()))).toBeCloseTo(0.5 * 8.125, 5);
  });

  it('hinge: D = mean relu(1-r) + mean relu(1+f); G = -mean f', () => {
    const loss = hinge();
    // relu(1-r): 0, 2 -> 1; relu(1+f): 1.5, 0 -> 0.75
    expect(value(loss.discriminator(inputs()))).toBeCloseTo(1.75, 5);
    expect(value(loss.generator(inputs()))).toBeCloseTo(1.25, 5);
  });

  it('wasserstein: D = mean f - mean r; G = -mean f', () => {
    const loss = wasserstein();
    expect(value(loss.discriminator(inputs()))).toBeCloseTo(-1.25 - 0.5, 5);
    expect(value(loss.generator(inputs()))).toBeCloseTo(1.25, 5);
  });

  it('every loss is a scalar, leaves no temporaries and has a gradient that lowers it', () => {
    for (const name of LOSS_NAMES) {
      const loss = lossByName(name);
      expect(loss.name).toBe(name);
      // Logits inside every loss's active region (least squares pulls towards 1 and 0, not beyond).
      const r = tf.tensor1d([0.5, -1]);
      const f = tf.tensor1d([0.5, 0.2]);
      const before = tf.memory().numTensors;
      const d = loss.discriminator({ realLogits: r, fakeLogits: f });
      expect(d.rank).toBe(0);
      expect(tf.memory().numTensors).toBe(before + 1);
      d.dispose();
      // The discriminator gradient pushes real logits up and fake logits down (higher = more real).
      const [gr, gf] = tf.grads((a: tf.Tensor, b: tf.Tensor) => loss.discriminator({ realLogits: a, fakeLogits: b }))([r, f]);
      expect(Math.max(...gr.dataSync())).toBeLessThanOrEqual(0);
      expect(Math.min(...gf.dataSync())).toBeGreaterThanOrEqual(0);
      // The generator gradient pushes fake logits up.
      const gg = tf.grad((b: tf.Tensor) => loss.generator({ fakeLogits: b, realLogits: r }))(f);
      expect(Math.max(...gg.dataSync())).toBeLessThan(0);
      tf.dispose([r, f, gr, gf, gg]);
    }
  });

  it('lossByName rejects unknown names, listing the known ones', () => {
    expect(() => lossByName('hinje')).toThrow(ConfigError);
    expect(() => lossByName('hinje')).toThrow(/unknown loss name "hinje".*"hinge"/);
    expect(() => lossByName('toString')).toThrow(ConfigError);
  });
});
