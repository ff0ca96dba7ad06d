/**
 * Per-pixel noise inputs of StyleGAN (Karras et al. 2019, arXiv:1812.04948, section 3.2).
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs';
import { ShapeError, describeValue } from '../errors.js';
import { hashInts, randomSeed } from '../util/random.js';

/** Arguments of {@link NoiseInjection}. */
export interface NoiseInjectionArgs {
  /** Seed of the noise: of the constant map used at inference, and of the fresh draws in training. */
  readonly seed?: number;
  /** Name of the layer. */
  readonly name?: string;
}

/**
 * Adds per-pixel noise scaled by a learned strength: `x + strength · n`, with one noise value per pixel
 * broadcast over the channels, `n` `[batch, h, w, 1]` ~ N(0, 1). In training every call draws fresh
 * noise (seeded: the layer's seed and a call counter); at inference a fixed noise map `[1, h, w, 1]`,
 * saved with the weights, is used, so the same latent always gives the same image (StyleGAN2's `'const'`
 * noise mode). Weights: `strength` `[1]` (starts at 0), `noise` `[1, h, w, 1]` (not trainable).
 *
 * @example
 * ```ts
 * x = new NoiseInjection({ seed: 1 }).apply(x) as tf.SymbolicTensor;
 * ```
 */
export class NoiseInjection extends tf.layers.Layer {
  /** The class name under which it is registered and saved. */
  static className = 'NoiseInjection';
  /** Seed of the noise (a random one when none was given). */
  readonly seed: number;
  private strength?: tf.LayerVariable;
  private constantNoise?: tf.LayerVariable;
  private calls = 0;

  constructor(args: NoiseInjectionArgs = {}) {
    super({ name: args.name });
    this.seed = args.seed ?? randomSeed();
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    if (shape.length !== 4 || shape[1] == null || shape[2] == null) {
      throw new ShapeError(`NoiseInjection '${this.name}': expects [batch, h, w, c] with known h and w, received ${describeValue(shape)}.`);
    }
    this.strength = this.addWeight('strength', [1], 'float32', tf.initializers.zeros(), undefined, true);
    const noiseInit = tf.initializers.randomNormal({ mean: 0, stddev: 1, seed: this.seed });
    this.constantNoise = this.addWeight('noise', [1, shape[1], shape[2], 1], 'float32', noiseInit, undefined, false);
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    return (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const [batch, height, width] = x.shape;
      let noise: tf.Tensor;
      if (kwargs?.training === true) {
        this.calls += 1;
        noise = tf.randomNormal([batch, height, width, 1], 0, 1, 'float32', hashInts(this.seed, this.calls));
      } else {
        noise = this.constantNoise!.read();
      }
      return tf.add(x, tf.mul(noise, this.strength!.read()));
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), seed: this.seed };
  }
}

tf.serialization.registerClass(NoiseInjection, 'tfjs-gan');
