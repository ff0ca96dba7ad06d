/**
 * From one intermediate latent w to the per-layer styles of a StyleGAN synthesis network: style mixing
 * in training, the tracked mean latent, and truncation at inference (Karras et al. 2019,
 * arXiv:1812.04948, sections 3.1 and 4).
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs';
import { ShapeError, describeValue } from '../errors.js';
import { hashInts, randomSeed } from '../util/random.js';
import { checkNumber, checkPositiveInt } from '../util/validate.js';

/** Arguments of {@link StyleBroadcast}. */
export interface StyleBroadcastArgs {
  /** Number of styles (one per modulated layer), >= 1. */
  readonly numStyles: number;
  /**
   * Style mixing regularization: the probability, in training, that a sample takes its styles from
   * a random crossover index on from another sample's latent. @defaultValue 0.9
   */
  readonly mixingProbability?: number;
  /** Decay of the moving average of w that truncation pulls towards, in [0, 1). @defaultValue 0.995 */
  readonly meanDecay?: number;
  /** Seed of the mixing draws. */
  readonly seed?: number;
  /** Name of the layer. */
  readonly name?: string;
}

/** The defaults of {@link StyleBroadcastArgs}. */
export const STYLE_BROADCAST_DEFAULTS = Object.freeze({
  /** Probability of style mixing per training sample. */
  mixingProbability: 0.9,
  /** Decay of the moving average of w. */
  meanDecay: 0.995,
});

/**
 * Repeats the intermediate latent `w` `[batch, styleDim]` into `numStyles` styles
 * `[batch, numStyles, styleDim]`, one per modulated layer.
 *
 * - **Training**: updates the tracked mean latent `w_avg ← meanDecay · w_avg + (1 − meanDecay) · mean(w)`;
 *   with probability `mixingProbability` per sample, the styles from a random crossover index
 *   `c ∈ [1, numStyles)` on come from the next sample's latent in the batch (style mixing
 *   regularization: the network cannot assume that adjacent styles are correlated).
 * - **Inference**: with {@link StyleBroadcast.truncation} ψ < 1, every latent moves towards the mean,
 *   `w' = w_avg + ψ · (w − w_avg)` (the truncation trick in W); ψ = 1 leaves it as is.
 *
 * Weight: `w_avg` `[styleDim]` (not trainable, saved with the model).
 *
 * @example
 * ```ts
 * const styles = new StyleBroadcast({ numStyles: 8 }).apply(w) as tf.SymbolicTensor; // [batch, 8, styleDim]
 * ```
 */
export class StyleBroadcast extends tf.layers.Layer {
  /** The class name under which it is registered and saved. */
  static className = 'StyleBroadcast';
  /** Number of styles (one per modulated layer). */
  readonly numStyles: number;
  /** Probability, in training, that a sample mixes its styles with another sample's. */
  readonly mixingProbability: number;
  /** Decay of the moving average of w that truncation pulls towards. */
  readonly meanDecay: number;
  /** Seed of the mixing draws (a random one when none was given). */
  readonly seed: number;
  /** Truncation ψ in [0, 1] applied at inference; 1 (the default) applies none. Not saved. */
  truncation = 1;
  private meanLatent?: tf.LayerVariable;
  private calls = 0;

  constructor(args: StyleBroadcastArgs) {
    super({ name: args?.name });
    const owner = 'StyleBroadcast';
    checkPositiveInt(args?.numStyles, 'numStyles', owner);
    const mixing = args.mixingProbability ?? STYLE_BROADCAST_DEFAULTS.mixingProbability;
    checkNumber(mixing, 'mixingProbability', owner, { min: 0, max: 1 });
    const decay = args.meanDecay ?? STYLE_BROADCAST_DEFAULTS.meanDecay;
    checkNumber(decay, 'meanDecay', owner, { min: 0, max: 1, maxExclusive: true });
    this.numStyles = args.numStyles;
    this.mixingProbability = mixing;
    this.meanDecay = decay;
    this.seed = args.seed ?? randomSeed();
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    if (shape.length !== 2 || shape[1] == null) {
      throw new ShapeError(`StyleBroadcast '${this.name}': expects w [batch, styleDim], received ${describeValue(shape)}.`);
    }
    this.meanLatent = this.addWeight('w_avg', [shape[1]], 'float32', tf.initializers.zeros(), undefined, false);
    this.built = true;
  }

  /** The tracked mean latent `[styleDim]` (a new tensor; dispose it). */
  meanW(): tf.Tensor1D {
    return tf.clone(this.meanLatent!.read()) as tf.Tensor1D;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    return [shape[0], this.numStyles, shape[1]];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor {
    return tf.tidy(() => {
      let w = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor2D;
      const [batch, styleDim] = w.shape;
      const repeat = (latent: tf.Tensor2D) => tf.tile(tf.reshape(latent, [batch, 1, styleDim]), [1, this.numStyles, 1]);
      if (kwargs?.training !== true) {
        if (this.truncation !== 1) {
          const mean = this.meanLatent!.read();
          w = tf.add(mean, tf.mul(tf.sub(w, mean), this.truncation)) as tf.Tensor2D;
        }
        return repeat(w);
      }
      this.calls += 1;
      tf.tidy(() => {
        const old = this.meanLatent!.read();
        const batchMean = tf.mean(w, 0);
        this.meanLatent!.write(tf.add(tf.mul(old, this.meanDecay), tf.mul(batchMean, 1 - this.meanDecay)));
      });
      const styles = repeat(w);
      if (this.mixingProbability === 0 || batch < 2 || this.numStyles < 2) return styles;
      // The next sample's latent (the last sample takes the first's).
      const other = tf.concat([tf.slice(w, [1, 0], [batch - 1, styleDim]), tf.slice(w, [0, 0], [1, styleDim])], 0) as tf.Tensor2D;
      const seed = hashInts(this.seed, this.calls);
      const crossover = tf.floor(tf.randomUniform([batch, 1], 1, this.numStyles, 'float32', seed));
      const mixes = tf.less(tf.randomUniform([batch, 1], 0, 1, 'float32', hashInts(seed, 1)), this.mixingProbability);
      const cutoff = tf.where(mixes, crossover, tf.fill([batch, 1], this.numStyles));
      const index = tf.reshape(tf.range(0, this.numStyles, 1, 'float32'), [1, this.numStyles]);
      const fromOther = tf.reshape(tf.cast(tf.greaterEqual(index, cutoff), 'float32'), [batch, this.numStyles, 1]);
      return tf.add(tf.mul(styles, tf.sub(1, fromOther)), tf.mul(repeat(other), fromOther));
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      numStyles: this.numStyles,
      mixingProbability: this.mixingProbability,
      meanDecay: this.meanDecay,
      seed: this.seed,
    };
  }
}

tf.serialization.registerClass(StyleBroadcast, 'tfjs-gan');
