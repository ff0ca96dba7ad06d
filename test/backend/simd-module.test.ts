/**
 * tfjs-gan's SIMD128 module (src/backend/simd/kernels.c) on the wasm heap: it loads and imports the
 * backend's memory, its Adam update writes tfjs's Adam bit for bit, its axis swap is exact, its finiteness
 * check finds every NaN and infinity wherever it lies (and no false one in huge values), and the
 * embedded bytes are those that build.sh makes from kernels.c (CI installs Debian's clang and lld for
 * that check). Its filter gradient and pixel shuffle are tested with the other convolution gradients
 * (conv2d-backprop-filter.test.ts, conv2d-backprop-input.test.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

import { useBackend } from '../../src/backend/index.js';
import { simdAdamUpdate, simdNonFiniteSum, simdSwapFirstLastAxes } from '../../src/backend/simd/simd-module.js';
import { nonFiniteFlag } from '../../src/train/update-guard.js';
import { CLANG, CLANG_19, LLD, LLD_19, LLVM_19, assertPackages, skipWithout } from '../helpers/debian.js';

/** tfjs's Adam update of one variable with tfjs ops: new value, m and v. */
function reference(value: tf.Tensor, gradient: tf.Tensor, m: tf.Tensor, v: tf.Tensor, lr: number, b1: number, b2: number, c1: number, c2: number, eps: number): tf.Tensor[] {
  return tf.tidy(() => {
    const m1 = tf.add(tf.mul(m, b1), tf.mul(gradient, 1 - b1));
    const v1 = tf.add(tf.mul(v, b2), tf.mul(tf.square(gradient), 1 - b2));
    const mHat = tf.div(m1, tf.scalar(c1));
    const vHat = tf.div(v1, tf.scalar(c2));
    return [tf.add(tf.mul(tf.div(mHat, tf.add(tf.sqrt(vHat), eps)), -lr), value), m1, v1];
  });
}

describe('the SIMD128 module', () => {
  beforeAll(async () => {
    await useBackend('wasm');
  });

  it('runs Adam on the wasm heap, equal to tfjs\'s Adam bit for bit, including the tail of odd sizes', () => {
    const f = Math.fround;
    for (const size of [1, 7, 1024, 40_001]) {
      const value = tf.randomNormal([size], 0, 1, 'float32', 1);
      const gradient = tf.mul(tf.randomNormal([size], 0, 1, 'float32', 2), 1e-3);
      const m = tf.mul(tf.randomNormal([size], 0, 1, 'float32', 3), 1e-3);
      const v = tf.abs(tf.mul(tf.randomNormal([size], 0, 1, 'float32', 4), 1e-6));
      const [lr, b1, b2, eps] = [2e-4, 0.5, 0.999, 1e-7];
      const [c1, c2] = [f(1 - f(b1 ** 3)), f(1 - f(b2 ** 3))];
      const outputs = [tf.zeros([size]), tf.zeros([size]), tf.zeros([size])];
      const ran = simdAdamUpdate(tf.backend(), [value, gradient, m, v, ...outputs], size, {
        beta1: f(b1), keep1: f(1 - b1), beta2: f(b2), keep2: f(1 - b2), correction1: c1, correction2: c2, epsilon: f(eps), step: f(-lr),
      });
      expect(ran).toBe(true);
      const expected = reference(value, gradient, m, v, lr, b1, b2, c1, c2, eps);
      outputs.forEach((o, i) => expect(Array.from(o.dataSync()), `size ${size}, output ${i}`).toEqual(Array.from(expected[i].dataSync())));
      tf.dispose([value, gradient, m, v, ...outputs, ...expected]);
    }
  });

  it('finds a NaN or an infinity at any position of tensors of any size, and none in finite values near the float32 limit', () => {
    let seed = 12345;
    const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const sizes = [0, 1, 3, 4, 5, 15, 16, 17, 31, 33, 64, 1000, 65_537];
    for (let trial = 0; trial < 60; trial++) {
      const size = trial < sizes.length ? sizes[trial] : 1 + Math.floor(random() * 5000);
      // Finite values up to 3e38: a plain sum would overflow to Infinity; x - x does not.
      const values = Float32Array.from({ length: size }, () => (random() - 0.5) * (trial % 2 ? 6e38 : 2));
      const clean = tf.tensor1d(values);
      expect(simdNonFiniteSum(tf.backend(), [clean]), `size ${size}, finite`).toBe(0);
      for (const bad of [NaN, Infinity, -Infinity]) {
        if (size === 0) continue;
        const at = trial % 3 === 0 ? size - 1 : Math.floor(random() * size);
        const dirty = values.slice();
        dirty[at] = bad;
        const tensor = tf.tensor1d(dirty);
        expect(simdNonFiniteSum(tf.backend(), [clean, tensor]), `size ${size}, ${bad} at ${at}`).toBeNaN();
        // The step's flag agrees with tfjs's kernels (sum of x - x), which it replaces on wasm.
        const flag = nonFiniteFlag([clean, tensor]);
        const expected = tf.tidy(() => tf.addN([clean, tensor].map((t) => tf.sum(tf.sub(t, t)))));
        expect(flag.dataSync()[0]).toBeNaN();
        expect(expected.dataSync()[0]).toBeNaN();
        tf.dispose([tensor, flag, expected]);
      }
      clean.dispose();
    }
    // Integer tensors are not the module's to read: the caller falls back to tfjs's kernels.
    const ints = tf.tensor1d([1, 2], 'int32');
    expect(simdNonFiniteSum(tf.backend(), [ints])).toBeUndefined();
    const flag = nonFiniteFlag([ints]);
    expect(flag.dataSync()[0]).toBe(0);
    tf.dispose([ints, flag]);
  });

  it('swaps the first and last axes exactly, in 4 x 4 blocks and element by element', () => {
    for (const shape of [[8, 3, 5, 12], [4, 1, 1, 4], [3, 2, 2, 5], [64, 14, 14, 64]]) {
      const size = shape.reduce((a, b) => a * b, 1);
      const x = tf.tensor(Float32Array.from({ length: size }, (_, i) => i * 0.5 - 7), shape);
      const out = tf.zeros([shape[3], shape[1], shape[2], shape[0]]);
      expect(simdSwapFirstLastAxes(tf.backend(), out, x)).toBe(true);
      const expected = tf.transpose(x, [3, 1, 2, 0]);
      expect(Array.from(out.dataSync()), `${shape}`).toEqual(Array.from(expected.dataSync()));
      tf.dispose([x, out, expected]);
    }
  });

  // Rebuilding needs Debian's clang and lld (SIMD128 builds) and clang-19, lld-19 and llvm-19 (relaxed-SIMD
  // builds): CI installs them (.ci/run); elsewhere the check skips without.
  it.skipIf(skipWithout(CLANG, LLD, CLANG_19, LLD_19, LLVM_19))('is embedded as build.sh makes it from kernels.c, all four builds', () => {
    const dir = fileURLToPath(new URL('../../src/backend/simd/', import.meta.url));
    assertPackages(CLANG, LLD, CLANG_19, LLD_19, LLVM_19);
    const copy = mkdtempSync(join(tmpdir(), 'tfjs-gan-simd-'));
    cpSync(dir, copy, { recursive: true });
    execFileSync('sh', [join(copy, 'build.sh')], { stdio: 'pipe' });
    expect(readFileSync(join(copy, 'kernels-wasm.ts'), 'utf8')).toBe(readFileSync(join(dir, 'kernels-wasm.ts'), 'utf8'));
  });
});
