import { classOptions, defineArchitecture, seedOptions } from '../architecture.js';
import { type MlpDiscriminatorOptions, buildMlpDiscriminator } from './mlp-discriminator.js';
import { type MlpGeneratorOptions, buildMlpGenerator } from './mlp-generator.js';

/** The MLP pair, for 2-D toy data or small images; it has no width knob. */
export const MLP_ARCHITECTURE = defineArchitecture<MlpGeneratorOptions, MlpDiscriminatorOptions>({
  generator: buildMlpGenerator,
  discriminator: buildMlpDiscriminator,
  options: (settings) => {
    const classes = classOptions(settings);
    const seeds = seedOptions(settings);
    const { sampleShape, latentDim } = settings;
    return {
      generator: { outputShape: sampleShape, ...classes.generator, ...seeds.generator, ...(latentDim !== undefined ? { latentDim } : {}) },
      discriminator: { inputShape: sampleShape, ...classes.discriminator, ...seeds.discriminator },
    };
  },
});
