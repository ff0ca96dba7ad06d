/**
 * The fused Adam update: bit-identical to tf.train.adam on wasm and cpu, one kernel per variable instead of
 * a dozen, the same saved state, and no leak.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';

import { useBackend } from '../../src/backend/index.js';
import { ADAM_UPDATE_KERNEL, FusedAdamOptimizer, fusedAdam } from '../../src/train/fused-adam.js';
import { expectLeakFree } from '../helpers/leaks.js';

/** Runs `steps` updates of `optimizer` on a small quadratic problem; returns the variables' values. */
function train(optimizer: tf.Optimizer, steps: number, seed: number): number[][] {
  const a = tf.variable(tf.randomNormal([37, 5], 0, 1, 'float32', seed));
  const b = tf.variable(tf.randomNormal([5], 0, 1, 'float32', seed + 1));
  const x = tf.randomNormal([16, 37], 0, 1, 'float32', seed + 2);
  for (let i = 0; i < steps; i++) {
    optimizer.minimize(() => tf.sum(tf.square(tf.sub(tf.add(tf.matMul(x, a), b), 0.3))));
  }
  const values = [Array.from(a.dataSync()), Array.from(b.dataSync())];
  tf.dispose([a, b, x]);
  return values;
}

describe('fusedAdam', () => {
  for (const backend of ['wasm', 'cpu'] as const) {
    it(`on ${backend}: bit-identical to tf.train.adam over many steps and settings`, async () => {
      await useBackend(backend);
      for (const [lr, beta1, beta2, epsilon] of [
        [2e-4, 0.5, 0.999, undefined],
        [1e-3, 0, 0.99, undefined],
        [0.05, 0.9, 0.999, 1e-7],
      ] as const) {
        const reference = tf.train.adam(lr, beta1, beta2, epsilon);
        const fused = fusedAdam(lr, beta1, beta2, epsilon);
        expect(train(fused, 25, 3), `lr ${lr} beta1 ${beta1}`).toEqual(train(reference, 25, 3));
        // The saved moments match too.
        const [fusedWeights, referenceWeights] = [await fused.getWeights(), await reference.getWeights()];
        expect(fusedWeights.map((w) => w.name.replace(/\d+/g, ''))).toEqual(referenceWeights.map((w) => w.name.replace(/\d+/g, '')));
        fusedWeights.forEach((w, i) => expect(Array.from(w.tensor.dataSync())).toEqual(Array.from(referenceWeights[i].tensor.dataSync())));
        fused.dispose();
        reference.dispose();
      }
    });
  }

  it('runs one kernel per variable on wasm, and is saved as Adam', async () => {
    await useBackend('wasm');
    const optimizer = fusedAdam(1e-3);
    expect(optimizer).toBeInstanceOf(FusedAdamOptimizer);
    expect(optimizer.getClassName()).toBe('Adam');
    const w = tf.variable(tf.ones([64, 64]));
    const profile = await tf.profile(() => {
      optimizer.minimize(() => tf.sum(tf.square(w)));
    });
    const names = profile.kernels.map((k) => k.name);
    expect(names.filter((n) => n === ADAM_UPDATE_KERNEL)).toHaveLength(1);
    expect(names.filter((n) => n === 'Sqrt')).toHaveLength(0);
    tf.dispose(w);
    optimizer.dispose();
  });

  it('takes the state of tf.train.adam and continues identically to it', async () => {
    await useBackend('wasm');
    const reference = tf.train.adam(1e-2, 0.5, 0.999);
    train(reference, 5, 7);
    const state = await reference.getWeights();
    const fused = fusedAdam(1e-2, 0.5, 0.999);
    await fused.setWeights(state.map((s) => ({ name: s.name, tensor: tf.clone(s.tensor) })));
    const again = tf.train.adam(1e-2, 0.5, 0.999);
    await again.setWeights(state.map((s) => ({ name: s.name, tensor: tf.clone(s.tensor) })));
    expect(train(fused, 5, 8)).toEqual(train(again, 5, 8));
    [reference, fused, again].forEach((o) => o.dispose());
  });

  it('refuses a variable that is not float32, naming it', async () => {
    await useBackend('wasm');
    const optimizer = fusedAdam(1e-3);
    const w = tf.variable(tf.tensor1d([1, 2], 'int32'), true, 'counts');
    expect(() => optimizer.applyGradients([{ name: 'counts', tensor: tf.tensor1d([1, 1], 'int32') }])).toThrow(
      /fusedAdam: variable 'counts' and its gradient must be float32, received "int32" and "int32"/,
    );
    tf.dispose(w);
    optimizer.dispose();
  });

  it('leaks nothing', async () => {
    await useBackend('wasm');
    const optimizer = fusedAdam(1e-3);
    const w = tf.variable(tf.randomNormal([10, 10]));
    await expectLeakFree(() => optimizer.minimize(() => tf.sum(tf.square(w))));
    tf.dispose(w);
    optimizer.dispose();
  });
});
