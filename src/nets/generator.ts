import * as tf from '@tensorflow/tfjs';
import { ConfigError, ShapeError, describeValue } from '../errors.js';
import { randomSeed } from '../util/random.js';
import { buildClassWeightsModel } from './class-weights-model.js';
import { checkClassNames, checkKnownOptions, checkPositiveInt } from '../util/validate.js';
import { type ClassLabel, type NetworkLabels, type SampleLabels, checkLabelsPresence, classId, toLabelTensor } from './labels.js';
import { sampleLatents } from './latents.js';
import {
  GENERATOR_SPEC_KEYS,
  type GeneratorSpec,
  checkBatchShape,
  checkModelInputs,
  checkNumClasses,
  checkShape,
  modelInputs,
  trainableVariables,
} from './model-contract.js';
import { type ArchitectureName, type GeneratorOptionsOf, type GeneratorRankOf, architectureByName } from './architectures.js';
import type { DcganGeneratorOptions } from './dcgan/dcgan-generator.js';
import type { MlpGeneratorOptions } from './mlp/mlp-generator.js';
import type { ResnetGeneratorOptions } from './resnet/resnet-generator.js';
import type { StyleGeneratorOptions } from './style/style-generator.js';
import { type MixStylesOptions, mixStyles } from './style/mix-styles.js';
import { freeModel } from './free-model.js';
import { StyleGraph, styleBroadcastLayers } from './style/style-graph.js';
import { latentTruncation, withStyleTruncation } from './style/style-truncation.js';
import type { SampleOptions } from './sample-options.js';
import type { SampleRank, SampleShape } from './sample-rank.js';
import type { PretrainedName } from './pretrained.js';
import type { GeneratorSaveResult } from './generator-export.js';
import { type InterpolateClassesOptions, type InterpolateOptions, classWalk, latentWalk } from './walks.js';

export type { GeneratorSpec } from './model-contract.js';
export type { SampleOptions } from './sample-options.js';
export type { SampleRank, SampleShape } from './sample-rank.js';
export type { MixStylesOptions } from './style/mix-styles.js';
export type { InterpolateClassesOptions, InterpolateOptions, LatentPoint } from './walks.js';

/**
 * A GAN generator: a `tf.LayersModel` that maps latents z (and class labels, when conditional) to
 * samples. Images are NHWC in [-1, 1].
 *
 * Any model with the same contract plugs in: inputs `z` of shape [batch, latentDim] and, when
 * conditional, `label` of shape [batch, 1] (int32 class ids); one output of shape [batch, ...outputShape].
 *
 * @typeParam R - the rank of a batch of samples: `tf.Rank.R4` for images (the DCGAN, ResNet and style
 *   builders; the MLP with a 3-D `outputShape`), `tf.Rank.R2` for vectors (the MLP with a 1-D
 *   `outputShape`). `new Generator(model, spec)` and loaded generators are `Generator<tf.Rank>` (any
 *   rank) unless given one, `new Generator<tf.Rank.R4>(model, spec)`, which is a claim the caller makes.
 * @example
 * ```ts
 * const generator = Generator.dcgan({ latentDim: 64, imageShape: [28, 28, 1] });   // Generator<tf.Rank.R4>
 * const images = generator.sample({ count: 16, seed: 1 }); // Tensor4D [16, 28, 28, 1] in [-1, 1]
 * ```
 */
export class Generator<R extends tf.Rank = tf.Rank> {
  /** The wrapped model. */
  readonly model: tf.LayersModel;
  /** Size of the latent vector. */
  readonly latentDim: number;
  /** Per-sample output shape. */
  readonly outputShape: readonly number[];
  /** Number of classes, 0 when unconditional. */
  readonly numClasses: number;
  private names?: readonly string[];
  private classWeightsModel?: tf.LayersModel;
  /** The style graph, once looked for: null when the generator is not style-based. */
  private graph?: StyleGraph | null;

  /**
   * Wraps a user's model.
   * @throws ConfigError or ShapeError when the model's inputs or output do not match `spec`.
   */
  constructor(model: tf.LayersModel, spec: GeneratorSpec) {
    const owner = 'Generator';
    if (!(model instanceof tf.LayersModel)) {
      throw new ConfigError(`${owner}: 'model' must be a tf.LayersModel, received ${describeValue(model)}.`);
    }
    if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) {
      throw new ConfigError(
        `${owner}: 'spec' must be a GeneratorSpec { latentDim, outputShape, numClasses?, classNames? } describing the model, received ${describeValue(spec)}.`,
      );
    }
    checkKnownOptions(spec, GENERATOR_SPEC_KEYS, owner);
    this.latentDim = checkPositiveInt(spec.latentDim, 'latentDim', owner);
    this.outputShape = Object.freeze(checkShape(spec.outputShape, 'outputShape', owner));
    this.numClasses = checkNumClasses(spec.numClasses, owner);
    this.names = checkClassNames(spec.classNames, owner, this.numClasses);
    checkModelInputs(model, [this.latentDim], this.conditional, owner, 'z');
    const out = model.outputs[0].shape.slice(1);
    if (out.length !== this.outputShape.length || out.some((d, i) => d !== this.outputShape[i])) {
      throw new ShapeError(
        `${owner}: the model's output must have per-sample shape ${describeValue(this.outputShape)}, received ${describeValue(out)}.`,
      );
    }
    this.model = model;
  }

  /**
   * Builds the generator of a registered architecture (see `ARCHITECTURES`); `Generator.dcgan(options)`
   * is `Generator.build('dcgan', options)`.
   * @param architecture - one of `ARCHITECTURE_NAMES`.
   * @param options - that architecture's generator options.
   * @returns a generator of images (`Generator<tf.Rank.R4>`), or for the MLP of the rank its
   *   `outputShape` gives ({@link GeneratorRankOf}).
   * @throws ConfigError for an unknown architecture or bad options.
   * @example
   * ```ts
   * const generator = Generator.build('resnet', { imageShape: [32, 32, 3], seed: 1 });
   * ```
   */
  static build<N extends ArchitectureName, S extends SampleShape = readonly number[]>(
    architecture: N,
    options: GeneratorOptionsOf<N, S>,
  ): Generator<GeneratorRankOf<N, S>> {
    const { model, spec } = architectureByName(architecture, 'Generator.build').generator(options);
    return new Generator<GeneratorRankOf<N, S>>(model, spec);
  }

  /**
   * Builds an MLP generator (for 2-D toy data or small images). Its samples have one dimension more
   * than `outputShape`: `outputShape: [2]` gives a `Generator<tf.Rank.R2>`, `[28, 28, 1]` a
   * `Generator<tf.Rank.R4>`; a shape typed `number[]` gives `Generator<tf.Rank>`.
   */
  static mlp<S extends SampleShape>(options: MlpGeneratorOptions<S>): Generator<SampleRank<S>> {
    return Generator.build<'mlp', S>('mlp', options);
  }

  /** Builds a DCGAN generator (Radford et al. 2015, arXiv:1511.06434) for 28x28, 32x32 or 64x64 images. */
  static dcgan(options: DcganGeneratorOptions): Generator<tf.Rank.R4> {
    return Generator.build('dcgan', options);
  }

  /**
   * Builds a ResNet generator (SNGAN, Miyato et al. 2018, arXiv:1802.05957; BigGAN, Brock et al. 2018,
   * arXiv:1809.11096) for square power-of-two images (32x32, 64x64, ...), with conditional batch norm
   * when conditional.
   */
  static resnet(options: ResnetGeneratorOptions): Generator<tf.Rank.R4> {
    return Generator.build('resnet', options);
  }

  /**
   * Builds a style-based generator (StyleGAN2, Karras et al. 2020, arXiv:1912.04958): mapping network,
   * modulated convolutions, noise inputs, skip outputs, style mixing, truncation in W.
   * @example
   * ```ts
   * const generator = Generator.style({ imageShape: [32, 32, 3], seed: 1 });
   * const images = generator.sample({ count: 16, truncation: 0.7, seed: 1 }); // [16, 32, 32, 3]
   * ```
   */
  static style(options: StyleGeneratorOptions): Generator<tf.Rank.R4> {
    return Generator.build('style', options);
  }

  /**
   * A generator shipped inside the package (no download), trained by the recipe of the same name:
   * `'mnist'` digits or `'fashion-mnist'` clothes, class-conditional; a new one per call. Its training
   * record and held-out scores: `pretrainedRecord(name)`. @throws ConfigError for an unknown name.
   * @example `const grid = (await Generator.pretrained('mnist')).sample({ count: 8, labels: 'all' });`
   */
  static async pretrained(name: PretrainedName): Promise<Generator<tf.Rank.R4>> {
    return (await import('./pretrained.js')).loadPretrained(name);
  }

  /**
   * Loads a generator saved by {@link Generator.save} (any family), or a tfjs LayersModel that maps latents
   * (and labels) to samples, from `'file://dir'` (Node, no tfjs-node), any URL tfjs loads, or an IOHandler;
   * `spec` defaults to the saved one. @throws DataError for a missing, corrupt or foreign model.
   */
  static async load(source: string | tf.io.IOHandler, spec?: GeneratorSpec): Promise<Generator> {
    return (await import('./generator-export.js')).loadGenerator(source, spec);
  }

  /**
   * Saves a standard tfjs LayersModel for applications (tfjs-gan's training-only layers written as the
   * tfjs layers they compute, the spec in its metadata): MLP and DCGAN generators (unconditional or
   * concat-conditional) then load with plain `tf.loadLayersModel` (`result.portable`), every family with
   * {@link Generator.load}. `destination`: `'file://dir'` (Node, crash-safe, no tfjs-node), any URL tfjs
   * saves to, or a `tf.io.IOHandler`. @example `await generator.save('file://models/digits');`
   */
  async save(destination: string | tf.io.IOHandler): Promise<GeneratorSaveResult> {
    return (await import('./generator-export.js')).saveGenerator(this, destination);
  }

  /** Whether the model is style-based: it maps latents to styles with a {@link StyleBroadcast} layer. */
  get styleBased(): boolean {
    return styleBroadcastLayers(this.model).length > 0;
  }

  /** Alias of {@link Generator.outputShape} for image generators. */
  get imageShape(): readonly number[] {
    return this.outputShape;
  }

  /** Whether the generator takes class labels. */
  get conditional(): boolean {
    return this.numClasses > 0;
  }

  /** The names of the classes by id, when known (from the builder's `classNames`, or the training data). */
  get classNames(): readonly string[] | undefined {
    return this.names;
  }

  /** The trainable variables, for the generator's optimizer. */
  get trainableVariables(): tf.Variable[] {
    return trainableVariables(this.model);
  }

  /** What {@link Generator} needs to rebuild this one around the same model (saved in checkpoints). */
  get spec(): GeneratorSpec {
    return {
      latentDim: this.latentDim,
      outputShape: [...this.outputShape],
      numClasses: this.numClasses,
      ...(this.names ? { classNames: [...this.names] } : {}),
    };
  }

  /**
   * Resolves a class given by id or by name to its id.
   * @throws ConfigError for an unconditional generator, an id out of range or an unknown name.
   */
  classId(label: ClassLabel): number {
    return classId(label, this.numClasses, this.names, 'label');
  }

  /**
   * Sets the class names when the generator has none (the Trainer does this from the training data).
   * @internal
   * @throws ConfigError when the names do not fit, or differ from the ones the generator has.
   */
  adoptClassNames(classNames: readonly string[]): void {
    const names = checkClassNames(classNames, 'Generator', this.numClasses);
    if (this.names === undefined) {
      this.names = names;
    } else if (names !== undefined && names.some((name, i) => name !== this.names![i])) {
      throw new ConfigError(
        `Generator: its class names ${describeValue(this.names)} differ from the class names ${describeValue(names)} of the data.`,
      );
    }
  }

  /**
   * Runs the model on given latents. Call it inside `tf.tidy` (it may create temporaries).
   * @param latents - [batch, latentDim].
   * @param labels - [batch] int32 class ids or [batch, numClasses] class weights; needed when conditional only.
   * @param training - run layers such as batch norm in training mode.
   * @returns samples of shape [batch, ...outputShape].
   */
  generate(latents: tf.Tensor, labels?: NetworkLabels, training = false): tf.Tensor<R> {
    if (labels?.rank === 2) return this.generateFromClassWeights(latents, labels, training);
    checkBatchShape(latents, [this.latentDim], 'latents', 'Generator.generate');
    return this.model.apply(modelInputs(this.model, this.numClasses, latents, labels, 'Generator.generate'), { training }) as tf.Tensor<R>;
  }

  /**
   * Runs the model with class weights in place of class ids: each sample's label embedding (concat) or
   * per-class normalization parameters (cbn) are the weighted mix of the classes'. One-hot weights give
   * exactly {@link Generator.generate} with that class. Call it inside `tf.tidy`.
   *
   * @param latents - [batch, latentDim].
   * @param weights - [batch, numClasses] class weights, rows usually summing to 1 (see {@link NetworkLabels}).
   * @param training - run layers such as batch norm in training mode.
   * @returns samples of shape [batch, ...outputShape].
   * @throws ConfigError when unconditional, or when the model's label input feeds layers that cannot take
   *   class weights (anything but embeddings and ConditionalBatchNormalization).
   */
  generateFromClassWeights(latents: tf.Tensor, weights: tf.Tensor, training = false): tf.Tensor<R> {
    const owner = 'Generator.generateFromClassWeights';
    checkBatchShape(latents, [this.latentDim], 'latents', owner);
    if (!this.conditional) {
      throw new ConfigError(`${owner}: this generator is unconditional (numClasses 0); class weights need a conditional generator.`);
    }
    checkBatchShape(weights, [this.numClasses], 'weights', owner);
    if (weights.shape[0] !== latents.shape[0]) {
      throw new ConfigError(`${owner}: 'weights' must have ${latents.shape[0]} rows (one per latent), received ${weights.shape[0]}.`);
    }
    this.classWeightsModel ??= buildClassWeightsModel(this.model, this.numClasses, owner);
    return this.classWeightsModel.apply([latents, tf.cast(weights, 'float32')], { training }) as tf.Tensor<R>;
  }

  /**
   * Draws samples: latents from N(0, 1) (optionally truncated), then one forward pass in inference mode.
   * @returns a tensor of shape [count, ...outputShape] (`[count * numClasses, ...]` with `labels: 'all'`);
   *   images in [-1, 1].
   * @throws ConfigError for a bad count, labels out of range, an unknown class name, or labels given to an
   *   unconditional generator.
   * @example
   * ```ts
   * const sneakers = generator.sample({ count: 8, labels: 'sneaker', seed: 1 });   // [8, 28, 28, 1]
   * const grid = generator.sample({ count: 8, labels: 'all', seed: 1 });          // [80, 28, 28, 1], a row per class
   * ```
   */
  sample(options: SampleOptions): tf.Tensor<R> {
    const owner = 'Generator.sample';
    if (options == null || typeof options !== 'object') {
      throw new ConfigError(`${owner}: options must be an object with at least 'count', received ${describeValue(options)}.`);
    }
    const seed = options.seed ?? randomSeed();
    const { count } = options;
    checkLabelsPresence(options.labels, this.numClasses, this.names, owner);
    const latents = sampleLatents(count, this.latentDim, seed, latentTruncation(this.model, options.truncation, owner));
    let labels: tf.Tensor1D | undefined;
    try {
      if (options.labels === 'all') {
        const classes = this.numClasses;
        const ids = Int32Array.from({ length: classes * count }, (_, i) => Math.floor(i / count));
        return withStyleTruncation(this.model, options.truncation, () =>
          tf.tidy(() => this.generate(tf.tile(latents, [classes, 1]), tf.tensor1d(ids, 'int32'), false)),
        );
      }
      labels = options.labels === undefined ? undefined : toLabelTensor(options.labels, count, this.numClasses, 'labels', this.names);
      return withStyleTruncation(this.model, options.truncation, () => tf.tidy(() => this.generate(latents, labels, false)));
    } finally {
      latents.dispose();
      labels?.dispose();
    }
  }

  /**
   * A latent walk: `steps` samples along the path from one latent to another (endpoints included), all
   * of the same class when conditional. With seeds as endpoints, the first and last samples equal
   * `sample({ count: 1, seed: from })` and `sample({ count: 1, seed: to })` (same labels, truncation).
   *
   * @returns a tensor `[steps, ...outputShape]`.
   * @throws ConfigError for bad endpoints, steps, method or labels.
   * @example
   * ```ts
   * const strip = generator.interpolate({ from: 1, to: 2, steps: 8, method: 'slerp', labels: 'coat' });
   * ```
   */
  interpolate(options: InterpolateOptions): tf.Tensor<R> {
    return latentWalk(this, options) as tf.Tensor<R>;
  }

  /**
   * A class walk: `steps` samples of one latent whose class moves from `from` to `to`, by mixing the two
   * classes' label embeddings (concat) or normalization parameters (cbn) with weights `1 - t` and `t`.
   * The first and last samples equal `sample({ count: 1, seed, labels: from })` and `... labels: to`.
   *
   * @returns a tensor `[steps, ...outputShape]`.
   * @throws ConfigError for an unconditional generator, unknown classes, a bad `steps`, or a model whose
   *   conditioning cannot be mixed (its label input feeds other layers than embeddings and
   *   ConditionalBatchNormalization).
   * @example
   * ```ts
   * const morph = generator.interpolateClasses({ from: 'sneaker', to: 'ankle-boot', steps: 8, seed: 3 });
   * ```
   */
  interpolateClasses(options: InterpolateClassesOptions): tf.Tensor<R> {
    return classWalk(this, options) as tf.Tensor<R>;
  }

  /** Frees the model's weights, also those that class walks and style mixing re-applied. */
  dispose(): void {
    freeModel(this.model, Boolean(this.classWeightsModel || this.graph));
    this.classWeightsModel = this.graph = undefined;
  }

  /**
   * Style mixing: `count` images whose coarse styles (indices below `crossover`) come from the latents
   * drawn with seed `coarse` and whose fine styles come from those drawn with seed `fine` (StyleGAN, Karras et al.
   * 2019, figure 3); conditional: the classes of both (`coarseLabels`, `fineLabels`). @returns `[count, ...outputShape]`.
   * @throws ConfigError for a generator that is not style-based, a bad crossover, or missing labels.
   */
  mixStyles(options: MixStylesOptions): tf.Tensor<R> {
    return mixStyles(this, this.styleGraph(), options) as tf.Tensor<R>;
  }

  /**
   * A style-based generator's styles for given latents: `[batch, numStyles, styleDim]`. Call it inside
   * `tf.tidy`. @internal (path length regularization)
   * @throws ConfigError when the generator is not style-based.
   */
  styles(latents: tf.Tensor, labels?: tf.Tensor1D, training = false): tf.Tensor3D {
    const graph = this.styleGraph();
    if (graph === undefined) throw new ConfigError('Generator.styles: the generator is not style-based (Generator.style).');
    return graph.stylesModel().apply(modelInputs(this.model, this.numClasses, latents, labels, 'Generator.styles'), { training }) as tf.Tensor3D;
  }

  /**
   * A style-based generator's synthesis network applied to styles `[batch, numStyles, styleDim]`.
   * Call it inside `tf.tidy`. @internal (path length regularization)
   * @throws ConfigError when the generator is not style-based.
   */
  synthesize(styles: tf.Tensor, training = false): tf.Tensor {
    const graph = this.styleGraph();
    if (graph === undefined) throw new ConfigError('Generator.synthesize: the generator is not style-based (Generator.style).');
    return graph.synthesisModel().apply(styles, { training }) as tf.Tensor;
  }

  /** The style graph of a style-based generator, built once (undefined for other generators). */
  private styleGraph(): StyleGraph | undefined {
    this.graph ??= StyleGraph.of(this.model) ?? null;
    return this.graph ?? undefined;
  }
}
