import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { color, cutout, diffAugment, flip, translation } from '../../src/augment/index.js';
import { ConfigError, ShapeError } from '../../src/errors.js';
import { Generator } from '../../src/nets/index.js';
import { TEST_BACKENDS, switchBackend } from '../helpers/backends.js';
import { gradientVsFiniteDifferences, maxRelativeError } from '../helpers/finite-differences.js';
import { expectLeakFree } from '../helpers/leaks.js';

/** Images whose pixel values are distinct: value = 1 + b·100 + i·10 + j. */
function ramp(batch: number, size: number): tf.Tensor4D {
  const values: number[] = [];
  for (let b = 0; b < batch; b++) for (let i = 0; i < size; i++) for (let j = 0; j < size; j++) values.push(1 + b * 100 + i * 10 + j);
  return tf.tensor4d(values, [batch, size, size, 1]);
}

describe.each(TEST_BACKENDS)('DiffAugment on %s', (backend) => {
  beforeAll(async () => {
    await switchBackend(backend);
  });
  afterEach(() => tf.disposeVariables());

  it('translation shifts each image by whole pixels (at most 1/8 of the size), filling with zeros', () => {
    const images = ramp(6, 8);
    const moved = translation(images, 3).arraySync() as number[][][][];
    let shifted = 0;
    for (let b = 0; b < 6; b++) {
      // Find the shift from any surviving pixel: value v at (i, j) came from ((v-1-100b) / 10, (v-1-100b) % 10).
      let dy = 0;
      let dx = 0;
      let found = false;
      for (let i = 0; i < 8 && !found; i++) {
        for (let j = 0; j < 8 && !found; j++) {
          const v = moved[b][i][j][0];
          if (v !== 0) {
            dy = i - Math.floor((v - 1 - 100 * b) / 10);
            dx = j - ((v - 1 - 100 * b) % 10);
            found = true;
          }
        }
      }
      expect(Math.abs(dy) <= 1 && Math.abs(dx) <= 1).toBe(true);
      if (dy !== 0 || dx !== 0) shifted++;
      for (let i = 0; i < 8; i++) {
        for (let j = 0; j < 8; j++) {
          const si = i - dy;
          const sj = j - dx;
          const inside = si >= 0 && si < 8 && sj >= 0 && sj < 8;
          expect(moved[b][i][j][0]).toBe(inside ? 1 + 100 * b + 10 * si + sj : 0);
        }
      }
    }
    expect(shifted).toBeGreaterThan(0);
  });

  it('cutout zeroes one square of half the size per image (clipped at the border) and keeps the rest', () => {
    const images = tf.ones([8, 8, 8, 2]) as tf.Tensor4D;
    const out = cutout(images, 5).arraySync() as number[][][][];
    for (let b = 0; b < 8; b++) {
      const zeros: [number, number][] = [];
      for (let i = 0; i < 8; i++) for (let j = 0; j < 8; j++) if (out[b][i][j][0] === 0) zeros.push([i, j]);
      const is = zeros.map((z) => z[0]);
      const js = zeros.map((z) => z[1]);
      const height = Math.max(...is) - Math.min(...is) + 1;
      const width = Math.max(...js) - Math.min(...js) + 1;
      expect(zeros.length).toBe(height * width); // a rectangle
      expect(height <= 4 && width <= 4 && height >= 1 && width >= 1).toBe(true);
      if (Math.min(...is) > 0 && Math.max(...is) < 7) expect(height).toBe(4);
      for (const [i, j] of zeros) expect(out[b][i][j][1]).toBe(0);
    }
  });

  it('color changes brightness, saturation and contrast per image, one draw per image', () => {
    const images = tf.randomUniform([4, 4, 4, 3], -1, 1, 'float32', 1) as tf.Tensor4D;
    const out = color(images, 9);
    expect(out.shape).toEqual([4, 4, 4, 3]);
    const diff = tf.sub(out, images);
    expect(tf.max(tf.abs(diff)).dataSync()[0]).toBeGreaterThan(0.01);
    // A constant grey image stays constant (saturation and contrast act around means): only brightness moves it.
    const grey = color(tf.fill([2, 3, 3, 3], 0.25) as tf.Tensor4D, 9).arraySync() as number[][][][];
    for (const image of grey) for (const row of image) for (const px of row) for (const v of px) expect(v).toBeCloseTo(image[0][0][0], 5);
    expect(Math.abs(grey[0][0][0][0] - 0.25)).toBeLessThanOrEqual(0.5);
  });

  it('flip mirrors each image left to right or leaves it, one draw per image, about half of them', () => {
    const images = ramp(64, 5);
    const out = flip(images, 11).arraySync() as number[][][][];
    const source = images.arraySync() as number[][][][];
    let mirrored = 0;
    for (let b = 0; b < 64; b++) {
      const isMirrored = out[b][0][0][0] === source[b][0][4][0];
      if (isMirrored) mirrored++;
      for (let i = 0; i < 5; i++) {
        for (let j = 0; j < 5; j++) expect(out[b][i][j][0]).toBe(source[b][i][isMirrored ? 4 - j : j][0]);
      }
    }
    expect(mirrored).toBeGreaterThan(16);
    expect(mirrored).toBeLessThan(48);
    expect(flip(images, 11, 0).arraySync()).toEqual(source);
    const all = flip(images, 11, 1).arraySync() as number[][][][];
    expect(all[3][2].map((px) => px[0])).toEqual([...source[3][2].map((px) => px[0])].reverse());
    for (const bad of [-0.1, 1.5, Number.NaN]) expect(() => flip(images, 1, bad)).toThrow(/flip: 'probability' must be a number in \[0, 1\]/);
  });

  it('adding flip keeps the other augmentations as they were: the same seed gives the same translation, cutout and color', () => {
    const images = tf.randomUniform([6, 8, 8, 3], -1, 1, 'float32', 3);
    const without = diffAugment(images, ['color', 'translation', 'cutout'], 5);
    const withFlip = diffAugment(images, ['color', 'translation', 'cutout', 'flip'], 5);
    const a = without.arraySync() as number[][][][];
    const b = withFlip.arraySync() as number[][][][];
    let mirrored = 0;
    for (let n = 0; n < 6; n++) {
      const same = JSON.stringify(a[n]) === JSON.stringify(b[n]);
      const reversed = JSON.stringify(a[n].map((row) => [...row].reverse())) === JSON.stringify(b[n]);
      expect(same || reversed).toBe(true);
      if (!same) mirrored++;
    }
    expect(mirrored).toBeGreaterThan(0);
  });

  it('is seeded: the same seed gives the same augmentation, another seed a different one', () => {
    const images = tf.randomUniform([4, 8, 8, 3], -1, 1, 'float32', 2);
    const policy = ['color', 'translation', 'cutout'] as const;
    const a = diffAugment(images, policy, 42).dataSync();
    const b = diffAugment(images, policy, 42).dataSync();
    const c = diffAugment(images, policy, 43).dataSync();
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
  });

  it('passes gradients to the generator (they match finite differences)', () => {
    const generator = Generator.mlp({ outputShape: [8, 8, 1], latentDim: 3, hiddenUnits: [6], seed: 4 });
    const latents = tf.randomNormal([4, 3], 0, 1, 'float32', 5);
    const weights = tf.randomNormal([1, 8, 8, 1], 0, 1, 'float32', 6);
    // A fixed linear "discriminator" on the augmented images.
    const f = () =>
      tf.tidy(() => tf.sum(tf.mul(diffAugment(generator.generate(latents, undefined, true), ['color', 'translation', 'cutout', 'flip'], 7), weights)) as tf.Scalar);
    const { analytic, numeric } = gradientVsFiniteDifferences(f, generator.trainableVariables);
    expect(analytic.filter((g) => Math.abs(g) > 1e-4).length).toBeGreaterThan(analytic.length / 2);
    expect(maxRelativeError(analytic, numeric)).toBeCloseTo(0, 2);
    generator.dispose();
  });

  it('leaks no tensors, inside and outside a gradient tape', async () => {
    const images = tf.randomUniform([4, 8, 8, 3], -1, 1, 'float32', 2);
    await expectLeakFree(() => diffAugment(images, ['color', 'translation', 'cutout', 'flip'], 1).dispose());
    await expectLeakFree(() => tf.dispose(tf.grad((x: tf.Tensor) => tf.sum(diffAugment(x, ['translation', 'cutout', 'color'], 2)))(images)));
  });

  it('groups: images with one id share every draw, so copies of one picture stay copies; each its own id is DiffAugment as before', () => {
    const policy = ['color', 'translation', 'cutout', 'flip'] as const;
    const one = tf.randomUniform([1, 8, 8, 3], -1, 1, 'float32', 8);
    const copies = tf.tile(one, [6, 1, 1, 1]) as tf.Tensor4D;
    // Classes 2, 0, 2, 1, 0, 2: the images of a class come out alike, different classes differently.
    const out = diffAugment(copies, policy, 11, { groups: [2, 0, 2, 1, 0, 2] }).arraySync() as number[][][][];
    const key = (n: number) => JSON.stringify(out[n]);
    expect([key(2), key(5)]).toEqual([key(0), key(0)]);
    expect(key(4)).toBe(key(1));
    expect(new Set([key(0), key(1), key(3)]).size).toBe(3);
    // Per image (DiffAugment's own draws), the copies differ.
    expect(new Set(Array.from({ length: 6 }, (_, n) => JSON.stringify((diffAugment(copies, policy, 11).arraySync() as number[][][][])[n]))).size).toBe(6);
    // An id per image is exactly the default, whatever the ids are.
    const images = tf.randomUniform([5, 8, 8, 3], -1, 1, 'float32', 9);
    expect(Array.from(diffAugment(images, policy, 12, { groups: [7, 3, 9, 1, 4] }).dataSync())).toEqual(Array.from(diffAugment(images, policy, 12).dataSync()));
    // The ops one by one take the groups too.
    for (const op of [(x: tf.Tensor4D) => color(x, 3, [0, 0, 1, 1, 0, 1]), (x: tf.Tensor4D) => translation(x, 3, undefined, [0, 0, 1, 1, 0, 1]), (x: tf.Tensor4D) => cutout(x, 3, undefined, [0, 0, 1, 1, 0, 1]), (x: tf.Tensor4D) => flip(x, 3, 1, [0, 0, 1, 1, 0, 1])]) {
      const rows = op(copies).arraySync() as number[][][][];
      expect(JSON.stringify(rows[1])).toBe(JSON.stringify(rows[0]));
      expect(JSON.stringify(rows[5])).toBe(JSON.stringify(rows[2]));
    }
  });

  it('rejects groups that are not one integer id per image, naming them', () => {
    expect(() => diffAugment(tf.zeros([3, 4, 4, 1]), ['color'], 1, { groups: [0, 1] })).toThrow(ShapeError);
    expect(() => diffAugment(tf.zeros([3, 4, 4, 1]), ['color'], 1, { groups: [0, 1] })).toThrow(/diffAugment: 'groups' must hold one integer id per image \(3\), received \[0, 1\]/);
    expect(() => diffAugment(tf.zeros([2, 4, 4, 1]), [], 1, { groups: [0, 0.5] })).toThrow(/'groups' must hold one integer id per image \(2\)/);
    expect(() => translation(tf.zeros([2, 4, 4, 1]), 1, undefined, [0])).toThrow(/translation: 'groups'/);
  });

  it('rejects unknown augmentations and non-image inputs', () => {
    expect(() => diffAugment(tf.zeros([2, 4, 4, 1]), ['rotate' as never], 1)).toThrow(ConfigError);
    expect(() => diffAugment(tf.zeros([2, 4, 4, 1]), ['rotate' as never], 1)).toThrow(/'policy\[0\]' must be one of \["translation", "cutout", "color", "flip"\], received "rotate"/);
    expect(() => diffAugment(tf.zeros([2, 4]), ['color'], 1)).toThrow(ShapeError);
  });
});
