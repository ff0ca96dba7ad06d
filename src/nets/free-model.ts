/**
 * Freeing a model whose layers other models re-applied.
 *
 * @packageDocumentation
 */
import type * as tf from '@tensorflow/tfjs';

/**
 * Disposes `model` and every weight it holds. A layer that another model applied again (the sub-models
 * of class walks and style mixing) counts that model as a second reference, so `model.dispose()` alone
 * keeps its weights; with `reapplied`, the weights still alive after it are disposed too.
 * @internal
 */
export function freeModel(model: tf.LayersModel, reapplied: boolean): void {
  const variables = reapplied ? model.weights.map((weight) => weight.read()) : [];
  model.dispose();
  for (const variable of variables) if (!variable.isDisposed) variable.dispose();
}
