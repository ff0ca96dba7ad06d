/**
 * DiffAugment (Zhao et al. 2020, arXiv:2006.10738): differentiable augmentation of real and fake
 * images alike before the discriminator.
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs';
import { ConfigError, ShapeError, describeValue } from '../errors.js';
import { SeededRandom, hashInts } from '../util/random.js';
import { checkNumber, checkOneOf } from '../util/validate.js';

/**
 * The augmentations, in the order {@link diffAugment} applies them: DiffAugment's three, then
 * `'flip'` (StyleGAN2-ADA's x-flip, not in DiffAugment). New names go last, so that the seeds of the
 * others (derived from their index) stay the same.
 */
export const AUGMENTATIONS = Object.freeze(['translation', 'cutout', 'color', 'flip'] as const);
/** One augmentation: `'translation'`, `'cutout'`, `'color'` or `'flip'`. */
export type AugmentationName = (typeof AUGMENTATIONS)[number];

/** The constants of the DiffAugment paper. */
export const DIFF_AUGMENT_DEFAULTS = Object.freeze({
  /** Largest shift of `translation`, as a fraction of the image size. */
  translationRatio: 1 / 8,
  /** Side of the square that `cutout` zeroes, as a fraction of the image size. */
  cutoutRatio: 1 / 2,
  /** Probability that `flip` mirrors an image. */
  flipProbability: 1 / 2,
});

/**
 * Checks an augmentation policy: a list of distinct augmentation names.
 * @throws ConfigError naming the option and the valid names.
 */
export function checkAugmentPolicy(policy: unknown, owner: string, name = 'augment'): readonly AugmentationName[] {
  if (!Array.isArray(policy)) {
    throw new ConfigError(`${owner}: '${name}' must be a list of ${describeValue(AUGMENTATIONS)}, received ${describeValue(policy)}.`);
  }
  policy.forEach((entry: unknown, i) => checkOneOf(entry, AUGMENTATIONS, `${name}[${i}]`, owner));
  if (new Set(policy).size !== policy.length) {
    throw new ConfigError(`${owner}: '${name}' lists an augmentation twice: ${describeValue(policy)}.`);
  }
  return Object.freeze([...policy]) as readonly AugmentationName[];
}

/**
 * Which draw each sample takes: with `groups`, the samples that share an id share one draw, the draws
 * made in the order the ids first appear; without, every sample its own (the same draws as then).
 * @throws ShapeError when `groups` does not have one integer per sample.
 */
function drawsOf(batch: number, groups: ArrayLike<number> | undefined, owner: string): { readonly count: number; readonly of: Int32Array } {
  if (groups === undefined) return { count: batch, of: Int32Array.from({ length: batch }, (_, b) => b) };
  if (groups.length !== batch || !Array.from(groups).every(Number.isInteger)) {
    throw new ShapeError(`${owner}: 'groups' must hold one integer id per image (${batch}), received ${describeValue(Array.from(groups))}.`);
  }
  const index = new Map<number, number>();
  const of = Int32Array.from(groups, (id) => {
    if (!index.has(id)) index.set(id, index.size);
    return index.get(id)!;
  });
  return { count: index.size, of };
}

/**
 * Random brightness (+U(-0.5, 0.5)), saturation (×U(0, 2) around each pixel's channel mean) and
 * contrast (×U(0.5, 1.5) around each image's mean), one draw per image, as in DiffAugment.
 * @param images - [batch, h, w, c]. @returns the same shape.
 * @param groups - one id per image: images with the same id share one draw. @defaultValue each image its own
 */
export function color(images: tf.Tensor4D, seed: number, groups?: ArrayLike<number>): tf.Tensor4D {
  const batch = images.shape[0];
  const { count, of } = drawsOf(batch, groups, 'color');
  return tf.tidy(() => {
    const random = new SeededRandom(seed);
    const draw = (low: number, high: number) => {
      const drawn = Float32Array.from({ length: count }, () => low + (high - low) * random.next());
      return tf.tensor4d(Float32Array.from(of, (g) => drawn[g]), [batch, 1, 1, 1]);
    };
    let x: tf.Tensor = tf.add(images, draw(-0.5, 0.5));
    const channelMean = tf.mean(x, 3, true);
    x = tf.add(tf.mul(tf.sub(x, channelMean), draw(0, 2)), channelMean);
    const imageMean = tf.mean(x, [1, 2, 3], true);
    x = tf.add(tf.mul(tf.sub(x, imageMean), draw(0.5, 1.5)), imageMean);
    return x as tf.Tensor4D;
  });
}

/**
 * Random translation by up to `ratio` of the image size in each direction (one integer shift per image),
 * filling with zeros, as in DiffAugment. Implemented as a gather, so gradients flow to the input.
 * @param images - [batch, h, w, c]. @returns the same shape.
 * @param groups - one id per image: images with the same id share one shift. @defaultValue each image its own
 */
export function translation(images: tf.Tensor4D, seed: number, ratio = DIFF_AUGMENT_DEFAULTS.translationRatio, groups?: ArrayLike<number>): tf.Tensor4D {
  const [batch, height, width, channels] = images.shape;
  const { count, of } = drawsOf(batch, groups, 'translation');
  return tf.tidy(() => {
    const random = new SeededRandom(seed);
    const maxY = Math.floor(height * ratio + 0.5);
    const maxX = Math.floor(width * ratio + 0.5);
    const shifts = Array.from({ length: count }, () => [random.nextInt(2 * maxY + 1) - maxY, random.nextInt(2 * maxX + 1) - maxX]);
    const indices = new Int32Array(batch * height * width);
    const mask = new Float32Array(batch * height * width);
    for (let b = 0; b < batch; b++) {
      const [dy, dx] = shifts[of[b]];
      for (let i = 0; i < height; i++) {
        for (let j = 0; j < width; j++) {
          const at = (b * height + i) * width + j;
          const si = i - dy;
          const sj = j - dx;
          if (si >= 0 && si < height && sj >= 0 && sj < width) {
            indices[at] = (b * height + si) * width + sj;
            mask[at] = 1;
          }
        }
      }
    }
    const pixels = tf.reshape(images, [batch * height * width, channels]);
    const moved = tf.gather(pixels, tf.tensor1d(indices, 'int32'));
    const kept = tf.mul(moved, tf.tensor2d(mask, [batch * height * width, 1]));
    return tf.reshape(kept, [batch, height, width, channels]) as tf.Tensor4D;
  });
}

/**
 * Random cutout: zeroes one square of `ratio` times the image size per image, at a random position
 * (it may overhang the border), as in DiffAugment.
 * @param images - [batch, h, w, c]. @returns the same shape.
 * @param groups - one id per image: images with the same id share one square. @defaultValue each image its own
 */
export function cutout(images: tf.Tensor4D, seed: number, ratio = DIFF_AUGMENT_DEFAULTS.cutoutRatio, groups?: ArrayLike<number>): tf.Tensor4D {
  const [batch, height, width] = images.shape;
  const { count, of } = drawsOf(batch, groups, 'cutout');
  return tf.tidy(() => {
    const random = new SeededRandom(seed);
    const sizeY = Math.floor(height * ratio + 0.5);
    const sizeX = Math.floor(width * ratio + 0.5);
    // The square's corner, as in DiffAugment: its center in [0, size + (1 - size % 2)), minus half the size.
    const corners = Array.from({ length: count }, () => [
      random.nextInt(height + (1 - (sizeY % 2))) - Math.floor(sizeY / 2),
      random.nextInt(width + (1 - (sizeX % 2))) - Math.floor(sizeX / 2),
    ]);
    const mask = new Float32Array(batch * height * width).fill(1);
    for (let b = 0; b < batch; b++) {
      const [top, left] = corners[of[b]];
      for (let i = Math.max(0, top); i < Math.min(height, top + sizeY); i++) {
        for (let j = Math.max(0, left); j < Math.min(width, left + sizeX); j++) mask[(b * height + i) * width + j] = 0;
      }
    }
    return tf.mul(images, tf.tensor4d(mask, [batch, height, width, 1])) as tf.Tensor4D;
  });
}

/**
 * Random horizontal flip: each image is mirrored left to right with probability `probability`, one
 * draw per image (the x-flip of StyleGAN2-ADA, Karras et al. 2020, arXiv:2006.06676). On real and fake
 * images alike it shows the discriminator each picture both ways round, so it learns shapes rather than
 * their side; the generator may then draw either orientation.
 * @param images - [batch, h, w, c]. @returns the same shape.
 * @param groups - one id per image: images with the same id share one draw. @defaultValue each image its own
 * @throws ConfigError when `probability` is not a number in [0, 1].
 */
export function flip(images: tf.Tensor4D, seed: number, probability = DIFF_AUGMENT_DEFAULTS.flipProbability, groups?: ArrayLike<number>): tf.Tensor4D {
  checkNumber(probability, 'probability', 'flip', { min: 0, max: 1 });
  const batch = images.shape[0];
  const { count, of } = drawsOf(batch, groups, 'flip');
  return tf.tidy(() => {
    const random = new SeededRandom(seed);
    const drawn = Float32Array.from({ length: count }, () => (random.next() < probability ? 1 : 0));
    const mirrored = Float32Array.from(of, (g) => drawn[g]);
    const mask = tf.tensor4d(mirrored, [batch, 1, 1, 1]);
    return tf.add(tf.mul(tf.reverse(images, 2), mask), tf.mul(images, tf.sub(1, mask))) as tf.Tensor4D;
  });
}

const APPLY: Readonly<Record<AugmentationName, (images: tf.Tensor4D, seed: number, groups?: ArrayLike<number>) => tf.Tensor4D>> = {
  color,
  translation: (images, seed, groups) => translation(images, seed, undefined, groups),
  cutout: (images, seed, groups) => cutout(images, seed, undefined, groups),
  flip: (images, seed, groups) => flip(images, seed, undefined, groups),
};

/** Options of {@link diffAugment}. */
export interface DiffAugmentOptions {
  /**
   * One id per image: images with the same id share every random draw (the same shift, square, colour
   * change and flip), e.g. the class of each image, so that copies of one picture stay copies.
   * @defaultValue each image its own draws (DiffAugment's)
   */
  readonly groups?: ArrayLike<number>;
}

/**
 * DiffAugment (Zhao et al. 2020, arXiv:2006.10738): applies the policy's augmentations in the order of
 * {@link AUGMENTATIONS} (translation, cutout, color, flip) whatever the policy's order, each with its own
 * seed derived from `seed`. Every augmentation is differentiable, so the generator gets gradients
 * through it; apply it to real and fake batches alike (the Trainer does when `TrainerConfig.augment` is
 * set).
 *
 * @param images - [batch, h, w, c] NHWC images.
 * @param policy - e.g. `['translation', 'cutout']` or `['color', 'translation', 'cutout']`.
 * @param seed - the seed of every random draw; the same seed gives the same augmentation.
 * @param options - `groups`: images that share an id share their draws.
 * @returns augmented images of the same shape (a new tensor, even for an empty policy).
 * @throws ShapeError when `images` is not rank 4 or `groups` has not one integer per image;
 *   ConfigError for an unknown augmentation.
 * @example
 * ```ts
 * const augmented = augment.diffAugment(images, ['translation', 'cutout'], 42);
 * ```
 */
export function diffAugment(images: tf.Tensor, policy: readonly AugmentationName[], seed: number, options: DiffAugmentOptions = {}): tf.Tensor4D {
  const owner = 'diffAugment';
  const checked = checkAugmentPolicy(policy, owner, 'policy');
  if (images.rank !== 4) {
    throw new ShapeError(`${owner}: 'images' must be NHWC images [batch, h, w, c], received shape ${describeValue(images.shape)}.`);
  }
  drawsOf(images.shape[0], options.groups, owner);
  return tf.tidy(() => {
    let x = tf.clone(images) as tf.Tensor4D;
    for (const name of AUGMENTATIONS) {
      if (checked.includes(name)) x = APPLY[name](x, hashInts(seed, AUGMENTATIONS.indexOf(name)), options.groups);
    }
    return x;
  });
}

/**
 * What the Trainer feeds the discriminator: `images` augmented with `policy`, or `images` itself (not a
 * copy) when the policy is empty.
 */
export function augmentForDiscriminator(images: tf.Tensor, policy: readonly AugmentationName[], seed: number, options: DiffAugmentOptions = {}): tf.Tensor {
  return policy.length === 0 ? images : diffAugment(images, policy, seed, options);
}
