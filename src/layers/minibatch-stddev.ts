/**
 * The minibatch standard deviation layer (Karras et al. 2018, arXiv:1710.10196, section 3).
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs';
import { ConfigError, describeValue } from '../errors.js';
import { checkInt, checkNumber } from '../util/validate.js';

/** Arguments of {@link MinibatchStdDev}. */
export interface MinibatchStdDevArgs {
  /**
   * Samples per group. A batch whose size is not a multiple of it uses the largest divisor of the
   * batch size that is at most `groupSize`. @defaultValue 4
   */
  readonly groupSize?: number;
  /** Added to the variance before the square root, so the layer is differentiable at zero spread. @defaultValue 1e-8 */
  readonly epsilon?: number;
  /** Name of the layer. */
  readonly name?: string;
}

/** The defaults of {@link MinibatchStdDevArgs}. */
export const MINIBATCH_STDDEV_DEFAULTS = Object.freeze({
  /** Samples per group. */
  groupSize: 4,
  /** Added to the variance before the square root. */
  epsilon: 1e-8,
});

/** `shape` with one more feature or channel: the last dimension plus 1. */
export function withAppendedFeature(shape: tf.Shape): tf.Shape {
  const last = shape[shape.length - 1];
  return [...shape.slice(0, -1), last === null ? null : last + 1];
}

/**
 * `x` (`[batch, f]` or `[batch, h, w, c]`) with one more feature or channel that holds each sample's
 * value of `perSample` (`batch` values, any shape), constant over its pixels.
 */
export function appendPerSample(x: tf.Tensor, perSample: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const value = tf.reshape(perSample, [x.shape[0], ...x.shape.slice(1).map(() => 1)]);
    const feature = tf.mul(tf.onesLike(tf.slice(x, new Array(x.rank).fill(0), [...x.shape.slice(0, -1), 1])), value);
    return tf.concat([x, feature], x.rank - 1);
  });
}

/** The largest divisor of `batch` that is at most `groupSize`. */
function groupSizeFor(batch: number, groupSize: number): number {
  for (let g = Math.min(groupSize, batch); g > 1; g--) if (batch % g === 0) return g;
  return 1;
}

/**
 * Minibatch standard deviation (ProGAN, Karras et al. 2018, arXiv:1710.10196): splits the batch into
 * groups of `groupSize` samples (sample i joins group i mod (batch / groupSize)), takes each feature's
 * standard deviation within its group, averages it over the features (and pixels), and appends that
 * one number to every sample of the group as an extra feature ([batch, f] → [batch, f + 1]) or an
 * extra constant channel ([batch, h, w, c] → [batch, h, w, c + 1]). A discriminator that sees it can
 * tell a batch of look-alike samples from a varied real batch, which counters mode collapse.
 *
 * @example
 * ```ts
 * const y = new MinibatchStdDev({ groupSize: 4 }).apply(tf.randomNormal([8, 5])); // [8, 6]
 * ```
 */
export class MinibatchStdDev extends tf.layers.Layer {
  /** The class name under which it is registered and saved. */
  static className = 'MinibatchStdDev';
  /** Samples per group (at most; see {@link MinibatchStdDevArgs.groupSize}). */
  readonly groupSize: number;
  /** Added to the variance before the square root. */
  readonly epsilon: number;

  constructor(args: MinibatchStdDevArgs = {}) {
    super({ name: args.name });
    const owner = 'MinibatchStdDev';
    const groupSize = args.groupSize ?? MINIBATCH_STDDEV_DEFAULTS.groupSize;
    checkInt(groupSize, 'groupSize', owner, 2);
    const epsilon = args.epsilon ?? MINIBATCH_STDDEV_DEFAULTS.epsilon;
    checkNumber(epsilon, 'epsilon', owner, { min: 0, minExclusive: true });
    this.groupSize = groupSize;
    this.epsilon = epsilon;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    if (shape.length !== 2 && shape.length !== 4) {
      throw new ConfigError(`MinibatchStdDev: the input must be [batch, features] or [batch, h, w, c], received ${describeValue(shape)}.`);
    }
    return withAppendedFeature(shape);
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const [batch, ...sampleShape] = x.shape;
      const g = groupSizeFor(batch, this.groupSize);
      const groups = batch / g;
      // [g, groups, ...]: sample i is in group i mod groups.
      const grouped = tf.reshape(x, [g, groups, ...sampleShape]);
      const centered = tf.sub(grouped, tf.mean(grouped, 0, true));
      const std = tf.sqrt(tf.add(tf.mean(tf.square(centered), 0), this.epsilon)); // [groups, ...sample]
      const axes = sampleShape.map((_, i) => i + 1);
      const perGroup = tf.mean(std, axes); // [groups]
      // Sample i gets its group's value.
      return appendPerSample(x, tf.tile(tf.reshape(perGroup, [1, groups]), [g, 1]));
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), groupSize: this.groupSize, epsilon: this.epsilon };
  }
}

tf.serialization.registerClass(MinibatchStdDev, 'tfjs-gan');

/**
 * Makes a {@link MinibatchStdDev} layer.
 * @example
 * ```ts
 * x = minibatchStdDev({ groupSize: 4 }).apply(x) as tf.SymbolicTensor;
 * ```
 */
export function minibatchStdDev(args?: MinibatchStdDevArgs): MinibatchStdDev {
  return new MinibatchStdDev(args);
}
