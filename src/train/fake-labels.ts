/**
 * How a conditional GAN's training draws the labels of its fakes.
 *
 * @packageDocumentation
 */
import type { BatchSampling } from '../data/class-balanced-sampler.js';
import { sqrtClassShares } from '../data/class-share-sampler.js';

/**
 * How the Trainer draws the class labels of the fakes:
 * - `'uniform'`: every class equally often, for both networks' updates;
 * - `'data'`: the labels in the real batches' class shares, for both networks' updates: with
 *   `'shuffle'` sampling each label the class of a sample drawn uniformly from the training data, so
 *   fakes come in the data's class frequencies (StyleGAN2-ADA's conditional training draws them so);
 *   with `'class-balanced'` every class with samples equally often; with `'class-sqrt'` each class by
 *   the square root of its size. With unequal classes and
 *   uniform fake labels, a projection discriminator can score a label by how much more often it
 *   appears among the reals than among the fakes, whatever the image shows: a class prior, not the
 *   class's look;
 * - `'data-for-discriminator'`: the discriminator's fakes in the real batches' class shares (so it has
 *   no prior to learn), the generator's own batches uniform (so every class gets as many of its updates,
 *   however rare it is in the data).
 */
export type FakeLabels = 'uniform' | 'data' | 'data-for-discriminator';

/** Every {@link FakeLabels}, in the order of the documentation. */
export const FAKE_LABELS: readonly FakeLabels[] = Object.freeze(['uniform', 'data', 'data-for-discriminator'] as const);

/** Whether the labels of the fakes for `update`'s batch follow the data's class frequencies. */
export function fakeLabelsFollowData(fakeLabels: FakeLabels, update: 'discriminator' | 'generator'): boolean {
  return fakeLabels === 'data' || (fakeLabels === 'data-for-discriminator' && update === 'discriminator');
}

/**
 * The weight of each class among fake labels that follow the data: the real batches' class shares
 * under `sampling`. The class counts with `'shuffle'`, 1 for each class with samples with
 * `'class-balanced'`, the square-root shares of `'class-sqrt'` sampling with it.
 *
 * @param classCounts - the training data's samples of each class.
 * @param sampling - how the real batches are drawn.
 */
export function fakeLabelWeights(classCounts: Int32Array, sampling: BatchSampling): Int32Array {
  if (sampling === 'class-balanced') return classCounts.map((count) => (count > 0 ? 1 : 0));
  return sampling === 'class-sqrt' ? sqrtClassShares(classCounts) : classCounts;
}
