import { classOptions, defineArchitecture, seedOptions } from '../architecture.js';
import { type ResnetDiscriminatorOptions, buildResnetDiscriminator } from './resnet-discriminator.js';
import { type ResnetGeneratorOptions, buildResnetGenerator } from './resnet-generator.js';

/** The ResNet pair (SNGAN, Miyato et al. 2018, arXiv:1802.05957), for square power-of-two images; width is `channels`. */
export const RESNET_ARCHITECTURE = defineArchitecture<ResnetGeneratorOptions, ResnetDiscriminatorOptions>({
  generator: buildResnetGenerator,
  discriminator: buildResnetDiscriminator,
  options: (settings) => {
    const classes = classOptions(settings);
    const seeds = seedOptions(settings);
    const { sampleShape, latentDim, width } = settings;
    const channels = width !== undefined ? { channels: width } : {};
    return {
      generator: { imageShape: sampleShape, ...classes.generator, ...seeds.generator, ...(latentDim !== undefined ? { latentDim } : {}), ...channels },
      discriminator: { imageShape: sampleShape, ...classes.discriminator, ...seeds.discriminator, ...channels },
    };
  },
});
