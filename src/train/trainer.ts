import * as tf from '@tensorflow/tfjs';
import { ConfigError, DataError, ShapeError, TrainingError, describeValue } from '../errors.js';
import { Dataset } from '../data/dataset.js';
import type { GanLoss } from '../losses/gan-loss.js';
import { lossByName } from '../losses/loss-by-name.js';
import { nonSaturating } from '../losses/non-saturating.js';
import { classCrossEntropy } from '../losses/class-cross-entropy.js';
import type { Penalty } from '../losses/penalty.js';
import { Discriminator } from '../nets/discriminator.js';
import { Generator } from '../nets/generator.js';
import { sampleLabels } from '../nets/labels.js';
import { sampleLatents } from '../nets/latents.js';
import { type LoadOverrides, type SaveOptions, loadTrainer, saveTrainer } from '../io/checkpoint.js';
import type { CheckpointLocation } from '../io/checkpoint-store.js';
import { hashInts, randomSeed } from '../util/random.js';
import type { Callback, StepLogs, TrainingContext, TrainingHistory } from './callback.js';
import { yieldToEventLoop } from './yield.js';
import { type EmaConfig, GeneratorEma } from './ema.js';
import { type PathLengthOptions, PathLengthRegularizer } from './path-length.js';
import { type ProgressiveSchedule, type ProgressiveScheduleOptions, applyProgressive, hasFadeIn, progressiveSchedule } from './progressive.js';
import { preflight } from '../backend/preflight.js';
import { type AugmentationName, augmentForDiscriminator, checkAugmentPolicy } from '../augment/diff-augment.js';
import { fusedAdam } from './fused-adam.js';
import { StepSnapshot, nonFiniteFlag, optimizerStateVariables } from './update-guard.js';
import { checkFitOptions, checkTrainerConfig } from './trainer-options.js';

/** Configuration of a {@link Trainer}. */
export interface TrainerConfig {
  /** The generator to train. */
  readonly generator: Generator;
  /** The discriminator to train; its input shape and classes must match the generator's output. */
  readonly discriminator: Discriminator;
  /** The adversarial loss, or its name. @defaultValue nonSaturating() */
  readonly loss?: GanLoss | string;
  /** Regularisers added to the discriminator loss. @defaultValue [] */
  readonly penalties?: readonly Penalty[];
  /**
   * Optimizer of the generator. @defaultValue `fusedAdam(generatorLearningRate, 0.5, 0.999)` (tfjs's Adam,
   * bit for bit, with fused updates: see {@link fusedAdam}) for images; `fusedAdam(generatorLearningRate, 0, 0.99)` for vector data (see {@link VECTOR_TRAINER_DEFAULTS})
   */
  readonly generatorOptimizer?: tf.Optimizer;
  /** Optimizer of the discriminator. @defaultValue as `generatorOptimizer`, with `discriminatorLearningRate` */
  readonly discriminatorOptimizer?: tf.Optimizer;
  /** Learning rate of the default generator optimizer. @defaultValue 2e-4 for images, 1e-3 for vector data */
  readonly generatorLearningRate?: number;
  /** Learning rate of the default discriminator optimizer. @defaultValue 2e-4 for images, 1e-3 for vector data */
  readonly discriminatorLearningRate?: number;
  /** Discriminator steps per generator step. @defaultValue 1 */
  readonly discriminatorSteps?: number;
  /** Seed of every random draw of the run (batches, latents, labels). @defaultValue a random seed */
  readonly seed?: number;
  /**
   * Weight of the auxiliary classifier's cross-entropy (ACGAN, Odena et al. 2017, arXiv:1610.09585),
   * used when the discriminator has one (`Discriminator.auxiliaryClassifier`): added to the
   * discriminator's loss on the real batch (data labels) and the fake batch (generated labels), and to
   * the generator's loss on its fake batch. A number >= 0. @defaultValue 1
   */
  readonly auxiliaryClassifierWeight?: number;
  /**
   * Keep an exponential moving average of the generator's weights (see {@link GeneratorEma}), updated
   * after every generator step and saved in checkpoints; sample from {@link Trainer.samplingGenerator}.
   * `false` turns it off. @defaultValue none for images; `{ decay: 0.999 }` for vector data
   */
  readonly ema?: EmaConfig | false;
  /**
   * DiffAugment (Zhao et al. 2020, arXiv:2006.10738): augmentations applied to real and fake images
   * alike before the discriminator, in every discriminator and generator step (and so inside the
   * penalties), seeded from `seed` and the step. Image discriminators only. @defaultValue []
   */
  readonly augment?: readonly AugmentationName[];
  /**
   * Progressive growing: the schedule (or its options) that sets the fade-in alpha of every
   * {@link FadeIn} layer of the generator, its average and the discriminator before each step. The
   * networks must be built with `progressive: true`. @defaultValue none (no growing)
   */
  readonly progressive?: ProgressiveSchedule | ProgressiveScheduleOptions;
  /**
   * Path length regularization of a style-based generator (StyleGAN2), lazy: every `every` generator
   * steps. @defaultValue none
   */
  readonly pathLength?: PathLengthOptions;
}

/** Options of {@link Trainer.fit}. Give `steps` or `epochs`, not both. */
export interface FitOptions {
  /** Number of generator steps to train in this call. */
  readonly steps?: number;
  /** Number of passes over the data (each generator step uses `discriminatorSteps` real batches). */
  readonly epochs?: number;
  /**
   * Batch size. @defaultValue {@link Trainer.defaultBatchSize} (64 for images, 256 for vector data), or the
   * dataset's size when it is smaller (rounded down to a multiple of the discriminator's packing)
   */
  readonly batchSize?: number;
  /** Stops the run after the step in progress when aborted. */
  readonly signal?: AbortSignal;
  /** Callbacks, called in order. */
  readonly callbacks?: readonly Callback[];
}

/** The training defaults that depend on the kind of data; see {@link TRAINER_DEFAULTS}. */
export interface DataKindDefaults {
  readonly learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly batchSize: number;
  readonly ema: EmaConfig | undefined;
}

/**
 * The defaults for images (generators whose output is [height, width, channels]): the DCGAN paper's
 * Adam(2e-4, 0.5, 0.999) and batch 64, no EMA; and the defaults of every kind of data.
 */
export const TRAINER_DEFAULTS = Object.freeze({
  learningRate: 2e-4,
  beta1: 0.5,
  beta2: 0.999,
  discriminatorSteps: 1,
  batchSize: 64,
  ema: undefined as EmaConfig | undefined,
  auxiliaryClassifierWeight: 1,
});

/**
 * The defaults for vector data (generators whose output is a vector, such as the 2-D toy mixtures),
 * where networks are small and steps cheap: Adam(1e-3, 0, 0.99) without momentum, batch 256, and an EMA
 * generator (decay 0.999) to sample from. Measured on the 8-Gaussian ring (seeds 1-3, 3,000 steps), these
 * reach 8/8 modes with 90-92% of samples within 3 std of a mode, where the image defaults stall far below.
 */
export const VECTOR_TRAINER_DEFAULTS: DataKindDefaults = Object.freeze({
  learningRate: 1e-3,
  beta1: 0,
  beta2: 0.99,
  batchSize: 256,
  ema: Object.freeze({ decay: 0.999 }),
});

/** The defaults that apply to a generator's kind of data. */
export function defaultsForData(outputShape: readonly number[]): DataKindDefaults {
  return outputShape.length === 3 ? TRAINER_DEFAULTS : VECTOR_TRAINER_DEFAULTS;
}

/** Purposes of random draws, mixed into the per-step seeds. */
const DRAW = Object.freeze({
  fakeLatents: 1, fakeLabels: 2, generatorLatents: 3, generatorLabels: 4, penalty: 5,
  augmentReal: 6, augmentFake: 7, augmentGeneratorFake: 8, augmentGeneratorReal: 9, pathLength: 10,
});

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
 */
export class Trainer {
  readonly generator: Generator;
  readonly discriminator: Discriminator;
  readonly loss: GanLoss;
  readonly penalties: readonly Penalty[];
  readonly generatorOptimizer: tf.Optimizer;
  readonly discriminatorOptimizer: tf.Optimizer;
  readonly discriminatorSteps: number;
  readonly seed: number;
  /** The batch size of `fit` when none is given: 64 for images, 256 for vector data. */
  readonly defaultBatchSize: number;
  /** Weight of the auxiliary classifier's cross-entropy (used with an ACGAN discriminator). */
  readonly auxiliaryClassifierWeight: number;
  /** The moving average of the generator's weights, when `ema` was configured. */
  readonly ema: GeneratorEma | undefined;
  /** The DiffAugment policy applied before the discriminator ([] = none). */
  readonly augment: readonly AugmentationName[];
  /** The path length regularizer of a style-based generator, when configured. */
  readonly pathLength: PathLengthRegularizer | undefined;
  /** The progressive-growing schedule, when configured. */
  readonly progressive: ProgressiveSchedule | undefined;
  private stepCount = 0;
  private readonly preflightAugment: ((samples: tf.Tensor, seed: number) => tf.Tensor) | undefined;
  private running = false;

  constructor(config: TrainerConfig) {
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
    const seed = config.seed ?? randomSeed();
    if (!Number.isInteger(seed)) throw new ConfigError(`${owner}: 'seed' must be an integer, received ${describeValue(seed)}.`);
    this.seed = seed;
    const auxWeight = config.auxiliaryClassifierWeight ?? TRAINER_DEFAULTS.auxiliaryClassifierWeight;
    if (typeof auxWeight !== 'number' || !(auxWeight >= 0) || !Number.isFinite(auxWeight)) {
      throw new ConfigError(`${owner}: 'auxiliaryClassifierWeight' must be a finite number >= 0, received ${describeValue(config.auxiliaryClassifierWeight)}.`);
    }
    this.auxiliaryClassifierWeight = auxWeight;
    this.augment = checkAugmentPolicy(config.augment ?? [], owner);
    if (this.augment.length > 0 && discriminator.inputShape.length !== 3) {
      throw new ConfigError(`${owner}: 'augment' needs image data [height, width, channels], but the discriminator's input shape is ${describeValue(discriminator.inputShape)}.`);
    }
    const defaults = defaultsForData(generator.outputShape);
    this.defaultBatchSize = defaults.batchSize;
    this.pathLength = config.pathLength === undefined ? undefined : new PathLengthRegularizer(config.pathLength, generator, owner);
    this.progressive = resolveProgressive(config.progressive, generator, discriminator, owner);
    const ema = config.ema === undefined ? defaults.ema : config.ema === false ? undefined : config.ema;
    this.ema = ema === undefined ? undefined : GeneratorEma.create(generator, ema);
    // Built once: preflight caches its verdict by the identity of the parts it checked.
    this.preflightAugment =
      this.augment.length > 0 ? (samples, seed) => augmentForDiscriminator(samples, this.augment, seed) : undefined;
    this.generatorOptimizer =
      config.generatorOptimizer ?? defaultOptimizer(config.generatorLearningRate, 'generatorLearningRate', defaults);
    this.discriminatorOptimizer =
      config.discriminatorOptimizer ?? defaultOptimizer(config.discriminatorLearningRate, 'discriminatorLearningRate', defaults);
    if (this.generatorOptimizer === this.discriminatorOptimizer) {
      throw new ConfigError(`${owner}: 'generatorOptimizer' and 'discriminatorOptimizer' must be two different optimizer objects (each keeps per-variable state).`);
    }
  }

  /** The averaged generator when `ema` is configured, else undefined. */
  get emaGenerator(): Generator | undefined {
    return this.ema?.generator;
  }

  /** The generator to sample from: the averaged one when `ema` is configured, else the trained one. */
  get samplingGenerator(): Generator {
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
      return await this.runFit(data, options, owner);
    } finally {
      this.running = false;
    }
  }

  private async runFit(data: Dataset, options: FitOptions, owner: string): Promise<TrainingHistory> {
    checkFitOptions(options, owner);
    this.checkData(data, owner);
    // The default batch shrinks to a dataset smaller than it (to a multiple of the packing); a batch size
    // given explicitly is checked as given.
    const packing = this.discriminator.packing;
    const fallback = Math.max(packing, Math.min(this.defaultBatchSize, data.size - (data.size % packing)));
    const batchSize = checkPositiveInt(options.batchSize ?? fallback, 'batchSize', owner);
    if (batchSize > data.size) {
      throw new ConfigError(`${owner}: 'batchSize' must be at most the dataset size ${data.size}, received ${batchSize}.`);
    }
    if (batchSize % this.discriminator.packing !== 0) {
      throw new ConfigError(`${owner}: 'batchSize' must be a multiple of the discriminator's packing ${this.discriminator.packing} (PacGAN), received ${batchSize}.`);
    }
    const steps = this.resolveSteps(options, data, batchSize, owner);
    // Refuse, before the first step, a backend that lacks a kernel or gradient this setup needs.
    await preflight({
      generator: this.generator,
      discriminator: this.discriminator,
      loss: this.loss,
      penalties: this.penalties,
      augment: this.preflightAugment,
    });
    const callbacks = options.callbacks ?? [];
    const startStep = this.stepCount;
    const context: TrainingContext = { trainer: this, data, startStep, endStep: startStep + steps, batchSize };
    const logs: StepLogs[] = [];
    let aborted = false;
    for (const callback of callbacks) await callback.onTrainBegin?.(context);
    while (this.stepCount < context.endStep) {
      if (options.signal?.aborted) {
        aborted = true;
        break;
      }
      const stepLogs = await this.trainStep(data, batchSize);
      logs.push(stepLogs);
      for (const callback of callbacks) await callback.onStepEnd?.(stepLogs, context);
      await yieldToEventLoop();
    }
    if (options.signal?.aborted && this.stepCount < context.endStep) aborted = true;
    const history: TrainingHistory = { logs, aborted };
    for (const callback of callbacks) await callback.onTrainEnd?.(history, context);
    return history;
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
    if (this.progressive !== undefined) applyProgressive(this.progressive, this.stepModels(), step);
    // Everything the step changes, as after the last good step: put back if the step fails.
    const snapshot = StepSnapshot.take(this.stepModels(), [this.generatorOptimizer, this.discriminatorOptimizer]);
    let result: StepLogs;
    try {
      result = await this.guardedStep(data, batchSize, step);
    } catch (error) {
      snapshot.restore();
      throw error;
    }
    snapshot.dispose();
    this.stepCount = step + 1;
    return { ...result, seconds: (performance.now() - started) / 1000 };
  }

  /** The models whose weights a step changes: both networks and the EMA generator. */
  private stepModels(): tf.LayersModel[] {
    return [this.generator.model, this.discriminator.model, ...(this.ema ? [this.ema.generator.model] : [])];
  }

  /**
   * The step itself: the discriminator steps, the generator step and the EMA update. Throws a
   * TrainingError when a loss is not finite, or when the updates left a weight, an optimizer's state or
   * the EMA non-finite (checked in the same read as the generator's loss); the caller then restores the
   * snapshot.
   */
  private async guardedStep(data: Dataset, batchSize: number, step: number): Promise<StepLogs> {
    let dLossSum = 0;
    let realScore = 0;
    let fakeScore = 0;
    let penaltyValues: Record<string, number> = {};
    let dClassLoss: number | undefined;
    for (let k = 0; k < this.discriminatorSteps; k++) {
      const result = await this.discriminatorStep(data, batchSize, step, k);
      dLossSum += result.dLoss;
      realScore = result.realScore;
      fakeScore = result.fakeScore;
      penaltyValues = result.penalties;
      dClassLoss = result.classLoss;
    }
    const { loss: gLoss, classLoss: gClassLoss } = await this.generatorStep(data, batchSize, step);
    return {
      step: step + 1,
      dLoss: dLossSum / this.discriminatorSteps,
      gLoss,
      realScore,
      fakeScore,
      seconds: 0,
      penalties: penaltyValues,
      ...(dClassLoss !== undefined && gClassLoss !== undefined ? { dClassLoss, gClassLoss } : {}),
    };
  }

  private async discriminatorStep(
    data: Dataset,
    batchSize: number,
    step: number,
    k: number,
  ): Promise<{ dLoss: number; realScore: number; fakeScore: number; penalties: Record<string, number>; classLoss?: number }> {
    const { generator, discriminator } = this;
    const auxiliary = discriminator.auxiliaryClassifier;
    const batch = data.batch(step * this.discriminatorSteps + k, batchSize, this.seed);
    // Labels go into the discriminator only when it takes them (not into an ACGAN one, which predicts them).
    const realLabels = discriminator.conditional ? batch.labels : undefined;
    const latents = sampleLatents(batchSize, generator.latentDim, hashInts(this.seed, step, k, DRAW.fakeLatents));
    const fakeLabels = generator.conditional
      ? sampleLabels(batchSize, generator.numClasses, hashInts(this.seed, step, k, DRAW.fakeLabels))
      : undefined;
    // The fake batch is made outside the gradient tape: no generator gradients are needed here.
    const fakeSamples = tf.tidy(() => generator.generate(latents, fakeLabels, true));
    const fakeInputLabels = discriminator.conditional ? fakeLabels : undefined;
    const realInputs = augmentForDiscriminator(batch.images, this.augment, hashInts(this.seed, step, k, DRAW.augmentReal));
    const fakeInputs = augmentForDiscriminator(fakeSamples, this.augment, hashInts(this.seed, step, k, DRAW.augmentFake));
    const monitors: tf.Tensor[] = [];
    let classLossMonitor: tf.Tensor | undefined;
    const { value, grads } = this.discriminatorOptimizer.computeGradients(() => {
      const real = discriminator.outputs(realInputs, realLabels, true);
      const fake = discriminator.outputs(fakeInputs, fakeInputLabels, true);
      const realLogits = real.logits;
      const fakeLogits = fake.logits;
      let loss: tf.Scalar = this.loss.discriminator({ realLogits, fakeLogits });
      monitors.push(tf.keep(tf.mean(realLogits)), tf.keep(tf.mean(fakeLogits)));
      if (auxiliary) {
        // ACGAN: the discriminator learns to classify real samples and the generator's samples.
        const classLoss = tf.add(
          classCrossEntropy({ classLogits: real.classLogits!, labels: batch.labels! }),
          classCrossEntropy({ classLogits: fake.classLogits!, labels: fakeLabels! }),
        );
        classLossMonitor = tf.keep(classLoss);
        loss = tf.add(loss, tf.mul(this.auxiliaryClassifierWeight, classLoss));
      }
      this.penalties.forEach((penalty, i) => {
        const term = penalty.compute({
          discriminator,
          realSamples: realInputs,
          fakeSamples: fakeInputs,
          realLabels,
          fakeLabels: fakeInputLabels,
          realLogits,
          fakeLogits,
          step,
          seed: hashInts(this.seed, step, k, DRAW.penalty, i),
        });
        monitors.push(tf.keep(term ?? tf.scalar(Number.NaN)));
        if (term !== null) loss = tf.add(loss, term);
      });
      return loss;
    }, this.discriminator.trainableVariables);
    const scalars = tf.stack([value, ...monitors, ...(classLossMonitor ? [classLossMonitor] : [])]);
    let values: Float32Array;
    try {
      values = (await scalars.data()) as Float32Array;
    } finally {
      scalars.dispose();
      tf.dispose([batch.images, batch.labels, latents, fakeLabels, fakeSamples, realInputs, fakeInputs, value, ...monitors, classLossMonitor]);
    }
    if (!Number.isFinite(values[0])) {
      tf.dispose(grads);
      throw new TrainingError(
        `Trainer: the discriminator loss became ${values[0]} at step ${step + 1} (discriminator step ${k + 1}); the update was not applied. Lower the learning rates, add a penalty, or check the data.`,
        step + 1,
      );
    }
    this.discriminatorOptimizer.applyGradients(grads);
    tf.dispose(grads);
    this.loss.afterDiscriminatorUpdate?.(discriminator.trainableVariables);
    const penalties: Record<string, number> = {};
    this.penalties.forEach((penalty, i) => {
      const v = values[3 + i];
      if (!Number.isNaN(v)) penalties[penalty.name] = v;
    });
    const classLoss = auxiliary ? values[3 + this.penalties.length] : undefined;
    return { dLoss: values[0], realScore: values[1], fakeScore: values[2], penalties, ...(auxiliary ? { classLoss } : {}) };
  }

  private async generatorStep(data: Dataset, batchSize: number, step: number): Promise<{ loss: number; classLoss?: number }> {
    const { generator, discriminator } = this;
    const auxiliary = discriminator.auxiliaryClassifier;
    const latents = sampleLatents(batchSize, generator.latentDim, hashInts(this.seed, step, 0, DRAW.generatorLatents));
    const labels = generator.conditional
      ? sampleLabels(batchSize, generator.numClasses, hashInts(this.seed, step, 0, DRAW.generatorLabels))
      : undefined;
    // Relativistic losses compare with the real batch: reuse the last discriminator step's batch.
    const realBatch = this.loss.generatorNeedsReal
      ? data.batch(step * this.discriminatorSteps + this.discriminatorSteps - 1, batchSize, this.seed)
      : undefined;
    let classLossMonitor: tf.Tensor | undefined;
    let pathLengthMonitor: tf.Tensor | undefined;
    const regularizePaths = this.pathLength?.due(step) === true;
    const { value, grads } = this.generatorOptimizer.computeGradients(() => {
      const fakeSamples = generator.generate(latents, labels, true);
      const fakeInputs = augmentForDiscriminator(fakeSamples, this.augment, hashInts(this.seed, step, 0, DRAW.augmentGeneratorFake));
      const fake = discriminator.outputs(fakeInputs, discriminator.conditional ? labels : undefined, true);
      const fakeLogits = fake.logits;
      const realLogits = realBatch
        ? discriminator.logits(
            augmentForDiscriminator(realBatch.images, this.augment, hashInts(this.seed, step, 0, DRAW.augmentGeneratorReal)),
            discriminator.conditional ? realBatch.labels : undefined,
            true,
          )
        : undefined;
      let adversarial = this.loss.generator({ fakeLogits, realLogits });
      if (regularizePaths) {
        const { penalty, meanLength } = this.pathLength!.penalty(generator, latents, labels, hashInts(this.seed, step, 0, DRAW.pathLength));
        pathLengthMonitor = meanLength;
        adversarial = tf.add(adversarial, penalty) as tf.Scalar;
      }
      if (!auxiliary) return adversarial;
      // ACGAN: the generator also makes its samples classifiable as the class it was asked for.
      const classLoss = classCrossEntropy({ classLogits: fake.classLogits!, labels: labels! });
      classLossMonitor = tf.keep(classLoss);
      return tf.add(adversarial, tf.mul(this.auxiliaryClassifierWeight, classLoss)) as tf.Scalar;
    }, generator.trainableVariables);
    // Applied before the read: the loss and the finiteness of every updated value come back in one
    // read, and a bad update is undone by the step's snapshot (see trainStep).
    this.generatorOptimizer.applyGradients(grads);
    tf.dispose(grads);
    this.ema?.update(generator, step + 1);
    const updated = [
      ...this.stepModels().flatMap((model) => model.weights.map((weight) => weight.read())),
      ...optimizerStateVariables(this.generatorOptimizer),
      ...optimizerStateVariables(this.discriminatorOptimizer),
    ];
    const monitors = [value, ...(classLossMonitor ? [classLossMonitor] : []), ...(pathLengthMonitor ? [pathLengthMonitor] : [])];
    let values: Float32Array;
    try {
      const scalars = tf.tidy(() => tf.stack([...monitors, nonFiniteFlag(updated)]));
      try {
        values = (await scalars.data()) as Float32Array;
      } finally {
        scalars.dispose();
      }
    } finally {
      tf.dispose([latents, labels, realBatch?.images, realBatch?.labels, ...monitors]);
    }
    const loss = values[0];
    if (!Number.isFinite(loss)) {
      throw new TrainingError(
        `Trainer: the generator loss became ${loss} at step ${step + 1}; the update was not applied. Lower the learning rates or check the networks.`,
        step + 1,
      );
    }
    if (!Number.isFinite(values[values.length - 1])) {
      throw new TrainingError(
        `Trainer: step ${step + 1} made a weight or an optimizer's state non-finite (NaN or infinite) although its losses were finite; the step was undone (every weight and optimizer state is as after step ${step}). Lower the learning rates.`,
        step + 1,
      );
    }
    const classLoss = classLossMonitor ? values[1] : undefined;
    if (pathLengthMonitor && Number.isFinite(values[monitors.length - 1])) this.pathLength!.update(values[monitors.length - 1]);
    return { loss, ...(classLoss !== undefined ? { classLoss } : {}) };
  }

  private checkData(data: Dataset, owner: string): void {
    if (!(data instanceof Dataset)) {
      throw new DataError(`${owner}: 'data' must be a Dataset (see datasets.*), received ${describeValue(data)}.`);
    }
    const expected = this.discriminator.inputShape;
    const received = data.sampleShape;
    if (received.length !== expected.length || received.some((d, i) => d !== expected[i])) {
      throw new ShapeError(
        `${owner}: the data's sample shape must match the discriminator's input shape ${describeValue(expected)}, received ${describeValue(received)} (dataset ${describeValue(data.name)}).`,
      );
    }
    const numClasses = Math.max(this.generator.numClasses, this.discriminator.numClasses);
    if (numClasses > 0) {
      if (data.labels === undefined) {
        throw new DataError(
          `${owner}: the networks are conditional (numClasses ${numClasses}) but the dataset ${describeValue(data.name)} has no labels. Expected a labelled dataset (e.g. datasets.mnist(), or labels passed to Dataset.fromTensors).`,
        );
      }
      if (data.numClasses > numClasses) {
        throw new DataError(
          `${owner}: the dataset has ${data.numClasses} classes but the networks were built for ${numClasses} ('numClasses').`,
        );
      }
      // Samples can then be asked for by class name; names that disagree with the data's are an error.
      if (this.generator.conditional && data.classNames !== undefined && data.classNames.length === this.generator.numClasses) {
        this.generator.adoptClassNames(data.classNames);
        this.ema?.generator.adoptClassNames(data.classNames);
      }
    }
  }

  private resolveSteps(options: FitOptions, data: Dataset, batchSize: number, owner: string): number {
    if (options.steps !== undefined && options.epochs !== undefined) {
      throw new ConfigError(`${owner}: give 'steps' or 'epochs', not both; received steps ${options.steps} and epochs ${options.epochs}.`);
    }
    if (options.steps !== undefined) return checkPositiveInt(options.steps, 'steps', owner, 0);
    if (options.epochs !== undefined) {
      const epochs = checkPositiveInt(options.epochs, 'epochs', owner, 0);
      return Math.floor((epochs * data.batchesPerEpoch(batchSize)) / this.discriminatorSteps);
    }
    throw new ConfigError(`${owner}: give 'steps' (generator steps) or 'epochs', received neither.`);
  }

  /**
   * Saves the whole training state (weights, optimizer state, step, seed, configuration) atomically.
   * @param url - `file://dir` or a directory path (Node), `indexeddb://name` or `downloads://name`
   *   (browser), or a `CheckpointStore` (`io.memoryStore()`); all hold the same files.
   * @throws CheckpointError when it cannot be written; the previous checkpoint stays intact.
   */
  save(url: CheckpointLocation, options?: SaveOptions): Promise<void> {
    return saveTrainer(this, url, options);
  }

  /**
   * Loads a trainer saved by {@link Trainer.save}; `fit` then continues exactly where it stopped.
   * @throws CheckpointError when the checkpoint is missing, corrupt or of an unsupported version.
   */
  static load(url: CheckpointLocation, overrides?: LoadOverrides): Promise<Trainer> {
    return loadTrainer(url, overrides);
  }

  /** Frees the optimizers' state and the EMA generator. The networks stay: dispose them yourself when done. */
  dispose(): void {
    this.generatorOptimizer.dispose();
    this.discriminatorOptimizer.dispose();
    this.ema?.dispose();
  }
}

function resolveProgressive(
  value: ProgressiveSchedule | ProgressiveScheduleOptions | undefined,
  generator: Generator,
  discriminator: Discriminator,
  owner: string,
): ProgressiveSchedule | undefined {
  if (value === undefined) return undefined;
  const schedule = 'alpha' in value && typeof value.alpha === 'function' ? value : progressiveSchedule(value as ProgressiveScheduleOptions);
  if (!hasFadeIn(generator.model) && !hasFadeIn(discriminator.model)) {
    throw new ConfigError(
      `${owner}: 'progressive' needs networks with FadeIn layers (build them with 'progressive: true'), received a generator and discriminator without any.`,
    );
  }
  return schedule;
}

function resolveLoss(loss: GanLoss | string | undefined): GanLoss {
  if (loss === undefined) return nonSaturating();
  if (typeof loss === 'string') return lossByName(loss);
  if (typeof loss !== 'object' || typeof loss.discriminator !== 'function' || typeof loss.generator !== 'function') {
    throw new ConfigError(`Trainer: 'loss' must be a GanLoss ({ discriminator, generator }) or a loss name, received ${describeValue(loss)}.`);
  }
  return loss;
}

function defaultOptimizer(learningRate: number | undefined, name: string, defaults: DataKindDefaults): tf.Optimizer {
  const rate = learningRate ?? defaults.learningRate;
  if (!(typeof rate === 'number' && rate > 0 && Number.isFinite(rate))) {
    throw new ConfigError(`Trainer: '${name}' must be a finite number > 0, received ${describeValue(learningRate)}.`);
  }
  return fusedAdam(rate, defaults.beta1, defaults.beta2);
}

function checkPositiveInt(value: unknown, name: string, owner: string, min = 1): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new ConfigError(`${owner}: '${name}' must be an integer >= ${min}, received ${describeValue(value)}.`);
  }
  return value;
}
