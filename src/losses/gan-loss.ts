/**
 * Adversarial losses.
 *
 * Sign convention, the same everywhere in tfjs-gan: the discriminator outputs LOGITS, and higher logits
 * mean "more real". Losses never take probabilities. Each loss is a pair of pure functions returning
 * scalars to minimise: one for the discriminator, one for the generator.
 */
import type * as tf from '@tensorflow/tfjs';

/** Inputs of a loss: the discriminator's logits on a real and on a fake batch. */
export interface LossInputs {
  /** Logits of the real batch, shape [batch]; higher = more real. */
  readonly realLogits: tf.Tensor;
  /** Logits of the fake batch, shape [batch]; higher = more real. */
  readonly fakeLogits: tf.Tensor;
}

/** Inputs of a generator loss; `realLogits` is present only for losses that declare they need it. */
export interface GeneratorLossInputs {
  /** Logits of the fake batch, shape [batch]. */
  readonly fakeLogits: tf.Tensor;
  /** Logits of the real batch, shape [batch]; given when {@link GanLoss.generatorNeedsReal} is true. */
  readonly realLogits?: tf.Tensor;
}

/** An adversarial loss: one scalar to minimise for each player. */
export interface GanLoss {
  /** The registry name (see `lossByName`), saved in checkpoints. */
  readonly name: string;
  /** Options the loss was made with, saved in checkpoints; plain JSON. */
  readonly config: Readonly<Record<string, number | string | boolean>>;
  /** Whether the generator's loss needs the real batch's logits (relativistic losses). */
  readonly generatorNeedsReal?: boolean;
  /** The discriminator's loss, a scalar. */
  discriminator(inputs: LossInputs): tf.Scalar;
  /** The generator's loss, a scalar. */
  generator(inputs: GeneratorLossInputs): tf.Scalar;
  /**
   * Optional hook: the Trainer calls it after every discriminator update, outside any gradient tape,
   * with the discriminator's trainable variables (WGAN's weight clipping assigns clipped values here).
   * It must not keep or leak tensors.
   */
  afterDiscriminatorUpdate?(variables: readonly tf.Variable[]): void;
}
