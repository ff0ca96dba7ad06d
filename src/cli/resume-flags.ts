/**
 * `tfjs-gan train --resume`: which flags given with it apply, and which are refused because the saved
 * run fixes them. A resumed run trains the saved networks on the saved data with the saved loss and
 * seed; a flag that would change one of those is refused, never silently ignored.
 *
 * @packageDocumentation
 */
import { ConfigError, describeValue } from '../index.js';
import { type ParsedFlags, flagName } from './args.js';

/** The data flags: fixed by a run saved by the CLI; taken from the command line for a checkpoint without them. */
export const RESUME_DATA_FLAGS = Object.freeze(['dataset', 'dataPath', 'labelsPath', 'count', 'imageSize', 'labels']);

/**
 * The flags that set the networks, their objective and the optimizers' form: the architecture, classes,
 * sizes, discriminator stabilizers, loss, penalty, mode seeking, augmentation, discriminator steps, Adam's betas, the
 * learning-rate schedule and the EMA.
 */
export const NETWORK_FLAGS = Object.freeze([
  'arch',
  'conditional',
  'conditioning',
  'auxiliaryClassifierWeight',
  'auxiliaryClassifierBatches',
  'modeSeeking',
  'modeSeekingPool',
  'conditioningTransition',
  'latentDim',
  'width',
  'spectralNorm',
  'minibatchStdDev',
  'classMinibatchStdDev',
  'auxiliaryClassifier',
  'packing',
  'loss',
  'penalty',
  'penaltyOptions',
  'augment',
  'augmentDraws',
  'discriminatorSteps',
  'sampling',
  'fakeLabels',
  'beta1',
  'beta2',
  'lrDecay',
  'lrDecayStart',
  'lrDecayFinal',
  'lrDecaySteps',
  'emaDecay',
  'emaStart',
  'noEma',
]);

/** Flags fixed by the saved run: its data, networks, loss, discriminator steps, seed and recipe. */
export const RESUME_FIXED_FLAGS = Object.freeze([...RESUME_DATA_FLAGS, ...NETWORK_FLAGS, 'seed', 'recipe']);

/** Flags a resumed run may change; the new values are saved with the run's next checkpoint. */
export const RESUME_CHANGEABLE_FLAGS = Object.freeze(['batchSize', 'generatorLearningRate', 'discriminatorLearningRate', 'sampleEvery', 'checkpointEvery']);

/** Flags of this invocation only: how long to train, where, on what. */
export const RESUME_INVOCATION_FLAGS = Object.freeze(['steps', 'epochs', 'backend', 'out', 'resume', 'force', 'config']);

/** What `--resume` trains with, and what it changed. */
export interface ResumePlan {
  /** The settings of the resumed run: the saved ones, with the changeable flags given applied. */
  readonly settings: ParsedFlags;
  /** One line per changeable flag given with a new value: `--batch-size 32 (was 64)`. */
  readonly changes: readonly string[];
}

/**
 * Reconciles the flags given with `--resume` with the saved run.
 * @param given - only the flags given on the command line (no defaults).
 * @param defaults - every flag with its default, for settings the saved run does not hold.
 * @param saved - the CLI settings saved with the run (`metadata.cli`), or undefined for a checkpoint
 *   written by the library.
 * @param current - the values in force now for flags the checkpoint itself holds (the learning rates).
 * @throws ConfigError listing every flag that differs from the saved run and cannot change.
 */
export function planResume(given: ParsedFlags, defaults: ParsedFlags, saved: ParsedFlags | undefined, current: ParsedFlags, run: string): ResumePlan {
  const conflicts: string[] = [];
  for (const name of RESUME_FIXED_FLAGS) {
    if (given[name] === undefined) continue;
    // A checkpoint without the CLI's settings says nothing of its data: the command line's apply.
    if (saved === undefined && RESUME_DATA_FLAGS.includes(name)) continue;
    const before = saved?.[name];
    if (given[name] !== before) {
      conflicts.push(`${flagName(name)} ${given[name]} (saved: ${before === undefined ? (saved === undefined ? 'fixed by the checkpoint' : 'not given') : describeValue(before)})`);
    }
  }
  if (conflicts.length > 0) {
    throw new ConfigError(
      `tfjs-gan train: --resume continues the run saved in ${describeValue(run)} with its own data, networks, loss and seed, so these flags cannot apply: ${conflicts.join(', ')}. ` +
        `Expected them left out (or equal to the saved run's), or a new run (--force, or another --out). ` +
        `A resumed run may change ${[...RESUME_CHANGEABLE_FLAGS, 'steps', 'epochs', 'backend'].map(flagName).join(', ')}.`,
    );
  }
  const settings: ParsedFlags = { ...defaults, ...saved, ...(saved === undefined ? pick(given, RESUME_DATA_FLAGS) : {}), ...current };
  const changes: string[] = [];
  for (const name of RESUME_CHANGEABLE_FLAGS) {
    if (given[name] === undefined) continue;
    if (given[name] !== settings[name]) changes.push(`${flagName(name)} ${given[name]} (was ${settings[name] ?? 'not set'})`);
    settings[name] = given[name];
  }
  // This invocation's own: a saved --epochs must not replace the --steps given now.
  for (const name of RESUME_INVOCATION_FLAGS) settings[name] = given[name] ?? defaults[name];
  settings.resume = true;
  return { settings, changes };
}

function pick(flags: ParsedFlags, names: readonly string[]): ParsedFlags {
  return Object.fromEntries(names.filter((name) => flags[name] !== undefined).map((name) => [name, flags[name]]));
}
