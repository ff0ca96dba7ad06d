/**
 * Recipes: named, tested configurations that train one kind of data well in one call, and the
 * held-out scoring that measures them. Exported as `recipes`.
 *
 * @packageDocumentation
 */
export { Recipe, type RecipeData, type RecipeRun, type RecipeTrainOptions, type RecipeTrainerOptions } from './recipe.js';
export {
  RECIPE_DATASETS,
  type LearningRateDecay,
  type RecipeConfig,
  type RecipeDataset,
  type RecipePenalty,
  type RecipePretrainedFeatures,
  checkRecipeConfig,
  decayMultiplier,
} from './recipe-config.js';
export { RECIPES, RECIPE_NAMES, type RecipeName, byName, emoji64, fashionMnist, mnist, mnistUnconditional, ring } from './recipe-registry.js';
export { HELD_OUT_COUNTS, type HeldOutSamples, type HeldOutScore, type HeldOutScoreOptions, heldOutScore } from './held-out-score.js';
