/**
 * Intra-class distances of conditional samples (Miyato & Koyama 2018, arXiv:1802.05637: "intra-FID";
 * StudioGAN's IFID): FID or KID between the real and the fake samples of each class, averaged over
 * the classes. A conditional generator that makes good images of the wrong class, or one picture per
 * class, can have a low FID over all samples; within each class it cannot. Precision and recall
 * within each class (Kynkäänniemi et al. 2019, per class as in conditional-GAN evaluations) ask the
 * other question: how many of a class's samples look like that class's real samples at all.
 *
 * @packageDocumentation
 */
import { ConfigError, describeValue } from '../errors.js';
import { type FeatureMatrix, type FeaturesLike, gaussianStatistics, toFeatureMatrix } from './feature-matrix.js';
import { frechetDistance } from './frechet-distance.js';
import { type KidOptions, kidFromFeatures } from './kernel-distance.js';
import { MANIFOLD_DEFAULTS, type ManifoldOptions, precisionRecallFromFeatures } from './manifold.js';
import { checkInt } from '../util/validate.js';

/** A distance (or, for precision and recall, a share) computed within each class, and its mean over the classes. */
export interface IntraClassDistance {
  /** The mean of {@link perClass} over the classes that have samples. */
  readonly mean: number;
  /** The distance of each class, by class id; NaN for a class with no real and no fake samples. */
  readonly perClass: readonly number[];
  /** KID only: the standard deviation over subsets of each class's estimate, by class id. */
  readonly perClassStd?: readonly number[];
  /** Real samples of each class, by class id. */
  readonly realCounts: readonly number[];
  /** Fake samples of each class, by class id. */
  readonly fakeCounts: readonly number[];
}

/** The rows of `features` whose label is `label`, as a feature matrix of their own. */
function rowsOf(features: FeatureMatrix, labels: Int32Array, label: number, count: number): FeatureMatrix {
  const data = new Float32Array(count * features.dim);
  let row = 0;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] !== label) continue;
    data.set(features.data.subarray(i * features.dim, (i + 1) * features.dim), row * features.dim);
    row++;
  }
  return { data, count, dim: features.dim };
}

/** Checks a label array against its feature matrix: one non-negative integer per row. */
function checkLabels(labels: ArrayLike<number>, rows: number, name: string, owner: string): Int32Array {
  if (labels === null || typeof labels !== 'object' || typeof labels.length !== 'number') {
    throw new ConfigError(`${owner}: '${name}' must be an array of class ids, one per sample, received ${describeValue(labels)}.`);
  }
  if (labels.length !== rows) {
    throw new ConfigError(`${owner}: '${name}' must hold one class id per sample (${rows}), received ${labels.length}.`);
  }
  for (let i = 0; i < labels.length; i++) {
    if (!Number.isInteger(labels[i]) || labels[i] < 0) {
      throw new ConfigError(`${owner}: '${name}[${i}]' must be a class id (an integer >= 0), received ${describeValue(labels[i])}.`);
    }
  }
  return Int32Array.from(labels);
}

/** The mean of the values of the classes present (a class without samples is NaN). */
export function meanOfPresent(values: readonly number[]): number {
  const present = values.filter((v) => !Number.isNaN(v));
  return present.reduce((sum, v) => sum + v, 0) / present.length;
}

/** Precision and recall within each class: {@link intraPrecisionRecallFromFeatures}. */
export interface IntraClassPrecisionRecall {
  /** Each class's precision (the share of its fake samples inside its real manifold) and their mean. */
  readonly precision: IntraClassDistance;
  /** Each class's recall (the share of its real samples inside its fake manifold) and their mean. */
  readonly recall: IntraClassDistance;
}

/**
 * Splits both sets by class and applies `distance` within each class.
 * @throws ConfigError when a class present in one set has fewer than `minCount` samples in either.
 */
function perClass(
  realFeatures: FeaturesLike,
  realLabels: ArrayLike<number>,
  fakeFeatures: FeaturesLike,
  fakeLabels: ArrayLike<number>,
  owner: string,
  distance: (real: FeatureMatrix, fake: FeatureMatrix) => { value: number; std?: number },
  minCount = 2,
): IntraClassDistance {
  const real = toFeatureMatrix(realFeatures, 'realFeatures', owner);
  const fake = toFeatureMatrix(fakeFeatures, 'fakeFeatures', owner);
  if (real.dim !== fake.dim) {
    throw new ConfigError(`${owner}: the two sets must have features of one dimension, received ${real.dim} and ${fake.dim}.`);
  }
  const realIds = checkLabels(realLabels, real.count, 'realLabels', owner);
  const fakeIds = checkLabels(fakeLabels, fake.count, 'fakeLabels', owner);
  let numClasses = 0;
  for (const id of realIds) numClasses = Math.max(numClasses, id + 1);
  for (const id of fakeIds) numClasses = Math.max(numClasses, id + 1);
  const realCounts = new Array<number>(numClasses).fill(0);
  const fakeCounts = new Array<number>(numClasses).fill(0);
  for (const id of realIds) realCounts[id]++;
  for (const id of fakeIds) fakeCounts[id]++;
  const values = new Array<number>(numClasses).fill(Number.NaN);
  const stds = new Array<number>(numClasses).fill(Number.NaN);
  let hasStd = false;
  for (let c = 0; c < numClasses; c++) {
    if (realCounts[c] === 0 && fakeCounts[c] === 0) continue;
    if (realCounts[c] < minCount || fakeCounts[c] < minCount) {
      throw new ConfigError(
        `${owner}: every class needs at least ${minCount} real and ${minCount} fake samples, but class ${c} has ${realCounts[c]} real and ${fakeCounts[c]} fake; ` +
          'draw more samples, or give the fake samples only the classes the real data has.',
      );
    }
    const { value, std } = distance(rowsOf(real, realIds, c, realCounts[c]), rowsOf(fake, fakeIds, c, fakeCounts[c]));
    values[c] = value;
    if (std !== undefined) {
      stds[c] = std;
      hasStd = true;
    }
  }
  if (values.every((v) => Number.isNaN(v))) throw new ConfigError(`${owner}: the sets hold no samples.`);
  return {
    mean: meanOfPresent(values),
    perClass: values,
    ...(hasStd ? { perClassStd: stds } : {}),
    realCounts,
    fakeCounts,
  };
}

/**
 * Intra-class FID: the Fréchet distance between the real and the fake features of each class, and its
 * mean over the classes. Like FID it is biased upward at small counts (more so for a class of few
 * samples), so compare it only at the same counts per class; {@link intraKidFromFeatures} is unbiased.
 *
 * @param realFeatures - the real samples' features.
 * @param realLabels - the class id of each real sample.
 * @param fakeFeatures - the fake samples' features, of the same dimension.
 * @param fakeLabels - the class id each fake sample was generated as.
 * @returns the mean over classes, each class's FID, and the counts.
 * @throws ConfigError on labels that do not fit, different dimensions, or a class with fewer than 2
 *   real or 2 fake samples (a class in neither set is left out).
 * @example
 * ```ts
 * const { mean, perClass } = metrics.intraFidFromFeatures(real, realLabels, fake, fakeLabels);
 * ```
 */
export function intraFidFromFeatures(
  realFeatures: FeaturesLike,
  realLabels: ArrayLike<number>,
  fakeFeatures: FeaturesLike,
  fakeLabels: ArrayLike<number>,
): IntraClassDistance {
  return perClass(realFeatures, realLabels, fakeFeatures, fakeLabels, 'metrics.intraFidFromFeatures', (real, fake) => ({
    value: frechetDistance(gaussianStatistics(real), gaussianStatistics(fake)),
  }));
}

/**
 * Intra-class KID: KID (see `kidFromFeatures`) between the real and the fake features of each class,
 * and its mean over the classes. Unbiased, so it can be compared across counts, and the right one for
 * classes of few samples (each class's subsets hold at most as many vectors as its smaller set).
 *
 * @param realFeatures - the real samples' features.
 * @param realLabels - the class id of each real sample.
 * @param fakeFeatures - the fake samples' features, of the same dimension.
 * @param fakeLabels - the class id each fake sample was generated as.
 * @param options - KID's subsets, subset size and seed (the same for every class).
 * @returns the mean over classes, each class's KID and its std over subsets, and the counts.
 * @throws ConfigError as {@link intraFidFromFeatures}, or on bad KID options.
 * @example
 * ```ts
 * const { mean, perClass } = metrics.intraKidFromFeatures(real, realLabels, fake, fakeLabels, { subsets: 50 });
 * ```
 */
export function intraKidFromFeatures(
  realFeatures: FeaturesLike,
  realLabels: ArrayLike<number>,
  fakeFeatures: FeaturesLike,
  fakeLabels: ArrayLike<number>,
  options: KidOptions = {},
): IntraClassDistance {
  return perClass(realFeatures, realLabels, fakeFeatures, fakeLabels, 'metrics.intraKidFromFeatures', (real, fake) => {
    const { mean, std } = kidFromFeatures(real, fake, options);
    return { value: mean, std };
  });
}

/**
 * Precision and recall within each class (see `precisionRecallFromFeatures`): each class's fake samples
 * against the manifold of that class's real samples, and the reverse, with their means over the classes.
 * Where intra-class FID and KID compare the first two moments of a class's features, precision counts
 * the samples that fall near any real sample of their class, so a class drawn as plausible-coloured
 * blobs scores low even when its feature statistics match. Precision is a share of the fake samples, so
 * it compares across sample counts; recall grows with the fake samples' count.
 *
 * @param realFeatures - the real samples' features.
 * @param realLabels - the class id of each real sample.
 * @param fakeFeatures - the fake samples' features, of the same dimension.
 * @param fakeLabels - the class id each fake sample was generated as.
 * @param options - `k`, the neighbour rank of every ball (default 3).
 * @returns each class's precision and recall (NaN for a class in neither set) and their means.
 * @throws ConfigError as {@link intraFidFromFeatures}, on a bad `k`, or when a class present in either
 *   set has `k` or fewer real or fake samples.
 * @example
 * ```ts
 * const { precision, recall } = metrics.intraPrecisionRecallFromFeatures(real, realLabels, fake, fakeLabels);
 * precision.mean; precision.perClass[3];
 * ```
 */
export function intraPrecisionRecallFromFeatures(
  realFeatures: FeaturesLike,
  realLabels: ArrayLike<number>,
  fakeFeatures: FeaturesLike,
  fakeLabels: ArrayLike<number>,
  options: ManifoldOptions = {},
): IntraClassPrecisionRecall {
  const owner = 'metrics.intraPrecisionRecallFromFeatures';
  const k = options.k ?? MANIFOLD_DEFAULTS.precisionRecallK;
  checkInt(k, 'k', owner, 1);
  // One pass: the classes are visited in order, so the recalls line up with the precisions' classes.
  const recalls: number[] = [];
  const precision = perClass(
    realFeatures,
    realLabels,
    fakeFeatures,
    fakeLabels,
    owner,
    (real, fake) => {
      const result = precisionRecallFromFeatures(real, fake, { k });
      recalls.push(result.recall);
      return { value: result.precision };
    },
    k + 1,
  );
  let next = 0;
  const recallPerClass = precision.perClass.map((p) => (Number.isNaN(p) ? Number.NaN : recalls[next++]));
  return {
    precision,
    recall: {
      mean: meanOfPresent(recallPerClass),
      perClass: recallPerClass,
      realCounts: precision.realCounts,
      fakeCounts: precision.fakeCounts,
    },
  };
}
