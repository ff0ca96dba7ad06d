/**
 * Helpers shared by the penalties: the discriminator's gradient with respect to its input, and the
 * options check (the number checks are util/validate.ts's). Internal: not re-exported from the package.
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs';
import { ConfigError, describeValue } from '../../errors.js';
import type { PenaltyDiscriminator } from '../penalty.js';

/**
 * The gradient of the summed discriminator logits with respect to the samples, ∂ΣD(x)/∂x, of the same
 * shape as `samples`. It is computed on the active gradient tape, so a penalty built from it can itself
 * be differentiated with respect to the discriminator's weights (gradients of gradients).
 *
 * @param discriminator - the discriminator, run in training mode (as in the step that calls the penalty).
 * @param samples - [batch, ...inputShape].
 * @param labels - [batch] class ids when the discriminator is conditional.
 */
export function inputGradients(discriminator: PenaltyDiscriminator, samples: tf.Tensor, labels?: tf.Tensor1D | tf.Tensor2D): tf.Tensor {
  return tf.grad((x: tf.Tensor) => tf.sum(discriminator.logits(x, labels, true)))(samples);
}

/**
 * The squared L2 norm of each sample's gradient, summed over every axis but the batch one.
 * @returns shape [batch].
 */
export function perSampleSquaredNorm(gradients: tf.Tensor): tf.Tensor1D {
  const axes = Array.from({ length: gradients.rank - 1 }, (_, i) => i + 1);
  return tf.sum(tf.square(gradients), axes) as tf.Tensor1D;
}

/** Shape [batch, 1, 1, ...] that broadcasts one value per sample over a tensor of `shape`. */
export function perSampleShape(shape: readonly number[]): number[] {
  return [shape[0], ...shape.slice(1).map(() => 1)];
}

/** Rejects non-objects and unknown option names, so that typos are not silently ignored. */
export function checkPenaltyOptions(options: unknown, known: readonly string[], owner: string): Record<string, unknown> {
  if (options === undefined) return {};
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new ConfigError(`${owner}: options must be an object, received ${describeValue(options)}.`);
  }
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw new ConfigError(`${owner}: unknown option '${key}'. Expected one of ${describeValue(known)}.`);
    }
  }
  return options as Record<string, unknown>;
}
