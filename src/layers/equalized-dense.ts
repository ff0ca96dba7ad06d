/**
 * A dense layer with the equalized learning rate (Karras et al. 2018, arXiv:1710.10196, section 4.1).
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs';
import { ConfigError, describeValue } from '../errors.js';
import { checkNumber, checkPositiveInt } from '../util/validate.js';

/** Arguments of {@link EqualizedDense}. */
export interface EqualizedDenseArgs {
  /** Output features, >= 1. */
  readonly units: number;
  /**
   * Learning-rate multiplier: weights are stored divided by it and used multiplied by it, so an
   * optimizer's steps move them `lrMultiplier` times as fast. StyleGAN's mapping network uses 0.01.
   * @defaultValue 1
   */
  readonly lrMultiplier?: number;
  /** `'linear'` or `'leakyRelu'` (slope 0.2, times sqrt(2) to keep the variance). @defaultValue 'linear' */
  readonly activation?: 'linear' | 'leakyRelu';
  /** Initial value of every bias. @defaultValue 0 */
  readonly biasInit?: number;
  /** Seed of the N(0, 1) kernel initialization. */
  readonly seed?: number;
  /** Name of the layer. */
  readonly name?: string;
}

/** The defaults of {@link EqualizedDenseArgs}. */
export const EQUALIZED_DENSE_DEFAULTS = Object.freeze({
  /** Learning-rate multiplier. */
  lrMultiplier: 1,
  /** The activation: none. */
  activation: 'linear' as const,
  /** Initial value of every bias. */
  biasInit: 0,
});

/**
 * Dense layer with the equalized learning rate (ProGAN, StyleGAN): the kernel is drawn from N(0, 1 /
 * lrMultiplier²) and scaled at run time by `lrMultiplier / sqrt(fanIn)`, so every weight has the same
 * dynamic range and adaptive optimizers update all layers at the same speed.
 * `y = act(x · (W · lrMultiplier / sqrt(fanIn)) + b · lrMultiplier)`. Weights: `kernel` `[fanIn, units]`,
 * `bias` `[units]`.
 *
 * @example
 * ```ts
 * const w = new EqualizedDense({ units: 64, lrMultiplier: 0.01, activation: 'leakyRelu' }).apply(z);
 * ```
 */
export class EqualizedDense extends tf.layers.Layer {
  /** The class name under which it is registered and saved. */
  static className = 'EqualizedDense';
  /** Output features. */
  readonly units: number;
  /** Learning-rate multiplier: weights are stored divided by it and used multiplied by it. */
  readonly lrMultiplier: number;
  /** The activation: `'linear'` or `'leakyRelu'` (slope 0.2, times sqrt(2)). */
  readonly activationName: 'linear' | 'leakyRelu';
  /** Initial value of every bias. */
  readonly biasInit: number;
  /** Seed of the N(0, 1) kernel initialization; undefined for an unseeded one. */
  readonly seed: number | undefined;
  private kernel?: tf.LayerVariable;
  private bias?: tf.LayerVariable;

  constructor(args: EqualizedDenseArgs) {
    super({ name: args?.name });
    const owner = 'EqualizedDense';
    checkPositiveInt(args?.units, 'units', owner);
    const lrMultiplier = args.lrMultiplier ?? EQUALIZED_DENSE_DEFAULTS.lrMultiplier;
    checkNumber(lrMultiplier, 'lrMultiplier', owner, { min: 0, minExclusive: true });
    const activation = args.activation ?? EQUALIZED_DENSE_DEFAULTS.activation;
    if (activation !== 'linear' && activation !== 'leakyRelu') {
      throw new ConfigError(`${owner}: 'activation' must be 'linear' or 'leakyRelu', received ${describeValue(activation)}.`);
    }
    this.units = args.units;
    this.lrMultiplier = lrMultiplier;
    this.activationName = activation;
    this.biasInit = args.biasInit ?? EQUALIZED_DENSE_DEFAULTS.biasInit;
    this.seed = args.seed;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const fanIn = shape[shape.length - 1];
    if (fanIn == null) throw new ConfigError(`EqualizedDense '${this.name}': the last input axis must be known, received ${describeValue(shape)}.`);
    const init = tf.initializers.randomNormal({ mean: 0, stddev: 1 / this.lrMultiplier, seed: this.seed });
    this.kernel = this.addWeight('kernel', [fanIn, this.units], 'float32', init, undefined, true);
    this.bias = this.addWeight('bias', [this.units], 'float32', tf.initializers.constant({ value: this.biasInit / this.lrMultiplier }), undefined, true);
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    return [...shape.slice(0, -1), this.units];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor2D;
      const kernel = this.kernel!.read();
      const scale = this.lrMultiplier / Math.sqrt(kernel.shape[0]);
      const y = tf.add(tf.matMul(x, tf.mul(kernel, scale) as tf.Tensor2D), tf.mul(this.bias!.read(), this.lrMultiplier));
      return this.activationName === 'leakyRelu' ? tf.mul(tf.leakyRelu(y, 0.2), Math.SQRT2) : y;
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      units: this.units,
      lrMultiplier: this.lrMultiplier,
      activation: this.activationName,
      biasInit: this.biasInit,
      ...(this.seed !== undefined ? { seed: this.seed } : {}),
    };
  }
}

tf.serialization.registerClass(EqualizedDense, 'tfjs-gan');
