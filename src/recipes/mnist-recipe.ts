/**
 * The MNIST recipes, tuned with the library's metrics against the 2,000 held-out digits (see
 * docs/recipes.md for the scores, the curves and the commands that reproduce them).
 *
 * @packageDocumentation
 */
import type { RecipeConfig } from './recipe-config.js';

/**
 * Class-conditional digits: a DCGAN generator with class-conditional batch norm, a DCGAN discriminator
 * with spectral norm and a projection head, hinge loss, Adam(8e-4, 0, 0.9) for both networks, an EMA
 * generator (0.999) and a linear learning-rate decay to a tenth over the run's second half. Of the
 * settings measured (docs/recipes.md: the former example's ACGAN with a non-saturating loss, and these
 * networks at 2e-4, 4e-4 and 8e-4), this reaches a given held-out FID in the fewest steps.
 */
export const MNIST_RECIPE: RecipeConfig = Object.freeze({
  name: 'mnist',
  description: 'class-conditional MNIST digits, 28x28',
  dataset: 'mnist',
  conditional: true,
  architecture: 'dcgan',
  generator: Object.freeze({ latentDim: 64, width: 32, conditioning: 'cbn' }),
  discriminator: Object.freeze({ width: 32, conditioning: 'projection', spectralNorm: true }),
  loss: 'hinge',
  penalties: Object.freeze([]),
  generatorLearningRate: 8e-4,
  discriminatorLearningRate: 8e-4,
  beta1: 0,
  beta2: 0.9,
  emaDecay: 0.999,
  emaStart: 0,
  augment: Object.freeze([]),
  discriminatorSteps: 1,
  steps: 2400,
  batchSize: 64,
  learningRateDecay: Object.freeze({ kind: 'linear', start: 0.5, final: 0.1 }),
  seed: 1,
} as const);

/**
 * Unconditional digits: the conditional recipe's networks without classes. It scores far worse than the
 * conditional recipe in the same steps (held-out FID 110 against 7 at 2,400 steps; 139 with Adam 4e-4):
 * see docs/recipes.md.
 */
export const MNIST_UNCONDITIONAL_RECIPE: RecipeConfig = Object.freeze({
  ...MNIST_RECIPE,
  name: 'mnist-unconditional',
  description: 'unconditional MNIST digits, 28x28',
  conditional: false,
  generator: Object.freeze({ latentDim: 64, width: 32 }),
  discriminator: Object.freeze({ width: 32, spectralNorm: true }),
});
