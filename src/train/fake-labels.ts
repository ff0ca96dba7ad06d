/**
 * How a conditional GAN's training draws the labels of its fakes.
 *
 * @packageDocumentation
 */

/**
 * How the Trainer draws the class labels of the fakes:
 * - `'uniform'`: every class equally often, for both networks' updates;
 * - `'data'`: each label the class of a sample drawn uniformly from the training data, for both
 *   networks' updates, so fakes come in the data's class frequencies, as real batches do with
 *   `'shuffle'` sampling (StyleGAN2-ADA's conditional training draws them so). With unequal classes and
 *   uniform fake labels, a projection discriminator can score a label by how much more often it
 *   appears among the reals than among the fakes, whatever the image shows: a class prior, not the
 *   class's look;
 * - `'data-for-discriminator'`: the discriminator's fakes in the data's class frequencies (so it has no
 *   prior to learn), the generator's own batches uniform (so every class gets as many of its updates,
 *   however rare it is in the data).
 */
export type FakeLabels = 'uniform' | 'data' | 'data-for-discriminator';

/** Every {@link FakeLabels}, in the order of the documentation. */
export const FAKE_LABELS: readonly FakeLabels[] = Object.freeze(['uniform', 'data', 'data-for-discriminator'] as const);

/** Whether the labels of the fakes for `update`'s batch follow the data's class frequencies. */
export function fakeLabelsFollowData(fakeLabels: FakeLabels, update: 'discriminator' | 'generator'): boolean {
  return fakeLabels === 'data' || (fakeLabels === 'data-for-discriminator' && update === 'discriminator');
}
