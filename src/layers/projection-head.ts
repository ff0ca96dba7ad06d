import * as tf from '@tensorflow/tfjs';
import { ShapeError, describeValue } from '../errors.js';
import { classWeights } from './class-weights.js';
import type { LayerArgs } from './conditional-batch-normalization.js';
import { type Initializer, type InitializerConfig, serializeInitializer, toInitializer } from './initializer-config.js';
import { checkInt } from '../util/validate.js';

/** Options of {@link ProjectionHead}. */
export interface ProjectionHeadArgs extends LayerArgs {
  /** Number of classes: one projection vector per class. Integer >= 2. */
  readonly numClasses: number;
  /** Add a bias to the unconditional logit. @defaultValue true */
  readonly useBias?: boolean;
  /** Initializer of the unconditional kernel `[features, 1]`. @defaultValue glorotUniform */
  readonly kernelInitializer?: Initializer | InitializerConfig;
  /** Initializer of the class embeddings `[numClasses, features]`. @defaultValue glorotUniform */
  readonly embeddingsInitializer?: Initializer | InitializerConfig;
}

/**
 * The projection discriminator's output layer (Miyato & Koyama 2018, arXiv:1802.05637):
 * `logit = features @ kernel + bias + sum(embed(label) * features)`, one logit per sample.
 *
 * Inputs: `[features, label]` with `features` `[batch, features]` (flatten or pool the feature maps
 * first) and `label` class ids (`[batch, 1]` or `[batch]`) or class weights `[batch, numClasses]`.
 * Output: `[batch, 1]` logits, higher = more real. Weights: `kernel` `[features, 1]`, `bias` `[1]`,
 * `embeddings` `[numClasses, features]`. Every op has gradients of gradients (matMul, mul, sum), so
 * gradient penalties work through it.
 *
 * @example
 * ```ts
 * const features = tf.input({ shape: [128] });
 * const label = tf.input({ shape: [1], dtype: 'int32' });
 * const logits = new ProjectionHead({ numClasses: 10 }).apply([features, label]) as tf.SymbolicTensor; // [batch, 1]
 * ```
 */
export class ProjectionHead extends tf.layers.Layer {
  /** The class name under which it is registered and saved. @nocollapse */
  static readonly className = 'ProjectionHead';
  /** Marks layers whose label input may be class weights `[batch, numClasses]`. */
  readonly acceptsClassWeights = true;
  /** Number of classes: one projection vector per class. */
  readonly numClasses: number;
  /** Whether the unconditional logit has a bias. */
  readonly useBias: boolean;
  private readonly kernelInitializer: Initializer;
  private readonly embeddingsInitializer: Initializer;
  private kernel?: tf.LayerVariable;
  private bias?: tf.LayerVariable;
  private embeddings?: tf.LayerVariable;

  constructor(args: ProjectionHeadArgs) {
    super(args);
    const owner = 'ProjectionHead';
    checkInt(args?.numClasses, 'numClasses', owner, 2);
    this.numClasses = args.numClasses;
    this.useBias = args.useBias ?? true;
    this.kernelInitializer = toInitializer(args.kernelInitializer, () => tf.initializers.glorotUniform({}), owner);
    this.embeddingsInitializer = toInitializer(args.embeddingsInitializer, () => tf.initializers.glorotUniform({}), owner);
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const featureShape = featuresShape(inputShape, this.name);
    const features = featureShape[1] as number;
    this.kernel = this.addWeight('kernel', [features, 1], 'float32', this.kernelInitializer, undefined, true);
    if (this.useBias) this.bias = this.addWeight('bias', [1], 'float32', tf.initializers.zeros(), undefined, true);
    this.embeddings = this.addWeight('embeddings', [this.numClasses, features], 'float32', this.embeddingsInitializer, undefined, true);
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    return [featuresShape(inputShape, this.name)[0], 1];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      if (!Array.isArray(inputs) || inputs.length !== 2) {
        throw new ShapeError(`ProjectionHead '${this.name}': expects two inputs [features, label], received ${Array.isArray(inputs) ? inputs.length : 1}.`);
      }
      const [features, label] = inputs;
      let logits = tf.matMul(features as tf.Tensor2D, this.kernel!.read() as tf.Tensor2D);
      if (this.bias) logits = tf.add(logits, this.bias.read());
      const weights = classWeights(label, this.numClasses, `ProjectionHead '${this.name}'`);
      const projected = tf.matMul(weights, this.embeddings!.read() as tf.Tensor2D);
      return tf.add(logits, tf.sum(tf.mul(projected, features), -1, true));
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      numClasses: this.numClasses,
      useBias: this.useBias,
      kernelInitializer: serializeInitializer(this.kernelInitializer) as unknown as tf.serialization.ConfigDict,
      embeddingsInitializer: serializeInitializer(this.embeddingsInitializer) as unknown as tf.serialization.ConfigDict,
    };
  }
}

tf.serialization.registerClass(ProjectionHead, 'tfjs-gan');

function featuresShape(inputShape: tf.Shape | tf.Shape[], name: string): tf.Shape {
  const shape = Array.isArray(inputShape[0]) ? (inputShape as tf.Shape[])[0] : undefined;
  if (shape === undefined || shape.length !== 2 || shape[1] == null) {
    throw new ShapeError(
      `ProjectionHead '${name}': expects inputs [features, label] with features of shape [batch, features] (flatten or pool first), received ${describeValue(inputShape)}.`,
    );
  }
  return shape;
}
