/**
 * What a recipe is, as data: the networks, the trainer's settings, the schedule and the run length that
 * train one kind of data well. Plain JSON, so that a run directory can record the recipe it followed
 * and the command line can read one back.
 *
 * @packageDocumentation
 */
import { AUGMENTATIONS, type AugmentationName } from '../augment/diff-augment.js';
import { ConfigError, describeValue } from '../errors.js';
import { LOSS_NAMES, type LossName } from '../losses/loss-by-name.js';
import { PENALTY_NAMES, type PenaltyName } from '../losses/penalties/penalty-by-name.js';
import { ARCHITECTURE_NAMES, type ArchitectureName } from '../nets/architectures.js';
import { BATCH_SAMPLINGS, type BatchSampling } from '../data/class-balanced-sampler.js';
import { FAKE_LABELS, type FakeLabels } from '../train/fake-labels.js';
import { type AugmentDraws, checkAugmentDraws } from '../train/augment-draws.js';
import { AUXILIARY_CLASSIFIER_BATCHES, type AuxiliaryClassifierBatches } from '../train/auxiliary-classifier-batches.js';
import { type ModeSeekingOptions, ModeSeekingRegularizer } from '../train/mode-seeking.js';
import { ConditioningTransition, type ConditioningTransitionOptions } from '../train/conditioning-transition.js';
import type { EmojiLabels } from '../data/emoji-subcategories.js';
import { PRETRAINED_FEATURE_NAMES, type PretrainedFeatureName } from '../nets/pretrained-features.js';
import { checkDatasetLabels } from '../data/dataset-registry.js';
import { checkBoolean, checkInt, checkKnownOptions, checkNonEmptyString, checkNumber, checkOneOf, isOptionsObject } from '../util/validate.js';

/** The datasets a recipe can name: each has a training split and a held-out split to score against. */
export const RECIPE_DATASETS = Object.freeze(['mnist', 'fashion-mnist', 'emoji', 'ring'] as const);

/** A dataset a recipe trains on; see {@link RECIPE_DATASETS}. */
export type RecipeDataset = (typeof RECIPE_DATASETS)[number];

/** How the learning rates change over a run. */
export interface LearningRateDecay {
  /** `'none'`: constant rates; `'linear'`: constant until `start`, then linear down to `final` at the last step. */
  readonly kind: 'none' | 'linear';
  /** The share of the run after which the decay begins, in [0, 1). @defaultValue 0 */
  readonly start?: number;
  /** The multiplier of the rates at the last step, in (0, 1]. @defaultValue 0.1 */
  readonly final?: number;
}

/** A recipe's pretrained discriminator path (see `withPretrainedFeatures`). */
export interface RecipePretrainedFeatures {
  /** The shipped extractor whose frozen layers the discriminator reads through. */
  readonly network: PretrainedFeatureName;
  /** The layer to cut it at. @defaultValue its feature layer (`'features'`) */
  readonly layer?: string;
}

/** A penalty by its registry name, with its options. */
export interface RecipePenalty {
  /** One of `penalties.PENALTY_NAMES`, e.g. `'r1'`. */
  readonly name: PenaltyName;
  /** The penalty's options, e.g. `{ gamma: 0.1 }`. */
  readonly options?: Readonly<Record<string, number>>;
}

/**
 * A recipe as plain data. Every field but `discriminatorArchitecture` is required here; {@link Recipe}
 * fills what a caller leaves out from the recipe it starts from.
 */
export interface RecipeConfig {
  /** The recipe's name, e.g. `'mnist'`. */
  readonly name: string;
  /** One line on what it makes. */
  readonly description: string;
  /** The data it trains on: its training split (see {@link Recipe.loadData}). */
  readonly dataset: RecipeDataset;
  /** Class-conditional networks (the dataset's labels in, a class per sample out). */
  readonly conditional: boolean;
  /**
   * Emoji: the classes a conditional recipe trains on, the 9 categories, the 98 subcategories or the
   * categories with classes of one's own (`{ extraClasses }`; `datasets.emoji`'s `labels`); the held-out
   * score reads subcategories and extra classes by their category.
   * @defaultValue 'category'
   */
  readonly labels?: EmojiLabels;
  /** The network family, one of `ARCHITECTURE_NAMES`: its generator, and its discriminator unless `discriminatorArchitecture` names another. */
  readonly architecture: ArchitectureName;
  /**
   * The family of the discriminator when it is not `architecture`'s own, e.g. the style generator
   * (`architecture: 'style'`) against the DCGAN discriminator (`'dcgan'`). Its builder gets
   * `discriminator`'s options.
   * @defaultValue `architecture`
   */
  readonly discriminatorArchitecture?: ArchitectureName;
  /**
   * Options of the family's generator builder beyond what the data sets (shape, classes, class names)
   * and the seed, e.g. `{ width: 64, conditioning: 'cbn' }`.
   */
  readonly generator: Readonly<Record<string, unknown>>;
  /** Options of the family's discriminator builder beyond the data and the seed. */
  readonly discriminator: Readonly<Record<string, unknown>>;
  /** The adversarial loss, one of `losses.LOSS_NAMES`. */
  readonly loss: LossName;
  /** Penalties added to the discriminator's loss. */
  readonly penalties: readonly RecipePenalty[];
  /** Adam's learning rate for the generator. */
  readonly generatorLearningRate: number;
  /** Adam's learning rate for the discriminator (two time-scale: may differ from the generator's). */
  readonly discriminatorLearningRate: number;
  /** Adam's beta1, both networks. */
  readonly beta1: number;
  /** Adam's beta2, both networks. */
  readonly beta2: number;
  /** Decay of the generator's moving average that is sampled from, or `false` for none. */
  readonly emaDecay: number | false;
  /** The step from which the moving average follows the weights (before it, it copies them). */
  readonly emaStart: number;
  /** DiffAugment policy applied to real and fake images before the discriminator. */
  readonly augment: readonly AugmentationName[];
  /**
   * How the augmentation's draws are spread over a batch: `'sample'` (every image its own) or `'class'`
   * (the images of one class share theirs; see `TrainerConfig.augmentDraws`). @defaultValue 'sample'
   */
  readonly augmentDraws?: AugmentDraws;
  /** Discriminator steps per generator step. */
  readonly discriminatorSteps: number;
  /**
   * How the real batches are drawn: `'shuffle'` (the data's class proportions), `'class-balanced'`
   * (every class equally often) or `'class-sqrt'` (each class by the square root of its size; see
   * `TrainerConfig.sampling`). @defaultValue 'shuffle'
   */
  readonly sampling?: BatchSampling;
  /**
   * How the fakes' labels are drawn in training: `'uniform'`, `'data'` (the real batches' class
   * shares) or `'data-for-discriminator'` (those for the discriminator's fakes, uniform for the
   * generator's; see `TrainerConfig.fakeLabels`). @defaultValue 'uniform'
   */
  readonly fakeLabels?: FakeLabels;
  /**
   * Which batches train an ACGAN discriminator's auxiliary classifier: `'real-and-fake'` or `'real'`
   * (see `TrainerConfig.auxiliaryClassifierBatches`). @defaultValue 'real-and-fake'
   */
  readonly auxiliaryClassifierBatches?: AuxiliaryClassifierBatches;
  /**
   * Weight of an ACGAN discriminator's class cross-entropy, in both networks' losses (see
   * `TrainerConfig.auxiliaryClassifierWeight`). @defaultValue 1
   */
  readonly auxiliaryClassifierWeight?: number;
  /**
   * The mode-seeking term of the generator (MSGAN; see `TrainerConfig.modeSeeking`), e.g.
   * `{ weight: 1 }`. @defaultValue none
   */
  readonly modeSeeking?: ModeSeekingOptions;
  /**
   * Fades the class in over the run's first steps (see `TrainerConfig.conditioningTransition`), e.g.
   * `{ start: 600, end: 2400 }`: unconditional before step 600, fully conditional from 2,400. In steps,
   * not fractions: a run with other `steps` keeps them. @defaultValue none
   */
  readonly conditioningTransition?: ConditioningTransitionOptions;
  /**
   * A second path in the discriminator through a frozen shipped feature extractor (see
   * `withPretrainedFeatures`), e.g. `{ network: 'emoji' }`. Build such a recipe's trainer with
   * `createTrainer` (it loads the extractor's weights). @defaultValue none
   */
  readonly pretrainedFeatures?: RecipePretrainedFeatures;
  /** Generator steps of a full run. */
  readonly steps: number;
  /** Batch size. */
  readonly batchSize: number;
  /** How the learning rates change over the run. */
  readonly learningRateDecay: LearningRateDecay;
  /** Seed of the run: the generator's weights use it, the discriminator's `seed + 1`, the trainer's draws `seed + 2`, a pretrained path's head `seed + 3`. */
  readonly seed: number;
}

/** The fields of {@link RecipeConfig}; the record type keeps the list complete. */
export const RECIPE_CONFIG_KEYS = Object.freeze(
  Object.keys({
    name: true,
    description: true,
    dataset: true,
    conditional: true,
    labels: true,
    architecture: true,
    discriminatorArchitecture: true,
    generator: true,
    discriminator: true,
    loss: true,
    penalties: true,
    generatorLearningRate: true,
    discriminatorLearningRate: true,
    beta1: true,
    beta2: true,
    emaDecay: true,
    emaStart: true,
    augment: true,
    augmentDraws: true,
    discriminatorSteps: true,
    sampling: true,
    fakeLabels: true,
    auxiliaryClassifierBatches: true,
    auxiliaryClassifierWeight: true,
    modeSeeking: true,
    conditioningTransition: true,
    pretrainedFeatures: true,
    steps: true,
    batchSize: true,
    learningRateDecay: true,
    seed: true,
  } satisfies Record<keyof RecipeConfig, true>),
);

/** The fields a config may leave out. */
const OPTIONAL_KEYS: readonly string[] = ['discriminatorArchitecture', 'augmentDraws', 'sampling', 'fakeLabels', 'auxiliaryClassifierBatches', 'auxiliaryClassifierWeight', 'modeSeeking', 'conditioningTransition', 'pretrainedFeatures', 'labels'];

/** Options the data decides, which a recipe's builder options may not set. */
const DATA_OPTIONS = ['imageShape', 'outputShape', 'inputShape', 'numClasses', 'classNames', 'seed'];

/**
 * Checks a whole recipe configuration: every field present, of the right kind and range, names known.
 * The builder options are checked by the builders themselves when a trainer is built.
 * @throws ConfigError naming the field, what was expected and what was received.
 */
export function checkRecipeConfig(config: unknown, owner: string): asserts config is RecipeConfig {
  if (!isOptionsObject(config)) throw new ConfigError(`${owner}: a recipe config must be an object, received ${describeValue(config)}.`);
  checkKnownOptions(config, RECIPE_CONFIG_KEYS, owner);
  const missing = RECIPE_CONFIG_KEYS.filter((key) => config[key] === undefined && !OPTIONAL_KEYS.includes(key));
  if (missing.length > 0) throw new ConfigError(`${owner}: the recipe config lacks ${describeValue(missing)}.`);
  checkNonEmptyString(config.name, 'name', owner);
  if (typeof config.description !== 'string') throw new ConfigError(`${owner}: 'description' must be a string, received ${describeValue(config.description)}.`);
  const dataset = checkOneOf(config.dataset, RECIPE_DATASETS, 'dataset', owner);
  checkBoolean(config.conditional, 'conditional', owner);
  if (config.labels !== undefined) checkDatasetLabels(dataset, config.labels, owner);
  checkOneOf(config.architecture, ARCHITECTURE_NAMES, 'architecture', owner);
  if (config.discriminatorArchitecture !== undefined) checkOneOf(config.discriminatorArchitecture, ARCHITECTURE_NAMES, 'discriminatorArchitecture', owner);
  for (const side of ['generator', 'discriminator'] as const) {
    const options = config[side];
    if (!isOptionsObject(options)) throw new ConfigError(`${owner}: '${side}' must be an object of builder options, received ${describeValue(options)}.`);
    const taken = DATA_OPTIONS.filter((key) => key in options);
    if (taken.length > 0) {
      throw new ConfigError(`${owner}: '${side}' may not set ${describeValue(taken)}: the data and the recipe's seed set them.`);
    }
  }
  checkOneOf(config.loss, LOSS_NAMES, 'loss', owner);
  if (!Array.isArray(config.penalties)) throw new ConfigError(`${owner}: 'penalties' must be an array of { name, options }, received ${describeValue(config.penalties)}.`);
  config.penalties.forEach((penalty: unknown, i: number) => {
    if (!isOptionsObject(penalty)) throw new ConfigError(`${owner}: 'penalties[${i}]' must be { name, options }, received ${describeValue(penalty)}.`);
    checkKnownOptions(penalty, ['name', 'options'], owner, `penalties[${i}].`);
    checkOneOf(penalty.name, PENALTY_NAMES, `penalties[${i}].name`, owner);
    if (penalty.options !== undefined && !isOptionsObject(penalty.options)) {
      throw new ConfigError(`${owner}: 'penalties[${i}].options' must be an object, received ${describeValue(penalty.options)}.`);
    }
  });
  checkNumber(config.generatorLearningRate, 'generatorLearningRate', owner, { min: 0, minExclusive: true });
  checkNumber(config.discriminatorLearningRate, 'discriminatorLearningRate', owner, { min: 0, minExclusive: true });
  checkNumber(config.beta1, 'beta1', owner, { min: 0, max: 1, maxExclusive: true });
  checkNumber(config.beta2, 'beta2', owner, { min: 0, max: 1, maxExclusive: true });
  if (config.emaDecay !== false) checkNumber(config.emaDecay, 'emaDecay', owner, { min: 0, max: 1, maxExclusive: true });
  checkInt(config.emaStart, 'emaStart', owner, 0);
  if (!Array.isArray(config.augment)) throw new ConfigError(`${owner}: 'augment' must be an array of augmentation names, received ${describeValue(config.augment)}.`);
  config.augment.forEach((name: unknown, i: number) => checkOneOf(name, AUGMENTATIONS, `augment[${i}]`, owner));
  if (config.augmentDraws !== undefined) checkAugmentDraws(config.augmentDraws, config.augment as string[], config.conditional as boolean, owner);
  checkInt(config.discriminatorSteps, 'discriminatorSteps', owner, 1);
  if (config.sampling !== undefined) checkOneOf(config.sampling, BATCH_SAMPLINGS, 'sampling', owner);
  if (config.fakeLabels !== undefined) checkOneOf(config.fakeLabels, FAKE_LABELS, 'fakeLabels', owner);
  if (config.auxiliaryClassifierBatches !== undefined) {
    checkOneOf(config.auxiliaryClassifierBatches, AUXILIARY_CLASSIFIER_BATCHES, 'auxiliaryClassifierBatches', owner);
  }
  if (config.auxiliaryClassifierWeight !== undefined) checkNumber(config.auxiliaryClassifierWeight, 'auxiliaryClassifierWeight', owner, { min: 0 });
  // The regularizer checks its own options (an object, known names, a weight >= 0).
  if (config.modeSeeking !== undefined) new ModeSeekingRegularizer(config.modeSeeking as ModeSeekingOptions, owner);
  if (config.conditioningTransition !== undefined) new ConditioningTransition(config.conditioningTransition as ConditioningTransitionOptions, owner);
  if (config.pretrainedFeatures !== undefined) checkPretrainedFeatures(config.pretrainedFeatures, owner);
  checkInt(config.steps, 'steps', owner, 1);
  checkInt(config.batchSize, 'batchSize', owner, 1);
  checkDecay(config.learningRateDecay, owner);
  checkInt(config.seed, 'seed', owner, 0, 2 ** 31 - 1);
}

function checkPretrainedFeatures(value: unknown, owner: string): void {
  if (!isOptionsObject(value)) throw new ConfigError(`${owner}: 'pretrainedFeatures' must be { network, layer? }, received ${describeValue(value)}.`);
  checkKnownOptions(value, ['network', 'layer'], owner, 'pretrainedFeatures.');
  checkOneOf(value.network, PRETRAINED_FEATURE_NAMES, 'pretrainedFeatures.network', owner);
  if (value.layer !== undefined) checkNonEmptyString(value.layer, 'pretrainedFeatures.layer', owner);
}

function checkDecay(decay: unknown, owner: string): void {
  if (!isOptionsObject(decay)) throw new ConfigError(`${owner}: 'learningRateDecay' must be { kind, start?, final? }, received ${describeValue(decay)}.`);
  checkKnownOptions(decay, ['kind', 'start', 'final'], owner, 'learningRateDecay.');
  checkOneOf(decay.kind, ['none', 'linear'], 'learningRateDecay.kind', owner);
  if (decay.start !== undefined) checkNumber(decay.start, 'learningRateDecay.start', owner, { min: 0, max: 1, maxExclusive: true });
  if (decay.final !== undefined) checkNumber(decay.final, 'learningRateDecay.final', owner, { min: 0, max: 1, minExclusive: true });
}

/**
 * The learning-rate multiplier of a decay at a step of a run of `steps` steps: 1 before the decay's
 * start, then falling linearly to `final` at the last step.
 */
export function decayMultiplier(decay: LearningRateDecay, step: number, steps: number): number {
  if (decay.kind === 'none') return 1;
  const start = (decay.start ?? 0) * steps;
  const final = decay.final ?? 0.1;
  if (step <= start) return 1;
  const progress = Math.min(1, (step - start) / Math.max(1, steps - start));
  return 1 - (1 - final) * progress;
}
