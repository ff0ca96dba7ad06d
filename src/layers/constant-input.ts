/**
 * The learned constant input of StyleGAN's synthesis network (Karras et al. 2019, arXiv:1812.04948).
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs';
import { ConfigError, describeValue } from '../errors.js';

/** Arguments of {@link ConstantInput}. */
export interface ConstantInputArgs {
  /** The per-sample shape of the constant, e.g. `[4, 4, 256]`. */
  readonly shape: readonly number[];
  /** Seed of its N(0, 1) initialization. */
  readonly seed?: number;
  /** Name of the layer. */
  readonly name?: string;
}

/**
 * A learned constant tensor, repeated once per sample of its input: input `[batch, ...]` (only the batch
 * size is read; gradients to it are zero), output `[batch, ...shape]`. Weight: `constant` `[1, ...shape]`.
 *
 * @example
 * ```ts
 * const start = new ConstantInput({ shape: [4, 4, 128] }).apply(z) as tf.SymbolicTensor; // [batch, 4, 4, 128]
 * ```
 */
export class ConstantInput extends tf.layers.Layer {
  /** The class name under which it is registered and saved. */
  static className = 'ConstantInput';
  /** The per-sample shape of the constant. */
  readonly shape: readonly number[];
  /** Seed of its N(0, 1) initialization; undefined for an unseeded one. */
  readonly seed: number | undefined;
  private constant?: tf.LayerVariable;

  constructor(args: ConstantInputArgs) {
    super({ name: args?.name });
    const shape = args?.shape;
    if (!Array.isArray(shape) || shape.length === 0 || !shape.every((d) => Number.isInteger(d) && d >= 1)) {
      throw new ConfigError(`ConstantInput: 'shape' must be a non-empty array of integers >= 1, received ${describeValue(shape)}.`);
    }
    this.shape = [...shape];
    this.seed = args.seed;
  }

  override build(): void {
    const init = tf.initializers.randomNormal({ mean: 0, stddev: 1, seed: this.seed });
    this.constant = this.addWeight('constant', [1, ...this.shape], 'float32', init, undefined, true);
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    return [shape[0], ...this.shape];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      return tf.tile(this.constant!.read(), [x.shape[0], ...this.shape.map(() => 1)]);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), shape: [...this.shape], ...(this.seed !== undefined ? { seed: this.seed } : {}) };
  }
}

tf.serialization.registerClass(ConstantInput, 'tfjs-gan');
