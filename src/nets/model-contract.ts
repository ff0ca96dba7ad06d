/**
 * The contract between a network model and the {@link Generator} / {@link Discriminator} classes that
 * wrap it: the specs that describe a model, what a builder returns, and the checks of a user's model.
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs';
import { ConfigError, ShapeError, describeValue } from '../errors.js';

/** What a generator model is: the size of its latent input, the shape of its output, its classes. */
export interface GeneratorSpec {
  /** Size of the latent vector z, drawn from N(0, 1). */
  readonly latentDim: number;
  /** Per-sample output shape: [height, width, channels] for images, [2] for 2-D points. */
  readonly outputShape: readonly number[];
  /** Number of classes of a conditional generator; 0 (the default) for an unconditional one. */
  readonly numClasses?: number | undefined;
  /**
   * A name per class id (e.g. `['t-shirt', 'trouser', ...]`), so that samples can be asked for by name;
   * `numClasses` distinct strings. Saved in checkpoints. @defaultValue none (classes by id only)
   */
  readonly classNames?: readonly string[] | undefined;
}

/** The names of a {@link GeneratorSpec}; the record type keeps the list complete. */
export const GENERATOR_SPEC_KEYS = Object.freeze(
  Object.keys({ latentDim: true, outputShape: true, numClasses: true, classNames: true } satisfies Record<keyof GeneratorSpec, true>),
);

/** What a discriminator model is: the shape of its input and its classes. */
export interface DiscriminatorSpec {
  /** Per-sample input shape: [height, width, channels] for images, [2] for 2-D points. */
  readonly inputShape: readonly number[];
  /**
   * Number of classes of a conditional discriminator (one that takes labels, or one with an auxiliary
   * classifier); 0 (the default) for an unconditional one.
   */
  readonly numClasses?: number | undefined;
  /**
   * Whether the model has a second output, class logits `[batch, numClasses]` (an ACGAN discriminator,
   * Odena et al. 2017, arXiv:1610.09585). Such a model may take the label as input or not (the ACGAN
   * one does not). @defaultValue false
   */
  readonly auxiliaryClassifier?: boolean;
  /**
   * PacGAN packing (Lin et al. 2018, arXiv:1712.04086): the model judges this many samples at once,
   * concatenated along the last axis, so its input has per-sample shape `inputShape` with the last
   * dimension multiplied by `packing`; `logits` then returns one logit per group of `packing` samples.
   * A conditional model takes one label per group, and the samples of a group share their class (the
   * Trainer draws grouped batches); not with an auxiliary classifier. @defaultValue 1 (no packing)
   */
  readonly packing?: number;
}

/** The names of a {@link DiscriminatorSpec}; the record type keeps the list complete. */
export const DISCRIMINATOR_SPEC_KEYS = Object.freeze(
  Object.keys({ inputShape: true, numClasses: true, auxiliaryClassifier: true, packing: true } satisfies Record<keyof DiscriminatorSpec, true>),
);

/** What a generator builder returns: the model and the spec that {@link Generator} wraps it with. */
export interface BuiltGenerator {
  /** The generator's model: latents (and labels, when conditional) to samples. */
  readonly model: tf.LayersModel;
  /** The generator's spec: latent size, output shape and classes. */
  readonly spec: GeneratorSpec;
}

/** What a discriminator builder returns: the model and the spec that {@link Discriminator} wraps it with. */
export interface BuiltDiscriminator {
  /** The discriminator's model: samples (and labels, when it takes them) to logits. */
  readonly model: tf.LayersModel;
  /** The discriminator's spec: input shape, classes, auxiliary classifier and packing. */
  readonly spec: DiscriminatorSpec;
}


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

/**
 * The inputs of a generator's model: the latents (or styles) alone when unconditional, else with the
 * labels in the model's label rank. @throws ConfigError when labels are missing, unexpected or mis-sized.
 */
export function modelInputs(
  model: tf.LayersModel,
  numClasses: number,
  main: tf.Tensor,
  labels: tf.Tensor | undefined,
  owner: string,
): tf.Tensor | tf.Tensor[] {
  if (numClasses === 0) {
    if (labels !== undefined) throw new ConfigError(`${owner}: 'labels' were given, but the generator is unconditional (numClasses 0).`);
    return main;
  }
  if (labels === undefined) throw new ConfigError(`${owner}: 'labels' are required: the generator is conditional (numClasses ${numClasses}).`);
  if (labels.rank !== 1 || labels.shape[0] !== main.shape[0]) {
    throw new ConfigError(`${owner}: 'labels' must have shape [${main.shape[0]}], received ${describeValue(labels.shape)}.`);
  }
  return [main, labelsForModel(model, labels as tf.Tensor1D)];
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
