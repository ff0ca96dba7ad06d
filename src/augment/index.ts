/**
 * Differentiable augmentation: DiffAugment's translation, cutout and color, and a horizontal flip.
 *
 * @packageDocumentation
 */
export {
  AUGMENTATIONS,
  augmentForDiscriminator,
  checkAugmentPolicy,
  type AugmentationName,
  type DiffAugmentOptions,
  DIFF_AUGMENT_DEFAULTS,
  color,
  cutout,
  diffAugment,
  flip,
  translation,
} from './diff-augment.js';
