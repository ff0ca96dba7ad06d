import { classOptions, defineArchitecture, seedOptions } from '../architecture.js';
import { type DcganDiscriminatorOptions, buildDcganDiscriminator } from './dcgan-discriminator.js';
import { type DcganGeneratorOptions, buildDcganGenerator } from './dcgan-generator.js';

/** The DCGAN pair (Radford et al. 2015, arXiv:1511.06434), for 28x28, 32x32 or 64x64 images; width is `width`. */
export const DCGAN_ARCHITECTURE = defineArchitecture<DcganGeneratorOptions, DcganDiscriminatorOptions>({
  generator: buildDcganGenerator,
  discriminator: buildDcganDiscriminator,
  options: (settings) => {
    const classes = classOptions(settings);
    const seeds = seedOptions(settings);
    const { sampleShape, latentDim, width } = settings;
    const widthOption = width !== undefined ? { width } : {};
    return {
      generator: { imageShape: sampleShape, ...classes.generator, ...seeds.generator, ...(latentDim !== undefined ? { latentDim } : {}), ...widthOption },
      discriminator: { imageShape: sampleShape, ...classes.discriminator, ...seeds.discriminator, ...widthOption },
    };
  },
});
