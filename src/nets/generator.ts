import * as tf from '@tensorflow/tfjs';
import { ConfigError, describeValue } from '../errors.js';
import { randomSeed } from '../util/random.js';
import { type LabelsInput, toLabelTensor } from './labels.js';
import { sampleLatents } from './latents.js';
import {
  checkBatchShape,
  checkModelInputs,
  checkNumClasses,
  checkShape,
  labelsForModel,
  trainableVariables,
} from './model-contract.js';
import { type DcganGeneratorOptions, buildDcganGenerator } from './dcgan/dcgan-generator.js';
import { type MlpGeneratorOptions, buildMlpGenerator } from './mlp/mlp-generator.js';

/** What a generator model is: the size of its latent input, the shape of its output, its classes. */
export interface GeneratorSpec {
  /** Size of the latent vector z, drawn from N(0, 1). */
  readonly latentDim: number;
  /** Per-sample output shape: [height, width, channels] for images, [2] for 2-D points. */
  readonly outputShape: readonly number[];
  /** Number of classes of a conditional generator; 0 (the default) for an unconditional one. */
  readonly numClasses?: number;
}

/** Options of {@link Generator.sample}. */
export interface SampleOptions {
  /** Number of samples, >= 1. */
  readonly count: number;
  /** Seed of the latent draw; the same seed gives the same latents on every backend. */
  readonly seed?: number;
  /** Class ids of a conditional generator: one id for all samples, or one per sample. */
  readonly labels?: LabelsInput;
  /** Truncation threshold: latent components beyond it (in std) are redrawn. */
  readonly truncation?: number;
}

/**
 * A GAN generator: a `tf.LayersModel` that maps latents z (and class labels, when conditional) to
 * samples. Images are NHWC in [-1, 1].
 *
 * Any model with the same contract plugs in: inputs `z` of shape [batch, latentDim] and, when
 * conditional, `label` of shape [batch, 1] (int32 class ids); one output of shape [batch, ...outputShape].
 *
 * @example
 * ```ts
 * const generator = Generator.dcgan({ latentDim: 64, imageShape: [28, 28, 1] });
 * const images = generator.sample({ count: 16, seed: 1 }); // Tensor4D [16, 28, 28, 1] in [-1, 1]
 * ```
 */
export class Generator {
  /** The wrapped model. */
  readonly model: tf.LayersModel;
  /** Size of the latent vector. */
  readonly latentDim: number;
  /** Per-sample output shape. */
  readonly outputShape: readonly number[];
  /** Number of classes, 0 when unconditional. */
  readonly numClasses: number;

  /**
   * Wraps a user's model.
   * @throws ConfigError or ShapeError when the model's inputs or output do not match `spec`.
   */
  constructor(model: tf.LayersModel, spec: GeneratorSpec) {
    const owner = 'Generator';
    if (!(model instanceof tf.LayersModel)) {
      throw new ConfigError(`${owner}: 'model' must be a tf.LayersModel, received ${describeValue(model)}.`);
    }
    if (!Number.isInteger(spec.latentDim) || spec.latentDim < 1) {
      throw new ConfigError(`${owner}: 'latentDim' must be an integer >= 1, received ${describeValue(spec.latentDim)}.`);
    }
    this.latentDim = spec.latentDim;
    this.outputShape = Object.freeze(checkShape(spec.outputShape, 'outputShape', owner));
    this.numClasses = checkNumClasses(spec.numClasses, owner);
    checkModelInputs(model, [this.latentDim], this.conditional, owner, 'z');
    const out = model.outputs[0].shape.slice(1);
    if (out.length !== this.outputShape.length || out.some((d, i) => d !== this.outputShape[i])) {
      throw new ConfigError(
        `${owner}: the model's output must have per-sample shape ${describeValue(this.outputShape)}, received ${describeValue(out)}.`,
      );
    }
    this.model = model;
  }

  /** Builds an MLP generator (for 2-D toy data or small images). */
  static mlp(options: MlpGeneratorOptions): Generator {
    const { model, spec } = buildMlpGenerator(options);
    return new Generator(model, spec);
  }

  /** Builds a DCGAN generator (Radford et al. 2015, arXiv:1511.06434) for 28x28, 32x32 or 64x64 images. */
  static dcgan(options: DcganGeneratorOptions): Generator {
    const { model, spec } = buildDcganGenerator(options);
    return new Generator(model, spec);
  }

  /** Alias of {@link Generator.outputShape} for image generators. */
  get imageShape(): readonly number[] {
    return this.outputShape;
  }

  /** Whether the generator takes class labels. */
  get conditional(): boolean {
    return this.numClasses > 0;
  }

  /** The trainable variables, for the generator's optimizer. */
  get trainableVariables(): tf.Variable[] {
    return trainableVariables(this.model);
  }

  /**
   * Runs the model on given latents. Call it inside `tf.tidy` (it may create temporaries).
   * @param latents - [batch, latentDim].
   * @param labels - [batch] int32 class ids; required when conditional, forbidden otherwise.
   * @param training - run layers such as batch norm in training mode.
   * @returns samples of shape [batch, ...outputShape].
   */
  generate(latents: tf.Tensor, labels?: tf.Tensor1D, training = false): tf.Tensor {
    checkBatchShape(latents, [this.latentDim], 'latents', 'Generator.generate');
    const inputs = this.modelInputs(latents, labels, 'Generator.generate');
    return this.model.apply(inputs, { training }) as tf.Tensor;
  }

  /**
   * Draws samples: latents from N(0, 1) (optionally truncated), then one forward pass in inference mode.
   * @returns a tensor of shape [count, ...outputShape]; images in [-1, 1].
   * @throws ConfigError for a bad count, bad labels, or labels given to an unconditional generator.
   */
  sample(options: SampleOptions): tf.Tensor {
    const seed = options.seed ?? randomSeed();
    const { count } = options;
    if (!this.conditional && options.labels !== undefined) {
      throw new ConfigError(
        `Generator.sample: 'labels' were given, but this generator is unconditional (numClasses 0). Expected no labels, received ${describeValue(options.labels instanceof tf.Tensor ? options.labels.shape : options.labels)}.`,
      );
    }
    if (this.conditional && options.labels === undefined) {
      throw new ConfigError(
        `Generator.sample: this generator is conditional (numClasses ${this.numClasses}); 'labels' must be a class id in [0, ${this.numClasses - 1}] or one id per sample, received undefined.`,
      );
    }
    const latents = sampleLatents(count, this.latentDim, seed, options.truncation);
    const labels =
      options.labels === undefined ? undefined : toLabelTensor(options.labels, count, this.numClasses);
    try {
      return tf.tidy(() => this.generate(latents, labels, false));
    } finally {
      latents.dispose();
      labels?.dispose();
    }
  }

  /** Frees the model's weights. */
  dispose(): void {
    this.model.dispose();
  }

  private modelInputs(main: tf.Tensor, labels: tf.Tensor1D | undefined, owner: string): tf.Tensor | tf.Tensor[] {
    if (!this.conditional) {
      if (labels !== undefined) {
        throw new ConfigError(`${owner}: 'labels' were given, but the generator is unconditional (numClasses 0).`);
      }
      return main;
    }
    if (labels === undefined) {
      throw new ConfigError(`${owner}: 'labels' are required: the generator is conditional (numClasses ${this.numClasses}).`);
    }
    if (labels.rank !== 1 || labels.shape[0] !== main.shape[0]) {
      throw new ConfigError(
        `${owner}: 'labels' must have shape [${main.shape[0]}], received ${describeValue(labels.shape)}.`,
      );
    }
    return [main, labelsForModel(this.model, labels)];
  }
}
