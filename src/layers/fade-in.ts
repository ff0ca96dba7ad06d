/**
 * The fade-in of a new resolution in progressive growing (Karras et al. 2018, arXiv:1710.10196, section 3).
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs';
import { ConfigError, ShapeError, describeValue } from '../errors.js';
import { checkNumber, checkPositiveInt } from '../util/validate.js';

/** Arguments of {@link FadeIn}. */
export interface FadeInArgs {
  /** The resolution that this layer fades in (the schedule sets its alpha by it), >= 1. */
  readonly resolution: number;
  /** The starting blend weight of the new path, in [0, 1]. @defaultValue 1 */
  readonly alpha?: number;
  /** Name of the layer. */
  readonly name?: string;
}

/**
 * Blends an old path with a new one, `(1 − alpha) · old + alpha · new`: alpha 0 gives exactly the old path
 * (the network at the lower resolution), alpha 1 exactly the new one. Inputs `[old, new]` of one shape.
 * Alpha is a non-trainable weight (saved in checkpoints) that a progressive schedule raises from 0 to 1
 * while the resolution fades in (see `progressiveSchedule`); set it with {@link FadeIn.setAlpha}.
 *
 * @example
 * ```ts
 * const rgb = new FadeIn({ resolution: 16 }).apply([upsampledOldRgb, newRgb]) as tf.SymbolicTensor;
 * ```
 */
export class FadeIn extends tf.layers.Layer {
  /** The class name under which it is registered and saved. */
  static className = 'FadeIn';
  /** The resolution that this layer fades in. */
  readonly resolution: number;
  private readonly initialAlpha: number;
  private alphaWeight?: tf.LayerVariable;

  constructor(args: FadeInArgs) {
    super({ name: args?.name });
    checkPositiveInt(args?.resolution, 'resolution', 'FadeIn');
    this.resolution = args.resolution;
    this.initialAlpha = checkAlpha(args.alpha ?? 1, 'FadeIn');
  }

  override build(): void {
    this.alphaWeight = this.addWeight('alpha', [], 'float32', tf.initializers.constant({ value: this.initialAlpha }), undefined, false);
    this.built = true;
  }

  /** The current blend weight of the new path. */
  get alpha(): number {
    if (this.alphaWeight === undefined) return this.initialAlpha;
    return this.alphaWeight.read().dataSync()[0];
  }

  /**
   * Sets the blend weight of the new path.
   * @throws ConfigError when `alpha` is not in [0, 1].
   */
  setAlpha(alpha: number): void {
    checkAlpha(alpha, `FadeIn '${this.name}'.setAlpha`);
    if (this.alphaWeight === undefined) throw new ConfigError(`FadeIn '${this.name}'.setAlpha: the layer is not built yet; apply it first.`);
    const value = tf.scalar(alpha);
    this.alphaWeight.write(value);
    value.dispose();
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    if (!Array.isArray(inputShape[0]) || inputShape.length !== 2) {
      throw new ShapeError(`FadeIn '${this.name}': expects two inputs [old, new], received ${describeValue(inputShape)}.`);
    }
    return (inputShape as tf.Shape[])[1];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      if (!Array.isArray(inputs) || inputs.length !== 2) {
        throw new ShapeError(`FadeIn '${this.name}': expects two inputs [old, new], received ${Array.isArray(inputs) ? inputs.length : 1}.`);
      }
      const [previous, next] = inputs;
      // (1 − alpha)·old + alpha·new: exactly old at alpha 0 and exactly new at alpha 1.
      const alpha = this.alphaWeight!.read();
      return tf.add(tf.mul(previous, tf.sub(1, alpha)), tf.mul(next, alpha));
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), resolution: this.resolution, alpha: this.initialAlpha };
  }
}

tf.serialization.registerClass(FadeIn, 'tfjs-gan');

function checkAlpha(alpha: unknown, owner: string): number {
  return checkNumber(alpha, 'alpha', owner, { min: 0, max: 1 });
}
