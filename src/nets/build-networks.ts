import { type NetworkSettings } from './architecture.js';
import { architectureByName } from './architectures.js';
import { Discriminator } from './discriminator.js';
import { Generator } from './generator.js';

/** A generator and the discriminator it trains against. */
export interface NetworkPair {
  /** The generator. */
  readonly generator: Generator;
  /** The discriminator. */
  readonly discriminator: Discriminator;
}

/** Builder options put on top of those an architecture derives from the settings (checked by the builders). */
export interface NetworkOverrides {
  /** e.g. `{ conditioning: 'cbn' }`. */
  readonly generator?: Readonly<Record<string, unknown>>;
  /** e.g. `{ spectralNorm: true, packing: 2 }`. */
  readonly discriminator?: Readonly<Record<string, unknown>>;
}

/**
 * Builds the generator and discriminator of a registered architecture for given data, as
 * `tfjs-gan train --arch` does: the architecture maps the settings to its builders' options.
 *
 * @param architecture - one of `ARCHITECTURE_NAMES` (`'dcgan'`, `'mlp'`, `'resnet'`, `'style'`).
 * @param settings - the data's sample shape and classes, and the shared knobs (latentDim, width, seed).
 * @param overrides - builder options of the family put on top (`tfjs-gan train --spectral-norm`);
 *   unknown ones are refused by the builder.
 * @returns both networks; on an error building the discriminator the generator is disposed.
 * @throws ConfigError for an unknown architecture, or settings that its builders refuse.
 * @example
 * ```ts
 * const data = await datasets.mnist();
 * const { generator, discriminator } = buildNetworks('dcgan', { sampleShape: data.sampleShape, numClasses: 10, seed: 42 });
 * ```
 */
export function buildNetworks(architecture: string, settings: NetworkSettings, overrides: NetworkOverrides = {}): NetworkPair {
  const family = architectureByName(architecture, 'buildNetworks');
  const options = family.options(settings);
  const built = family.generator({ ...options.generator, ...overrides.generator });
  const generator = new Generator(built.model, built.spec);
  try {
    const { model, spec } = family.discriminator({ ...options.discriminator, ...overrides.discriminator });
    return { generator, discriminator: new Discriminator(model, spec) };
  } catch (error) {
    generator.dispose();
    throw error;
  }
}
