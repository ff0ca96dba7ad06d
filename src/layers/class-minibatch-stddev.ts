/**
 * The minibatch standard deviation taken within each class of a conditional batch.
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs';
import { ConfigError, ShapeError, describeValue } from '../errors.js';
import { classWeights } from './class-weights.js';
import { appendPerSample, withAppendedFeature } from './minibatch-stddev.js';
import { checkInt, checkNumber } from '../util/validate.js';

/** Arguments of {@link ClassMinibatchStdDev}. */
export interface ClassMinibatchStdDevArgs {
  /** Number of classes of the label input. Integer >= 2. */
  readonly numClasses: number;
  /** Added to the variance before the square root, so the layer is differentiable at zero spread. @defaultValue 1e-8 */
  readonly epsilon?: number;
  /** Name of the layer. */
  readonly name?: string;
}

/**
 * A minibatch standard deviation within each class: the feature the discriminator needs to see that a
 * conditional generator draws one picture for every latent of a class, which {@link MinibatchStdDev}
 * cannot see in a batch of many classes (its groups mix classes, so a generator with one picture per
 * class still shows a group the spread of the classes).
 *
 * Inputs `[x, label]`: `x` `[batch, features]` or `[batch, h, w, c]`; `label` class ids (`[batch]` or
 * `[batch, 1]`) or class weights `[batch, numClasses]`. Each sample belongs to the classes with the
 * weights `m = w + (1 − Σw) / numClasses` (one-hot for ids; uniform for all-zero weights, as a
 * conditioning transition gives before the class fades in, so the layer is then the whole batch's
 * standard deviation). For each class k: the weighted mean and variance of every feature over the batch
 * (weights `m[:, k]`), the square root of the variance plus `epsilon`, averaged over the features (and
 * pixels); each sample gets `m · s`, its class's value, appended as one feature (`[batch, f + 1]`) or
 * one constant channel (`[batch, h, w, c + 1]`). A class with one sample in the batch gives
 * `sqrt(epsilon)`; real and fake batches with the same label counts are comparable.
 *
 * @example
 * ```ts
 * const layer = new ClassMinibatchStdDev({ numClasses: 3 });
 * const y = layer.apply([tf.randomNormal([8, 5]), tf.tensor1d([0, 1, 2, 0, 1, 2, 0, 1], 'int32')]); // [8, 6]
 * ```
 */
export class ClassMinibatchStdDev extends tf.layers.Layer {
  /** The class name under which it is registered and saved. @nocollapse */
  static readonly className = 'ClassMinibatchStdDev';
  /** Marks layers whose label input may be class weights `[batch, numClasses]`. */
  readonly acceptsClassWeights = true;
  /** Number of classes of the label input. */
  readonly numClasses: number;
  /** Added to the variance before the square root. */
  readonly epsilon: number;

  constructor(args: ClassMinibatchStdDevArgs) {
    super({ name: args?.name });
    const owner = 'ClassMinibatchStdDev';
    if (args == null || typeof args !== 'object') {
      throw new ConfigError(`${owner}: options must be an object with 'numClasses', received ${describeValue(args)}.`);
    }
    this.numClasses = checkInt(args.numClasses, 'numClasses', owner, 2);
    const epsilon = args.epsilon ?? 1e-8;
    checkNumber(epsilon, 'epsilon', owner, { min: 0, minExclusive: true });
    this.epsilon = epsilon;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    return withAppendedFeature(this.sampleInputShape(inputShape));
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      if (!Array.isArray(inputs) || inputs.length !== 2) {
        throw new ShapeError(`ClassMinibatchStdDev '${this.name}': expects two inputs [x, label], received ${Array.isArray(inputs) ? inputs.length : 1}.`);
      }
      const [x, label] = inputs;
      const [batch] = x.shape;
      const weights = classWeights(label, this.numClasses, `ClassMinibatchStdDev '${this.name}'`);
      if (weights.shape[0] !== batch) {
        throw new ShapeError(`ClassMinibatchStdDev '${this.name}': the label input must have the batch size of x (${batch}), received ${weights.shape[0]}.`);
      }
      // Membership: the weights, with what they leave of 1 spread evenly over the classes.
      const rest = tf.sub(1, tf.sum(weights, 1, true));
      const membership = tf.add(weights, tf.div(rest, this.numClasses)); // [batch, K]
      const flat = tf.reshape(x, [batch, -1]) as tf.Tensor2D; // [batch, F]
      const counts = tf.maximum(tf.sum(membership, 0), 1e-12); // [K]
      const means = tf.div(tf.matMul(membership, flat, true, false), tf.expandDims(counts, 1)); // [K, F]
      // Centred on each class's mean: [batch, K, F].
      const centred = tf.sub(tf.expandDims(flat, 1), tf.expandDims(means, 0));
      const weighted = tf.mul(tf.square(centred), tf.expandDims(membership, 2));
      const variance = tf.div(tf.sum(weighted, 0), tf.expandDims(counts, 1)); // [K, F]
      const perClass = tf.mean(tf.sqrt(tf.add(variance, this.epsilon)), 1); // [K]
      return appendPerSample(x, tf.matMul(membership, tf.expandDims(perClass, 1))); // each sample: m · s
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), numClasses: this.numClasses, epsilon: this.epsilon };
  }

  private sampleInputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = Array.isArray(inputShape[0]) ? (inputShape as tf.Shape[])[0] : undefined;
    if (shape === undefined || (shape.length !== 2 && shape.length !== 4)) {
      throw new ShapeError(
        `ClassMinibatchStdDev '${this.name}': expects inputs [x, label] with x of shape [batch, features] or [batch, h, w, c], received ${describeValue(inputShape)}.`,
      );
    }
    return shape;
  }
}

tf.serialization.registerClass(ClassMinibatchStdDev, 'tfjs-gan');
