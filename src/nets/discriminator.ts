import * as tf from '@tensorflow/tfjs';
import { ConfigError, describeValue } from '../errors.js';
import {
  checkBatchShape,
  checkModelInputs,
  checkNumClasses,
  checkShape,
  labelsForModel,
  trainableVariables,
} from './model-contract.js';
import { type DcganDiscriminatorOptions, buildDcganDiscriminator } from './dcgan/dcgan-discriminator.js';
import { type MlpDiscriminatorOptions, buildMlpDiscriminator } from './mlp/mlp-discriminator.js';

/** What a discriminator model is: the shape of its input and its classes. */
export interface DiscriminatorSpec {
  /** Per-sample input shape: [height, width, channels] for images, [2] for 2-D points. */
  readonly inputShape: readonly number[];
  /** Number of classes of a conditional discriminator; 0 (the default) for an unconditional one. */
  readonly numClasses?: number;
}

/**
 * A GAN discriminator: a `tf.LayersModel` that maps samples (and class labels, when conditional) to
 * logits. Higher logits mean "more real". Outputs are never probabilities.
 *
 * Any model with the same contract plugs in: input of shape [batch, ...inputShape] and, when conditional,
 * `label` of shape [batch, 1] (int32 class ids); one output of shape [batch, 1] or [batch].
 */
export class Discriminator {
  /** The wrapped model. */
  readonly model: tf.LayersModel;
  /** Per-sample input shape. */
  readonly inputShape: readonly number[];
  /** Number of classes, 0 when unconditional. */
  readonly numClasses: number;

  /**
   * Wraps a user's model.
   * @throws ConfigError or ShapeError when the model's inputs or output do not match `spec`.
   */
  constructor(model: tf.LayersModel, spec: DiscriminatorSpec) {
    const owner = 'Discriminator';
    if (!(model instanceof tf.LayersModel)) {
      throw new ConfigError(`${owner}: 'model' must be a tf.LayersModel, received ${describeValue(model)}.`);
    }
    this.inputShape = Object.freeze(checkShape(spec.inputShape, 'inputShape', owner));
    this.numClasses = checkNumClasses(spec.numClasses, owner);
    checkModelInputs(model, this.inputShape, this.numClasses > 0, owner, 'image');
    const out = model.outputs[0].shape.slice(1);
    if (!(out.length === 0 || (out.length === 1 && out[0] === 1))) {
      throw new ConfigError(
        `${owner}: the model's output must be one logit per sample (per-sample shape [1] or []), received ${describeValue(out)}.`,
      );
    }
    this.model = model;
  }

  /** Builds an MLP discriminator (for 2-D toy data or small images). */
  static mlp(options: MlpDiscriminatorOptions): Discriminator {
    const { model, spec } = buildMlpDiscriminator(options);
    return new Discriminator(model, spec);
  }

  /** Builds a DCGAN discriminator (Radford et al. 2015, arXiv:1511.06434) for 28x28, 32x32 or 64x64 images. */
  static dcgan(options: DcganDiscriminatorOptions): Discriminator {
    const { model, spec } = buildDcganDiscriminator(options);
    return new Discriminator(model, spec);
  }

  /** Alias of {@link Discriminator.inputShape} for image discriminators. */
  get imageShape(): readonly number[] {
    return this.inputShape;
  }

  /** Whether the discriminator takes class labels. */
  get conditional(): boolean {
    return this.numClasses > 0;
  }

  /** The trainable variables, for the discriminator's optimizer. */
  get trainableVariables(): tf.Variable[] {
    return trainableVariables(this.model);
  }

  /**
   * Scores samples. Call it inside `tf.tidy` (it may create temporaries).
   * @param samples - [batch, ...inputShape]; images in [-1, 1].
   * @param labels - [batch] int32 class ids; required when conditional, forbidden otherwise.
   * @param training - run layers such as batch norm in training mode.
   * @returns logits of shape [batch]; higher means "more real".
   */
  logits(samples: tf.Tensor, labels?: tf.Tensor1D, training = false): tf.Tensor1D {
    const owner = 'Discriminator.logits';
    checkBatchShape(samples, this.inputShape, 'samples', owner);
    let inputs: tf.Tensor | tf.Tensor[] = samples;
    if (this.conditional) {
      if (labels === undefined) {
        throw new ConfigError(`${owner}: 'labels' are required: the discriminator is conditional (numClasses ${this.numClasses}).`);
      }
      if (labels.rank !== 1 || labels.shape[0] !== samples.shape[0]) {
        throw new ConfigError(`${owner}: 'labels' must have shape [${samples.shape[0]}], received ${describeValue(labels.shape)}.`);
      }
      inputs = [samples, labelsForModel(this.model, labels)];
    } else if (labels !== undefined) {
      throw new ConfigError(`${owner}: 'labels' were given, but the discriminator is unconditional (numClasses 0).`);
    }
    const output = this.model.apply(inputs, { training }) as tf.Tensor;
    return tf.reshape(output, [-1]) as tf.Tensor1D;
  }

  /** Frees the model's weights. */
  dispose(): void {
    this.model.dispose();
  }
}
