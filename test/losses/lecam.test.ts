/**
 * LeCam regularisation: its value and gradient against hand computation, its moving averages as the
 * Trainer feeds them (every applied discriminator update, none of a failed step), and their round trip
 * through checkpoints (a resumed run continues exactly; a corrupt state is refused by name).
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Dataset } from '../../src/data/dataset.js';
import { toy2d } from '../../src/data/toy2d.js';
import { CheckpointError, ConfigError, TrainingError } from '../../src/errors.js';
import { memoryStore } from '../../src/io/memory-store.js';
import { parseManifest, manifestChecksum } from '../../src/io/checkpoint-manifest.js';
import type { Penalty, PenaltyInputs } from '../../src/losses/penalty.js';
import { LECAM_DEFAULTS, lecam, penaltyByName } from '../../src/losses/penalties/index.js';
import { Discriminator, Generator } from '../../src/nets/index.js';
import { Trainer } from '../../src/train/trainer.js';
import { TEST_BACKENDS, switchBackend } from '../helpers/backends.js';
import { expectLeakFree } from '../helpers/leaks.js';
import { PoisoningSgd } from '../helpers/poisoning-optimizer.js';
import { disposeAll } from '../helpers/trainers.js';

const REAL = [1.5, -0.5, 2, 0.25];
const FAKE = [-1, 0.75, -2.5, 0.5];
const mean = (v: readonly number[]): number => v.reduce((a, b) => a + b, 0) / v.length;
const relu = (x: number): number => Math.max(0, x);

/** The penalty's inputs with given logits (it reads nothing else). */
function inputs(realLogits: tf.Tensor, fakeLogits: tf.Tensor): PenaltyInputs {
  const unused = tf.zeros([1]);
  return { discriminator: { logits: () => unused }, realSamples: unused, fakeSamples: unused, realLogits, fakeLogits, step: 0, seed: 0 };
}

/** λ·(mean relu(r − αF)² + mean relu(αR − f)²), in plain numbers. */
function byHand(weight: number, real: readonly number[], fake: readonly number[], anchorReal: number, anchorFake: number): number {
  const realTerm = mean(real.map((r) => relu(r - anchorFake) ** 2));
  const fakeTerm = mean(fake.map((f) => relu(anchorReal - f) ** 2));
  return weight * (realTerm + fakeTerm);
}

function valueOf(penalty: Penalty, real: readonly number[], fake: readonly number[]): number {
  return tf.tidy(() => penalty.compute(inputs(tf.tensor1d([...real]), tf.tensor1d([...fake])))!.dataSync()[0]);
}

describe.each(TEST_BACKENDS)('penalties.lecam on %s', (backend) => {
  beforeAll(async () => {
    await switchBackend(backend);
  });

  it('on its first update the anchors are the batch means (debiased); later the debiased moving averages', () => {
    const penalty = lecam({ weight: 0.5, decay: 0.5 });
    expect(penalty.config).toEqual({ weight: 0.5, decay: 0.5 });
    expect(valueOf(penalty, REAL, FAKE)).toBeCloseTo(byHand(0.5, REAL, FAKE, mean(REAL), mean(FAKE)), 5);
    penalty.state!.observe({ realScore: 1, fakeScore: -1, step: 0 });
    expect(penalty.state!.get()).toEqual({ real: 0.5, fake: -0.5, updates: 1 });
    // Second update: (0.5·0.5 + 0.5·batch mean) / (1 − 0.5²).
    const anchorReal = (0.25 + 0.5 * mean(REAL)) / 0.75;
    const anchorFake = (-0.25 + 0.5 * mean(FAKE)) / 0.75;
    expect(valueOf(penalty, REAL, FAKE)).toBeCloseTo(byHand(0.5, REAL, FAKE, anchorReal, anchorFake), 5);
    // Logits of shape [batch, 1] (what discriminators return) give the same value.
    const column = tf.tidy(() => penalty.compute(inputs(tf.tensor2d(REAL, [4, 1]), tf.tensor2d(FAKE, [4, 1])))!.dataSync()[0]);
    expect(column).toBeCloseTo(byHand(0.5, REAL, FAKE, anchorReal, anchorFake), 5);
  });

  it('the anchors are constants to the gradient: ∂/∂r_i = 2λ·relu(r_i − αF)/n, ∂/∂f_i = −2λ·relu(αR − f_i)/n', () => {
    const weight = 0.3;
    const penalty = lecam({ weight });
    const [gradReal, gradFake] = tf.tidy(() =>
      tf.grads((r: tf.Tensor, f: tf.Tensor) => penalty.compute(inputs(r, f))!)([tf.tensor1d(REAL), tf.tensor1d(FAKE)]).map((g) => Array.from(g.dataSync())),
    );
    const n = REAL.length;
    REAL.forEach((r, i) => expect(gradReal[i]).toBeCloseTo((2 * weight * relu(r - mean(FAKE))) / n, 5));
    FAKE.forEach((f, i) => expect(gradFake[i]).toBeCloseTo((-2 * weight * relu(mean(REAL) - f)) / n, 5));
  });

  it('computing it leaks no tensors', async () => {
    const penalty = lecam();
    const real = tf.tensor1d(REAL);
    const fake = tf.tensor1d(FAKE);
    const given = inputs(real, fake);
    await expectLeakFree(() => tf.dispose(penalty.compute(given)!));
    tf.dispose([real, fake, given.realSamples]);
  });
});

describe('penalties.lecam options and state', () => {
  it('defaults, registry round trip, and options refused by name', () => {
    expect(lecam().config).toEqual({ weight: LECAM_DEFAULTS.weight, decay: LECAM_DEFAULTS.decay });
    const copy = penaltyByName('lecam', { weight: 0.1, decay: 0.9 });
    expect([copy.name, copy.config]).toEqual(['lecam', { weight: 0.1, decay: 0.9 }]);
    expect(copy.state?.get()).toEqual({ real: 0, fake: 0, updates: 0 });
    expect(() => lecam({ weight: -1 })).toThrow(/penalties\.lecam: 'weight' must be a finite number >= 0, received -1/);
    expect(() => lecam({ decay: 1 })).toThrow(/penalties\.lecam: 'decay' must be a number in \[0, 1\), received 1/);
    expect(() => lecam({ gamma: 1 } as never)).toThrow(/unknown option 'gamma'/);
  });

  it.each([
    [{ real: 'x', fake: 0, updates: 0 }, /'real' must be a finite number, received "x"/],
    [{ real: 0, fake: Number.NaN, updates: 0 }, /'fake' must be a finite number, received NaN/],
    [{ real: 0, fake: 0, updates: -1 }, /'updates' must be an integer >= 0, received -1/],
    [{ real: 0, fake: 0 }, /'updates' must be an integer >= 0, received undefined/],
  ])('set(%j) is refused by name and changes nothing', (state, message) => {
    const penalty = lecam();
    penalty.state!.observe({ realScore: 2, fakeScore: -2, step: 0 });
    const before = penalty.state!.get();
    expect(() => penalty.state!.set(state)).toThrow(ConfigError);
    expect(() => penalty.state!.set(state)).toThrow(message);
    expect(penalty.state!.get()).toEqual(before);
  });
});

describe('penalties.lecam in the Trainer (cpu)', () => {
  let ring: Dataset;
  beforeAll(async () => {
    await switchBackend('cpu');
    ring = await toy2d('ring', { count: 128 });
  });
  afterAll(() => ring.dispose());
  afterEach(() => tf.disposeVariables());

  const makeTrainer = (discriminatorSteps = 1, penalties: Penalty[] = [lecam({ weight: 0.5, decay: 0.9 })]): Trainer =>
    new Trainer({
      generator: Generator.mlp({ outputShape: [2], latentDim: 4, hiddenUnits: [16], seed: 1 }),
      discriminator: Discriminator.mlp({ inputShape: [2], hiddenUnits: [16], seed: 2 }),
      penalties,
      discriminatorSteps,
      seed: 3,
    });

  it('folds in the mean logits of every applied discriminator update, and logs its value', async () => {
    const trainer = makeTrainer();
    const history = await trainer.fit(ring, { steps: 4, batchSize: 16 });
    let real = 0;
    let fake = 0;
    for (const logs of history.logs) {
      real = 0.9 * real + 0.1 * logs.realScore;
      fake = 0.9 * fake + 0.1 * logs.fakeScore;
      expect(logs.penalties.lecam).toBeGreaterThanOrEqual(0);
    }
    const state = trainer.penalties[0].state!.get();
    expect(state.updates).toBe(4);
    expect(state.real).toBeCloseTo(real, 12);
    expect(state.fake).toBeCloseTo(fake, 12);
    // Two discriminator updates per step: two observations per step.
    const twice = makeTrainer(2);
    await twice.fit(ring, { steps: 3, batchSize: 16 });
    expect(twice.penalties[0].state!.get().updates).toBe(6);
    disposeAll(trainer, twice);
  });

  it('a resumed run continues exactly: the averages are saved in the checkpoint and restored by name', async () => {
    const original = makeTrainer();
    await original.fit(ring, { steps: 3, batchSize: 16 });
    const store = memoryStore();
    await original.save(store);
    const loaded = await Trainer.load(store);
    expect(loaded.penalties[0].state!.get()).toEqual(original.penalties[0].state!.get());
    // A fresh lecam passed to load (as for custom penalties) gets the saved state too.
    const given = await Trainer.load(store, { penalties: [lecam({ weight: 0.5, decay: 0.9 })] });
    expect(given.penalties[0].state!.get()).toEqual(original.penalties[0].state!.get());
    const a = await original.fit(ring, { steps: 3, batchSize: 16 });
    const b = await loaded.fit(ring, { steps: 3, batchSize: 16 });
    expect(b.logs.map((l) => [l.dLoss, l.gLoss, l.penalties.lecam])).toEqual(a.logs.map((l) => [l.dLoss, l.gLoss, l.penalties.lecam]));
    expect(loaded.penalties[0].state!.get()).toEqual(original.penalties[0].state!.get());
    disposeAll(original, loaded, given);
  });

  it('a corrupt state is refused with a CheckpointError naming the field', async () => {
    const trainer = makeTrainer();
    await trainer.fit(ring, { steps: 1, batchSize: 16 });
    const saved = await trainer.getConfig();
    const bad = { ...saved.config, penalties: [{ ...saved.config.penalties[0], state: { real: 0, fake: 0, updates: 0.5 } }] };
    await expect(Trainer.fromConfig(bad, saved.tensors)).rejects.toThrow(CheckpointError);
    await expect(Trainer.fromConfig(bad, saved.tensors)).rejects.toThrow(
      /the state of penalty "lecam" cannot be restored: penalties\.lecam state: 'updates' must be an integer >= 0, received 0\.5/,
    );
    // In a manifest, the schema refuses a value that is not a finite number before anything is built.
    const manifest = await (async () => {
      const store = memoryStore();
      await trainer.save(store);
      return JSON.parse(new TextDecoder().decode((await store.read('gan.json'))!)) as Record<string, unknown>;
    })();
    const { checksum: _old, ...content }: Record<string, unknown> = { ...manifest, penalties: [{ name: 'lecam', config: {}, state: { real: 'high' } }] };
    const bytes = new TextEncoder().encode(JSON.stringify({ ...content, checksum: manifestChecksum(content) }));
    expect(() => parseManifest('runs/x', bytes)).toThrow(/field 'penalties\[0\].state.real' must be a finite number, received "high"/);
    saved.dispose();
    disposeAll(trainer);
  });

  it('a failed step leaves the averages as after the last good step (undone with the weights)', async () => {
    // From its third update the generator's optimizer writes Infinity into a weight (PoisoningSgd): the
    // step fails after its discriminator update was applied and observed, and must undo that too.
    const trainer = new Trainer({
      generator: Generator.mlp({ outputShape: [2], latentDim: 4, hiddenUnits: [16], seed: 1 }),
      discriminator: Discriminator.mlp({ inputShape: [2], hiddenUnits: [16], seed: 2 }),
      generatorOptimizer: new PoisoningSgd(1e-3),
      penalties: [lecam()],
      seed: 3,
    });
    let good = trainer.penalties[0].state!.get();
    const onStepEnd = (): void => void (good = trainer.penalties[0].state!.get());
    const error = await trainer.fit(ring, { steps: 5, batchSize: 16, callbacks: [{ onStepEnd }] }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TrainingError);
    expect((error as TrainingError).step).toBe(3);
    expect(good.updates).toBe(2);
    expect(trainer.penalties[0].state!.get()).toEqual(good);
    disposeAll(trainer);
  });
});
