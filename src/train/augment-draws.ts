/**
 * How the Trainer draws DiffAugment's random shifts, squares and colour changes across a batch.
 *
 * @packageDocumentation
 */
import type * as tf from '@tensorflow/tfjs';
import { ConfigError, describeValue } from '../errors.js';
import { checkOneOf } from '../util/validate.js';

/**
 * How the Trainer draws the augmentation of a batch (with `TrainerConfig.augment`):
 * - `'sample'`: every image its own draws (DiffAugment's);
 * - `'class'`: the images of one class in a batch share their draws (conditional runs only): the real
 *   batch grouped by its labels, the fakes by the labels they were made as. Eight copies of one
 *   picture then reach the discriminator as eight copies, so a per-class spread feature
 *   (`classMinibatchStdDev`) or the batch-wide one can see a class collapse that per-image draws hide
 *   (they make copies as varied as different pictures). The cost: fewer distinct augmentations per batch.
 */
export type AugmentDraws = 'sample' | 'class';

/** Every {@link AugmentDraws}, in the order of the documentation. */
export const AUGMENT_DRAWS: readonly AugmentDraws[] = Object.freeze(['sample', 'class'] as const);

/**
 * The augmentation groups of a batch: its class ids, read back, when the draws are per class; else
 * undefined (every image its own draws).
 */
export async function augmentGroups(draws: AugmentDraws, ids: tf.Tensor | undefined): Promise<Int32Array | undefined> {
  if (draws === 'sample' || ids === undefined) return undefined;
  return Int32Array.from(await ids.data());
}

/**
 * Checks `TrainerConfig.augmentDraws`: one of {@link AUGMENT_DRAWS}; `'class'` only with an augmentation
 * policy to draw and a conditional generator (whose fakes have classes; its data then has labels).
 * @throws ConfigError naming the option, what it needs and what it received.
 */
export function checkAugmentDraws(value: unknown, policy: readonly string[], conditional: boolean, owner: string): AugmentDraws {
  const draws = checkOneOf(value ?? 'sample', AUGMENT_DRAWS, 'augmentDraws', owner);
  if (draws === 'class' && policy.length === 0) {
    throw new ConfigError(`${owner}: 'augmentDraws' 'class' shares the augmentation's draws within a class, but 'augment' is ${describeValue(policy)}: expected an augmentation policy such as ['translation', 'cutout'].`);
  }
  if (draws === 'class' && !conditional) {
    throw new ConfigError(`${owner}: 'augmentDraws' 'class' groups a batch by its classes and needs a conditional generator (numClasses), but the generator is unconditional; use 'sample'.`);
  }
  return draws;
}
