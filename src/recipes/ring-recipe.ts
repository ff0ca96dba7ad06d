/**
 * The 8-Gaussian ring recipe: the vector defaults measured in the Trainer's docs (MLP pair, Adam(1e-3,
 * 0, 0.99), batch 256, EMA 0.999), which reach all 8 modes.
 *
 * @packageDocumentation
 */
import type { RecipeConfig } from './recipe-config.js';

/** Unconditional 2-D points on the 8-Gaussian ring. */
export const RING_RECIPE: RecipeConfig = Object.freeze({
  name: 'ring',
  description: '2-D points on the 8-Gaussian ring',
  dataset: 'ring',
  conditional: false,
  architecture: 'mlp',
  generator: Object.freeze({}),
  discriminator: Object.freeze({}),
  loss: 'non-saturating',
  penalties: Object.freeze([]),
  generatorLearningRate: 1e-3,
  discriminatorLearningRate: 1e-3,
  beta1: 0,
  beta2: 0.99,
  emaDecay: 0.999,
  emaStart: 0,
  augment: Object.freeze([]),
  discriminatorSteps: 1,
  steps: 3000,
  batchSize: 256,
  learningRateDecay: Object.freeze({ kind: 'none' }),
  seed: 1,
} as const);
