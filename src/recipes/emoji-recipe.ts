/**
 * The emoji recipe: class-conditional Twitter emoji at 64x64 within an hour on two CPU cores (see
 * docs/recipes.md for its scores, grids and the commands that reproduce them).
 *
 * @packageDocumentation
 */
import type { RecipeConfig } from './recipe-config.js';

/**
 * Class-conditional emoji at 64x64: the style-based generator (its class through the mapping network)
 * and the ResNet discriminator with spectral norm and a projection head, both thin at high resolution
 * (8 filters at 64x64, doubling at each halving up to 128) so that a step costs about a second on wasm
 * with 2 threads; the hinge loss with lazy R1 (gamma 0.5, every 4th step), Adam(1e-3, 0, 0.99) for both
 * networks, DiffAugment (colour, translation, cutout) because 3,163 training images are little data, an
 * EMA generator (0.999 from step 300), and a linear learning-rate decay to a tenth over the second half.
 * Trains on the emoji's training split (`datasets.emoji({ split: 'train' })`); the held-out split scores
 * it. (StyleGAN2's own settings, non-saturating loss with Adam(2e-3) and R1 gamma 0.1 on a discriminator
 * without spectral norm, diverged here by step 600: docs/recipes.md.)
 */
export const EMOJI_RECIPE: RecipeConfig = Object.freeze({
  name: 'emoji64',
  description: 'class-conditional Twitter emoji in 9 categories, 64x64 RGB',
  dataset: 'emoji',
  conditional: true,
  architecture: 'style',
  generator: Object.freeze({ latentDim: 64, styleDim: 128, mappingLayers: 2, channels: 8, maxChannels: 128 }),
  discriminator: Object.freeze({ channels: 8, maxChannels: 128, spectralNorm: true }),
  loss: 'hinge',
  penalties: Object.freeze([Object.freeze({ name: 'r1', options: Object.freeze({ gamma: 0.5, every: 4 }) })]),
  generatorLearningRate: 1e-3,
  discriminatorLearningRate: 1e-3,
  beta1: 0,
  beta2: 0.99,
  emaDecay: 0.999,
  emaStart: 300,
  augment: Object.freeze(['color', 'translation', 'cutout'] as const),
  discriminatorSteps: 1,
  steps: 3000,
  batchSize: 32,
  learningRateDecay: Object.freeze({ kind: 'linear', start: 0.5, final: 0.1 }),
  seed: 1,
} as const);
