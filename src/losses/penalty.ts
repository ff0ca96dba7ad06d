import type * as tf from '@tensorflow/tfjs';

/**
 * The discriminator as a penalty sees it: a function from samples (and labels) to logits that the
 * gradient tape can differentiate with respect to the samples. Losses know nothing of nets: a
 * `Discriminator` satisfies this type structurally, and so does any object with such a `logits`.
 */
export interface PenaltyDiscriminator {
  /**
   * Scores samples; higher means "more real".
   * @param samples - [batch, ...inputShape].
   * @param labels - [batch] int32 class ids when the discriminator takes labels, or [batch, numClasses]
   *   class weights (during a conditioning transition: `TrainerConfig.conditioningTransition`).
   * @param training - run layers such as batch norm in training mode.
   * @returns logits, one per sample (per group of samples when packing).
   */
  logits(samples: tf.Tensor, labels?: tf.Tensor1D | tf.Tensor2D, training?: boolean): tf.Tensor;
}

/** What a penalty sees: the discriminator, the batches of the current discriminator step and a seed. */
export interface PenaltyInputs {
  /** The discriminator being trained. */
  readonly discriminator: PenaltyDiscriminator;
  /** The real batch, [batch, ...inputShape]. */
  readonly realSamples: tf.Tensor;
  /** The fake batch, [batch, ...inputShape] (no gradient flows to the generator). */
  readonly fakeSamples: tf.Tensor;
  /**
   * Labels of the real batch when conditional: ids [batch], or class weights [batch, numClasses] during a
   * conditioning transition; one per group of `packing` samples ([batch / packing], ...) when the
   * discriminator packs (it takes them so).
   */
  readonly realLabels?: tf.Tensor1D | tf.Tensor2D;
  /** Labels of the fake batch when conditional, as `realLabels`. */
  readonly fakeLabels?: tf.Tensor1D | tf.Tensor2D;
  /** Logits of the real batch, computed in this step. */
  readonly realLogits: tf.Tensor;
  /** Logits of the fake batch, computed in this step. */
  readonly fakeLogits: tf.Tensor;
  /** The trainer's step (0-based, the step being trained). */
  readonly step: number;
  /** A seed for any random draw the penalty makes, derived from the trainer's seed and step. */
  readonly seed: number;
}

/**
 * A regulariser of the discriminator: a scalar added to its loss. It is computed inside the gradient
 * tape of the discriminator step, so it may itself take gradients (gradients of gradients).
 */
export interface Penalty {
  /** Name under which its value is logged, and saved in checkpoints. */
  readonly name: string;
  /** Options it was made with, plain JSON, saved in checkpoints. */
  readonly config: Readonly<Record<string, number | string | boolean>>;
  /** The weighted penalty, a scalar; return null to skip this step (lazy regularisation). */
  compute(inputs: PenaltyInputs): tf.Scalar | null;
  /**
   * What the penalty remembers from step to step, for penalties that follow the training (LeCam's
   * moving averages of the logits); absent for the stateless ones. See {@link PenaltyState}.
   */
  readonly state?: PenaltyState;
}

/** What a discriminator update tells a stateful penalty (see {@link PenaltyState.observe}). */
export interface PenaltyObservation {
  /** The mean logit of the update's real batch (as the discriminator saw it, augmented). */
  readonly realScore: number;
  /** The mean logit of the update's fake batch. */
  readonly fakeScore: number;
  /** The trainer's step (0-based) the update belongs to. */
  readonly step: number;
}

/**
 * The state of a penalty that follows the training, as plain JSON numbers. The Trainer calls
 * `observe` after every discriminator update it applies; a step that fails puts the state back as it was
 * before the step (with the weights and the optimizers' state); checkpoints save `get()` next to the
 * penalty's config and `Trainer.load` passes it back to `set`, so a resumed run continues exactly.
 */
export interface PenaltyState {
  /** The state now, plain JSON numbers (a copy). */
  get(): Readonly<Record<string, number>>;
  /**
   * Puts back a state that `get` returned (from a checkpoint, or a failed step's undo).
   * @throws ConfigError naming the field when a value is missing or out of range; nothing is changed then.
   */
  set(state: Readonly<Record<string, unknown>>): void;
  /** Folds in one applied discriminator update. */
  observe(observation: PenaltyObservation): void;
}
