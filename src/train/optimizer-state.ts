/**
 * An optimizer's state as a checkpoint holds it: its class and config, its state tensors
 * (`getWeights()`), and the scalars it keeps outside them (Adam's running beta powers); and the
 * optimizer rebuilt from that record. Covers every tfjs optimizer and {@link FusedAdamOptimizer}.
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs';
import { CheckpointError, describeValue } from '../errors.js';
import type { OptimizerRecord, WeightEntry } from '../io/checkpoint-manifest.js';
import { FusedAdamOptimizer } from './fused-adam.js';

/** Optimizer fields that carry state outside getWeights() (Adam's running beta powers). */
const OPTIMIZER_EXTRA_SCALARS = ['accBeta1', 'accBeta2'] as const;

/**
 * The record of an optimizer's state, its tensors named `<prefix>/<i>` added to `out`.
 *
 * @param prefix - the names' prefix (`generatorOptimizer`, `discriminatorOptimizer`).
 * @param out - receives the state tensors by name.
 * @param fresh - receives the tensors made for this record (the step count), for the caller to free.
 */
export async function optimizerRecord(
  prefix: string,
  optimizer: tf.Optimizer,
  out: tf.NamedTensorMap,
  fresh: tf.Tensor[],
): Promise<OptimizerRecord> {
  const named = await optimizer.getWeights();
  // The optimizer's state lives in variables it owns; anything else (the step count) was made for us.
  for (const entry of named) if (!(entry.tensor instanceof tf.Variable)) fresh.push(entry.tensor);
  const weights = named.map((entry, i) => {
    const name = `${prefix}/${i}`;
    out[name] = entry.tensor;
    return { name, shape: [...entry.tensor.shape], dtype: entry.tensor.dtype as WeightEntry['dtype'] };
  });
  const extras: Record<string, number> = {};
  const fields = optimizer as unknown as Record<string, unknown>;
  for (const key of OPTIMIZER_EXTRA_SCALARS) {
    const value = fields[key];
    if (value instanceof tf.Tensor && value.size === 1) extras[key] = (await value.data())[0];
  }
  return { className: optimizer.getClassName(), config: optimizer.getConfig() as Record<string, unknown>, weights, extras };
}

/**
 * The optimizer of a record, with its state. tfjs's Adam restores as {@link FusedAdamOptimizer}, which
 * computes it bit for bit, only faster.
 *
 * @param where - the checkpoint, quoted, for messages.
 * @throws CheckpointError when the class is not registered.
 */
export async function restoreOptimizer(record: OptimizerRecord, tensors: tf.NamedTensorMap, where: string): Promise<tf.Optimizer> {
  const entry = tf.serialization.SerializationMap.getMap().classNameMap[record.className];
  if (entry === undefined) {
    throw new CheckpointError(`checkpoint: ${where}: unknown optimizer class ${describeValue(record.className)}; register it with tf.serialization.registerClass.`);
  }
  const [cls, fromConfig] = record.className === 'Adam' ? [FusedAdamOptimizer as unknown as (typeof entry)[0], entry[1]] : entry;
  const optimizer = fromConfig(cls, record.config as tf.serialization.ConfigDict) as unknown as tf.Optimizer;
  // setWeights makes new variables from the tensors it is given (sharing their data); give it copies so
  // the decoded map can be freed, and free the copies after: the variables keep the data alive.
  const copies = record.weights.map((w) => ({ name: w.name, tensor: tf.clone(tensors[w.name]) }));
  try {
    await optimizer.setWeights(copies);
  } finally {
    tf.dispose(copies.map((copy) => copy.tensor));
  }
  const fields = optimizer as unknown as Record<string, unknown>;
  for (const [key, value] of Object.entries(record.extras)) {
    const variable = fields[key];
    if (variable instanceof tf.Variable) {
      const scalar = tf.scalar(value, variable.dtype);
      variable.assign(scalar);
      scalar.dispose();
    }
  }
  return optimizer;
}
