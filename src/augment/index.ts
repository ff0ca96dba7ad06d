/**
 * Differentiable augmentation: DiffAugment's translation, cutout and color.
 *
 * @packageDocumentation
 */
export {
  AUGMENTATIONS,
  augmentForDiscriminator,
  checkAugmentPolicy,
  type AugmentationName,
  DIFF_AUGMENT_DEFAULTS,
  color,
  cutout,
  diffAugment,
  translation,
} from './diff-augment.js';
