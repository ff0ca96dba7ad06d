/**
 * Helpers for checking gradients of gradients against finite differences: the gradient-penalty quantity
 * `P(t) = sum(grad F(t)^2)` and its gradient, by tfjs's double backprop and by central differences of
 * tfjs's first gradient (accumulated in float64).
 */
import * as tf from '@tensorflow/tfjs';

import { pseudoRandom } from './conv-reference.js';

/** A scalar function of one flat parameter vector. */
export type ScalarFunction = (t: tf.Tensor) => tf.Scalar;

/**
 * `count` values of magnitude in [0.3, 1.2], evenly spaced per sign and shuffled: far from 0 (the kink of
 * relu-like activations) and from each other (no ties in max pooling), so that a finite-difference step
 * of 1e-2 crosses no kink.
 */
export function spacedValues(count: number, seed: number): Float32Array {
  const values = new Float32Array(count);
  const half = Math.ceil(count / 2);
  for (let k = 0; k < count; k++) {
    const rank = Math.floor(k / 2);
    const magnitude = 0.3 + (0.9 * rank) / Math.max(half - 1, 1);
    values[k] = k % 2 === 0 ? magnitude : -magnitude;
  }
  const order = pseudoRandom(count, seed);
  for (let i = count - 1; i > 0; i--) {
    const j = Math.floor(((order[i] + 1) / 2) * (i + 1)) % (i + 1);
    [values[i], values[j]] = [values[j], values[i]];
  }
  return values;
}

/** Splits a flat vector into tensors of the given shapes (in order). */
export function pieces(t: tf.Tensor, shapes: readonly number[][]): tf.Tensor[] {
  const out: tf.Tensor[] = [];
  let offset = 0;
  for (const shape of shapes) {
    const size = shape.reduce((a, b) => a * b, 1);
    out.push(tf.reshape(tf.slice(t, offset, size), shape));
    offset += size;
  }
  return out;
}

/** Total number of elements of the shapes. */
export function totalSize(shapes: readonly number[][]): number {
  return shapes.reduce((sum, shape) => sum + shape.reduce((a, b) => a * b, 1), 0);
}

/** `sum(r * sin(y))` with fixed pseudo-random weights `r`: a smooth, non-symmetric read-out of `y`. */
export function readOut(y: tf.Tensor, seed = 99): tf.Scalar {
  const r = tf.tensor(pseudoRandom(y.size, seed), y.shape);
  return tf.sum(tf.mul(tf.sin(y), r));
}

function read(t: tf.Tensor): Float64Array {
  const values = Float64Array.from(t.dataSync());
  t.dispose();
  return values;
}

/** tfjs's gradient of `F` at `t`. */
export function firstGradient(f: ScalarFunction, t: Float32Array): Float64Array {
  return read(tf.tidy(() => tf.grad(f)(tf.tensor1d(t))));
}

/** tfjs's double backprop: the gradient of `P(t) = sum(grad F(t)^2)`. */
export function penaltyGradient(f: ScalarFunction, t: Float32Array): Float64Array {
  return read(
    tf.tidy(() => tf.grad((x: tf.Tensor) => tf.sum(tf.square(tf.grad(f)(x))))(tf.tensor1d(t))),
  );
}

/**
 * The gradient of `P(t) = sum(grad F(t)^2)` from central differences of the first gradient:
 * `dP/dt_i = 2 grad F(t) . (grad F(t + h e_i) - grad F(t - h e_i)) / 2h`.
 */
export function penaltyGradientByDifferences(f: ScalarFunction, t: Float32Array, h = 1e-2): Float64Array {
  const g0 = firstGradient(f, t);
  const out = new Float64Array(t.length);
  for (let i = 0; i < t.length; i++) {
    const plus = Float32Array.from(t);
    const minus = Float32Array.from(t);
    plus[i] += h;
    minus[i] -= h;
    const step = plus[i] - minus[i];
    const gPlus = firstGradient(f, plus);
    const gMinus = firstGradient(f, minus);
    let dot = 0;
    for (let j = 0; j < g0.length; j++) dot += g0[j] * (gPlus[j] - gMinus[j]);
    out[i] = (2 * dot) / step;
  }
  return out;
}

/** `||a - b|| / ||b||` (Euclidean norms). */
export function normRelativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) return Number.POSITIVE_INFINITY;
  let diff = 0;
  let ref = 0;
  for (let i = 0; i < expected.length; i++) {
    diff += (actual[i] - expected[i]) ** 2;
    ref += expected[i] ** 2;
  }
  return Math.sqrt(diff) / Math.max(Math.sqrt(ref), 1e-30);
}
