/**
 * The Trainer: the networks, loss, penalties, optimizers and options of a run, its step count, and
 * its entry points (fit, one step, save and load, serialisation). The step itself is in step.ts, its
 * objectives in objectives.ts, the fit loop in fit.ts, the options in trainer-options.ts and the
 * serialisation in trainer-serialization.ts.
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs';
import { ConfigError, ShapeError, describeValue } from '../errors.js';
import type { Dataset } from '../data/dataset.js';
import type { GanLoss } from '../losses/gan-loss.js';
import type { Penalty } from '../losses/penalty.js';
import { Discriminator } from '../nets/discriminator.js';
import { Generator } from '../nets/generator.js';
import { type SaveOptions, loadCheckpoint, writeCheckpoint } from '../io/checkpoint.js';
import type { CheckpointLocation } from '../io/checkpoint-store.js';
import { randomSeed } from '../util/random.js';
import { checkInt, checkNumber, checkOneOf, checkPositiveInt } from '../util/validate.js';
import { BATCH_SAMPLINGS, type BatchSampling } from '../data/class-balanced-sampler.js';
import { FAKE_LABELS, type FakeLabels } from './fake-labels.js';
import { AUXILIARY_CLASSIFIER_BATCHES, type AuxiliaryClassifierBatches } from './auxiliary-classifier-batches.js';
import { type AugmentationName, checkAugmentPolicy } from '../augment/diff-augment.js';
import { inputAugmentation } from './objectives.js';
import { type AugmentDraws, checkAugmentDraws } from './augment-draws.js';
import type { StepLogs, TrainingHistory } from './callback.js';
import { GeneratorEma } from './ema.js';
import { runFit } from './fit.js';
import { PathLengthRegularizer } from './path-length.js';
import { ModeSeekingRegularizer } from './mode-seeking.js';
import { type ConditioningTransition, resolveConditioningTransition } from './conditioning-transition.js';
import type { ProgressiveSchedule } from './progressive.js';
import type { PreflightParts } from './preflight.js';
import { trainStep } from './step.js';
import {
  type FitOptions,
  type TrainerConfig,
  TRAINER_DEFAULTS,
  checkTrainerConfig,
  defaultOptimizer,
  defaultsForData,
  resolveLoss,
  resolveProgressive,
} from './trainer-options.js';
import { type LoadOverrides, type SerializedTrainer, type TrainerJson, restoreTrainer, serializeTrainer } from './trainer-serialization.js';

export {
  type DataKindDefaults,
  type FitOptions,
  TRAINER_DEFAULTS,
  type TrainerConfig,
  VECTOR_TRAINER_DEFAULTS,
  defaultsForData,
} from './trainer-options.js';

/**
 * Trains a generator against a discriminator. The trainer owns the step: discriminator steps, then a
 * generator step, each updating only its own network's variables with its own optimizer.
 *
 * Every random draw is a pure function of `seed` and the step, so the same seed and backend give the
 * same losses, and a run resumed from a checkpoint continues exactly as the uninterrupted run would.
 *
 * @example
 * ```ts
 * const trainer = new Trainer({ generator, discriminator, loss: losses.hinge(), seed: 42 });
 * const history = await trainer.fit(await datasets.mnist(), { steps: 500, batchSize: 64 });
 * console.log(history.logs.at(-1)); // { step: 500, dLoss: ..., gLoss: ..., ... }
 * ```
 *
 * @typeParam R - the rank of the generator's samples, taken from `config.generator` (`tf.Rank.R4` for
 *   the image builders): {@link Trainer.samplingGenerator} samples with it. A trainer restored by
 *   {@link Trainer.load} or {@link Trainer.fromConfig} is a `Trainer<tf.Rank>` (the rank is not known
 *   at compile time).
 */
export class Trainer<R extends tf.Rank = tf.Rank> {
  /** The generator being trained. */
  readonly generator: Generator<R>;
  /** The discriminator being trained. */
  readonly discriminator: Discriminator;
  /** The adversarial loss. */
  readonly loss: GanLoss;
  /** The regularisers added to the discriminator loss. */
  readonly penalties: readonly Penalty[];
  /** Optimizer of the generator. */
  readonly generatorOptimizer: tf.Optimizer;
  /** Optimizer of the discriminator. */
  readonly discriminatorOptimizer: tf.Optimizer;
  /** Discriminator steps per generator step. */
  readonly discriminatorSteps: number;
  /** Seed of every random draw of the run. */
  readonly seed: number;
  /** How the real batches are drawn from the data. */
  readonly sampling: BatchSampling;
  /** How the labels of the fakes are drawn in training. */
  readonly fakeLabels: FakeLabels;
  /** The batch size of `fit` when none is given: 64 for images, 256 for vector data. */
  readonly defaultBatchSize: number;
  /** Weight of the auxiliary classifier's cross-entropy (used with an ACGAN discriminator). */
  readonly auxiliaryClassifierWeight: number;
  /** Which batches train the discriminator's auxiliary classifier (with an ACGAN discriminator). */
  readonly auxiliaryClassifierBatches: AuxiliaryClassifierBatches;
  /** The moving average of the generator's weights, when `ema` was configured. */
  readonly ema: GeneratorEma<R> | undefined;
  /** The DiffAugment policy applied before the discriminator ([] = none). */
  readonly augment: readonly AugmentationName[];
  /** How the augmentation's draws are spread over a batch (`TrainerConfig.augmentDraws`). */
  readonly augmentDraws: AugmentDraws;
  /** The path length regularizer of a style-based generator, when configured. */
  readonly pathLength: PathLengthRegularizer | undefined;
  /** The mode-seeking regularizer, when configured. */
  readonly modeSeeking: ModeSeekingRegularizer | undefined;
  /** The progressive-growing schedule, when configured. */
  readonly progressive: ProgressiveSchedule | undefined;
  /** The schedule that fades the class into a conditional run, when configured. */
  readonly conditioningTransition: ConditioningTransition | undefined;
  private stepCount = 0;
  private readonly preflightParts: PreflightParts;
  private running = false;

  /** @param config - see {@link TrainerConfig}; the generator's sample rank becomes the trainer's. */
  constructor(config: TrainerConfig & { readonly generator: Generator<R> }) {
    const owner = 'Trainer';
    checkTrainerConfig(config, owner);
    if (!(config.generator instanceof Generator)) {
      throw new ConfigError(`${owner}: 'generator' must be a Generator, received ${describeValue(config.generator)}.`);
    }
    if (!(config.discriminator instanceof Discriminator)) {
      throw new ConfigError(`${owner}: 'discriminator' must be a Discriminator, received ${describeValue(config.discriminator)}.`);
    }
    const { generator, discriminator } = config;
    const gShape = generator.outputShape;
    const dShape = discriminator.inputShape;
    if (gShape.length !== dShape.length || gShape.some((d, i) => d !== dShape[i])) {
      throw new ShapeError(
        `${owner}: the generator's output shape ${describeValue(gShape)} must equal the discriminator's input shape ${describeValue(dShape)}.`,
      );
    }
    if (generator.numClasses !== discriminator.numClasses) {
      throw new ConfigError(
        `${owner}: the generator and discriminator must have the same 'numClasses', received ${generator.numClasses} and ${discriminator.numClasses}.`,
      );
    }
    this.generator = generator;
    this.discriminator = discriminator;
    this.loss = resolveLoss(config.loss);
    this.penalties = [...(config.penalties ?? [])];
    this.penalties.forEach((penalty, i) => {
      if (penalty == null || typeof penalty.compute !== 'function' || typeof penalty.name !== 'string') {
        throw new ConfigError(`${owner}: 'penalties[${i}]' must be a Penalty with a name and compute(), received ${describeValue(penalty)}.`);
      }
    });
    this.discriminatorSteps = checkPositiveInt(config.discriminatorSteps ?? TRAINER_DEFAULTS.discriminatorSteps, 'discriminatorSteps', owner);
    this.seed = checkInt(config.seed ?? randomSeed(), 'seed', owner);
    this.sampling = checkOneOf(config.sampling ?? 'shuffle', BATCH_SAMPLINGS, 'sampling', owner);
    this.fakeLabels = checkOneOf(config.fakeLabels ?? 'uniform', FAKE_LABELS, 'fakeLabels', owner);
    this.auxiliaryClassifierWeight = checkNumber(
      config.auxiliaryClassifierWeight ?? TRAINER_DEFAULTS.auxiliaryClassifierWeight,
      'auxiliaryClassifierWeight',
      owner,
      { min: 0 },
    );
    this.auxiliaryClassifierBatches = checkOneOf(
      config.auxiliaryClassifierBatches ?? 'real-and-fake',
      AUXILIARY_CLASSIFIER_BATCHES,
      'auxiliaryClassifierBatches',
      owner,
    );
    if (this.auxiliaryClassifierBatches !== 'real-and-fake' && !discriminator.auxiliaryClassifier) {
      throw new ConfigError(
        `${owner}: 'auxiliaryClassifierBatches' ${describeValue(this.auxiliaryClassifierBatches)} needs a discriminator with an auxiliary classifier (conditioning 'acgan', or 'projection' with auxiliaryClassifier: true), but this one has none.`,
      );
    }
    this.augment = checkAugmentPolicy(config.augment ?? [], owner);
    if (this.augment.length > 0 && discriminator.inputShape.length !== 3) {
      throw new ConfigError(`${owner}: 'augment' needs image data [height, width, channels], but the discriminator's input shape is ${describeValue(discriminator.inputShape)}.`);
    }
    this.augmentDraws = checkAugmentDraws(config.augmentDraws, this.augment, generator.conditional, owner);
    const defaults = defaultsForData(generator.outputShape);
    this.defaultBatchSize = defaults.batchSize;
    this.pathLength = config.pathLength === undefined ? undefined : new PathLengthRegularizer(config.pathLength, generator, owner);
    this.modeSeeking = config.modeSeeking === undefined ? undefined : new ModeSeekingRegularizer(config.modeSeeking, owner);
    this.modeSeeking?.checkSampleShape(generator.outputShape, owner);
    this.progressive = resolveProgressive(config.progressive, generator, discriminator, owner);
    const transitionParts = { generator, discriminator, pathLength: this.pathLength !== undefined };
    this.conditioningTransition = resolveConditioningTransition(config.conditioningTransition, transitionParts, owner);
    const ema = config.ema === undefined ? defaults.ema : config.ema === false ? undefined : config.ema;
    this.ema = ema === undefined ? undefined : GeneratorEma.create(generator, ema);
    this.generatorOptimizer =
      config.generatorOptimizer ?? defaultOptimizer(config.generatorLearningRate, 'generatorLearningRate', defaults);
    this.discriminatorOptimizer =
      config.discriminatorOptimizer ?? defaultOptimizer(config.discriminatorLearningRate, 'discriminatorLearningRate', defaults);
    if (this.generatorOptimizer === this.discriminatorOptimizer) {
      throw new ConfigError(`${owner}: 'generatorOptimizer' and 'discriminatorOptimizer' must be two different optimizer objects (each keeps per-variable state).`);
    }
    // Built once: preflight caches its verdict by the identity of the parts it checked.
    this.preflightParts = {
      generator,
      discriminator,
      loss: this.loss,
      penalties: this.penalties,
      augment: inputAugmentation(this.augment),
      pathLength: this.pathLength,
      modeSeeking: this.modeSeeking,
      auxiliaryClassifierWeight: this.auxiliaryClassifierWeight,
    };
  }

  /** The averaged generator when `ema` is configured, else undefined. */
  get emaGenerator(): Generator<R> | undefined {
    return this.ema?.generator;
  }

  /** The generator to sample from: the averaged one when `ema` is configured, else the trained one. */
  get samplingGenerator(): Generator<R> {
    return this.ema?.generator ?? this.generator;
  }

  /** Number of generator steps trained so far (restored by {@link Trainer.load}). */
  get step(): number {
    return this.stepCount;
  }

  /** @internal Sets the step count when restoring a checkpoint. */
  restoreStep(step: number): void {
    this.stepCount = step;
  }

  /**
   * Trains for `steps` generator steps (or `epochs` passes over the data).
   * @returns the logs of every step, plain numbers.
   * @throws ConfigError, ShapeError or DataError for bad options or data (unknown option names
   *   included), and ConfigError when this trainer is already running a `fit`; TrainingError when a loss
   *   becomes NaN or infinite, or a step's updates leave a weight or an optimizer's state non-finite:
   *   that step is undone, every weight, optimizer state and the EMA are exactly as after the last good step.
   */
  async fit(data: Dataset, options: FitOptions = {}): Promise<TrainingHistory> {
    const owner = 'Trainer.fit';
    if (this.running) throw new ConfigError(`${owner}: this trainer is already running a fit; await it first.`);
    // Set before the first await: a second fit started meanwhile is refused, not run alongside.
    this.running = true;
    try {
      return await runFit(this, data, options, owner, this.preflightParts);
    } finally {
      this.running = false;
    }
  }

  /**
   * Trains one step: `discriminatorSteps` discriminator updates, then one generator update, then the EMA.
   * A step is all or nothing: when it fails (see {@link Trainer.fit}'s TrainingError), every weight, the
   * optimizers' state and the EMA are put back as they were before it.
   * @returns the step's logs.
   */
  async trainStep(data: Dataset, batchSize: number): Promise<StepLogs> {
    const started = performance.now();
    const step = this.stepCount;
    const result = await trainStep(this, data, batchSize, step);
    this.stepCount = step + 1;
    return { ...result, seconds: (performance.now() - started) / 1000 };
  }

  /**
   * Serialises the trainer, as tfjs-layers' `getConfig` does, with its state: the configuration (seed,
   * loss and penalties by name and config, options) and the state (step, both networks' specs,
   * topologies and weights, both optimizers' state, the EMA, the path length average) as JSON, and the
   * tensors that JSON names. {@link Trainer.fromConfig} rebuilds the trainer from them; {@link Trainer.save}
   * writes them as a checkpoint.
   * @returns the JSON and the tensors; call its `dispose()` when done (the trainer's own tensors stay).
   * @example
   * ```ts
   * const saved = await trainer.getConfig();
   * console.log(saved.config.step, saved.config.loss.name); // e.g. 500 'hinge'
   * const copy = await Trainer.fromConfig(saved.config, saved.tensors);
   * saved.dispose();
   * ```
   */
  getConfig(): Promise<SerializedTrainer> {
    return serializeTrainer(this);
  }

  /**
   * A trainer rebuilt from {@link Trainer.getConfig}'s JSON and tensors: new networks, optimizers and EMA
   * holding copies of the state, so `fit` continues exactly where the serialised trainer was. The
   * tensors are not taken over (dispose them when done).
   * @param config - the JSON of `getConfig()` (or a checkpoint's manifest).
   * @param tensors - the tensors it names, by name.
   * @param overrides - the loss or penalties to use instead of those looked up by name (custom ones).
   * @throws CheckpointError when a part cannot be rebuilt (an unknown loss, penalty, layer or optimizer).
   * @example
   * ```ts
   * const saved = await trainer.getConfig();
   * const copy = await Trainer.fromConfig(saved.config, saved.tensors, { loss: myLoss });
   * saved.dispose();
   * await copy.fit(data, { steps: 100 });
   * ```
   */
  static fromConfig(config: TrainerJson, tensors: tf.NamedTensorMap, overrides: LoadOverrides = {}): Promise<Trainer> {
    return restoreTrainer(config, tensors, overrides, 'the given config', (parts) => new Trainer(parts));
  }

  /**
   * Saves the whole training state (weights, optimizer state, step, seed, configuration) atomically.
   * @param url - `file://dir` or a directory path (Node), `indexeddb://name` or `downloads://name`
   *   (browser), or a `CheckpointStore` (`io.memoryStore()`); all hold the same files.
   * @throws CheckpointError when it cannot be written; the previous checkpoint stays intact.
   */
  async save(url: CheckpointLocation, options?: SaveOptions): Promise<void> {
    const saved = await this.getConfig();
    try {
      await writeCheckpoint(url, saved.config, saved.tensors, options);
    } finally {
      saved.dispose();
    }
  }

  /**
   * Loads a trainer saved by {@link Trainer.save}; `fit` then continues exactly where it stopped.
   * @throws CheckpointError when the checkpoint is missing, corrupt or of an unsupported version.
   */
  static async load(url: CheckpointLocation, overrides: LoadOverrides = {}): Promise<Trainer> {
    const { where, manifest, tensors } = await loadCheckpoint(url);
    try {
      return await restoreTrainer(manifest, tensors, overrides, where, (parts) => new Trainer(parts));
    } finally {
      tf.dispose(Object.values(tensors));
    }
  }

  /** Frees the optimizers' state and the EMA generator. The networks stay: dispose them yourself when done. */
  dispose(): void {
    this.generatorOptimizer.dispose();
    this.discriminatorOptimizer.dispose();
    this.ema?.dispose();
  }
}
