/**
 * What the speed benchmarks share: synthetic data of a preset's shape and a Trainer that does the same
 * work as the hand-written loop of bench/hand-loop.ts (its optimizers, no EMA).
 */
import * as tf from '@tensorflow/tfjs';
import { Dataset } from '../src/data/dataset.js';
import type { Discriminator, Generator } from '../src/nets/index.js';
import { fusedAdam } from '../src/train/fused-adam.js';
import { Trainer } from '../src/train/trainer.js';
import type { BenchPreset } from './presets.js';

/** Random samples in [-1, 1] of `shape`, at least 4 batches of the preset. */
export function fakeData(preset: BenchPreset, shape: readonly number[], name = 'bench'): Dataset {
  const count = Math.max(preset.batchSize * 4, 256);
  const images = tf.tidy(() => tf.clipByValue(tf.randomNormal([count, ...shape], 0, 0.5, 'float32', 1), -1, 1));
  const dataset = Dataset.fromTensors(images, undefined, { name, checkRange: shape.length === 3 });
  images.dispose();
  return dataset;
}

/**
 * A Trainer with the hand loop's optimizer settings, Adam(2e-4, 0.5, 0.999), and no EMA. Its Adam is the
 * library's default `fusedAdam`, which computes tfjs's Adam bit for bit with fused updates: the hand loop
 * keeps `tf.train.adam`, what a plain tfjs loop would use.
 */
export function handLoopTrainer(generator: Generator, discriminator: Discriminator): Trainer {
  return new Trainer({
    generator,
    discriminator,
    seed: 1,
    generatorOptimizer: fusedAdam(2e-4, 0.5, 0.999),
    discriminatorOptimizer: fusedAdam(2e-4, 0.5, 0.999),
    ema: false,
  });
}
