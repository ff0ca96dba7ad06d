import * as tf from '@tensorflow/tfjs';
import { ConfigError, describeValue } from '../errors.js';
import {
  DISCRIMINATOR_SPEC_KEYS,
  type DiscriminatorSpec,
  checkBatchShape,
  checkModelInputs,
  checkNumClasses,
  checkShape,
  labelsForModel,
  trainableVariables,
} from './model-contract.js';
import { type ArchitectureName, type DiscriminatorOptionsOf, architectureByName } from './architectures.js';
import type { ResnetDiscriminatorOptions } from './resnet/resnet-discriminator.js';
import type { DcganDiscriminatorOptions } from './dcgan/dcgan-discriminator.js';
import type { MlpDiscriminatorOptions } from './mlp/mlp-discriminator.js';
import { checkPacking, packLabels, packSamples, packedShape } from './packing.js';
import { buildClassWeightsModel } from './class-weights-model.js';
import { freeModel } from './free-model.js';
import { isClassWeights } from '../layers/class-weights.js';
import type { NetworkLabels } from './labels.js';
import { checkKnownOptions } from '../util/validate.js';

export type { DiscriminatorSpec } from './model-contract.js';

/** Activations that turn logits into probabilities: never the last step of a discriminator. */
const PROBABILITY_ACTIVATIONS = Object.freeze(['sigmoid', 'hardSigmoid', 'hard_sigmoid', 'softmax']);

/** Layers that only move values around: the activation before them is still the model's last. */
const SHAPE_ONLY_LAYERS = Object.freeze(['Reshape', 'Flatten', 'Permute']);

/**
 * Refuses a model whose adversarial output goes through a sigmoid (or softmax): the losses take logits
 * (higher = more real), and a probability fed to them trains silently wrong (a Keras habit). Looks at the
 * layer that makes the first output, through reshapes: its `activation`, or an `Activation` layer.
 * @throws ConfigError naming the layer and its activation.
 */
function checkOutputIsLogits(model: tf.LayersModel, owner: string): void {
  let layer: tf.layers.Layer | undefined = model.outputs[0].sourceLayer as tf.layers.Layer;
  for (let depth = 0; layer !== undefined && depth < 8; depth++) {
    const config = layer.getConfig();
    const activation = typeof config.activation === 'string' ? config.activation : undefined;
    if (activation !== undefined && PROBABILITY_ACTIVATIONS.includes(activation)) {
      throw new ConfigError(
        `${owner}: the model's output must be logits (any real number, higher = more real), but its last layer ${describeValue(layer.name)} applies activation ${describeValue(activation)}, which gives probabilities. ` +
          `Remove the activation (use 'linear'); the losses apply the sigmoid themselves.`,
      );
    }
    if (!SHAPE_ONLY_LAYERS.includes(layer.getClassName())) return;
    const inbound: readonly tf.layers.Layer[] | undefined = layer.inboundNodes[0]?.inboundLayers;
    layer = inbound?.length === 1 ? (inbound[0] as tf.layers.Layer) : undefined;
  }
}

/** Everything a discriminator computes for a batch. */
export interface DiscriminatorOutputs {
  /** Adversarial logits `[batch]`; higher means "more real". */
  readonly logits: tf.Tensor1D;
  /** Class logits `[batch, numClasses]` of an auxiliary classifier; absent without one. */
  readonly classLogits?: tf.Tensor2D;
}

/**
 * A GAN discriminator: a `tf.LayersModel` that maps samples (and class labels, when conditional) to
 * logits. Higher logits mean "more real". Outputs are never probabilities.
 *
 * Any model with the same contract plugs in: input of shape [batch, ...inputShape] and, when conditional,
 * `label` of shape [batch, 1] (int32 class ids); one output of shape [batch, 1] or [batch]. A packing
 * model (PacGAN) takes each group of `packing` samples as one input, and when conditional one label per
 * group (the groups are of one class). With
 * `auxiliaryClassifier: true` (ACGAN), a second output of class logits [batch, numClasses], and the
 * label input is optional.
 */
export class Discriminator {
  /** The wrapped model. */
  readonly model: tf.LayersModel;
  /** Per-sample input shape. */
  readonly inputShape: readonly number[];
  /** Number of classes, 0 when unconditional. */
  readonly numClasses: number;
  /** Whether the model has a second output of class logits (ACGAN). */
  readonly auxiliaryClassifier: boolean;
  /** Samples judged together (PacGAN); 1 when not packing. */
  readonly packing: number;
  private readonly takesLabels: boolean;
  private classWeightsModel?: tf.LayersModel;

  /**
   * Wraps a user's model.
   * @throws ConfigError or ShapeError when the model's inputs or output do not match `spec`.
   */
  constructor(model: tf.LayersModel, spec: DiscriminatorSpec) {
    const owner = 'Discriminator';
    if (!(model instanceof tf.LayersModel)) {
      throw new ConfigError(`${owner}: 'model' must be a tf.LayersModel, received ${describeValue(model)}.`);
    }
    if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) {
      throw new ConfigError(
        `${owner}: 'spec' must be a DiscriminatorSpec { inputShape, numClasses?, auxiliaryClassifier?, packing? } describing the model, received ${describeValue(spec)}.`,
      );
    }
    checkKnownOptions(spec, DISCRIMINATOR_SPEC_KEYS, owner);
    this.inputShape = Object.freeze(checkShape(spec.inputShape, 'inputShape', owner));
    this.numClasses = checkNumClasses(spec.numClasses, owner);
    const auxiliary = spec.auxiliaryClassifier ?? false;
    if (typeof auxiliary !== 'boolean' || (auxiliary && this.numClasses === 0)) {
      throw new ConfigError(
        `${owner}: 'auxiliaryClassifier' must be a boolean, and true only with 'numClasses' >= 2; received ${describeValue(spec.auxiliaryClassifier)} with numClasses ${this.numClasses}.`,
      );
    }
    this.auxiliaryClassifier = auxiliary;
    this.packing = checkPacking(spec.packing, owner);
    if (this.packing > 1 && auxiliary) {
      throw new ConfigError(`${owner}: 'packing' (PacGAN) judges a group of samples as one input, but an auxiliary classifier (ACGAN) classifies each sample; received packing ${this.packing} with auxiliaryClassifier true.`);
    }
    // An ACGAN discriminator predicts the class; it may also take it as input (two inputs).
    this.takesLabels = auxiliary ? model.inputs?.length === 2 : this.numClasses > 0;
    checkModelInputs(model, packedShape(this.inputShape, this.packing), this.takesLabels, owner, 'image', auxiliary ? 2 : 1);
    const out = model.outputs[0].shape.slice(1);
    if (!(out.length === 0 || (out.length === 1 && out[0] === 1))) {
      throw new ConfigError(
        `${owner}: the model's output must be one logit per sample (per-sample shape [1] or []), received ${describeValue(out)}.`,
      );
    }
    checkOutputIsLogits(model, owner);
    if (auxiliary) {
      const classOut = model.outputs[1].shape.slice(1);
      if (classOut.length !== 1 || classOut[0] !== this.numClasses) {
        throw new ConfigError(
          `${owner}: the model's second output must be class logits of per-sample shape [${this.numClasses}] (numClasses), received ${describeValue(classOut)}.`,
        );
      }
    }
    this.model = model;
  }

  /**
   * Builds the discriminator of a registered architecture (see `ARCHITECTURES`); `Discriminator.dcgan(options)`
   * is `Discriminator.build('dcgan', options)`. The style architecture's discriminator is the ResNet one.
   * @param architecture - one of `ARCHITECTURE_NAMES`.
   * @param options - that architecture's discriminator options.
   * @throws ConfigError for an unknown architecture or bad options.
   */
  static build<N extends ArchitectureName>(architecture: N, options: DiscriminatorOptionsOf<N>): Discriminator {
    const { model, spec } = architectureByName(architecture, 'Discriminator.build').discriminator(options);
    return new Discriminator(model, spec);
  }

  /** Builds an MLP discriminator (for 2-D toy data or small images). */
  static mlp(options: MlpDiscriminatorOptions): Discriminator {
    return Discriminator.build('mlp', options);
  }

  /** Builds a DCGAN discriminator (Radford et al. 2015, arXiv:1511.06434) for 28x28, 32x32 or 64x64 images. */
  static dcgan(options: DcganDiscriminatorOptions): Discriminator {
    return Discriminator.build('dcgan', options);
  }

  /**
   * Builds a ResNet discriminator (SNGAN, Miyato et al. 2018, arXiv:1802.05957) for square power-of-two
   * images, with a projection head when conditional and, with `progressive`, fade-in of each resolution.
   */
  static resnet(options: ResnetDiscriminatorOptions): Discriminator {
    return Discriminator.build('resnet', options);
  }

  /** Alias of {@link Discriminator.inputShape} for image discriminators. */
  get imageShape(): readonly number[] {
    return this.inputShape;
  }

  /**
   * Whether the discriminator takes class labels as input. False for an unconditional one and for an
   * ACGAN discriminator built by the builders, which predicts the class instead.
   */
  get conditional(): boolean {
    return this.takesLabels;
  }

  /** What {@link Discriminator} needs to rebuild this one around the same model (saved in checkpoints). */
  get spec(): DiscriminatorSpec {
    const spec = { inputShape: [...this.inputShape], numClasses: this.numClasses, auxiliaryClassifier: this.auxiliaryClassifier };
    return this.packing === 1 ? spec : { ...spec, packing: this.packing };
  }

  /** The trainable variables, for the discriminator's optimizer. */
  get trainableVariables(): tf.Variable[] {
    return trainableVariables(this.model);
  }

  /**
   * Scores samples. Call it inside `tf.tidy` (it may create temporaries).
   * @param samples - [batch, ...inputShape]; images in [-1, 1].
   * @param labels - [batch] int32 class ids, or [batch, numClasses] class weights ({@link NetworkLabels}:
   *   each class's embedding weighted, as in a conditioning transition); required when conditional,
   *   forbidden otherwise. When a conditional discriminator packs, each group of `packing` consecutive
   *   samples must share its label: give one label per group ([batch / packing] or [batch / packing,
   *   numClasses]), or one per sample, which are read back to check that groups agree (a small
   *   synchronous read, slow on GPU backends).
   * @param training - run layers such as batch norm in training mode.
   * @returns logits of shape [batch] (of shape [batch / packing] when packing); higher means "more real".
   * @throws ShapeError when packing and the batch size is not a multiple of `packing`.
   * @throws ConfigError when packing and a group's labels differ, or when given class weights and the
   *   model's label input feeds layers that cannot take them (anything but embeddings and layers marked
   *   `acceptsClassWeights`, such as the projection head).
   */
  logits(samples: tf.Tensor, labels?: NetworkLabels, training = false): tf.Tensor1D {
    return this.run(samples, labels, training, 'Discriminator.logits').logits;
  }

  /**
   * Scores samples and, with an auxiliary classifier, classifies them. Call it inside `tf.tidy`.
   * @param samples - [batch, ...inputShape]; images in [-1, 1].
   * @param labels - [batch] int32 class ids or [batch, numClasses] class weights (as {@link Discriminator.logits});
   *   required when the discriminator takes labels, forbidden otherwise.
   * @param training - run layers such as batch norm in training mode.
   * @returns `logits` [batch] (higher means "more real") and, with an auxiliary classifier, `classLogits`
   *   [batch, numClasses].
   */
  outputs(samples: tf.Tensor, labels?: NetworkLabels, training = false): DiscriminatorOutputs {
    return this.run(samples, labels, training, 'Discriminator.outputs');
  }

  private run(samples: tf.Tensor, labels: NetworkLabels | undefined, training: boolean, owner: string): DiscriminatorOutputs {
    checkBatchShape(samples, this.inputShape, 'samples', owner);
    let inputs: tf.Tensor | tf.Tensor[] = packSamples(samples, this.packing, owner);
    let model = this.model;
    if (this.conditional) {
      if (labels === undefined) {
        throw new ConfigError(`${owner}: 'labels' are required: the discriminator is conditional (numClasses ${this.numClasses}).`);
      }
      const weights = isClassWeights(labels, this.numClasses);
      const groups = samples.shape[0] / this.packing;
      const perGroup = this.packing > 1 && labels.shape[0] === groups;
      if ((labels.rank !== 1 && !weights) || (labels.shape[0] !== samples.shape[0] && !perGroup)) {
        const or = this.packing > 1 ? ` (or one per group of ${this.packing}: [${groups}] or [${groups}, ${this.numClasses}])` : '';
        throw new ConfigError(
          `${owner}: 'labels' must be class ids of shape [${samples.shape[0]}] or class weights of shape [${samples.shape[0]}, ${this.numClasses}]${or}, received ${describeValue(labels.shape)}.`,
        );
      }
      if (weights) {
        this.classWeightsModel ??= buildClassWeightsModel(this.model, this.numClasses, owner);
        model = this.classWeightsModel;
      }
      const perInput = perGroup ? labels : packLabels(labels, this.packing, owner);
      inputs = [inputs as tf.Tensor, weights ? tf.cast(perInput, 'float32') : labelsForModel(this.model, perInput as tf.Tensor1D)];
    } else if (labels !== undefined) {
      throw new ConfigError(
        this.auxiliaryClassifier
          ? `${owner}: 'labels' were given, but this ACGAN discriminator takes no label input (it predicts the class).`
          : `${owner}: 'labels' were given, but the discriminator is unconditional (numClasses 0).`,
      );
    }
    if (!this.auxiliaryClassifier) {
      const output = model.apply(inputs, { training }) as tf.Tensor;
      return { logits: tf.reshape(output, [-1]) as tf.Tensor1D };
    }
    const [output, classLogits] = model.apply(inputs, { training }) as tf.Tensor[];
    return { logits: tf.reshape(output, [-1]) as tf.Tensor1D, classLogits: classLogits as tf.Tensor2D };
  }

  /** Frees the model's weights. */
  dispose(): void {
    freeModel(this.model, this.classWeightsModel !== undefined);
    this.classWeightsModel = undefined;
  }
}
