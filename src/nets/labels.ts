import * as tf from '@tensorflow/tfjs';
import { ConfigError, describeValue } from '../errors.js';
import { SeededRandom } from '../util/random.js';

/** Class labels as a user may give them: one class id, an array of ids, or a tensor of ids. */
export type LabelsInput = number | readonly number[] | Int32Array | tf.Tensor1D;

/**
 * Turns labels as given by a user into an int32 tensor of shape [count], checking every id.
 *
 * @param labels - one id (repeated `count` times), `count` ids, or a tensor of `count` ids.
 * @param count - the batch size the labels must match.
 * @param numClasses - ids must lie in [0, numClasses).
 * @param argName - the argument name used in error messages.
 * @throws ConfigError when the generator is unconditional, an id is out of range or the count differs.
 */
export function toLabelTensor(
  labels: LabelsInput,
  count: number,
  numClasses: number,
  argName = 'labels',
): tf.Tensor1D {
  if (numClasses < 1) {
    throw new ConfigError(
      `'${argName}' were given, but the model is unconditional (numClasses is 0). Expected no labels, received ${describeLabels(labels)}.`,
    );
  }
  let ids: ArrayLike<number>;
  if (labels instanceof tf.Tensor) {
    if (labels.rank !== 1) {
      throw new ConfigError(`'${argName}' must be a 1-D tensor of class ids, received shape ${describeValue(labels.shape)}.`);
    }
    ids = labels.dataSync();
  } else if (typeof labels === 'number') {
    ids = new Int32Array(count).fill(labels);
    if (!Number.isInteger(labels)) ids = [labels];
  } else {
    ids = labels;
  }
  if (ids.length !== count) {
    throw new ConfigError(`'${argName}' must hold ${count} class ids (one per sample), received ${ids.length}.`);
  }
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    if (!Number.isInteger(id) || id < 0 || id >= numClasses) {
      throw new ConfigError(
        `'${argName}' must be integer class ids in [0, ${numClasses - 1}], received ${describeValue(id)} at index ${i}.`,
      );
    }
  }
  return tf.tensor1d(Int32Array.from(ids), 'int32');
}

/** Draws `count` class ids uniformly from [0, numClasses) with a seeded generator. */
export function sampleLabels(count: number, numClasses: number, seed: number): tf.Tensor1D {
  const random = new SeededRandom(seed);
  const ids = new Int32Array(count);
  for (let i = 0; i < count; i++) ids[i] = random.nextInt(numClasses);
  return tf.tensor1d(ids, 'int32');
}

function describeLabels(labels: LabelsInput): string {
  if (labels instanceof tf.Tensor) return `a tensor of shape ${describeValue(labels.shape)}`;
  if (typeof labels === 'number') return describeValue(labels);
  return `${labels.length} ids`;
}
