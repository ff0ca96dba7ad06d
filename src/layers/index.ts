export { ConditionalBatchNormalization, type ConditionalBatchNormalizationArgs } from './conditional-batch-normalization.js';
export { ProjectionHead, type ProjectionHeadArgs } from './projection-head.js';
export {
  MINIBATCH_STDDEV_DEFAULTS,
  MinibatchStdDev,
  type MinibatchStdDevArgs,
  minibatchStdDev,
} from './minibatch-stddev.js';
export {
  SPECTRAL_NORMALIZATION_DEFAULTS,
  SPECTRAL_NORM_LAYERS,
  SpectralNormalization,
  type SpectralNormalizationArgs,
  spectralNormalization,
} from './spectral-normalization.js';
