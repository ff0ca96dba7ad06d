/**
 * Layers that take a packed batch (PacGAN) apart and put its features back together, so that a network
 * made for one sample runs on every sample of each group at once.
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs';
import { checkPositiveInt } from '../util/validate.js';

/** Arguments of {@link UnpackSamples} and {@link PackFeatures}. */
export interface SamplePackingArgs {
  /** Samples per packed input, an integer >= 1. */
  readonly packing: number;
  /** Name of the layer. */
  readonly name?: string;
}

function inputShapeOf(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
  return (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
}

/** What both layers hold and save: the samples per packed input. */
abstract class SamplePackingLayer extends tf.layers.Layer {
  /** Samples per packed input. */
  readonly packing: number;

  protected constructor(args: SamplePackingArgs, owner: string) {
    super({ name: args?.name });
    this.packing = checkPositiveInt(args?.packing, 'packing', owner);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), packing: this.packing };
  }
}

/**
 * Splits packed inputs `[groups, ...spatial, packing · c]` (the groups' samples side by side along the
 * last axis, sample `j` at channels `j · c` to `j · c + c - 1`, as `Discriminator` packs them) into the
 * samples, `[groups · packing, ...spatial, c]`, group by group. The layers after it run on single
 * samples; {@link PackFeatures} puts each group's outputs back side by side. It changes the batch size,
 * so it belongs inside a branch that ends in {@link PackFeatures}.
 *
 * @example
 * ```ts
 * const packed = tf.input({ shape: [64, 64, 6] });   // 2 RGB samples per input
 * const one = new UnpackSamples({ packing: 2 }).apply(packed) as tf.SymbolicTensor;    // [null, 64, 64, 3]
 * ```
 */
export class UnpackSamples extends SamplePackingLayer {
  /** The class name under which it is registered and saved. */
  static className = 'UnpackSamples';

  constructor(args: SamplePackingArgs) {
    super(args, 'UnpackSamples');
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const [batch, ...rest] = inputShapeOf(inputShape);
    const channels = rest[rest.length - 1];
    return [batch === null ? null : batch * this.packing, ...rest.slice(0, -1), channels === null ? null : channels / this.packing];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const [groups, ...rest] = x.shape;
      const spatial = rest.slice(0, -1);
      const channels = rest[rest.length - 1] / this.packing;
      // [groups, ...spatial, packing, c] → [groups, packing, ...spatial, c] → [groups · packing, ...spatial, c]
      const split = tf.reshape(x, [groups, ...spatial, this.packing, channels]);
      const perm = [0, spatial.length + 1, ...spatial.map((_, i) => i + 1), spatial.length + 2];
      return tf.reshape(tf.transpose(split, perm), [groups * this.packing, ...spatial, channels]);
    });
  }
}

/**
 * Puts the features of unpacked samples back into their groups: `[groups · packing, ...f]` becomes
 * `[groups, packing · size(f)]`, each group's samples' features flattened side by side. The end of a
 * branch that begins with {@link UnpackSamples}.
 */
export class PackFeatures extends SamplePackingLayer {
  /** The class name under which it is registered and saved. */
  static className = 'PackFeatures';

  constructor(args: SamplePackingArgs) {
    super(args, 'PackFeatures');
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const [batch, ...features] = inputShapeOf(inputShape);
    const size = features.some((d) => d === null) ? null : features.reduce<number>((a, d) => a * (d as number), 1) * this.packing;
    return [batch === null ? null : batch / this.packing, size];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      return tf.reshape(x, [x.shape[0] / this.packing, -1]);
    });
  }
}

tf.serialization.registerClass(UnpackSamples, 'tfjs-gan');
tf.serialization.registerClass(PackFeatures, 'tfjs-gan');
