/**
 * The registry of network families: each name maps to an {@link Architecture} (a generator builder, the
 * discriminator builder it pairs with, and their options for given data). `Generator.build`,
 * `Discriminator.build`, {@link buildNetworks} and the command line's `--arch` look names up here.
 * Adding a family is one file (its `Architecture`) and one line below.
 *
 * @packageDocumentation
 */
import type * as tf from '@tensorflow/tfjs';
import { ConfigError, describeValue } from '../errors.js';
import type { Architecture } from './architecture.js';
import { DCGAN_ARCHITECTURE } from './dcgan/dcgan-architecture.js';
import { MLP_ARCHITECTURE } from './mlp/mlp-architecture.js';
import type { MlpGeneratorOptions } from './mlp/mlp-generator.js';
import { RESNET_ARCHITECTURE } from './resnet/resnet-architecture.js';
import { STYLE_ARCHITECTURE } from './style/style-architecture.js';
import type { SampleRank, SampleShape } from './sample-rank.js';

/** Every shipped network family by its registry name (the command line's `--arch`). */
export const ARCHITECTURES = Object.freeze({
  /** DCGAN (Radford et al. 2016): {@link Generator.dcgan} and {@link Discriminator.dcgan}. */
  dcgan: DCGAN_ARCHITECTURE,
  /** Multilayer perceptrons for vectors and small images: {@link Generator.mlp} and {@link Discriminator.mlp}. */
  mlp: MLP_ARCHITECTURE,
  /** Residual networks as in SNGAN: {@link Generator.resnet} and {@link Discriminator.resnet}. */
  resnet: RESNET_ARCHITECTURE,
  /** The style-based generator (StyleGAN2) with the ResNet discriminator: {@link Generator.style} and {@link Discriminator.resnet}. */
  style: STYLE_ARCHITECTURE,
} as const);

/** The name of a shipped network family. */
export type ArchitectureName = keyof typeof ARCHITECTURES;

/** The names of the shipped network families. */
export const ARCHITECTURE_NAMES = Object.freeze(Object.keys(ARCHITECTURES) as ArchitectureName[]);

/**
 * The generator builder's options of a family, e.g. `GeneratorOptionsOf<'dcgan'>` is `DcganGeneratorOptions`.
 * @typeParam S - the MLP's `outputShape` type ({@link MlpGeneratorOptions}); the other families have none.
 */
export type GeneratorOptionsOf<N extends ArchitectureName, S extends SampleShape = readonly number[]> = N extends 'mlp'
  ? MlpGeneratorOptions<S>
  : Parameters<(typeof ARCHITECTURES)[N]['generator']>[0];

/**
 * The rank of the samples of a family's generator: `tf.Rank.R4` (NHWC images) for the image families
 * (dcgan, resnet, style); for the MLP one more than the length of its `outputShape` `S`
 * ({@link SampleRank}). A new family that makes anything but images adds its case here.
 */
export type GeneratorRankOf<N extends ArchitectureName, S extends SampleShape = readonly number[]> = N extends 'mlp'
  ? SampleRank<S>
  : tf.Rank.R4;

/** The discriminator builder's options of a family (the style family's are the ResNet discriminator's). */
export type DiscriminatorOptionsOf<N extends ArchitectureName> = Parameters<(typeof ARCHITECTURES)[N]['discriminator']>[0];

/**
 * A shipped network family by name.
 * @param name - one of {@link ARCHITECTURE_NAMES}.
 * @param owner - who asks, for the error message.
 * @throws ConfigError for an unknown name, listing the known ones.
 * @example
 * ```ts
 * const { generator, discriminator } = architectureByName('dcgan').options({ sampleShape: [28, 28, 1], seed: 1 });
 * ```
 */
export function architectureByName(name: string, owner = 'architectureByName'): Architecture {
  if (typeof name !== 'string' || !Object.prototype.hasOwnProperty.call(ARCHITECTURES, name)) {
    throw new ConfigError(`${owner}: unknown architecture ${describeValue(name)}. Expected one of ${describeValue(ARCHITECTURE_NAMES)}.`);
  }
  return ARCHITECTURES[name as ArchitectureName] as Architecture;
}
