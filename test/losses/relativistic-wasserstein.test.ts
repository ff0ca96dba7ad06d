import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { LOSS_NAMES, lossByName, relativistic, wasserstein } from '../../src/losses/index.js';
import { switchBackend } from '../helpers/backends.js';

const real = [2, -1];
const fake = [0.5, -3];
const softplus = (x: number): number => Math.log1p(Math.exp(x));
const relu = (x: number): number => Math.max(0, x);
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

function value(t: tf.Scalar): number {
  const v = t.dataSync()[0];
  t.dispose();
  return v;
}

describe('relativistic average and clipped Wasserstein losses (hand-computed values)', () => {
  beforeAll(async () => {
    await switchBackend('cpu');
  });
  const inputs = () => ({ realLogits: tf.tensor1d(real), fakeLogits: tf.tensor1d(fake) });
  // r̃ = real - mean(fake) = real + 1.25; f̃ = fake - mean(real) = fake - 0.5
  const realVsFake = real.map((r) => r - mean(fake)); // [3.25, 0.25]
  const fakeVsReal = fake.map((f) => f - mean(real)); // [0, -3.5]

  it('RaSGAN: D = mean softplus(-r̃) + mean softplus(f̃); G = mean softplus(-f̃) + mean softplus(r̃)', () => {
    const loss = relativistic();
    expect(loss.name).toBe('relativistic');
    expect(loss.config).toEqual({ form: 'standard' });
    expect(loss.generatorNeedsReal).toBe(true);
    const d = mean(realVsFake.map((x) => softplus(-x))) + mean(fakeVsReal.map(softplus));
    const g = mean(fakeVsReal.map((x) => softplus(-x))) + mean(realVsFake.map(softplus));
    expect(value(loss.discriminator(inputs()))).toBeCloseTo(d, 5);
    expect(value(loss.generator(inputs()))).toBeCloseTo(g, 5);
    // Equal logits everywhere: every relative logit is 0, each term is ln 2.
    expect(value(loss.discriminator({ realLogits: tf.ones([3]), fakeLogits: tf.ones([3]) }))).toBeCloseTo(2 * Math.LN2, 5);
  });

  it('RaHingeGAN: D = mean relu(1 - r̃) + mean relu(1 + f̃); G = mean relu(1 - f̃) + mean relu(1 + r̃)', () => {
    const loss = relativistic({ form: 'hinge' });
    expect(loss.config).toEqual({ form: 'hinge' });
    // D: relu(1 - [3.25, 0.25]) = [0, 0.75] -> 0.375; relu(1 + [0, -3.5]) = [1, 0] -> 0.5
    expect(value(loss.discriminator(inputs()))).toBeCloseTo(0.875, 5);
    // G: relu(1 - [0, -3.5]) = [1, 4.5] -> 2.75; relu(1 + [3.25, 0.25]) = [4.25, 1.25] -> 2.75
    expect(value(loss.generator(inputs()))).toBeCloseTo(5.5, 5);
    expect(mean(fakeVsReal.map((x) => relu(1 - x))) + mean(realVsFake.map((x) => relu(1 + x)))).toBeCloseTo(5.5, 10);
  });

  it('the generator loss needs the real logits and says so', () => {
    expect(() => relativistic().generator({ fakeLogits: tf.tensor1d(fake) })).toThrow(/needs 'realLogits'/);
  });

  it('gradients flow to the fake logits through both terms of the generator loss', () => {
    const loss = relativistic();
    const realLogits = tf.tensor1d(real);
    const g = tf.grad((f: tf.Tensor) => loss.generator({ fakeLogits: f, realLogits }))(tf.tensor1d(fake));
    const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
    // ∂/∂f_j of mean softplus(-(f - m_r)) = -σ(-(f_j - m_r))/n; of mean softplus(r - m_f) = -Σ_i σ(r̃_i)/n²
    const expected = fake.map((f) => -sigmoid(-(f - mean(real))) / 2 - realVsFake.reduce((s, x) => s + sigmoid(x), 0) / 4);
    Array.from(g.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(expected[i], 5));
  });

  it('rejects an unknown form', () => {
    expect(() => relativistic({ form: 'average' as never })).toThrow(ConfigError);
    expect(() => relativistic({ form: 'average' as never })).toThrow(/'form' must be "standard" or "hinge", received "average"/);
  });

  it('Wasserstein with clip: same values, and a hook that clips the critic weights to [-c, c]', () => {
    const loss = wasserstein({ clip: 0.01 });
    expect(loss.config).toEqual({ clip: 0.01 });
    expect(value(loss.discriminator(inputs()))).toBeCloseTo(-1.25 - 0.5, 5);
    const variables = [tf.variable(tf.tensor1d([0.5, -0.003, -2])), tf.variable(tf.tensor2d([[0.01, -0.02]]))];
    const before = tf.memory().numTensors;
    loss.afterDiscriminatorUpdate!(variables);
    expect(tf.memory().numTensors).toBe(before);
    expect(Array.from(variables[0].dataSync())).toEqual([0.01, -0.003, -0.01].map(Math.fround));
    expect(Array.from(variables[1].dataSync())).toEqual([0.01, -0.01].map(Math.fround));
    expect(wasserstein().afterDiscriminatorUpdate).toBeUndefined();
    expect(wasserstein().config).toEqual({});
    expect(() => wasserstein({ clip: 0 })).toThrow(/'clip' must be a finite number > 0, received 0/);
    expect(() => wasserstein({ clamp: 1 } as never)).toThrow(/unknown option 'clamp'/);
  });

  it('lossByName restores the new losses with their config', () => {
    expect(LOSS_NAMES).toContain('relativistic');
    expect(lossByName('relativistic', { form: 'hinge' }).config).toEqual({ form: 'hinge' });
    expect(lossByName('wasserstein', { clip: 0.05 }).afterDiscriminatorUpdate).toBeTypeOf('function');
    expect(lossByName('hinge', {}).name).toBe('hinge');
  });
});
