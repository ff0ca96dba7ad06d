import * as tf from '@tensorflow/tfjs';
import { ConfigError, ShapeError, describeValue } from '../errors.js';
import { classWeights, isClassWeights } from './class-weights.js';
import { checkInt } from '../util/validate.js';

/** The options every tf.layers layer takes (name, trainable, ...). */
export type LayerArgs = NonNullable<ConstructorParameters<typeof tf.layers.Layer>[0]>;

/** Options of {@link ConditionalBatchNormalization}. */
export interface ConditionalBatchNormalizationArgs extends LayerArgs {
  /** Number of classes: one scale and one offset vector per class. Integer >= 2. */
  readonly numClasses: number;
  /** Momentum of the moving mean and variance. @defaultValue 0.99 */
  readonly momentum?: number;
  /** Added to the variance before the square root. @defaultValue 1e-3 */
  readonly epsilon?: number;
}

/**
 * Conditional batch normalization (de Vries et al. 2017, arXiv:1707.00683; used for class-conditional
 * GAN generators by Miyato & Koyama 2018, arXiv:1802.05637): batch normalization whose scale and offset
 * are looked up per class, `y = gamma[label] * (x - mean) / sqrt(var + epsilon) + beta[label]`.
 *
 * Inputs: `[x, label]` with `x` of shape `[batch, ..., channels]` (channels last) and `label` either
 * class ids (`[batch, 1]` or `[batch]`, int32) or class weights `[batch, numClasses]`: a weighted mix of
 * the classes' scales and offsets (one-hot weights give exactly the class's own), which is how
 * {@link Generator.interpolateClasses} blends classes. Weights summing to `s` give the rest, `1 - s`, to
 * no class (scale 1, offset 0): at zero weights the layer is a plain normalization without its affine
 * step, which is how a conditioning transition starts. Output: the shape of `x`.
 *
 * Training mode normalizes with the batch statistics and updates the moving ones (as
 * `tf.layers.batchNormalization` does); inference mode uses the moving statistics. Weights: `gamma`
 * `[numClasses, channels]` (ones), `beta` `[numClasses, channels]` (zeros), `moving_mean` and
 * `moving_variance` `[channels]`.
 *
 * @example
 * ```ts
 * const x = tf.input({ shape: [8, 8, 16] });
 * const label = tf.input({ shape: [1], dtype: 'int32' });
 * const y = new ConditionalBatchNormalization({ numClasses: 10 }).apply([x, label]) as tf.SymbolicTensor;
 * ```
 */
export class ConditionalBatchNormalization extends tf.layers.Layer {
  /** The class name under which it is registered and saved. @nocollapse */
  static readonly className = 'ConditionalBatchNormalization';
  /** Marks layers whose label input may be class weights `[batch, numClasses]` (see class interpolation). */
  readonly acceptsClassWeights = true;
  /** Number of classes: one scale and one offset vector per class. */
  readonly numClasses: number;
  /** Momentum of the moving mean and variance. */
  readonly momentum: number;
  /** Added to the variance before the square root. */
  readonly epsilon: number;
  private gamma?: tf.LayerVariable;
  private beta?: tf.LayerVariable;
  private movingMean?: tf.LayerVariable;
  private movingVariance?: tf.LayerVariable;

  constructor(args: ConditionalBatchNormalizationArgs) {
    super(args);
    const owner = 'ConditionalBatchNormalization';
    checkInt(args?.numClasses, 'numClasses', owner, 2);
    const momentum = args.momentum ?? 0.99;
    if (!(momentum >= 0 && momentum < 1)) {
      throw new ConfigError(`${owner}: 'momentum' must be in [0, 1), received ${describeValue(args.momentum)}.`);
    }
    const epsilon = args.epsilon ?? 1e-3;
    if (!(epsilon > 0)) throw new ConfigError(`${owner}: 'epsilon' must be > 0, received ${describeValue(args.epsilon)}.`);
    this.numClasses = args.numClasses;
    this.momentum = momentum;
    this.epsilon = epsilon;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const xShape = mainShape(inputShape, this.name);
    const channels = xShape[xShape.length - 1];
    if (channels == null) {
      throw new ShapeError(`ConditionalBatchNormalization '${this.name}': the channel axis of x must be known, received shape ${describeValue(xShape)}.`);
    }
    this.gamma = this.addWeight('gamma', [this.numClasses, channels], 'float32', tf.initializers.ones(), undefined, true);
    this.beta = this.addWeight('beta', [this.numClasses, channels], 'float32', tf.initializers.zeros(), undefined, true);
    this.movingMean = this.addWeight('moving_mean', [channels], 'float32', tf.initializers.zeros(), undefined, false);
    this.movingVariance = this.addWeight('moving_variance', [channels], 'float32', tf.initializers.ones(), undefined, false);
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    return mainShape(inputShape, this.name);
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor {
    return tf.tidy(() => {
      if (!Array.isArray(inputs) || inputs.length !== 2) {
        throw new ShapeError(`ConditionalBatchNormalization '${this.name}': expects two inputs [x, label], received ${Array.isArray(inputs) ? inputs.length : 1}.`);
      }
      const [x, label] = inputs;
      const channels = x.shape[x.rank - 1];
      const axes = Array.from({ length: x.rank - 1 }, (_, i) => i);
      let mean: tf.Tensor;
      let variance: tf.Tensor;
      if (kwargs?.training === true) {
        ({ mean, variance } = tf.moments(x, axes));
        const decay = 1 - this.momentum;
        const update = (variable: tf.LayerVariable, value: tf.Tensor): void => {
          tf.tidy(() => {
            const old = variable.read();
            variable.write(tf.sub(old, tf.mul(tf.sub(old, value), decay)));
          });
        };
        update(this.movingMean!, mean);
        update(this.movingVariance!, variance);
      } else {
        mean = this.movingMean!.read();
        variance = this.movingVariance!.read();
      }
      const normed = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, this.epsilon)));
      const weights = classWeights(label, this.numClasses, `ConditionalBatchNormalization '${this.name}'`);
      const perSample = [x.shape[0], ...axes.slice(1).map(() => 1), channels];
      let mixed: tf.Tensor = tf.matMul(weights, this.gamma!.read());
      // Class weights summing to s < 1 leave 1 - s to no class: the scale 1 of a plain normalization.
      if (isClassWeights(label, this.numClasses)) mixed = tf.add(mixed, tf.sub(1, tf.sum(weights, 1, true)));
      const gamma = tf.reshape(mixed, perSample);
      const beta = tf.reshape(tf.matMul(weights, this.beta!.read()), perSample);
      return tf.add(tf.mul(normed, gamma), beta);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), numClasses: this.numClasses, momentum: this.momentum, epsilon: this.epsilon };
  }
}

tf.serialization.registerClass(ConditionalBatchNormalization, 'tfjs-gan');

function mainShape(inputShape: tf.Shape | tf.Shape[], name: string): tf.Shape {
  if (!Array.isArray(inputShape[0])) {
    throw new ShapeError(`ConditionalBatchNormalization '${name}': expects two inputs [x, label], received one of shape ${describeValue(inputShape)}.`);
  }
  return (inputShape as tf.Shape[])[0];
}
