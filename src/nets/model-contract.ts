import * as tf from '@tensorflow/tfjs';
import { ConfigError, ShapeError, describeValue } from '../errors.js';

/** Checks that `shape` is a list of positive integers; names `argName` in the error. */
export function checkShape(shape: readonly number[] | undefined, argName: string, owner: string): number[] {
  if (!Array.isArray(shape) || shape.length === 0 || !shape.every((d) => Number.isInteger(d) && d > 0)) {
    throw new ConfigError(
      `${owner}: '${argName}' must be a non-empty list of positive integers, received ${describeValue(shape)}.`,
    );
  }
  return [...shape];
}

/** Checks an optional class count: 0 or undefined means unconditional. */
export function checkNumClasses(numClasses: number | undefined, owner: string): number {
  const n = numClasses ?? 0;
  if (!Number.isInteger(n) || n < 0 || n === 1) {
    throw new ConfigError(
      `${owner}: 'numClasses' must be 0 (unconditional) or an integer >= 2, received ${describeValue(numClasses)}.`,
    );
  }
  return n;
}

/** The per-sample shape of a symbolic tensor, without its batch dimension. */
export function sampleShapeOf(shape: readonly (number | null)[]): (number | null)[] {
  return shape.slice(1);
}

/**
 * Checks that a user's model has the inputs a GAN network needs: the main input of the given per-sample
 * shape, a label input when conditional, and `expectedOutputs` outputs.
 */
export function checkModelInputs(
  model: tf.LayersModel,
  mainShape: readonly number[],
  conditional: boolean,
  owner: string,
  mainName: string,
  expectedOutputs = 1,
): void {
  const expectedInputs = conditional ? 2 : 1;
  if (model.inputs.length !== expectedInputs) {
    throw new ConfigError(
      `${owner}: the model must have ${expectedInputs} input(s) (${conditional ? `${mainName} and label` : mainName}), received ${model.inputs.length}.`,
    );
  }
  const received = sampleShapeOf(model.inputs[0].shape);
  if (received.length !== mainShape.length || received.some((d, i) => d !== mainShape[i])) {
    throw new ShapeError(
      `${owner}: the model's '${mainName}' input must have per-sample shape ${describeValue(mainShape)}, received ${describeValue(received)}.`,
    );
  }
  if (conditional) {
    const labelShape = sampleShapeOf(model.inputs[1].shape);
    if (labelShape.length > 1 || (labelShape.length === 1 && labelShape[0] !== 1)) {
      throw new ShapeError(
        `${owner}: the model's 'label' input must have per-sample shape [] or [1], received ${describeValue(labelShape)}.`,
      );
    }
  }
  if (model.outputs.length !== expectedOutputs) {
    throw new ConfigError(
      `${owner}: the model must have exactly ${expectedOutputs} output${expectedOutputs === 1 ? '' : 's'}${expectedOutputs === 2 ? ' (logits and class logits)' : ''}, received ${model.outputs.length}.`,
    );
  }
}

/** Reshapes a [N] label tensor to the rank of the model's label input. */
export function labelsForModel(model: tf.LayersModel, labels: tf.Tensor1D): tf.Tensor {
  const rank = model.inputs[1].shape.length;
  const asInt = labels.dtype === 'int32' ? labels : tf.cast(labels, 'int32');
  return rank === 2 ? tf.reshape(asInt, [-1, 1]) : asInt;
}

/** The model's trainable variables, for an optimizer's var list. */
export function trainableVariables(model: tf.LayersModel): tf.Variable[] {
  return model.trainableWeights.map((weight) => weight.read() as tf.Variable);
}

/** Checks a batch tensor's per-sample shape against the expected one. */
export function checkBatchShape(
  tensor: tf.Tensor,
  expected: readonly number[],
  argName: string,
  owner: string,
): void {
  const received = tensor.shape.slice(1);
  if (tensor.rank !== expected.length + 1 || received.some((d, i) => d !== expected[i])) {
    throw new ShapeError(
      `${owner}: '${argName}' must have shape [batch, ${expected.join(', ')}], received ${describeValue(tensor.shape)}.`,
    );
  }
}
