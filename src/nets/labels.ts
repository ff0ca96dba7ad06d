import * as tf from '@tensorflow/tfjs';
import { ConfigError, describeValue } from '../errors.js';
import { SeededRandom } from '../util/random.js';

/** One class: its id, or its name when the model knows its class names (e.g. `'sneaker'`). */
export type ClassLabel = number | string;

/**
 * Class labels as a user may give them: one class (id or name) for every sample, an array with one
 * class per sample, or int32 ids as an `Int32Array` or a tensor `[count]`.
 */
export type LabelsInput = ClassLabel | readonly ClassLabel[] | Int32Array | tf.Tensor1D;

/**
 * Labels of {@link Generator.sample}: {@link LabelsInput}, or `'all'` for every class in turn (then
 * `count` is the number of samples per class, and the result is ordered class by class).
 */
export type SampleLabels = LabelsInput | 'all';

/**
 * Labels as a network's forward pass takes them ({@link Generator.generate}, {@link Discriminator.logits}):
 * class ids `[batch]`, or class weights `[batch, numClasses]`. A one-hot row of weights is exactly its
 * class; a row mixing classes mixes their embeddings (class interpolation); a row summing to `s < 1`
 * gives the rest, `1 - s`, to no class at all, which is how a conditioning transition fades the class
 * in (`TrainerConfig.conditioningTransition`).
 */
export type NetworkLabels = tf.Tensor1D | tf.Tensor2D;

/**
 * Resolves one class, given by id or by name, to its id.
 *
 * @param label - a class id in [0, numClasses), or a class name listed in `classNames`.
 * @param numClasses - the number of classes (0: unconditional).
 * @param classNames - the names of the classes by id, when known.
 * @param argName - the argument name used in error messages.
 * @throws ConfigError when the model is unconditional, the id is out of range, the name is unknown or
 *   the model has no class names.
 */
export function classId(label: ClassLabel, numClasses: number, classNames?: readonly string[], argName = 'labels'): number {
  if (numClasses < 1) {
    throw new ConfigError(
      `'${argName}' were given, but the model is unconditional (numClasses is 0). Expected no labels, received ${describeValue(label)}.`,
    );
  }
  if (typeof label === 'string') {
    if (classNames === undefined) {
      throw new ConfigError(
        `'${argName}': the class name ${describeValue(label)} cannot be resolved: this model has no class names. Expected a class id in [0, ${numClasses - 1}], or give the model 'classNames' (builders' option, or train it on a dataset with class names).`,
      );
    }
    const id = classNames.indexOf(label);
    if (id === -1) {
      throw new ConfigError(`'${argName}': unknown class name ${describeValue(label)}. Expected one of ${describeValue(classNames)} or a class id in [0, ${numClasses - 1}].`);
    }
    return id;
  }
  if (typeof label !== 'number' || !Number.isInteger(label) || label < 0 || label >= numClasses) {
    throw new ConfigError(
      `'${argName}' must be integer class ids in [0, ${numClasses - 1}]${classNames ? ' or class names' : ''}, received ${describeValue(label)}.`,
    );
  }
  return label;
}

/**
 * Turns labels as given by a user into an int32 tensor of shape [count], checking every id.
 *
 * @param labels - one class (repeated `count` times), `count` classes, or a tensor of `count` ids.
 * @param count - the batch size the labels must match.
 * @param numClasses - ids must lie in [0, numClasses).
 * @param argName - the argument name used in error messages.
 * @param classNames - names by class id, so that classes may be given by name.
 * @throws ConfigError when the model is unconditional, an id is out of range, a name is unknown or the
 *   count differs.
 */
export function toLabelTensor(
  labels: LabelsInput,
  count: number,
  numClasses: number,
  argName = 'labels',
  classNames?: readonly string[],
): tf.Tensor1D {
  if (numClasses < 1) {
    throw new ConfigError(
      `'${argName}' were given, but the model is unconditional (numClasses is 0). Expected no labels, received ${describeLabels(labels)}.`,
    );
  }
  let given: ArrayLike<ClassLabel>;
  if (labels instanceof tf.Tensor) {
    if (labels.rank !== 1) {
      throw new ConfigError(`'${argName}' must be a 1-D tensor of class ids, received shape ${describeValue(labels.shape)}.`);
    }
    given = labels.dataSync();
  } else if (typeof labels === 'number' || typeof labels === 'string') {
    given = new Array<ClassLabel>(count).fill(labels);
  } else {
    given = labels;
  }
  if (given.length !== count) {
    throw new ConfigError(`'${argName}' must hold ${count} class ids (one per sample), received ${given.length}.`);
  }
  const ids = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    try {
      ids[i] = classId(given[i], numClasses, classNames, argName);
    } catch (error) {
      if (error instanceof ConfigError) {
        throw new ConfigError(`${error.message.replace(/\.$/, '')} at index ${i}.`);
      }
      throw error;
    }
  }
  return tf.tensor1d(ids, 'int32');
}

/**
 * Draws `count` class ids from [0, numClasses) with a seeded generator: uniformly, or, given
 * `classCounts` (how many examples of each class the data holds), each id the class of an example drawn
 * uniformly from the data, so the ids follow the data's class frequencies.
 */
export function sampleLabels(count: number, numClasses: number, seed: number, classCounts?: ArrayLike<number>): tf.Tensor1D {
  const random = new SeededRandom(seed);
  const ids = new Int32Array(count);
  if (classCounts === undefined) {
    for (let i = 0; i < count; i++) ids[i] = random.nextInt(numClasses);
    return tf.tensor1d(ids, 'int32');
  }
  let total = 0;
  for (let k = 0; k < numClasses; k++) total += classCounts[k] ?? 0;
  if (!(total >= 1)) {
    throw new ConfigError(`'classCounts' must hold at least one sample in the first ${numClasses} classes, received ${describeValue(Array.from(classCounts))}.`);
  }
  for (let i = 0; i < count; i++) {
    let rank = random.nextInt(total);
    let k = 0;
    while (rank >= (classCounts[k] ?? 0)) rank -= classCounts[k++] ?? 0;
    ids[i] = k;
  }
  return tf.tensor1d(ids, 'int32');
}

function describeLabels(labels: LabelsInput): string {
  if (labels instanceof tf.Tensor) return `a tensor of shape ${describeValue(labels.shape)}`;
  if (typeof labels === 'number' || typeof labels === 'string') return describeValue(labels);
  return `${labels.length} ids`;
}

/**
 * Checks that labels are given exactly when the generator is conditional.
 * @throws ConfigError for labels given to an unconditional generator, or none given to a conditional one.
 */
export function checkLabelsPresence(labels: SampleLabels | undefined, numClasses: number, classNames: readonly string[] | undefined, owner: string): void {
  if (numClasses === 0 && labels !== undefined) {
    throw new ConfigError(
      `${owner}: 'labels' were given, but this generator is unconditional (numClasses 0). Expected no labels, received ${describeValue(labels instanceof tf.Tensor ? labels.shape : labels)}.`,
    );
  }
  if (numClasses > 0 && labels === undefined) {
    throw new ConfigError(
      `${owner}: this generator is conditional (numClasses ${numClasses}); 'labels' must be a class id in [0, ${numClasses - 1}]${classNames ? ', a class name' : ''}, one per sample, or 'all', received undefined.`,
    );
  }
}
