/**
 * PacGAN packing (Lin et al. 2018, arXiv:1712.04086): the discriminator judges `m` samples at once,
 * concatenated along their last axis (features, or channels for images). A conditional discriminator
 * packs samples of one class: each group takes one label.
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs';
import { ConfigError, ShapeError } from '../errors.js';
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

/**
 * The first label of each group of `packing` consecutive ones ([batch] → [batch / packing], [batch, k] →
 * [batch / packing, k]), not checked: for labels grouped by construction (the Trainer's batches).
 */
export function firstOfGroups(labels: tf.Tensor, packing: number): tf.Tensor {
  if (packing === 1) return labels;
  return tf.tidy(() => {
    const [batch, ...rest] = labels.shape;
    const grouped = tf.reshape(labels, [batch / packing, packing, ...rest]);
    return tf.reshape(tf.slice(grouped, [0, 0, ...rest.map(() => 0)], [-1, 1, ...rest]), [batch / packing, ...rest]);
  });
}

/**
 * The labels of a packed batch, one per group of `packing` consecutive samples: class ids [batch] become
 * [batch / packing], class weights [batch, numClasses] become [batch / packing, numClasses]. The samples
 * of a group must share their label (a group is judged as one input of one class); the labels are read
 * back to check it (`batch` ids or rows, a small synchronous read).
 * @throws ConfigError naming the first group whose labels differ.
 */
export function packLabels(labels: tf.Tensor, packing: number, owner: string): tf.Tensor {
  if (packing === 1) return labels;
  const [batch, ...rest] = labels.shape;
  if (batch % packing !== 0) {
    throw new ShapeError(`${owner}: the discriminator packs ${packing} samples per input (PacGAN), so the number of labels must be a multiple of ${packing}, received ${batch}.`);
  }
  const width = rest.length === 0 ? 1 : rest.reduce((a, b) => a * b, 1);
  const values = labels.dataSync();
  for (let group = 0; group < batch / packing; group++) {
    const first = group * packing * width;
    for (let j = 1; j < packing; j++) {
      for (let w = 0; w < width; w++) {
        if (values[first + j * width + w] !== values[first + w]) {
          throw new ConfigError(
            `${owner}: the discriminator packs ${packing} samples of one class per input (conditional PacGAN), so each group of ${packing} consecutive labels must be the same, but group ${group} (samples ${group * packing} to ${group * packing + packing - 1}) mixes labels; draw the batch with grouped classes (Dataset.batch's 'groupSize').`,
          );
        }
      }
    }
  }
  return firstOfGroups(labels, packing);
}
