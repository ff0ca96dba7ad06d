import * as tf from '@tensorflow/tfjs';
import { ConfigError, describeValue } from '../errors.js';

/** A weight initializer as tf.layers takes it. */
type Initializer = ReturnType<typeof tf.initializers.glorotUniform>;
import { hashInts } from '../util/random.js';

/** Activations the shipped builders accept by name. */
export const ACTIVATIONS = Object.freeze(['relu', 'leakyRelu', 'elu', 'tanh'] as const);
/** An activation the shipped builders accept by name. */
export type ActivationName = (typeof ACTIVATIONS)[number];

/** A layer applying the named activation; leakyRelu uses slope 0.2 (the GAN convention). */
export function activationLayer(name: ActivationName, owner: string): tf.layers.Layer {
  switch (name) {
    case 'relu':
      return tf.layers.reLU();
    case 'leakyRelu':
      return tf.layers.leakyReLU({ alpha: 0.2 });
    case 'elu':
      return tf.layers.elu();
    case 'tanh':
      return tf.layers.activation({ activation: 'tanh' });
    default:
      throw new ConfigError(
        `${owner}: 'activation' must be one of ${describeValue(ACTIVATIONS)}, received ${describeValue(name)}.`,
      );
  }
}

/**
 * Hands out kernel initializers, each with its own seed derived from one base seed, so that a network
 * built twice with the same seed has the same weights.
 */
export class SeededInitializers {
  private count = 0;

  constructor(private readonly seed: number | undefined) {}

  private nextSeed(): number | undefined {
    this.count += 1;
    return this.seed === undefined ? undefined : hashInts(this.seed, this.count);
  }

  /** Glorot-uniform (Keras' default for dense and conv layers). */
  glorotUniform(): Initializer {
    return tf.initializers.glorotUniform({ seed: this.nextSeed() });
  }

  /** N(0, stddev), the DCGAN paper's initialisation with stddev 0.02. */
  normal(stddev: number): Initializer {
    return tf.initializers.randomNormal({ mean: 0, stddev, seed: this.nextSeed() });
  }

  /** Uniform in [-limit, limit], for embeddings. */
  uniform(limit: number): Initializer {
    return tf.initializers.randomUniform({ minval: -limit, maxval: limit, seed: this.nextSeed() });
  }
}

/** Validates an integer option with bounds; names the owner and option. */
export function checkInt(value: unknown, name: string, owner: string, min: number, max = Infinity): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const range = max === Infinity ? `>= ${min}` : `in [${min}, ${max}]`;
    throw new ConfigError(`${owner}: '${name}' must be an integer ${range}, received ${describeValue(value)}.`);
  }
  return value;
}

/** Validates a seed: undefined or an integer. */
export function checkSeed(value: unknown, owner: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new ConfigError(`${owner}: 'seed' must be an integer, received ${describeValue(value)}.`);
  }
  return value;
}

/**
 * Rejects option names that the owner does not know, so typos are not silently ignored: the error names
 * the unknown key, the close known name when there is one, and every known name.
 * @param path - prefix of nested options in the message, e.g. `'ema.'`.
 */
export function checkKnownOptions(options: object, known: readonly string[], owner: string, path = ''): void {
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      const close = closestName(key, known);
      const hint = close === undefined ? '' : ` Did you mean '${path}${close}'?`;
      throw new ConfigError(`${owner}: unknown option '${path}${key}'.${hint} Expected one of ${describeValue(known)}.`);
    }
  }
}

/**
 * The known name closest to `name`: the same letters in another case (`batchsize`: `batchSize`), else
 * the nearest by edit distance when it is at most 2 edits, or a third of the name for long names.
 */
export function closestName(name: string, known: readonly string[]): string | undefined {
  const lower = name.toLowerCase();
  const sameLetters = known.find((k) => k.toLowerCase() === lower);
  if (sameLetters !== undefined) return sameLetters;
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(name.length / 3)) + 1;
  for (const candidate of known) {
    const distance = editDistance(lower, candidate.toLowerCase());
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  return best;
}

/** Levenshtein distance: insertions, deletions and substitutions. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

/** The symbolic label input of a conditional network: [batch, 1] int32 class ids. */
export function labelInput(): tf.SymbolicTensor {
  return tf.input({ shape: [1], dtype: 'int32', name: 'label' });
}

/** A label embedding flattened to [batch, embeddingDim]. */
export function embedLabels(
  label: tf.SymbolicTensor,
  numClasses: number,
  embeddingDim: number,
  init: SeededInitializers,
  name: string,
): tf.SymbolicTensor {
  const embedded = tf.layers
    .embedding({ inputDim: numClasses, outputDim: embeddingDim, embeddingsInitializer: init.uniform(0.05), name })
    .apply(label) as tf.SymbolicTensor;
  return tf.layers.flatten().apply(embedded) as tf.SymbolicTensor;
}
