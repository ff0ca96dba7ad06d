import * as tf from '@tensorflow/tfjs';
import { ConfigError, describeValue } from '../errors.js';
import { hashInts } from '../util/random.js';
import { type GeneratorConditioning, concatenatesLabel } from './conditioning.js';

/** A weight initializer as tf.layers takes it. */
type Initializer = ReturnType<typeof tf.initializers.glorotUniform>;

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

/**
 * A generator's first tensor: `z`, or `z` joined by the label's embedding (`label_embedding`) when the
 * conditioning concatenates the label (`'concat'`, `'concat-cbn'`).
 */
export function latentWithLabel(
  z: tf.SymbolicTensor,
  label: tf.SymbolicTensor | undefined,
  conditioning: GeneratorConditioning,
  numClasses: number,
  embeddingDim: number,
  init: SeededInitializers,
): tf.SymbolicTensor {
  if (label === undefined || !concatenatesLabel(conditioning)) return z;
  const embedded = embedLabels(label, numClasses, embeddingDim, init, 'label_embedding');
  return tf.layers.concatenate().apply([z, embedded]) as tf.SymbolicTensor;
}
