/**
 * How a conditional GAN's training draws the labels of its fakes.
 *
 * @packageDocumentation
 */

/**
 * How the Trainer draws the class labels of the fakes, for both networks' updates:
 * - `'uniform'`: every class equally often;
 * - `'data'`: each label the class of a sample drawn uniformly from the training data, so fakes come
 *   in the data's class frequencies, as real batches do with `'shuffle'` sampling (StyleGAN2-ADA's
 *   conditional training draws them so). With unequal classes and uniform fake labels, a projection
 *   discriminator can score a label by how much more often it appears among the reals than among the
 *   fakes, whatever the image shows: a class prior, not the class's look.
 */
export type FakeLabels = 'uniform' | 'data';

/** Every {@link FakeLabels}, in the order of the documentation. */
export const FAKE_LABELS: readonly FakeLabels[] = Object.freeze(['uniform', 'data'] as const);
