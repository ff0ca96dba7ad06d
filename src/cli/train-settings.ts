/**
 * `tfjs-gan train` without a recipe: the settings checked before any data loads, the trainer they
 * build (the library's defaults for the kind of data where a flag is not given), the settings it
 * resolved, and the learning-rate schedule.
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs';
import {
  ARCHITECTURE_NAMES,
  type AugmentDraws,
  type AuxiliaryClassifierBatches,
  type BatchSampling,
  type Callback,
  ConditioningTransition,
  type ConditioningTransitionOptions,
  ConfigError,
  DISCRIMINATOR_CONDITIONINGS,
  type DiscriminatorConditioning,
  type EmaConfig,
  type FakeLabels,
  GENERATOR_CONDITIONINGS,
  type GeneratorConditioning,
  type ModeSeekingOptions,
  type Penalty,
  TRAINER_DEFAULTS,
  Trainer,
  augment,
  buildNetworks,
  callbacks,
  defaultsForData,
  describeValue,
  fusedAdam,
  penalties,
  recipes,
} from '../index.js';
import type { ParsedFlags } from './args.js';

const OWNER = 'tfjs-gan train';

/**
 * Checks what the data does not decide (conditioning, penalty and its options, augmentation policy,
 * the pairing of flags), so that a bad setting stops the command before anything loads.
 * @throws ConfigError naming the flag, what is expected and what was received.
 */
export function checkTrainingFlags(flags: ParsedFlags): void {
  parseConditioning(flags.conditioning as string | undefined);
  const transition = conditioningTransitionOf(flags).conditioningTransition;
  if (transition !== undefined) new ConditioningTransition(transition, OWNER);
  penaltyOf(flags);
  const policy = augmentPolicyOf(flags);
  if (flags.augmentDraws === 'class' && (policy === undefined || policy.length === 0)) {
    throw new ConfigError(`${OWNER}: '--augment-draws class' shares the augmentation's draws within a class, so it needs '--augment' (e.g. --augment translation,cutout), received ${policy === undefined ? 'none' : describeValue(flags.augment)}.`);
  }
  if (flags.noEma && (flags.emaDecay !== undefined)) {
    throw new ConfigError(`${OWNER}: give '--ema-decay' (an EMA generator) or '--no-ema' (none), not both; received --ema-decay ${describeValue(flags.emaDecay)} and --no-ema.`);
  }
  if (!(ARCHITECTURE_NAMES as readonly string[]).includes(String(flags.arch))) {
    throw new ConfigError(`${OWNER}: '--arch' must be one of ${describeValue(ARCHITECTURE_NAMES)}, received ${describeValue(flags.arch)}.`);
  }
}

/** The mode-seeking options of `--mode-seeking` and `--mode-seeking-pool`. */
function modeSeekingOf(flags: ParsedFlags): { modeSeeking?: ModeSeekingOptions } {
  if (flags.modeSeeking === undefined) {
    if (flags.modeSeekingPool !== undefined) throw new ConfigError(`${OWNER}: '--mode-seeking-pool' needs '--mode-seeking' (the term's weight), received none.`);
    return {};
  }
  return { modeSeeking: { weight: Number(flags.modeSeeking), ...(flags.modeSeekingPool !== undefined ? { poolSize: Number(flags.modeSeekingPool) } : {}) } };
}

/** The transition of `--conditioning-transition START:END`. */
function conditioningTransitionOf(flags: ParsedFlags): { conditioningTransition?: ConditioningTransitionOptions } {
  if (flags.conditioningTransition === undefined) return {};
  const text = String(flags.conditioningTransition);
  const match = /^(\d+):(\d+)$/.exec(text);
  if (match === null) {
    throw new ConfigError(`${OWNER}: '--conditioning-transition' must be START:END, two step numbers such as 1200:3600, received ${describeValue(text)}.`);
  }
  return { conditioningTransition: { start: Number(match[1]), end: Number(match[2]) } };
}

/** The penalty `--penalty` names, with `--penalty-options`. */
function penaltyOf(flags: ParsedFlags): Penalty | undefined {
  const text = flags.penaltyOptions as string | undefined;
  if (flags.penalty === undefined) {
    if (text !== undefined) throw new ConfigError(`${OWNER}: '--penalty-options' needs '--penalty' (${penalties.PENALTY_NAMES.join(' | ')}), received none.`);
    return undefined;
  }
  let options: unknown = {};
  if (text !== undefined) {
    try {
      options = JSON.parse(text);
    } catch {
      throw new ConfigError(`${OWNER}: '--penalty-options' must be a JSON object such as '{"gamma":1}', received ${describeValue(text)}.`);
    }
  }
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new ConfigError(`${OWNER}: '--penalty-options' must be a JSON object such as '{"gamma":1}', received ${describeValue(text)}.`);
  }
  return penalties.penaltyByName(String(flags.penalty), options as Record<string, unknown>);
}

/** The DiffAugment policy `--augment` lists. */
function augmentPolicyOf(flags: ParsedFlags): readonly augment.AugmentationName[] | undefined {
  if (flags.augment === undefined) return undefined;
  const names = String(flags.augment).split(',').map((name) => name.trim()).filter((name) => name.length > 0);
  return augment.checkAugmentPolicy(names, OWNER, '--augment');
}

/** The EMA the flags ask for: a decay, none, or (undefined) the data kind's default. */
function emaOf(flags: ParsedFlags): EmaConfig | false | undefined {
  if (flags.noEma) return false;
  if (flags.emaDecay === undefined) return undefined;
  return { decay: Number(flags.emaDecay), startStep: Number(flags.emaStart ?? 0) };
}

/**
 * Builds the networks and the trainer the settings describe, for data of this shape and classes. Where
 * a learning rate, Adam beta or the EMA is not given, the Trainer's defaults for the kind of data apply
 * (images: Adam(2e-4, 0.5, 0.999), no EMA; vectors: Adam(1e-3, 0, 0.99), EMA 0.999).
 */
export function buildTrainer(flags: ParsedFlags, sampleShape: readonly number[], numClasses: number, classNames?: readonly string[]): Trainer {
  const seed = Number(flags.seed);
  const conditioning = parseConditioning(flags.conditioning as string | undefined);
  const discriminator = {
    ...(flags.spectralNorm ? { spectralNorm: true } : {}),
    ...(flags.minibatchStdDev ? { minibatchStdDev: true } : {}),
    ...(flags.classMinibatchStdDev ? { classMinibatchStdDev: true } : {}),
    ...(flags.auxiliaryClassifier ? { auxiliaryClassifier: true } : {}),
    ...(flags.packing !== undefined ? { packing: Number(flags.packing) } : {}),
  };
  const networks = buildNetworks(
    String(flags.arch),
    {
      sampleShape,
      numClasses,
      ...(numClasses > 0 && classNames ? { classNames } : {}),
      ...(numClasses > 0 ? { generatorConditioning: conditioning.generator, discriminatorConditioning: conditioning.discriminator } : {}),
      ...(flags.latentDim !== undefined ? { latentDim: Number(flags.latentDim) } : {}),
      ...(flags.width !== undefined ? { width: Number(flags.width) } : {}),
      seed,
    },
    { discriminator },
  );
  const kind = defaultsForData(sampleShape);
  const generatorRate = flags.generatorLearningRate as number | undefined;
  const discriminatorRate = flags.discriminatorLearningRate as number | undefined;
  // Betas given: the optimizers are built here, with the data kind's rates where none are given.
  const betas = flags.beta1 !== undefined || flags.beta2 !== undefined ? [Number(flags.beta1 ?? kind.beta1), Number(flags.beta2 ?? kind.beta2)] : undefined;
  const penalty = penaltyOf(flags);
  const policy = augmentPolicyOf(flags);
  const ema = emaOf(flags);
  try {
    return new Trainer({
      ...networks,
      loss: String(flags.loss),
      ...(penalty !== undefined ? { penalties: [penalty] } : {}),
      ...(policy !== undefined ? { augment: policy } : {}),
      ...(ema !== undefined ? { ema } : {}),
      ...(betas !== undefined
        ? {
            generatorOptimizer: fusedAdam(generatorRate ?? kind.learningRate, betas[0], betas[1]),
            discriminatorOptimizer: fusedAdam(discriminatorRate ?? kind.learningRate, betas[0], betas[1]),
          }
        : {
            ...(generatorRate !== undefined ? { generatorLearningRate: generatorRate } : {}),
            ...(discriminatorRate !== undefined ? { discriminatorLearningRate: discriminatorRate } : {}),
          }),
      discriminatorSteps: Number(flags.discriminatorSteps),
      sampling: String(flags.sampling ?? 'shuffle') as BatchSampling,
      fakeLabels: String(flags.fakeLabels ?? 'uniform') as FakeLabels,
      augmentDraws: String(flags.augmentDraws ?? 'sample') as AugmentDraws,
      auxiliaryClassifierWeight: Number(flags.auxiliaryClassifierWeight ?? TRAINER_DEFAULTS.auxiliaryClassifierWeight),
      auxiliaryClassifierBatches: String(flags.auxiliaryClassifierBatches ?? 'real-and-fake') as AuxiliaryClassifierBatches,
      ...modeSeekingOf(flags),
      ...conditioningTransitionOf(flags),
      seed,
    });
  } catch (error) {
    networks.generator.dispose();
    networks.discriminator.dispose();
    throw error;
  }
}

/**
 * The settings a new run resolved: the flags with the data kind's batch size, learning rates, Adam
 * betas and EMA made explicit, and the schedule's span, as `config.json` records them.
 */
export function resolvedSettings(flags: ParsedFlags, trainer: Trainer): ParsedFlags {
  const g = trainer.generatorOptimizer.getConfig();
  const d = trainer.discriminatorOptimizer.getConfig();
  const ema = trainer.ema?.config;
  return {
    ...flags,
    batchSize: flags.batchSize ?? trainer.defaultBatchSize,
    generatorLearningRate: numberOr(g.learningRate, flags.generatorLearningRate),
    discriminatorLearningRate: numberOr(d.learningRate, flags.discriminatorLearningRate),
    beta1: numberOr(g.beta1, flags.beta1),
    beta2: numberOr(g.beta2, flags.beta2),
    ...(ema !== undefined ? { emaDecay: ema.decay, emaStart: ema.startStep, noEma: undefined } : { emaDecay: undefined, emaStart: undefined, noEma: true }),
    ...(flags.lrDecay === 'linear' ? { lrDecaySteps: flags.lrDecaySteps ?? flags.steps } : {}),
  };
}

function numberOr(value: unknown, fallback: ParsedFlags[string]): number | undefined {
  return typeof value === 'number' ? value : (fallback as number | undefined);
}

/**
 * `--lr-decay linear`: the rates stay at their base until `--lr-decay-start` of `--lr-decay-steps`,
 * then fall linearly to `--lr-decay-final` times the base (as the recipes' schedule does).
 * @param base - the base rates (those the run was created with).
 */
export function learningRateDecay(flags: ParsedFlags, base: { generator: number; discriminator: number }): Callback[] {
  if (flags.lrDecay !== 'linear') return [];
  const decay = { kind: 'linear' as const, start: Number(flags.lrDecayStart), final: Number(flags.lrDecayFinal) };
  const steps = Number(flags.lrDecaySteps ?? flags.steps);
  return [callbacks.learningRateSchedule({ schedule: (step) => recipes.decayMultiplier(decay, step, steps), baseRates: base })];
}

/** The learning rate an optimizer uses now. */
export function learningRateOf(optimizer: tf.Optimizer): number | undefined {
  const rate = optimizer.getConfig().learningRate;
  return typeof rate === 'number' ? rate : undefined;
}

/**
 * `--conditioning`: one kind sets the network that has it (cbn: the generator; projection, acgan: the
 * discriminator; concat: both), the other network uses concat; `g+d` sets both, e.g. `cbn+projection`.
 * @throws ConfigError for an unknown kind, naming the valid ones.
 */
export function parseConditioning(value: string | undefined): { generator: GeneratorConditioning; discriminator: DiscriminatorConditioning } {
  if (value === undefined) return { generator: 'concat', discriminator: 'concat' };
  const isG = (v: string): v is GeneratorConditioning => (GENERATOR_CONDITIONINGS as readonly string[]).includes(v);
  const isD = (v: string): v is DiscriminatorConditioning => (DISCRIMINATOR_CONDITIONINGS as readonly string[]).includes(v);
  const parts = value.split('+').map((part) => part.trim());
  if (parts.length === 2 && isG(parts[0]) && isD(parts[1])) return { generator: parts[0], discriminator: parts[1] };
  if (parts.length === 1) {
    const [kind] = parts;
    if (isG(kind) || isD(kind)) return { generator: isG(kind) ? kind : 'concat', discriminator: isD(kind) ? kind : 'concat' };
  }
  throw new ConfigError(
    `${OWNER}: '--conditioning' must be one of ${describeValue([...new Set([...GENERATOR_CONDITIONINGS, ...DISCRIMINATOR_CONDITIONINGS])])} or generator+discriminator (generator: ${GENERATOR_CONDITIONINGS.join(' | ')}; discriminator: ${DISCRIMINATOR_CONDITIONINGS.join(' | ')}), received ${describeValue(value)}.`,
  );
}
