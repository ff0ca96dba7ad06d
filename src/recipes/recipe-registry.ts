/**
 * The shipped recipes by name (the command line's `--recipe`). Adding one is its config file and one
 * line below.
 *
 * @packageDocumentation
 */
import type * as tf from '@tensorflow/tfjs';
import { ConfigError, describeValue } from '../errors.js';
import { EMOJI_RECIPE } from './emoji-recipe.js';
import { FASHION_MNIST_RECIPE } from './fashion-mnist-recipe.js';
import { MNIST_RECIPE, MNIST_UNCONDITIONAL_RECIPE } from './mnist-recipe.js';
import { Recipe } from './recipe.js';
import type { RecipeConfig } from './recipe-config.js';
import { RING_RECIPE } from './ring-recipe.js';

/** The configuration of every shipped recipe, by name. */
export const RECIPES = Object.freeze({
  /** Class-conditional MNIST digits: DCGAN networks, hinge loss, an EMA generator. */
  mnist: MNIST_RECIPE,
  /** Unconditional MNIST digits: the `mnist` recipe's networks without classes. */
  'mnist-unconditional': MNIST_UNCONDITIONAL_RECIPE,
  /** Class-conditional Fashion-MNIST clothes: the `mnist` recipe's networks and training. */
  'fashion-mnist': FASHION_MNIST_RECIPE,
  /** Class-conditional Twitter emoji at 64x64: DCGAN networks, a frozen pretrained path in the discriminator, DiffAugment, an EMA generator. */
  emoji64: EMOJI_RECIPE,
  /** Unconditional 2-D points on the 8-Gaussian ring. */
  ring: RING_RECIPE,
} as const satisfies Record<string, RecipeConfig>);

/** The name of a shipped recipe. */
export type RecipeName = keyof typeof RECIPES;

/** The names of the shipped recipes. */
export const RECIPE_NAMES = Object.freeze(Object.keys(RECIPES) as RecipeName[]);

/**
 * A shipped recipe by name, optionally changed.
 * @param name - one of {@link RECIPE_NAMES}.
 * @param changes - fields to change, e.g. `{ steps: 500 }`.
 * @throws ConfigError for an unknown name (listing the known ones) or a bad change.
 * @example
 * ```ts
 * const recipe = recipes.byName('fashion-mnist', { seed: 3 });
 * ```
 */
export function byName(name: string, changes: Partial<RecipeConfig> = {}): Recipe {
  if (typeof name !== 'string' || !Object.prototype.hasOwnProperty.call(RECIPES, name)) {
    throw new ConfigError(`recipes.byName: unknown recipe ${describeValue(name)}. Expected one of ${describeValue(RECIPE_NAMES)}.`);
  }
  return new Recipe(RECIPES[name as RecipeName]).with(changes);
}

/** The conditional MNIST recipe (`RECIPES.mnist`), optionally changed. */
export const mnist = (changes: Partial<RecipeConfig> = {}): Recipe<tf.Rank.R4> => byName('mnist', changes) as Recipe<tf.Rank.R4>;

/** The unconditional MNIST recipe (`RECIPES["mnist-unconditional"]`), optionally changed. */
export const mnistUnconditional = (changes: Partial<RecipeConfig> = {}): Recipe<tf.Rank.R4> =>
  byName('mnist-unconditional', changes) as Recipe<tf.Rank.R4>;

/** The conditional Fashion-MNIST recipe (`RECIPES["fashion-mnist"]`), optionally changed. */
export const fashionMnist = (changes: Partial<RecipeConfig> = {}): Recipe<tf.Rank.R4> => byName('fashion-mnist', changes) as Recipe<tf.Rank.R4>;

/** The class-conditional emoji recipe at 64x64 (`RECIPES.emoji64`), optionally changed. */
export const emoji64 = (changes: Partial<RecipeConfig> = {}): Recipe<tf.Rank.R4> => byName('emoji64', changes) as Recipe<tf.Rank.R4>;

/** The 8-Gaussian ring recipe (`RECIPES.ring`), optionally changed. */
export const ring = (changes: Partial<RecipeConfig> = {}): Recipe<tf.Rank.R2> => byName('ring', changes) as Recipe<tf.Rank.R2>;
