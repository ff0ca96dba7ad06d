/**
 * `tfjs-gan train --recipe NAME`: a shipped recipe sets the data, the networks, the loss, the optimizers,
 * the schedule, the steps and the batch size. `--steps`, `--batch-size` and `--seed` change the recipe's
 * own, `--labels` the emoji recipe's classes; a flag that would change anything else the recipe sets is
 * refused, never silently ignored.
 *
 * @packageDocumentation
 */
import { ConfigError, MODE_SEEKING_DEFAULTS, TRAINER_DEFAULTS, describeValue, recipes } from '../index.js';
import { type ParsedFlags, flagName } from './args.js';
import { labelsFlag, labelsSetting } from './labels-flag.js';
import { NETWORK_FLAGS, RESUME_DATA_FLAGS } from './resume-flags.js';

/** Flags a recipe sets, which cannot be given with `--recipe`: its data, networks, loss, rates and run length. */
export const RECIPE_FIXED_FLAGS = Object.freeze([
  ...RESUME_DATA_FLAGS.filter((flag) => flag !== 'labels'),
  ...NETWORK_FLAGS,
  'generatorLearningRate',
  'discriminatorLearningRate',
  'epochs',
]);

/**
 * The recipe that `--recipe` names, with `--steps`, `--batch-size`, `--seed` and `--labels` (the emoji
 * recipe's classes) applied when given.
 * @param given - only the flags given on the command line (no defaults).
 * @throws ConfigError for an unknown recipe, or flags that the recipe sets.
 */
export function recipeFromFlags(given: ParsedFlags): recipes.Recipe {
  const name = String(given.recipe);
  const conflicts = RECIPE_FIXED_FLAGS.filter((flag) => given[flag] !== undefined);
  if (conflicts.length > 0) {
    throw new ConfigError(
      `tfjs-gan train: --recipe ${name} sets the data, networks, loss, optimizers and schedule, so ${conflicts.map(flagName).join(', ')} cannot be given with it. ` +
        `Expected only --steps, --batch-size, --seed and --labels to change the recipe (or no --recipe, to choose every setting).`,
    );
  }
  if (!(recipes.RECIPE_NAMES as readonly string[]).includes(name)) {
    throw new ConfigError(`tfjs-gan train: '--recipe' must be one of ${describeValue(recipes.RECIPE_NAMES)}, received ${describeValue(given.recipe)}.`);
  }
  return recipes.byName(name, {
    ...(given.steps !== undefined ? { steps: Number(given.steps) } : {}),
    ...(given.batchSize !== undefined ? { batchSize: Number(given.batchSize) } : {}),
    ...(given.seed !== undefined ? { seed: Number(given.seed) } : {}),
    ...(given.labels !== undefined ? { labels: labelsFlag(given.labels) } : {}),
  });
}

/** The CLI settings a recipe amounts to (saved with the run, shown by `eval`). */
export function recipeSettings(recipe: recipes.Recipe): ParsedFlags {
  const c = recipe.config;
  return {
    recipe: c.name,
    dataset: c.dataset,
    arch: c.architecture,
    conditional: c.conditional,
    loss: c.loss,
    steps: c.steps,
    batchSize: c.batchSize,
    seed: c.seed,
    generatorLearningRate: c.generatorLearningRate,
    discriminatorLearningRate: c.discriminatorLearningRate,
    discriminatorSteps: c.discriminatorSteps,
    sampling: c.sampling ?? 'shuffle',
    fakeLabels: c.fakeLabels ?? 'uniform',
    augmentDraws: c.augmentDraws ?? 'sample',
    auxiliaryClassifierBatches: c.auxiliaryClassifierBatches ?? 'real-and-fake',
    auxiliaryClassifierWeight: c.auxiliaryClassifierWeight ?? TRAINER_DEFAULTS.auxiliaryClassifierWeight,
    ...(c.modeSeeking !== undefined ? { modeSeeking: c.modeSeeking.weight ?? MODE_SEEKING_DEFAULTS.weight } : {}),
    ...(c.modeSeeking?.poolSize !== undefined ? { modeSeekingPool: c.modeSeeking.poolSize } : {}),
    ...(c.conditioningTransition !== undefined ? { conditioningTransition: `${c.conditioningTransition.start}:${c.conditioningTransition.end}` } : {}),
    ...(c.labels !== undefined ? { labels: labelsSetting(c.labels) } : {}),
  };
}
