import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import type { PenaltyDiscriminator, PenaltyInputs } from '../../src/losses/penalty.js';
import { PENALTY_NAMES, dragan, gradientPenalty, lecam, penaltyByName, r1, r2 } from '../../src/losses/penalties/index.js';
import { Discriminator } from '../../src/nets/index.js';
import { TEST_BACKENDS, switchBackend } from '../helpers/backends.js';
import { gradientVsFiniteDifferences, maxRelativeError } from '../helpers/finite-differences.js';
import { expectLeakFree } from '../helpers/leaks.js';

/** A linear discriminator D(x) = w·x + b: its input gradient is w everywhere. */
function linearDiscriminator(w: number[], b = 0.3): Discriminator {
  const input = tf.input({ shape: [w.length] });
  const dense = tf.layers.dense({ units: 1 });
  const model = tf.model({ inputs: input, outputs: dense.apply(input) as tf.SymbolicTensor });
  dense.setWeights([tf.tensor2d(w, [w.length, 1]), tf.tensor1d([b])]);
  return new Discriminator(model, { inputShape: [w.length] });
}

function inputsFor(discriminator: PenaltyDiscriminator, step = 0, seed = 7): PenaltyInputs {
  const realSamples = tf.tensor2d([[0.5, -1, 0.25], [1, 0.5, -0.5], [-0.75, 0.2, 1], [0.1, 0.9, -0.3]]);
  const fakeSamples = tf.tensor2d([[-0.4, 0.3, 0.8], [0.6, -0.9, 0.1], [0.2, 0.2, -1], [-1, -0.1, 0.45]]);
  return { discriminator, realSamples, fakeSamples, realLogits: tf.zeros([4]), fakeLogits: tf.zeros([4]), step, seed };
}

function value(t: tf.Scalar | null): number {
  if (t === null) throw new Error('penalty skipped');
  const v = t.dataSync()[0];
  t.dispose();
  return v;
}

describe.each(TEST_BACKENDS)('penalties on %s', (backend) => {
  beforeAll(async () => {
    await switchBackend(backend);
  });
  afterEach(() => tf.disposeVariables());

  it('match hand-computed values on a linear discriminator (input gradient = w everywhere)', () => {
    const w = [0.6, -0.8, 1.2];
    const norm = Math.hypot(...w); // ‖w‖ = sqrt(0.36 + 0.64 + 1.44)
    const inputs = inputsFor(linearDiscriminator(w));
    expect(value(gradientPenalty({ weight: 10 }).compute(inputs))).toBeCloseTo(10 * (norm - 1) ** 2, 4);
    expect(value(dragan({ weight: 3 }).compute(inputs))).toBeCloseTo(3 * (norm - 1) ** 2, 4);
    expect(value(r1({ gamma: 2 }).compute(inputs))).toBeCloseTo((2 / 2) * norm ** 2, 4);
    expect(value(r2({ gamma: 0.5 }).compute(inputs))).toBeCloseTo((0.5 / 2) * norm ** 2, 4);
  });

  it('see the discriminator only through its logits: any object with a differentiable logits() will do', () => {
    // D(x) = Σ x², so ∇D(x) = 2x and ‖∇D(x)‖² = 4 Σ x²; the real rows' Σ x² are 1.3125, 1.5, 1.6025, 0.91.
    const sumOfSquares: PenaltyDiscriminator = { logits: (samples) => tf.sum(tf.square(samples), 1) };
    const inputs = inputsFor(sumOfSquares);
    expect(value(r1({ gamma: 2 }).compute(inputs))).toBeCloseTo((2 / 2) * 4 * (5.325 / 4), 4);
  });

  it('lazy R1/R2 apply every k steps, scaled by k, and skip (null) in between', () => {
    const w = [0.6, -0.8, 1.2];
    const squared = w.reduce((s, x) => s + x * x, 0);
    const discriminator = linearDiscriminator(w);
    const lazy = r1({ gamma: 1, every: 4 });
    expect(value(lazy.compute(inputsFor(discriminator, 0)))).toBeCloseTo(4 * 0.5 * squared, 4);
    expect(lazy.compute(inputsFor(discriminator, 1))).toBeNull();
    expect(lazy.compute(inputsFor(discriminator, 3))).toBeNull();
    expect(value(lazy.compute(inputsFor(discriminator, 8)))).toBeCloseTo(4 * 0.5 * squared, 4);
    expect(r2({ every: 2 }).compute(inputsFor(discriminator, 1))).toBeNull();
  });

  it('the gradient penalty is finite, with a finite gradient, when the input gradient is zero', () => {
    const discriminator = linearDiscriminator([0, 0, 0]);
    const inputs = inputsFor(discriminator);
    const penalty = gradientPenalty({ weight: 10 });
    expect(value(penalty.compute(inputs))).toBeCloseTo(10, 4); // 10 · (sqrt(ε) - 1)²
    const { grads } = tf.variableGrads(() => penalty.compute(inputs)!, discriminator.trainableVariables);
    for (const grad of Object.values(grads)) expect(Array.from(grad.dataSync()).every(Number.isFinite)).toBe(true);
  });

  it('draws one interpolation weight per sample from U(0, 1), reproducibly from the seed', () => {
    // D(x) = x0² / 2 has input gradient (x0, 0, 0); on x̂ = r + α(f - r) the penalty reveals α.
    const input = tf.input({ shape: [3] });
    const square = tf.layers.dense({ units: 1, useBias: false });
    const model = tf.model({ inputs: input, outputs: square.apply(input) as tf.SymbolicTensor });
    square.setWeights([tf.tensor2d([1, 0, 0], [3, 1])]);
    const linear = new Discriminator(model, { inputShape: [3] });
    const penalty = gradientPenalty({ weight: 1 });
    const a = value(penalty.compute(inputsFor(linear, 0, 1)));
    const b = value(penalty.compute(inputsFor(linear, 0, 1)));
    const c = value(penalty.compute(inputsFor(linear, 0, 2)));
    expect(a).toBe(b);
    expect(a).toBeCloseTo(0, 4); // linear in x: the gradient is (1, 0, 0) whatever α, so ‖g‖ = 1
    expect(c).toBeCloseTo(0, 4);
    const alpha = tf.randomUniform([4, 1], 0, 1, 'float32', 1).dataSync();
    expect(Array.from(alpha).every((x) => x >= 0 && x < 1)).toBe(true);
  });

  describe.each(['leakyRelu', 'tanh', 'relu'] as const)('gradients w.r.t. the discriminator weights (%s MLP)', (activation) => {
    const cases = [
      ['gradient penalty', () => gradientPenalty({ weight: 10 })],
      ['R1', () => r1({ gamma: 10 })],
      ['R2', () => r2({ gamma: 10 })],
      ['DRAGAN', () => dragan({ weight: 10 })],
    ] as const;
    it.each(cases)('%s matches finite differences', (_, make) => {
      const discriminator = Discriminator.mlp({ inputShape: [3], hiddenUnits: [5, 4], activation, seed: 11 });
      const inputs = inputsFor(discriminator, 0, 5);
      const penalty = make();
      const { analytic, numeric } = gradientVsFiniteDifferences(
        () => penalty.compute(inputs) as tf.Scalar,
        discriminator.trainableVariables,
      );
      expect(analytic.some((g) => Math.abs(g) > 1e-3)).toBe(true);
      expect(maxRelativeError(analytic, numeric)).toBeCloseTo(0, 2);
      discriminator.dispose();
    });
  });

  it('computing a penalty inside a gradient tape leaks no tensors', async () => {
    const discriminator = Discriminator.mlp({ inputShape: [3], hiddenUnits: [4], seed: 1 });
    const inputs = inputsFor(discriminator);
    for (const penalty of [gradientPenalty(), r1(), r2(), dragan()]) {
      await expectLeakFree(() => {
        const { value: v, grads } = tf.variableGrads(() => penalty.compute(inputs)!, discriminator.trainableVariables);
        tf.dispose([v, ...Object.values(grads)]);
      });
    }
    discriminator.dispose();
  });
});

describe('penalty registry and options', () => {
  it('penaltyByName restores every penalty from its name and config', () => {
    const made = [gradientPenalty({ weight: 5, target: 0.5 }), r1({ gamma: 1, every: 4 }), r2({ gamma: 3 }), dragan({ scale: 1 }), lecam({ weight: 0.1 })];
    expect(made.map((p) => p.name).sort()).toEqual([...PENALTY_NAMES].sort());
    for (const penalty of made) {
      const restored = penaltyByName(penalty.name, penalty.config);
      expect(restored.name).toBe(penalty.name);
      expect(restored.config).toEqual(penalty.config);
    }
    expect(r1().config).toEqual({ gamma: 10, every: 1 });
    expect(gradientPenalty().config).toEqual({ weight: 10, target: 1, epsilon: 1e-12 });
  });

  it('rejects unknown names and bad options with ConfigError naming them', () => {
    expect(() => penaltyByName('r3')).toThrow(ConfigError);
    expect(() => penaltyByName('r3')).toThrow(/unknown penalty name "r3".*"gradient-penalty"/);
    expect(() => gradientPenalty({ weight: -1 })).toThrow(/'weight' must be a finite number >= 0, received -1/);
    expect(() => r1({ every: 0 })).toThrow(/'every' must be an integer >= 1, received 0/);
    expect(() => r2({ gamma: Number.NaN })).toThrow(/'gamma'/);
    expect(() => dragan({ epsilon: 0 })).toThrow(/'epsilon' must be a finite number > 0/);
    expect(() => r1({ lambda: 1 } as never)).toThrow(/unknown option 'lambda'/);
  });
});
