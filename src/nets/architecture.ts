/**
 * What an architecture is: a generator builder, the discriminator builder it pairs with, and how both
 * are configured for given data. The registry of the shipped ones is `ARCHITECTURES`
 * (architectures.ts).
 *
 * @packageDocumentation
 */
import type { DiscriminatorConditioning, GeneratorConditioning } from './conditioning.js';
import type { BuiltDiscriminator, BuiltGenerator } from './model-contract.js';

/**
 * The settings that every architecture can configure its networks from: the data's shape and classes,
 * and the knobs all families share. The command line's `tfjs-gan train` builds its networks from these.
 */
export interface NetworkSettings {
  /** Per-sample shape of the data: [height, width, channels] for images, [2] for 2-D points. */
  readonly sampleShape: readonly number[];
  /** Number of classes of conditional networks. @defaultValue 0 (unconditional) */
  readonly numClasses?: number | undefined;
  /** A name per class (conditional networks only). */
  readonly classNames?: readonly string[] | undefined;
  /** How a conditional generator takes the class. @defaultValue the builder's */
  readonly generatorConditioning?: GeneratorConditioning | undefined;
  /** How a conditional discriminator uses the class. @defaultValue the builder's */
  readonly discriminatorConditioning?: DiscriminatorConditioning | undefined;
  /** Size of the latent vector. @defaultValue the builder's */
  readonly latentDim?: number | undefined;
  /**
   * The family's width: DCGAN's `width`, the ResNet and style networks' `channels`; the MLP has none.
   * @defaultValue the builders'
   */
  readonly width?: number | undefined;
  /** Seed of the generator's weights; the discriminator's is `seed + 1`. @defaultValue random */
  readonly seed?: number | undefined;
}

/**
 * A network family: its generator builder, the discriminator builder it is paired with, and the
 * mapping from {@link NetworkSettings} to both builders' options. Register one in `ARCHITECTURES`.
 *
 * @typeParam G - the generator builder's options.
 * @typeParam D - the discriminator builder's options.
 */
export interface Architecture<G extends object = object, D extends object = object> {
  /** Builds the generator's model and spec. @throws ConfigError for bad options. */
  generator(options: G): BuiltGenerator;
  /** Builds the discriminator's model and spec. @throws ConfigError for bad options. */
  discriminator(options: D): BuiltDiscriminator;
  /** The options of both builders for the given data and knobs. */
  options(settings: NetworkSettings): {
    /** The generator builder's options. */
    readonly generator: G;
    /** The discriminator builder's options. */
    readonly discriminator: D;
  };
}

/** The class options of both networks, as the shipped architectures pass them on. */
export function classOptions(settings: NetworkSettings): {
  generator: { numClasses: number; conditioning?: GeneratorConditioning; classNames?: readonly string[] };
  discriminator: { numClasses: number; conditioning?: DiscriminatorConditioning };
} {
  const numClasses = settings.numClasses ?? 0;
  if (numClasses === 0) return { generator: { numClasses }, discriminator: { numClasses } };
  const { generatorConditioning, discriminatorConditioning, classNames } = settings;
  return {
    generator: {
      numClasses,
      ...(generatorConditioning !== undefined ? { conditioning: generatorConditioning } : {}),
      ...(classNames !== undefined ? { classNames } : {}),
    },
    discriminator: { numClasses, ...(discriminatorConditioning !== undefined ? { conditioning: discriminatorConditioning } : {}) },
  };
}

/** The seeds of both networks: `seed` and `seed + 1`, or none. */
export function seedOptions(settings: NetworkSettings): { generator: { seed?: number }; discriminator: { seed?: number } } {
  const { seed } = settings;
  return seed === undefined ? { generator: {}, discriminator: {} } : { generator: { seed }, discriminator: { seed: seed + 1 } };
}

/**
 * Declares an architecture: checks its shape against {@link Architecture} (and types `options`'s
 * argument) and freezes it.
 */
export function defineArchitecture<G extends object, D extends object>(architecture: Architecture<G, D>): Architecture<G, D> {
  return Object.freeze({ ...architecture });
}
