/**
 * The gradients of `Sum` and `Mean` with ones the backend fills (src/backend/gradients/reduction-
 * gradients.ts): exactly tfjs's values on cpu and wasm, for any axes and ranks, differentiable again
 * (gradient penalties), and no tensor of ones built in JavaScript.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';

import { useBackend } from '../../src/backend/index.js';
import { activeSecondOrderGradients, revertSecondOrderGradients } from '../../src/backend/gradients/index.js';
import { pseudoRandom } from './conv-reference.js';
import { kernelCallsDuring } from './kernel-test-utils.js';

/** Gradients of sums and means of `x` over several axes, as flat arrays. */
function gradients(x: tf.Tensor): number[][] {
  const weights = tf.tensor(pseudoRandom(x.size, 2), x.shape);
  const out: number[][] = [];
  for (const axis of [0, [0, 1, 2], -1, undefined, [1, 3]] as const) {
    for (const reduce of [tf.sum, tf.mean]) {
      const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(reduce(tf.mul(t, weights), axis as number | number[] | undefined, true), 3)))(x);
      out.push(Array.from(g.dataSync()));
      g.dispose();
    }
  }
  weights.dispose();
  return out;
}

describe.each(['cpu', 'wasm'] as const)('Sum and Mean gradients on %s', (backendName) => {
  afterAll(async () => {
    await useBackend(backendName); // registers tfjs-gan's gradients again
  });

  it("are tfjs's values exactly, and differentiable again", async () => {
    await useBackend(backendName);
    expect(activeSecondOrderGradients()).toEqual(expect.arrayContaining(['Sum', 'Mean']));
    const x = tf.tensor(pseudoRandom(2 * 3 * 4 * 5, 1), [2, 3, 4, 5]);
    const ours = gradients(x);
    revertSecondOrderGradients();
    const tfjs = gradients(x);
    await useBackend(backendName);
    expect(ours).toEqual(tfjs);
    // A gradient of a gradient through the mean (as a penalty on a batch statistic would take).
    const second = tf.grad((t: tf.Tensor) => tf.sum(tf.square(tf.grad((u: tf.Tensor) => tf.sum(tf.square(tf.mean(tf.square(u), 0))))(t))))(x);
    expect(second.dataSync().every(Number.isFinite)).toBe(true);
    tf.dispose([x, second]);
  });

  it('fill their ones on the backend (OnesLike) instead of building them in JavaScript, at any rank', async () => {
    await useBackend(backendName);
    const x = tf.tensor(pseudoRandom(64 * 8, 3), [64, 8]);
    for (const reduce of [tf.sum, tf.mean]) {
      const fills = kernelCallsDuring(backendName, ['OnesLike'], () => tf.grad((t: tf.Tensor) => reduce(t, 0).sum())(x).dispose());
      expect(fills).toBe(2);
    }
    // Rank 5, and a gradient of that gradient.
    const five = tf.tensor(pseudoRandom(2 * 3 * 2 * 2 * 2, 4), [2, 3, 2, 2, 2]);
    const penalty = tf.grad((t: tf.Tensor) => tf.sum(tf.square(tf.grad((u: tf.Tensor) => tf.sum(tf.square(tf.mean(tf.square(u), [0, 4]))))(t))))(five);
    expect(penalty.shape).toEqual([2, 3, 2, 2, 2]);
    expect(penalty.dataSync().every(Number.isFinite)).toBe(true);
    tf.dispose([x, five, penalty]);
  });
});
