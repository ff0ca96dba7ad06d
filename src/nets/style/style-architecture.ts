import { classOptions, defineArchitecture, seedOptions } from '../architecture.js';
import { type ResnetDiscriminatorOptions, buildResnetDiscriminator } from '../resnet/resnet-discriminator.js';
import { type StyleGeneratorOptions, buildStyleGenerator } from './style-generator.js';

/**
 * The style-based generator (StyleGAN2, Karras et al. 2020, arXiv:1912.04958) with the ResNet
 * discriminator (with a minibatch standard deviation layer when unconditional); width is `channels`.
 * The generator takes the class through its mapping network: `generatorConditioning` does not apply.
 */
export const STYLE_ARCHITECTURE = defineArchitecture<StyleGeneratorOptions, ResnetDiscriminatorOptions>({
  generator: buildStyleGenerator,
  discriminator: buildResnetDiscriminator,
  options: (settings) => {
    const classes = classOptions(settings);
    const seeds = seedOptions(settings);
    const { sampleShape, latentDim, width } = settings;
    const { conditioning: _ignored, ...generatorClasses } = classes.generator;
    const channels = width !== undefined ? { channels: width } : {};
    return {
      generator: { imageShape: sampleShape, ...generatorClasses, ...seeds.generator, ...(latentDim !== undefined ? { latentDim } : {}), ...channels },
      discriminator: {
        imageShape: sampleShape, ...classes.discriminator, minibatchStdDev: classes.discriminator.numClasses === 0, ...seeds.discriminator, ...channels,
      },
    };
  },
});
