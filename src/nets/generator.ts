import * as tf from '@tensorflow/tfjs';
import { ConfigError, describeValue } from '../errors.js';
import { randomSeed } from '../util/random.js';
import { buildClassWeightsModel } from './class-weights-model.js';
import { checkKnownOptions } from './build-helpers.js';
import { checkClassNames } from './conditioning.js';
import { type InterpolationMethod, interpolateLatents, interpolationSteps } from './interpolation.js';
import { type ClassLabel, type LabelsInput, type SampleLabels, classId, toLabelTensor } from './labels.js';
import { sampleLatents } from './latents.js';
import {
  GENERATOR_SPEC_KEYS,
  type GeneratorSpec,
  checkBatchShape,
  checkModelInputs,
  checkNumClasses,
  checkShape,
  labelsForModel,
  trainableVariables,
} from './model-contract.js';
import { type DcganGeneratorOptions, buildDcganGenerator } from './dcgan/dcgan-generator.js';
import { type MlpGeneratorOptions, buildMlpGenerator } from './mlp/mlp-generator.js';
import { type ResnetGeneratorOptions, buildResnetGenerator } from './resnet/resnet-generator.js';
import { type StyleGeneratorOptions, buildStyleGenerator } from './style/style-generator.js';
import { ConstantInput } from '../layers/constant-input.js';
import { StyleBroadcast } from '../layers/style-broadcast.js';

export type { GeneratorSpec } from './model-contract.js';

/** Options of {@link Generator.sample}. */
export interface SampleOptions {
  /** Number of samples, >= 1; with `labels: 'all'`, the number of samples per class. */
  readonly count: number;
  /** Seed of the latent draw; the same seed gives the same latents on every backend. */
  readonly seed?: number;
  /**
   * The classes of a conditional generator: one class (id or name) for all samples, one per sample, or
   * `'all'`: `count` samples of every class, ordered class by class (class 0 first), the same `count`
   * latents in every class, so a grid with `columns: count` shows one row per class and one latent per
   * column. Required when conditional, forbidden otherwise.
   */
  readonly labels?: SampleLabels;
  /**
   * Truncation. For most generators a threshold: latent components beyond it (in std) are redrawn. For a
   * style-based generator ({@link Generator.style}) the truncation ψ >= 0 in W: every intermediate latent
   * moves towards the tracked mean, `w' = w_avg + ψ (w − w_avg)` (1 = none, 0 = the mean image).
   */
  readonly truncation?: number;
}

/** Options of {@link Generator.mixStyles}. */
export interface MixStylesOptions {
  /** Seed of the latents that give the coarse styles (pose, shape, layout): as `sample({ count, seed: coarse })`. */
  readonly coarse: number;
  /** Seed of the latents that give the fine styles (colour, texture). */
  readonly fine: number;
  /** Number of images, >= 1. */
  readonly count: number;
  /** The first style index taken from `fine`, in [1, numStyles). */
  readonly crossover: number;
  /** Truncation ψ of both latents (in W). @defaultValue 1 (none) */
  readonly truncation?: number;
}

/** A point of a latent walk: a seed (the latent that `sample({ count: 1, seed })` draws) or a latent vector. */
export type LatentPoint = number | ArrayLike<number> | tf.Tensor;

/** Options of {@link Generator.interpolate}. */
export interface InterpolateOptions {
  /** The start: a seed or a latent vector of `latentDim` numbers. */
  readonly from: LatentPoint;
  /** The end: a seed or a latent vector of `latentDim` numbers. */
  readonly to: LatentPoint;
  /** Number of samples along the path, both endpoints included; >= 2. */
  readonly steps: number;
  /** `'slerp'` (great circle, keeps the norm) or `'lerp'` (straight line). @defaultValue 'slerp' */
  readonly method?: InterpolationMethod;
  /** The class of a conditional generator: one class (id or name) for every step, or one per step. */
  readonly labels?: LabelsInput;
  /** Truncation threshold applied when `from` or `to` is a seed (as in {@link Generator.sample}). */
  readonly truncation?: number;
}

/** Options of {@link Generator.interpolateClasses}. */
export interface InterpolateClassesOptions {
  /** The start class (id or name). */
  readonly from: ClassLabel;
  /** The end class (id or name). */
  readonly to: ClassLabel;
  /** Number of samples, both endpoints included; >= 2. */
  readonly steps: number;
  /** Seed of the one latent shared by every step. @defaultValue a random seed */
  readonly seed?: number;
  /** Truncation threshold of that latent. */
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
  private names?: readonly string[];
  private classWeightsModel?: tf.LayersModel;

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
    if (!Number.isInteger(spec.latentDim) || spec.latentDim < 1) {
      throw new ConfigError(`${owner}: 'latentDim' must be an integer >= 1, received ${describeValue(spec.latentDim)}.`);
    }
    this.latentDim = spec.latentDim;
    this.outputShape = Object.freeze(checkShape(spec.outputShape, 'outputShape', owner));
    this.numClasses = checkNumClasses(spec.numClasses, owner);
    this.names = checkClassNames(spec.classNames, this.numClasses, owner);
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

  /**
   * Builds a ResNet generator (SNGAN, Miyato et al. 2018, arXiv:1802.05957; BigGAN, Brock et al. 2018,
   * arXiv:1809.11096) for square power-of-two images (32x32, 64x64, ...), with conditional batch norm
   * when conditional.
   */
  static resnet(options: ResnetGeneratorOptions): Generator {
    const { model, spec } = buildResnetGenerator(options);
    return new Generator(model, spec);
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
  static style(options: StyleGeneratorOptions): Generator {
    const { model, spec } = buildStyleGenerator(options);
    return new Generator(model, spec);
  }

  /** Whether the model is style-based: it maps latents to styles with a {@link StyleBroadcast} layer. */
  get styleBased(): boolean {
    return this.styleLayers().length > 0;
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
    const names = checkClassNames(classNames, this.numClasses, 'Generator');
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
   * Runs the model with class weights in place of class ids: each sample's label embedding (concat) or
   * per-class normalization parameters (cbn) are the weighted mix of the classes'. One-hot weights give
   * exactly {@link Generator.generate} with that class. Call it inside `tf.tidy`.
   *
   * @param latents - [batch, latentDim].
   * @param weights - [batch, numClasses] class weights, rows usually summing to 1.
   * @param training - run layers such as batch norm in training mode.
   * @returns samples of shape [batch, ...outputShape].
   * @throws ConfigError when unconditional, or when the model's label input feeds layers that cannot take
   *   class weights (anything but embeddings and ConditionalBatchNormalization).
   */
  generateFromClassWeights(latents: tf.Tensor, weights: tf.Tensor, training = false): tf.Tensor {
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
    return this.classWeightsModel.apply([latents, tf.cast(weights, 'float32')], { training }) as tf.Tensor;
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
  sample(options: SampleOptions): tf.Tensor {
    const owner = 'Generator.sample';
    if (options == null || typeof options !== 'object') {
      throw new ConfigError(`${owner}: options must be an object with at least 'count', received ${describeValue(options)}.`);
    }
    const seed = options.seed ?? randomSeed();
    const { count } = options;
    this.checkLabelsPresence(options.labels, owner);
    const latents = sampleLatents(count, this.latentDim, seed, this.latentTruncation(options.truncation, owner));
    let labels: tf.Tensor1D | undefined;
    try {
      if (options.labels === 'all') {
        const classes = this.numClasses;
        const ids = Int32Array.from({ length: classes * count }, (_, i) => Math.floor(i / count));
        return this.withStyleTruncation(options.truncation, () =>
          tf.tidy(() => this.generate(tf.tile(latents, [classes, 1]), tf.tensor1d(ids, 'int32'), false)),
        );
      }
      labels = options.labels === undefined ? undefined : toLabelTensor(options.labels, count, this.numClasses, 'labels', this.names);
      return this.withStyleTruncation(options.truncation, () => tf.tidy(() => this.generate(latents, labels, false)));
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
  interpolate(options: InterpolateOptions): tf.Tensor {
    const owner = 'Generator.interpolate';
    if (options == null || typeof options !== 'object') {
      throw new ConfigError(`${owner}: options must be an object with 'from', 'to' and 'steps', received ${describeValue(options)}.`);
    }
    const { steps } = options;
    interpolationSteps(steps, owner);
    this.checkLabelsPresence(options.labels, owner);
    const truncation = this.latentTruncation(options.truncation, owner);
    const from = this.latentOf(options.from, 'from', truncation, owner);
    const to = this.latentOf(options.to, 'to', truncation, owner);
    const latents = interpolateLatents(from, to, steps, options.method ?? 'slerp');
    let labels: tf.Tensor1D | undefined;
    try {
      labels = options.labels === undefined ? undefined : toLabelTensor(options.labels, steps, this.numClasses, 'labels', this.names);
      return this.withStyleTruncation(options.truncation, () => tf.tidy(() => this.generate(latents, labels, false)));
    } finally {
      latents.dispose();
      labels?.dispose();
    }
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
  interpolateClasses(options: InterpolateClassesOptions): tf.Tensor {
    const owner = 'Generator.interpolateClasses';
    if (options == null || typeof options !== 'object') {
      throw new ConfigError(`${owner}: options must be an object with 'from', 'to' and 'steps', received ${describeValue(options)}.`);
    }
    if (!this.conditional) {
      throw new ConfigError(`${owner}: this generator is unconditional (numClasses 0); class interpolation needs a conditional generator.`);
    }
    const ts = interpolationSteps(options.steps, owner);
    const a = classId(options.from, this.numClasses, this.names, 'from');
    const b = classId(options.to, this.numClasses, this.names, 'to');
    const weights = new Float32Array(ts.length * this.numClasses);
    ts.forEach((t, i) => {
      weights[i * this.numClasses + a] += 1 - t;
      weights[i * this.numClasses + b] += t;
    });
    const latent = sampleLatents(1, this.latentDim, options.seed ?? randomSeed(), this.latentTruncation(options.truncation, owner));
    try {
      return this.withStyleTruncation(options.truncation, () =>
        tf.tidy(() =>
          this.generateFromClassWeights(tf.tile(latent, [ts.length, 1]), tf.tensor2d(weights, [ts.length, this.numClasses]), false),
        ),
      );
    } finally {
      latent.dispose();
    }
  }

  /** Frees the model's weights. */
  dispose(): void {
    this.model.dispose();
    this.classWeightsModel = undefined;
    this.stylesSubModel = undefined;
    this.synthesisSubModel = undefined;
  }

  /**
   * Style mixing: `count` images whose coarse styles (indices below `crossover`) come from the latents
   * of `seeds.coarse` and whose fine styles come from those of `seeds.fine` (StyleGAN, Karras et al.
   * 2019, figure 3). Unconditional style-based generators only.
   *
   * @returns `[count, ...outputShape]`.
   * @throws ConfigError for a generator that is not style-based or conditional, or a bad crossover.
   */
  mixStyles(options: MixStylesOptions): tf.Tensor {
    const owner = 'Generator.mixStyles';
    const [broadcast] = this.styleLayers();
    if (broadcast === undefined || this.conditional) {
      throw new ConfigError(`${owner}: needs an unconditional style-based generator (Generator.style), received ${this.conditional ? 'a conditional one' : 'one without a StyleBroadcast layer'}.`);
    }
    for (const name of ['coarse', 'fine'] as const) {
      if (!Number.isInteger(options[name])) throw new ConfigError(`${owner}: '${name}' must be an integer seed, received ${describeValue(options[name])}.`);
    }
    const numStyles = broadcast.numStyles;
    if (!Number.isInteger(options.crossover) || options.crossover < 1 || options.crossover >= numStyles) {
      throw new ConfigError(`${owner}: 'crossover' must be an integer in [1, ${numStyles - 1}], received ${describeValue(options.crossover)}.`);
    }
    const coarse = sampleLatents(options.count, this.latentDim, options.coarse);
    const fine = sampleLatents(options.count, this.latentDim, options.fine);
    try {
      return this.withStyleTruncation(options.truncation, () =>
        tf.tidy(() => {
          const stylesOf = (latents: tf.Tensor) => this.styleModel(broadcast).apply(latents) as tf.Tensor3D;
          const [a, b] = [stylesOf(coarse), stylesOf(fine)];
          const mask = tf.reshape(tf.cast(tf.greaterEqual(tf.range(0, numStyles, 1, 'float32'), options.crossover), 'float32'), [1, numStyles, 1]);
          const mixed = tf.add(tf.mul(a, tf.sub(1, mask)), tf.mul(b, mask));
          return this.synthesisModel(broadcast).apply(mixed) as tf.Tensor;
        }),
      );
    } finally {
      coarse.dispose();
      fine.dispose();
    }
  }

  /**
   * A style-based generator's styles for given latents: `[batch, numStyles, styleDim]`. Call it inside
   * `tf.tidy`. @internal (path length regularization)
   * @throws ConfigError when the generator is not style-based.
   */
  styles(latents: tf.Tensor, labels?: tf.Tensor1D, training = false): tf.Tensor3D {
    const [broadcast] = this.styleLayers();
    if (broadcast === undefined) throw new ConfigError('Generator.styles: the generator is not style-based (Generator.style).');
    return this.styleModel(broadcast).apply(this.modelInputs(latents, labels, 'Generator.styles'), { training }) as tf.Tensor3D;
  }

  /**
   * A style-based generator's synthesis network applied to styles `[batch, numStyles, styleDim]`.
   * Call it inside `tf.tidy`. @internal (path length regularization)
   * @throws ConfigError when the generator is not style-based.
   */
  synthesize(styles: tf.Tensor, training = false): tf.Tensor {
    const [broadcast] = this.styleLayers();
    if (broadcast === undefined) throw new ConfigError('Generator.synthesize: the generator is not style-based (Generator.style).');
    return this.synthesisModel(broadcast).apply(styles, { training }) as tf.Tensor;
  }

  private styleLayers(): StyleBroadcast[] {
    return this.model.layers.filter((layer): layer is StyleBroadcast => layer instanceof StyleBroadcast);
  }

  private stylesSubModel?: tf.LayersModel;
  private synthesisSubModel?: tf.LayersModel;

  /** z → styles, sharing the generator's layers. */
  private styleModel(broadcast: StyleBroadcast): tf.LayersModel {
    this.stylesSubModel ??= tf.model({ inputs: this.model.inputs, outputs: broadcast.output as tf.SymbolicTensor });
    return this.stylesSubModel;
  }

  /** styles → image: the generator's graph with the styles as an input (the constant still reads z's batch). */
  private synthesisModel(broadcast: StyleBroadcast): tf.LayersModel {
    if (this.synthesisSubModel === undefined) {
      const shape = (broadcast.output as tf.SymbolicTensor).shape.slice(1) as number[];
      const stylesInput = tf.input({ shape, name: 'styles_in' });
      const mapped = new Map<tf.SymbolicTensor, tf.SymbolicTensor>([[broadcast.output as tf.SymbolicTensor, stylesInput]]);
      for (const layer of this.model.layers) {
        if (layer === broadcast) continue;
        // The learned constant only reads the batch size of its input: give it the styles.
        const inbound = layer instanceof ConstantInput ? [] : layer.inboundNodes[0].inputTensors;
        if (inbound.length === 0 && !(layer instanceof ConstantInput)) continue;
        if (!inbound.every((t) => mapped.has(t))) continue;
        const args = layer instanceof ConstantInput ? [stylesInput] : inbound.map((t) => mapped.get(t)!);
        mapped.set(layer.output as tf.SymbolicTensor, layer.apply(args.length === 1 ? args[0] : args) as tf.SymbolicTensor);
      }
      this.synthesisSubModel = tf.model({ inputs: stylesInput, outputs: mapped.get(this.model.outputs[0])! });
    }
    return this.synthesisSubModel;
  }

  /** The truncation threshold for the latent draw: none for style-based generators (they truncate in W). */
  private latentTruncation(truncation: number | undefined, owner: string): number | undefined {
    if (!this.styleBased || truncation === undefined) return truncation;
    if (typeof truncation !== 'number' || !(truncation >= 0) || !Number.isFinite(truncation)) {
      throw new ConfigError(`${owner}: 'truncation' of a style-based generator is ψ, a finite number >= 0 (1 = none), received ${describeValue(truncation)}.`);
    }
    return undefined;
  }

  /** Runs `fn` with the style layers' truncation ψ set (style-based generators), then resets it to 1. */
  private withStyleTruncation<T>(truncation: number | undefined, fn: () => T): T {
    const layers = this.styleLayers();
    if (layers.length === 0 || truncation === undefined) return fn();
    for (const layer of layers) layer.truncation = truncation;
    try {
      return fn();
    } finally {
      for (const layer of layers) layer.truncation = 1;
    }
  }

  private checkLabelsPresence(labels: SampleLabels | undefined, owner: string): void {
    if (!this.conditional && labels !== undefined) {
      throw new ConfigError(
        `${owner}: 'labels' were given, but this generator is unconditional (numClasses 0). Expected no labels, received ${describeValue(labels instanceof tf.Tensor ? labels.shape : labels)}.`,
      );
    }
    if (this.conditional && labels === undefined) {
      throw new ConfigError(
        `${owner}: this generator is conditional (numClasses ${this.numClasses}); 'labels' must be a class id in [0, ${this.numClasses - 1}]${this.names ? ', a class name' : ''}, one per sample, or 'all', received undefined.`,
      );
    }
  }

  private latentOf(point: LatentPoint, argName: string, truncation: number | undefined, owner: string): Float32Array {
    if (typeof point === 'number') {
      if (!Number.isInteger(point)) {
        throw new ConfigError(`${owner}: '${argName}' must be an integer seed or a latent vector of ${this.latentDim} numbers, received ${describeValue(point)}.`);
      }
      const latent = sampleLatents(1, this.latentDim, point, truncation);
      try {
        return latent.dataSync() as Float32Array;
      } finally {
        latent.dispose();
      }
    }
    const values = point instanceof tf.Tensor ? point.dataSync() : point;
    const size = point instanceof tf.Tensor ? point.size : values?.length;
    if (size !== this.latentDim || (point instanceof tf.Tensor && !(point.rank === 1 || (point.rank === 2 && point.shape[0] === 1)))) {
      throw new ConfigError(
        `${owner}: '${argName}' must be an integer seed or a latent vector of ${this.latentDim} numbers, received ${point instanceof tf.Tensor ? `a tensor of shape ${describeValue(point.shape)}` : describeValue(size === undefined ? point : `${size} numbers`)}.`,
      );
    }
    return Float32Array.from(values as ArrayLike<number>);
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
