export { ConditionalBatchNormalization, type ConditionalBatchNormalizationArgs } from './conditional-batch-normalization.js';
export { ProjectionHead, type ProjectionHeadArgs } from './projection-head.js';
export { ClassMinibatchStdDev, type ClassMinibatchStdDevArgs } from './class-minibatch-stddev.js';
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
export { PIXEL_NORM_DEFAULTS, PixelNorm, type PixelNormArgs } from './pixel-norm.js';
export { EQUALIZED_DENSE_DEFAULTS, EqualizedDense, type EqualizedDenseArgs } from './equalized-dense.js';
export { MODULATED_CONV2D_DEFAULTS, ModulatedConv2D, type ModulatedConv2DArgs } from './modulated-conv2d.js';
export { NoiseInjection, type NoiseInjectionArgs } from './noise-injection.js';
export { ConstantInput, type ConstantInputArgs } from './constant-input.js';
export { STYLE_BROADCAST_DEFAULTS, StyleBroadcast, type StyleBroadcastArgs } from './style-broadcast.js';
export { FadeIn, type FadeInArgs } from './fade-in.js';
export { PackFeatures, type SamplePackingArgs, UnpackSamples } from './sample-packing.js';
export type { InitializerConfig } from './initializer-config.js';
export {
  LazyGradientConv2D,
  type LazyGradientConv2DArgs,
  LazyGradientDense,
  type LazyGradientDenseArgs,
  lazyGradientConv2d,
  lazyGradientDense,
} from './lazy-gradient-layers.js';
