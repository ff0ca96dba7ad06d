/**
 * Classifier accuracy of conditional samples: the share of samples generated as class k that a
 * trained classifier recognises as class k (as in the ACGAN paper, Odena et al. 2017, arXiv:1610.09585).
 *
 * @packageDocumentation
 */
import { ConfigError, ShapeError, describeValue } from '../errors.js';
import { checkPositiveInt } from '../util/validate.js';

/** The result of class accuracy. */
export interface ClassAccuracy {
  /** The share of all samples classified as the class they were generated as, in [0, 1]. */
  readonly accuracy: number;
  /** Per class id: the share of its samples classified as it; NaN for a class with no samples. */
  readonly perClass: readonly number[];
  /** Per class id: how many samples were generated as it. */
  readonly counts: readonly number[];
}

/**
 * Class accuracy from the intended labels and the classifier's predictions.
 *
 * @param labels - the class each sample was generated as, N ints in [0, numClasses).
 * @param predictions - the class the classifier picked, N ints.
 * @param numClasses - the number of classes, >= 1.
 * @returns overall and per-class accuracy.
 * @throws ShapeError when the lengths differ or are 0; ConfigError on a label out of range.
 * @example
 * ```ts
 * classAccuracyFromPredictions([0, 0, 1, 1], [0, 1, 1, 1], 2);   // { accuracy: 0.75, perClass: [0.5, 1], counts: [2, 2] }
 * ```
 */
export function classAccuracyFromPredictions(labels: ArrayLike<number>, predictions: ArrayLike<number>, numClasses: number): ClassAccuracy {
  const owner = 'metrics.classAccuracyFromPredictions';
  if (labels.length === 0 || labels.length !== predictions.length) {
    throw new ShapeError(`${owner}: 'labels' and 'predictions' must have one (equal, non-zero) length, received ${labels.length} and ${predictions.length}.`);
  }
  checkPositiveInt(numClasses, 'numClasses', owner);
  const counts = new Array<number>(numClasses).fill(0);
  const correct = new Array<number>(numClasses).fill(0);
  let total = 0;
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i];
    if (!Number.isInteger(label) || label < 0 || label >= numClasses) {
      throw new ConfigError(`${owner}: labels must be class ids in [0, ${numClasses - 1}], received ${describeValue(label)} at ${i}.`);
    }
    counts[label] += 1;
    if (predictions[i] === label) {
      correct[label] += 1;
      total += 1;
    }
  }
  return {
    accuracy: total / labels.length,
    perClass: counts.map((count, k) => (count === 0 ? Number.NaN : correct[k] / count)),
    counts,
  };
}
