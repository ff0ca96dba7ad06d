/**
 * The emoji recipe: class-conditional Twitter emoji at 64x64 within an hour on two CPU cores (see
 * docs/recipes.md for its scores, grids and the commands that reproduce them).
 *
 * @packageDocumentation
 */
import type { RecipeConfig } from './recipe-config.js';

/**
 * Class-conditional emoji at 64x64: the DCGAN generator (width 32: 256 filters at 4x4 down to 32 at
 * 32x32, latent 64) given the class both ways, concatenated to the latent and in class-conditional
 * batch norm (`conditioning: 'concat-cbn'`), the class faded in from step 1,200 to 3,600
 * (`conditioningTransition`, Shahbazi et al. 2023); the DCGAN discriminator with batch norm, a minibatch
 * standard-deviation feature and a projection head, beside a frozen path through the shipped emoji
 * feature extractor (`pretrainedFeatures: { network: 'emoji' }`, Kumari et al. 2022); the
 * discriminator's fakes labelled in the data's class frequencies and the generator's uniformly
 * (`fakeLabels: 'data-for-discriminator'`); DCGAN's own optimisation (the non-saturating loss,
 * Adam(2e-4, 0.5, 0.999) for both networks), DiffAugment (colour, translation, cutout) because 3,163
 * training images are little data, an EMA generator (0.999 from step 300), and a linear learning-rate
 * decay from step 3,000 to 0.46 of the rate at step 4,800 (the 6,000-step schedule of session 34's run,
 * stopped at its best evaluation); 4,800 steps of batch 32, about an hour on wasm with 2 threads. Trains
 * on the emoji's training split (`datasets.emoji({ split: 'train' })`); the held-out split scores it.
 * It needs {@link Recipe.createTrainer} (or `train`): the pretrained path's weights load asynchronously.
 *
 * The discriminator's path is the network FID is measured with, so docs/recipes.md also scores the
 * shipped generator with an extractor trained independently (its FID 1.41 times that extractor's floor,
 * where the recipe before session 35 scored 1.62), next to a blind count of its grids (79 cells of 432
 * fitting their category, against 10 for the recipe before). It draws one face for all of Smileys &
 * Emotion (intra-class KID 72.9 against the recipe before's 38.8), few flags, and Animals to Objects as
 * blobs in their colours.
 *
 * The recipe until session 35 was the generator with class-conditional batch norm alone
 * (`conditioning: 'cbn'`), no pretrained path, uniform fake labels, 6,000 steps with the rates decayed
 * to a tenth over the second half (`learningRateDecay: { kind: 'linear', start: 0.5, final: 0.1 }`).
 *
 * That recipe measured against the alternatives (docs/recipes.md; every score in this paragraph is the
 * categories-only emoji extractor's of the time: the extractor shipped since session 28 scores the
 * generator it shipped FID 57.9 against a floor of 32.3, class accuracy 0.637, balanced 0.336 against
 * 0.552): the style generator with a ResNet discriminator
 * (hinge loss, spectral norm, lazy R1, Adam(1e-3, 0, 0.99)) reached held-out FID 233 in the hour and made
 * no recognisable emoji; these networks with those settings collapsed by step 900; with DCGAN's settings
 * they reached held-out FID 43.1, and with the minibatch standard deviation 38.0 against the floor of
 * 37.0 (`Generator.pretrained('emoji64')` until session 35: recognisable people and flags, some smileys and
 * symbol keycaps; balanced class accuracy 0.331 against the real emoji's 0.586, so most categories are
 * not nameable yet). The style generator against this discriminator
 * (`discriminatorArchitecture: 'dcgan'`) stalled near FID 100; an auxiliary classifier instead of the
 * projection head raised the class accuracy (0.78) but not the FID (88 at best, then worse); and
 * class-balanced real batches (`sampling: 'class-balanced'`) made the class matter less (FID 175 at
 * 3,000 steps, where the recipe without the minibatch feature was at 53); the class fed to the generator
 * both ways (`generator: { conditioning: 'concat-cbn' }`) led every evaluation to 3,000 steps (FID 47,
 * class accuracy 0.75) and then collapsed five categories (FID 165 at 6,000), and lazy R1 on top of it
 * (gamma 0.1 every 4) only delayed that (FID 68 at 3,600, 123 at 6,000); the 98 subcategories as
 * classes (`labels: 'subcategory'`) ended at FID 54.8 with no hearts or flags to name; two time-scale
 * rates (generator 1e-4, discriminator 4e-4) made this generator ignore the class (FID 241 at 1,200
 * steps) and concat-cbn collapse later (FID 35.0 at 4,800, 59.1 at 6,000); concat-cbn against a
 * discriminator of half the width read best by class (balanced class accuracy 0.466) and collapsed the
 * same way (FID 66.0); LeCam regularisation (`penalties.lecam`) at 0.3 held the discriminator at chance
 * and at 0.01 changed nothing (FID 126 at 4,800 steps, the same collapse). This discriminator's class
 * term is mostly a label prior (held-out emoji of every category score highest under People & Body);
 * the fakes' labels in the data's frequencies (`fakeLabels: 'data'`) removed the prior and the class
 * mattered less (FID 88.8 at 2,400 steps against 61), and the head on position-pooled maps
 * (`globalPooling`) either tiled the images (`true`) or did not help (`'class'`). An auxiliary classifier
 * trained on real emoji only (`auxiliaryClassifierBatches: 'real'`) gave every category a picture of its
 * own by 1,800 steps (balanced class accuracy 0.53, FID 81.4) and then one picture each (FID 402 at
 * 3,000); at a fifth of the weight the class was ignored, and TAC-GAN's twin classifier cancelled it
 * (FID 137 and 98 at 2,400 steps); the projection head with such a classifier beside it
 * (`discriminator: { ..., auxiliaryClassifier: true }`) made the clearest smileys, people and flags
 * but collapsed each category to one picture as well, at weight 1, 0.5 and 0.2 alike (FID 65.6, 60.8
 * and 51.1 at best, then 150 to 370); MSGAN's mode seeking on the weight-1 hybrid (`modeSeeking: {
 * weight: 1 }`) kept a different picture for every latent in every category (FID 51.7 at 1,800 steps,
 * balanced class accuracy 0.57 at 3,000) but its FID rose as the rates decayed (85.4 at 4,200), and at
 * weight 2 with the pairs compared on 2x2 blocks (`modeSeeking: { weight: 2, poolSize: 2 }`) it reached
 * FID 41.3 at 2,400 steps (balanced 0.45) and rose the same way (59.0 at 3,000). Fading the class
 * into concat-cbn (`conditioningTransition: { start: 1200, end: 3600 }`, Shahbazi et al. 2023; scored
 * with the extractor shipped since session 28) kept faces, heads and flags in their own categories (twice
 * the cells that fit their row in a blind count) but ended at twice the recipe's FID (105.7 at best
 * against 53.0), Animals to Objects still blobs; faded into this recipe's cbn generator (600 to 1,800)
 * it stayed on the recipe's track (FID 59.6 at best) with grids of the same kind. A frozen pretrained
 * path in the discriminator (`pretrainedFeatures: { network: 'emoji' }`, Kumari et al. 2022) on that
 * faded-in concat-cbn run made the clearest smileys and people of any run and won a blind count (61 of
 * 216 cells fitting their row against the generator shipped then: 11) at FID 152 (70 minutes); on this
 * recipe it kept the recipe's grids; with mode seeking added it scored FID 73.9 (the generator shipped then:
 * 66.1) and lost the count (9 fitting: one dotted picture per latent in every row); with the 98
 * subcategories as its classes each subcategory became one picture (FID 97.3 at best; 26 and 31 fitting,
 * none in Animals to Objects), and with the fakes' labels in the data's frequencies it scored past the
 * generator shipped then (FID 59.5, intra-class KID 30.4 at 4,200 steps) and drew dotted blobs but for striped
 * flags (25 fitting against the path's 63); in the data's frequencies for the discriminator's fakes only
 * (`fakeLabels: 'data-for-discriminator'`) it scored past the generator shipped then by both extractors
 * (FID 56.3 at 4,800 steps) and kept the faces and heads (79 and 94 fitting of 432 against its 10), one
 * face for all of Smileys, few flags: the recipe since session 35. Since then: the per-class minibatch
 * standard deviation, alone and with DiffAugment drawn per class (`augmentDraws: 'class'`), and mode
 * seeking at a twentieth of the weight each lowered Smileys' intra-class KID without a second face a
 * rater could see; the path through an extractor trained with its colours permuted or greyed (the
 * shipped one reads categories mostly by colour; `Recipe.train`'s `pretrainedNetwork`, session 39)
 * kept rows 3 to 7 blobs and lost the blind count (42 cells of 216 fitting against 56). The style generator
 * (`recipes.emoji64({ architecture: 'style', ... })`, docs/recipes.md) is the one to use for style
 * mixing.
 */
export const EMOJI_RECIPE: RecipeConfig = Object.freeze({
  name: 'emoji64',
  description: 'class-conditional Twitter emoji in 9 categories, 64x64 RGB',
  dataset: 'emoji',
  conditional: true,
  architecture: 'dcgan',
  generator: Object.freeze({ latentDim: 64, width: 32, conditioning: 'concat-cbn' }),
  discriminator: Object.freeze({ width: 32, conditioning: 'projection', batchNorm: true, minibatchStdDev: true }),
  loss: 'non-saturating',
  penalties: Object.freeze([]),
  generatorLearningRate: 2e-4,
  discriminatorLearningRate: 2e-4,
  beta1: 0.5,
  beta2: 0.999,
  emaDecay: 0.999,
  emaStart: 300,
  augment: Object.freeze(['color', 'translation', 'cutout'] as const),
  discriminatorSteps: 1,
  fakeLabels: 'data-for-discriminator',
  conditioningTransition: Object.freeze({ start: 1200, end: 3600 }),
  pretrainedFeatures: Object.freeze({ network: 'emoji' }),
  steps: 4800,
  batchSize: 32,
  learningRateDecay: Object.freeze({ kind: 'linear', start: 0.625, final: 0.46 }),
  seed: 1,
} as const);
