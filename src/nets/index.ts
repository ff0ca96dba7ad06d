export { Discriminator, type DiscriminatorOutputs } from './discriminator.js';
export {
  type BuiltDiscriminator,
  type BuiltGenerator,
  type DiscriminatorSpec,
  type GeneratorSpec,
} from './model-contract.js';
export { Generator, type SampleOptions } from './generator.js';
export { PRETRAINED_FEATURE_NAMES, type PretrainedFeatureName, type PretrainedFeaturesOptions, withPretrainedFeatures } from './pretrained-features.js';
export { GENERATOR_METADATA_KEY, type GeneratorSaveResult, type SavedGeneratorMetadata } from './generator-export.js';
export { PRETRAINED_NAMES, type PretrainedName, type PretrainedRecord, type ShippedGenerator, pretrainedRecord } from './pretrained.js';
export { type SampleRank, type SampleShape } from './sample-rank.js';
export { type InterpolateClassesOptions, type InterpolateOptions, type LatentPoint } from './walks.js';
export { type MixStylesOptions } from './style/mix-styles.js';
export { type Architecture, type NetworkSettings } from './architecture.js';
export {
  ARCHITECTURES,
  ARCHITECTURE_NAMES,
  type ArchitectureName,
  type DiscriminatorOptionsOf,
  type GeneratorOptionsOf,
  type GeneratorRankOf,
  architectureByName,
} from './architectures.js';
export { type NetworkOverrides, type NetworkPair, buildNetworks } from './build-networks.js';
export { ACTIVATIONS, type ActivationName } from './build-helpers.js';
export { CONDITIONAL_GENERATOR_OPTION_NAMES, type ConditionalGeneratorOptions } from './conditional-options.js';
export {
  DISCRIMINATOR_CONDITIONINGS,
  type DiscriminatorConditioning,
  GENERATOR_CONDITIONINGS,
  type GeneratorConditioning,
} from './conditioning.js';
export { INTERPOLATION_METHODS, type InterpolationMethod, interpolateLatents } from './interpolation.js';
export { type ClassLabel, type LabelsInput, type NetworkLabels, type SampleLabels } from './labels.js';
export { sampleLatents } from './latents.js';
export { DCGAN_DISCRIMINATOR_DEFAULTS, type DcganDiscriminatorOptions } from './dcgan/dcgan-discriminator.js';
export { DCGAN_GENERATOR_DEFAULTS, type DcganGeneratorOptions } from './dcgan/dcgan-generator.js';
export { MLP_DISCRIMINATOR_DEFAULTS, type MlpDiscriminatorOptions } from './mlp/mlp-discriminator.js';
export { MLP_GENERATOR_DEFAULTS, type MlpGeneratorOptions } from './mlp/mlp-generator.js';
export { type DiscriminatorStabilizerOptions, STABILIZER_OPTION_NAMES } from './stabilizers.js';
export type { AuxiliaryClassifierOption } from './auxiliary-classifier-option.js';
export { RESNET_DISCRIMINATOR_DEFAULTS, type ResnetDiscriminatorOptions } from './resnet/resnet-discriminator.js';
export { RESNET_GENERATOR_DEFAULTS, type ResnetGeneratorOptions } from './resnet/resnet-generator.js';
export { STYLE_GENERATOR_DEFAULTS, type StyleGeneratorOptions } from './style/style-generator.js';
