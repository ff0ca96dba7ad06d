/**
 * The Trainer's configuration and `fit`'s options, their defaults, and their validation: unknown names are refused (with the
 * close known name), and values of the wrong kind are ConfigErrors naming the option, what was expected
 * and what was received, never a TypeError from deep inside a step.
 *
 * @packageDocumentation
 */
import type * as tf from '@tensorflow/tfjs';
import { ConfigError, describeValue } from '../errors.js';
import type { AugmentationName } from '../augment/diff-augment.js';
import type { AugmentDraws } from './augment-draws.js';
import type { GanLoss } from '../losses/gan-loss.js';
import { lossByName } from '../losses/loss-by-name.js';
import { nonSaturating } from '../losses/non-saturating.js';
import type { Penalty } from '../losses/penalty.js';
import type { BatchSampling } from '../data/class-balanced-sampler.js';
import type { FakeLabels } from './fake-labels.js';
import type { AuxiliaryClassifierBatches } from './auxiliary-classifier-batches.js';
import type { Discriminator } from '../nets/discriminator.js';
import type { Generator } from '../nets/generator.js';
import { checkKnownOptions, checkNumber, closestName, isOptionsObject } from '../util/validate.js';
import type { Callback } from './callback.js';
import type { EmaConfig } from './ema.js';
import { fusedAdam } from './fused-adam.js';
import type { ModeSeekingOptions, ModeSeekingRegularizer } from './mode-seeking.js';
import type { ConditioningTransition, ConditioningTransitionOptions } from './conditioning-transition.js';
import type { PathLengthOptions } from './path-length.js';
import { type ProgressiveSchedule, type ProgressiveScheduleOptions, hasFadeIn, progressiveSchedule } from './progressive.js';

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
   * How the real batches are drawn from the data (see {@link BatchSampling}): `'shuffle'` (the data's
   * class proportions), `'class-balanced'` (every class equally often, as the generator's labels
   * are drawn) or `'class-sqrt'` (each class by the square root of its size); the last two labelled
   * data only. With `fakeLabels` `'data'` or `'data-for-discriminator'`, the fakes' labels follow the
   * real batches' class shares under this sampling. @defaultValue 'shuffle'
   */
  readonly sampling?: BatchSampling;
  /**
   * How the labels of the fakes are drawn in a conditional run (see {@link FakeLabels}): `'uniform'`
   * (every class equally often), `'data'` (the real batches' class shares under `sampling`: with
   * `'shuffle'` the training data's class frequencies, as StyleGAN2-ADA draws them; labelled data
   * only) or `'data-for-discriminator'` (those shares for the discriminator's fakes, uniform for the
   * generator's update; labelled data only). Sampling after
   * training takes whatever labels it is given.
   * @defaultValue 'uniform'
   */
  readonly fakeLabels?: FakeLabels;
  /**
   * Weight of the auxiliary classifier's cross-entropy (ACGAN, Odena et al. 2017, arXiv:1610.09585),
   * used when the discriminator has one (`Discriminator.auxiliaryClassifier`): added to the
   * discriminator's loss on the real batch (data labels) and the fake batch (generated labels), and to
   * the generator's loss on its fake batch. A number >= 0. @defaultValue 1
   */
  readonly auxiliaryClassifierWeight?: number;
  /**
   * Which batches train the discriminator's auxiliary classifier (see {@link AuxiliaryClassifierBatches}):
   * `'real-and-fake'` (ACGAN) or `'real'` (the real batch only, so the classifier learns the classes
   * from the data alone). Only for a discriminator with an auxiliary classifier. @defaultValue 'real-and-fake'
   */
  readonly auxiliaryClassifierBatches?: AuxiliaryClassifierBatches;
  /**
   * Keep an exponential moving average of the generator's weights (see {@link GeneratorEma}), updated
   * after every generator step and saved in checkpoints; sample from {@link Trainer.samplingGenerator}.
   * `false` turns it off. @defaultValue none for images; `{ decay: 0.999 }` for vector data
   */
  readonly ema?: EmaConfig | false;
  /**
   * DiffAugment (Zhao et al. 2020, arXiv:2006.10738): augmentations applied to real and fake images
   * alike before the discriminator, in every discriminator and generator step (and so inside the
   * penalties), seeded from `seed` and the step; `'flip'` adds StyleGAN2-ADA's horizontal flip. Image
   * discriminators only. @defaultValue []
   */
  readonly augment?: readonly AugmentationName[];
  /**
   * How the augmentation's random draws are spread over a batch (see {@link AugmentDraws}): `'sample'`
   * (every image its own, DiffAugment's) or `'class'` (the images of one class in a batch share theirs:
   * the real batch by its labels, the fakes by the labels they were made as; conditional runs with an
   * `augment` policy only). Checkpoints keep it. @defaultValue 'sample'
   */
  readonly augmentDraws?: AugmentDraws;
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
  /**
   * Mode seeking (MSGAN, Mao et al. 2019, arXiv:1903.05628; see {@link ModeSeekingRegularizer}): the
   * generator's batch is made in pairs that share their classes, and two latents that draw the same
   * picture cost the generator `weight / (ratio + 1e-5)`, the ratio being the pairs' mean distance in
   * images over their mean distance in latents. Against a conditional generator drawing one picture
   * per class whatever the latent. Needs a batch of at least 2. @defaultValue none
   */
  readonly modeSeeking?: ModeSeekingOptions;
  /**
   * Fades the class into a conditional run (Shahbazi et al. 2023, arXiv:2201.06578; see
   * {@link ConditioningTransition}): unconditional before step `start`, the class's weight rising
   * linearly to full at step `end`. Against the collapse of class-conditional GANs on little data.
   * Needs a conditional generator and a discriminator that takes labels (not an auxiliary classifier),
   * whose label inputs feed embeddings, conditional batch normalizations or projection heads. @defaultValue none
   */
  readonly conditioningTransition?: ConditioningTransitionOptions;
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
  /** Learning rate of both default optimizers. */
  readonly learningRate: number;
  /** Adam's beta1 of both default optimizers. */
  readonly beta1: number;
  /** Adam's beta2 of both default optimizers. */
  readonly beta2: number;
  /** Batch size of `fit` when none is given. */
  readonly batchSize: number;
  /** The generator's EMA, or undefined for none. */
  readonly ema: EmaConfig | undefined;
}

/**
 * The defaults for images (generators whose output is [height, width, channels]): the DCGAN paper's
 * Adam(2e-4, 0.5, 0.999) and batch 64, no EMA; and the defaults of every kind of data.
 */
export const TRAINER_DEFAULTS = Object.freeze({
  /** Learning rate of both default optimizers. */
  learningRate: 2e-4,
  /** Adam's beta1 of both default optimizers. */
  beta1: 0.5,
  /** Adam's beta2 of both default optimizers. */
  beta2: 0.999,
  /** Discriminator steps per generator step. */
  discriminatorSteps: 1,
  /** Batch size of `fit` when none is given. */
  batchSize: 64,
  /** No EMA generator. */
  ema: undefined as EmaConfig | undefined,
  /** Weight of the auxiliary classifier's cross-entropy. */
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


/** Every option of {@link TrainerConfig}; the record type makes the compiler keep the list complete. */
const TRAINER_CONFIG_KEYS = Object.freeze(
  Object.keys({
    generator: true,
    discriminator: true,
    loss: true,
    penalties: true,
    generatorOptimizer: true,
    discriminatorOptimizer: true,
    generatorLearningRate: true,
    discriminatorLearningRate: true,
    discriminatorSteps: true,
    seed: true,
    sampling: true,
    fakeLabels: true,
    auxiliaryClassifierWeight: true,
    auxiliaryClassifierBatches: true,
    ema: true,
    augment: true,
    augmentDraws: true,
    progressive: true,
    pathLength: true,
    modeSeeking: true,
    conditioningTransition: true,
  } satisfies Record<keyof TrainerConfig, true>),
);

/** Every option of {@link FitOptions}. */
const FIT_OPTION_KEYS = Object.freeze(
  Object.keys({ steps: true, epochs: true, batchSize: true, signal: true, callbacks: true } satisfies Record<keyof FitOptions, true>),
);

/** The hooks a {@link Callback} may have. */
const CALLBACK_HOOKS = Object.freeze(
  Object.keys({ onTrainBegin: true, onStepEnd: true, onTrainEnd: true } satisfies Record<keyof Callback, true>),
);

/** An optimizer as the Trainer uses it: tfjs's `computeGradients`, `applyGradients` and `dispose`. */
function isOptimizer(value: unknown): value is tf.Optimizer {
  const o = value as Partial<tf.Optimizer> | null;
  return (
    o !== null &&
    typeof o === 'object' &&
    typeof o.computeGradients === 'function' &&
    typeof o.applyGradients === 'function' &&
    typeof o.dispose === 'function'
  );
}

/**
 * Checks the shape of a {@link TrainerConfig} before the Trainer reads it: an object, known option
 * names, `penalties` an array, the optimizers tfjs optimizers, `ema` and `progressive` objects.
 * The values themselves (ranges, networks that fit together) are checked where they are used.
 * @throws ConfigError naming the option, what was expected and what was received.
 */
export function checkTrainerConfig(config: unknown, owner: string): asserts config is TrainerConfig {
  if (!isOptionsObject(config)) {
    throw new ConfigError(`${owner}: config must be an object { generator, discriminator, ... }, received ${describeValue(config)}.`);
  }
  checkKnownOptions(config, TRAINER_CONFIG_KEYS, owner);
  if (config.penalties !== undefined && !Array.isArray(config.penalties)) {
    throw new ConfigError(
      `${owner}: 'penalties' must be an array of penalties (e.g. [penalties.r1({ gamma: 1 })]), received ${describeValue(config.penalties)}.`,
    );
  }
  for (const name of ['generatorOptimizer', 'discriminatorOptimizer'] as const) {
    const optimizer = config[name];
    if (optimizer !== undefined && !isOptimizer(optimizer)) {
      throw new ConfigError(
        `${owner}: '${name}' must be a tf.Optimizer (e.g. tf.train.adam(2e-4, 0.5, 0.999)), received ${describeValue(optimizer)}.`,
      );
    }
  }
  if (config.ema !== undefined && config.ema !== false && !isOptionsObject(config.ema)) {
    throw new ConfigError(`${owner}: 'ema' must be an object { decay, startStep? } or false, received ${describeValue(config.ema)}.`);
  }
  if (config.progressive !== undefined && !isOptionsObject(config.progressive)) {
    throw new ConfigError(
      `${owner}: 'progressive' must be a progressive schedule or its options (see progressiveSchedule), received ${describeValue(config.progressive)}.`,
    );
  }
}

/**
 * Checks the shape of {@link FitOptions}: an object, known option names, `callbacks` an array of
 * callbacks, `signal` an AbortSignal. Steps, epochs and batch size are checked against the data by `fit`.
 * @throws ConfigError naming the option, what was expected and what was received.
 */
export function checkFitOptions(options: unknown, owner: string): asserts options is FitOptions {
  if (!isOptionsObject(options)) {
    throw new ConfigError(`${owner}: 'options' must be an object { steps, batchSize, ... }, received ${describeValue(options)}.`);
  }
  checkKnownOptions(options, FIT_OPTION_KEYS, owner);
  const { callbacks, signal } = options;
  if (callbacks !== undefined) {
    if (!Array.isArray(callbacks)) {
      throw new ConfigError(
        `${owner}: 'callbacks' must be an array of callbacks (e.g. [callbacks.progress()]), received ${describeValue(callbacks)}.`,
      );
    }
    callbacks.forEach((callback: unknown, i) => checkCallback(callback, `${owner}: 'callbacks[${i}]'`));
  }
  if (signal !== undefined && !(isOptionsObject(signal) && typeof signal.aborted === 'boolean')) {
    throw new ConfigError(`${owner}: 'signal' must be an AbortSignal (AbortController.signal), received ${describeValue(signal)}.`);
  }
}

/**
 * A callback is an object with at least one hook, each a function. A function under a name close to a
 * hook's (`onStepend`) is a typo that would never be called: refused, naming the hook.
 */
function checkCallback(callback: unknown, where: string): void {
  if (!isOptionsObject(callback)) {
    throw new ConfigError(`${where} must be a callback, an object with ${CALLBACK_HOOKS.join(', ')} (any of them), received ${describeValue(callback)}.`);
  }
  // Own and inherited members: a callback may be a class instance.
  const members = new Set<string>();
  for (let o: object | null = callback; o !== null && o !== Object.prototype; o = Object.getPrototypeOf(o) as object | null) {
    Object.getOwnPropertyNames(o).forEach((name) => members.add(name));
  }
  for (const name of members) {
    if (CALLBACK_HOOKS.includes(name) || name === 'constructor' || typeof callback[name] !== 'function') continue;
    const hook = closestName(name, CALLBACK_HOOKS);
    if (hook !== undefined) {
      throw new ConfigError(`${where} has a method '${name}' that is not a hook; did you mean '${hook}'? Expected hooks ${describeValue(CALLBACK_HOOKS)}.`);
    }
  }
  for (const hook of CALLBACK_HOOKS) {
    const value = callback[hook];
    if (value !== undefined && typeof value !== 'function') {
      throw new ConfigError(`${where}.${hook} must be a function, received ${describeValue(value)}.`);
    }
  }
  if (!CALLBACK_HOOKS.some((hook) => typeof callback[hook] === 'function')) {
    throw new ConfigError(`${where} has no hook: expected at least one of ${describeValue(CALLBACK_HOOKS)}, received ${describeValue(callback)}.`);
  }
}

/**
 * Checks a callback factory's options: an object (or undefined when `optional`) with known names only.
 * @throws ConfigError naming the owner, what was expected and what was received.
 */
export function checkCallbackOptions(options: unknown, known: readonly string[], owner: string, optional = false): void {
  if (options === undefined && optional) return;
  if (!isOptionsObject(options)) {
    throw new ConfigError(`${owner}: options must be an object with ${known.map((k) => `'${k}'`).join(', ')}, received ${describeValue(options)}.`);
  }
  checkKnownOptions(options, known, owner);
}

export function resolveProgressive(
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

export function resolveLoss(loss: GanLoss | string | undefined): GanLoss {
  if (loss === undefined) return nonSaturating();
  if (typeof loss === 'string') return lossByName(loss);
  if (typeof loss !== 'object' || typeof loss.discriminator !== 'function' || typeof loss.generator !== 'function') {
    throw new ConfigError(`Trainer: 'loss' must be a GanLoss ({ discriminator, generator }) or a loss name, received ${describeValue(loss)}.`);
  }
  return loss;
}

export function defaultOptimizer(learningRate: number | undefined, name: string, defaults: DataKindDefaults): tf.Optimizer {
  const rate = checkNumber(learningRate ?? defaults.learningRate, name, 'Trainer', { min: 0, minExclusive: true });
  return fusedAdam(rate, defaults.beta1, defaults.beta2);
}
