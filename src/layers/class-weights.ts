import * as tf from '@tensorflow/tfjs';
import { ShapeError, describeValue } from '../errors.js';

/** Whether a label tensor is class weights `[batch, numClasses]` (not class ids `[batch]` or `[batch, 1]`). */
export function isClassWeights(label: tf.Tensor, numClasses: number): boolean {
  return label.rank === 2 && label.shape[1] === numClasses;
}

/**
 * Turns a label tensor into per-class weights `[batch, numClasses]` (float32): class ids (`[batch]` or
 * `[batch, 1]`, any dtype) become one-hot rows; class weights (`[batch, numClasses]`, such as a mix of
 * two one-hot rows for class interpolation) pass through.
 *
 * Layers that look up a per-class parameter through these weights (`weights @ table`) give exactly the
 * row of the table for a class id, and the same mix of rows for mixed weights.
 *
 * @throws ShapeError for any other shape.
 */
export function classWeights(label: tf.Tensor, numClasses: number, owner: string): tf.Tensor2D {
  return tf.tidy(() => {
    if (isClassWeights(label, numClasses)) return tf.cast(label, 'float32') as tf.Tensor2D;
    if (label.rank === 1 || (label.rank === 2 && label.shape[1] === 1)) {
      const ids = tf.cast(tf.reshape(label, [-1]), 'int32') as tf.Tensor1D;
      return tf.cast(tf.oneHot(ids, numClasses), 'float32') as tf.Tensor2D;
    }
    throw new ShapeError(
      `${owner}: the label input must be class ids [batch] or [batch, 1], or class weights [batch, ${numClasses}], received shape ${describeValue(label.shape)}.`,
    );
  });
}

