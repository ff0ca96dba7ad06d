import * as tf from '@tensorflow/tfjs';
import { ConfigError, describeValue } from '../errors.js';

/** A weight initializer as tf.layers takes it. */
export type Initializer = ReturnType<typeof tf.initializers.ones>;

/** An initializer in a layer's config: its registered class name and its own config. */
export interface InitializerConfig {
  /** The initializer's registered class name, e.g. `GlorotUniform`. */
  readonly className: string;
  /** The initializer's own config, as its `getConfig()` returns it. */
  readonly config: tf.serialization.ConfigDict;
}

/** The config form of an initializer, for `getConfig()`. */
export function serializeInitializer(initializer: Initializer): InitializerConfig {
  return { className: initializer.getClassName(), config: initializer.getConfig() };
}

/**
 * An initializer from an instance, its config form (as read back from a saved model), or the default.
 * @throws ConfigError for an unknown class name.
 */
export function toInitializer(
  value: Initializer | InitializerConfig | undefined,
  fallback: () => Initializer,
  owner: string,
): Initializer {
  if (value === undefined || value === null) return fallback();
  if (value instanceof tf.serialization.Serializable) return value as Initializer;
  const entry = tf.serialization.SerializationMap.getMap().classNameMap[value.className];
  if (entry === undefined) {
    throw new ConfigError(`${owner}: unknown initializer class ${describeValue(value.className)}.`);
  }
  const [cls, fromConfig] = entry;
  return fromConfig(cls, value.config ?? {}) as unknown as Initializer;
}
