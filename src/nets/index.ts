export { Discriminator, type DiscriminatorSpec } from './discriminator.js';
export { Generator, type GeneratorSpec, type SampleOptions } from './generator.js';
export { ACTIVATIONS, type ActivationName } from './build-helpers.js';
export { type LabelsInput } from './labels.js';
export { sampleLatents } from './latents.js';
export { DCGAN_DISCRIMINATOR_DEFAULTS, type DcganDiscriminatorOptions } from './dcgan/dcgan-discriminator.js';
export { DCGAN_GENERATOR_DEFAULTS, type DcganGeneratorOptions } from './dcgan/dcgan-generator.js';
export { MLP_DISCRIMINATOR_DEFAULTS, type MlpDiscriminatorOptions } from './mlp/mlp-discriminator.js';
export { MLP_GENERATOR_DEFAULTS, type MlpGeneratorOptions } from './mlp/mlp-generator.js';
