/**
 * PacGAN packing (Lin et al. 2018, arXiv:1712.04086): the discriminator judges `m` samples at once,
 * concatenated along their last axis (features, or channels for images).
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs';
import { ShapeError } from '../errors.js';
import { checkPositiveInt } from '../util/validate.js';

/** Checks a packing degree: an integer >= 1 (1 = no packing). */
export function checkPacking(packing: unknown, owner: string): number {
  return checkPositiveInt(packing ?? 1, 'packing', owner, { note: ' (1 = no packing)' });
}

/** The per-sample input shape of a discriminator that packs `packing` samples of shape `sampleShape`. */
export function packedShape(sampleShape: readonly number[], packing: number): number[] {
  return [...sampleShape.slice(0, -1), sampleShape[sampleShape.length - 1] * packing];
}

/**
 * Packs a batch: groups of `packing` consecutive samples become one input, concatenated along the last
 * axis ([batch, ...shape, c] → [batch / packing, ...shape, packing · c]).
 * @throws ShapeError when the batch size is not a multiple of `packing`.
 */
export function packSamples(samples: tf.Tensor, packing: number, owner: string): tf.Tensor {
  if (packing === 1) return samples;
  const [batch, ...shape] = samples.shape;
  if (batch % packing !== 0) {
    throw new ShapeError(
      `${owner}: the discriminator packs ${packing} samples per input (PacGAN), so the batch size must be a multiple of ${packing}, received ${batch}.`,
    );
  }
  const groups = batch / packing;
  const channels = shape[shape.length - 1];
  const spatial = shape.slice(0, -1);
  // [groups, packing, ...spatial, c] → [groups, ...spatial, packing, c] → [groups, ...spatial, packing·c]
  const split = tf.reshape(samples, [groups, packing, ...spatial, channels]);
  const perm = [0, ...spatial.map((_, i) => i + 2), 1, spatial.length + 2];
  const moved = spatial.length === 0 ? split : tf.transpose(split, perm);
  return tf.reshape(moved, [groups, ...spatial, packing * channels]);
}
