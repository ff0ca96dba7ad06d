/**
 * How a recipe's generator is scored: with the library's own metrics, against real data the generator
 * did not train on, next to the score of that held-out real data itself (the floor no generator can be
 * expected to beat).
 *
 * - MNIST: reference = the extractor's 8,000 training digits (the recipe's training data); 2,000
 *   generated samples; the floor is the FID of the 2,000 held-out digits.
 * - Fashion-MNIST: reference = the first 10,000 training images; 5,000 samples; the floor is the FID of
 *   the first 5,000 test images.
 * - emoji: reference = `datasets.emoji({ split: 'train' })` (3,163 images, 64x64 RGB); 600 samples, their
 *   classes in the reference's proportions; the floor is the FID of 600 of the 618 held-out emoji.
 * - ring: the 8-Gaussian ring's mode coverage and FID of the points themselves; the floor is a fresh draw.
 *
 * With `intraClass: true`, conditional generators are also scored within each class (intra-class FID
 * and KID) on a draw of every class equally often, beside the held-out samples' own intra-class KID
 * when each class has at least 2 of them (the first 90 held-out emoji, say, are of two categories only).
 *
 * @packageDocumentation
 */
import type * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../data/dataset.js';
import { toy2d } from '../data/toy2d.js';
import { ConfigError, describeValue } from '../errors.js';
import { type EvaluateOptions, evaluate } from '../metrics/evaluate.js';
import { EMOJI_CATEGORIES } from '../data/emoji-catalog.js';
import { emojiCategoryIds } from '../data/emoji-classes.js';
import { EMOJI_SUBCATEGORIES, type EmojiLabels } from '../data/emoji-subcategories.js';
import { checkDatasetLabels } from '../data/dataset-registry.js';
import { extractorSplit } from '../metrics/extractor-data.js';
import { forDataset } from '../metrics/feature-extractor.js';
import { meanOfPresent } from '../metrics/intra-class.js';
import { MANIFOLD_DEFAULTS } from '../metrics/manifold.js';
import { Generator } from '../nets/generator.js';
import { checkBoolean, checkNumber, checkOneOf, checkOptions, checkPositiveInt } from '../util/validate.js';
import { RECIPE_DATASETS, type RecipeDataset } from './recipe-config.js';

/** A generator's scores against held-out real data, beside the held-out data's own. */
export interface HeldOutScore {
  /** The dataset scored against. */
  readonly dataset: RecipeDataset;
  /** FID of the generator's samples against the reference set. */
  readonly fid: number;
  /** FID of as many held-out real samples against the same reference: the floor. */
  readonly floorFid: number;
  /** `fid / floorFid`: 1 is as close to the data as fresh real data. */
  readonly fidRatio: number;
  /**
   * Conditional generators on MNIST, Fashion-MNIST and emoji: the share of samples that the shipped
   * extractor classifies as the class they were generated for.
   */
  readonly classAccuracy?: number;
  /** The class accuracy of each class, by class id. */
  readonly perClassAccuracy?: readonly number[];
  /** The shipped extractor's own accuracy on the held-out real data: the classifier's ceiling. */
  readonly extractorAccuracy?: number;
  /**
   * Conditional generators: the class accuracy of `count` samples drawn in equal numbers for every class
   * (sample i of class `i % numClasses`), averaged over the classifier's classes. Unlike
   * {@link classAccuracy}, where the data's common classes dominate (People & Body is 58% of the emoji),
   * a class drawn like another scores low here however rare it is. Compare it with
   * {@link extractorBalancedAccuracy}.
   */
  readonly balancedClassAccuracy?: number;
  /** The class accuracy of each of the classifier's classes in those equal draws, by class id. */
  readonly balancedPerClassAccuracy?: readonly number[];
  /**
   * The shipped extractor's accuracy on the held-out real samples of the floor, averaged over its
   * classes: the ceiling of {@link balancedClassAccuracy} (the classifier is weaker on rare classes).
   */
  readonly extractorBalancedAccuracy?: number;
  /** The shipped extractor's accuracy on those held-out real samples for each of its classes. */
  readonly extractorPerClassAccuracy?: readonly number[];
  /**
   * With `intraClass: true`, conditional generators (not emoji subcategories): intra-class FID, the
   * FID between the reference's and the samples' features of each class, averaged over the classes,
   * on the draw of every class equally often. It sees what {@link fid} misses (one picture per class, or the wrong class), but
   * like FID it grows as a class's samples get fewer: compare it between generators at one `count`.
   */
  readonly intraFid?: number;
  /** Intra-class KID, on the same draw as {@link intraFid}: unbiased, so it has a floor. */
  readonly intraKid?: number;
  /** The intra-class KID of each class, by class id. */
  readonly perClassIntraKid?: readonly number[];
  /** The intra-class KID of the held-out real samples of the floor: the floor of {@link intraKid}. */
  readonly floorIntraKid?: number;
  /**
   * The held-out real samples' KID of each class, by class id: the floor of {@link perClassIntraKid}
   * (noisy for a class of few held-out samples).
   */
  readonly floorPerClassIntraKid?: readonly number[];
  /**
   * With `intraClass: true`, on the draw of {@link intraFid}: the share of each class's samples inside
   * the k-NN balls (k = 3) of that class's reference samples, averaged over the classes. It sees a class
   * drawn as blobs whose feature statistics match (where {@link intraKid} nears its floor); unlike KID
   * it rewards blurred images, so read it beside them.
   */
  readonly intraPrecision?: number;
  /** The intra-class precision of each class, by class id. */
  readonly perClassIntraPrecision?: readonly number[];
  /**
   * The intra-class precision of the held-out real samples of the floor (when each class has at least
   * 4 of them): the level of real data (a generator's samples gathered in a class's dense middle can
   * score above it).
   */
  readonly floorIntraPrecision?: number;
  /** The held-out real samples' precision of each class, by class id. */
  readonly floorPerClassIntraPrecision?: readonly number[];
  /** ring: modes with high-quality samples (of 8). */
  readonly modes?: number;
  /** ring: the share of samples within 3 standard deviations of a mode. */
  readonly highQuality?: number;
  /** Samples generated. */
  readonly count: number;
  /** Real samples in the reference set. */
  readonly realCount: number;
  /** The extractor's id (`'samples'` for the 2-D points). */
  readonly extractor: string;
}

/** Options of {@link heldOutScore}. */
export interface HeldOutScoreOptions {
  /** Samples to generate. @defaultValue 2,000 for MNIST, 5,000 for Fashion-MNIST and ring */
  readonly count?: number;
  /** Seed of the latents and labels drawn. @defaultValue 7 */
  readonly seed?: number;
  /**
   * Emoji: what the generator's classes (or the given samples' labels) are: the 9 categories, the 98
   * subcategories (`datasets.emoji({ labels: 'subcategory' })`) or the categories with extra classes
   * (`{ extraClasses }`); subcategories and extra classes are sampled in the reference's proportions and
   * scored by the category classifier through their category.
   * @defaultValue `'subcategory'` for a generator with 98 classes, else `'category'`
   */
  readonly labels?: EmojiLabels;
  /**
   * Conditional generators (and labelled samples): also score within each class
   * ({@link HeldOutScore.intraFid}, `intraKid`, `intraPrecision` and their floors), on a draw of every class equally often. Off by default: it costs a few
   * seconds per score. @defaultValue false
   */
  readonly intraClass?: boolean;
  /**
   * Draw the generator's latents truncated at this many standard deviations (as `Generator.sample`),
   * to score the trade of fidelity for variety; for a generator only, not samples. @defaultValue none
   */
  readonly truncation?: number;
}

/** Samples made elsewhere (e.g. by another library) to score: images NHWC in [-1, 1] or 2-D points. */
export interface HeldOutSamples {
  /** The samples, `[N, 28, 28, 1]` for MNIST and Fashion-MNIST, `[N, 64, 64, 3]` for emoji, `[N, 2]` for the ring. */
  readonly samples: tf.Tensor;
  /** The class each sample was generated for (conditional samples: adds class accuracy). */
  readonly labels?: ArrayLike<number>;
}

/** The sample count of each dataset's protocol. */
export const HELD_OUT_COUNTS: Readonly<Record<RecipeDataset, number>> = Object.freeze({ mnist: 2000, 'fashion-mnist': 5000, emoji: 600, ring: 5000 });

/** The shape of one sample of each dataset's protocol. */
const SAMPLE_SHAPES: Readonly<Record<RecipeDataset, readonly number[]>> = Object.freeze({
  mnist: [28, 28, 1],
  'fashion-mnist': [28, 28, 1],
  emoji: [64, 64, 3],
  ring: [2],
});

/** The reference set of a dataset's protocol: what the generator trained on (the ring: a fixed draw). */
function referenceData(dataset: RecipeDataset, labels: EmojiLabels): Promise<Dataset> {
  if (dataset === 'ring') return toy2d('ring', { count: 10_000, seed: 1 });
  if (dataset === 'emoji') return extractorSplit('emoji', 'train', { labels });
  return dataset === 'fashion-mnist' ? extractorSplit('fashion-mnist', 'train', { count: 10_000 }) : extractorSplit(dataset, 'train');
}

/** The held-out real samples of a dataset's protocol (the ring: a fresh draw). */
function heldOutData(dataset: RecipeDataset, count: number): Promise<Dataset> {
  return dataset === 'ring' ? toy2d('ring', { count, seed: 2 }) : extractorSplit(dataset, 'test', { count });
}

/** What held-out real data scores: the floor of FID and, with a classifier, the ceiling of class accuracy. */
interface Floor {
  readonly fid: number;
  readonly perClass?: readonly number[];
  /** The intra-class KID of the held-out samples and of each class, when their classes are the reference's. */
  readonly intraKid?: { readonly mean: number; readonly perClass: readonly number[] };
  /** The intra-class precision of the held-out samples and of each class (at least 4 of each class). */
  readonly intraPrecision?: { readonly mean: number; readonly perClass: readonly number[] };
}

/**
 * The floors already computed, by dataset and count: the held-out data, the reference and the shipped
 * extractors are fixed, so a run scored every few hundred steps computes its floor once.
 */
const floors = new Map<string, Floor>();

/** The FID (and class accuracy) of `count` held-out samples against the reference (see {@link floors}). */
async function floorOf(
  dataset: RecipeDataset,
  count: number,
  labels: EmojiLabels,
  intraClass: boolean,
  common: Omit<EvaluateOptions, 'fake' | 'generator'>,
): Promise<Floor> {
  const key = `${dataset}:${count}:${JSON.stringify(labels)}:${intraClass}`;
  const known = floors.get(key);
  if (known !== undefined) return known;
  const heldOut = await heldOutData(dataset, count);
  try {
    const classify = common.features !== undefined && heldOut.labels !== undefined;
    const heldOutLabels = classify ? await (heldOut.labels as tf.Tensor1D).data() : undefined;
    // The held-out data is labelled by category: its intra-class KID is the floor for category classes.
    const numClasses = classify ? (await common.features!).numClasses : 0;
    const intra = intraClass && classify && labels === 'category' && someOfEachClass(heldOutLabels!, numClasses, 2);
    const precise = intra && someOfEachClass(heldOutLabels!, numClasses, PRECISION_PER_CLASS);
    const result = await evaluate({
      ...common,
      fake: heldOut,
      ...(heldOutLabels ? { labels: heldOutLabels } : {}),
      metrics: classify ? ['fid', 'class-accuracy', ...(intra ? (['intra-kid'] as const) : []), ...(precise ? (['intra-precision-recall'] as const) : [])] : ['fid'],
    });
    const floor: Floor = {
      fid: result.fid as number,
      ...(result.classAccuracy ? { perClass: result.classAccuracy.perClass } : {}),
      ...(result.intraKid ? { intraKid: { mean: result.intraKid.mean, perClass: result.intraKid.perClass } } : {}),
      ...(result.intraPrecisionRecall
        ? { intraPrecision: { mean: result.intraPrecisionRecall.precision.mean, perClass: result.intraPrecisionRecall.precision.perClass } }
        : {}),
    };
    floors.set(key, floor);
    return floor;
  } finally {
    heldOut.dispose();
  }
}

/**
 * Scores a generator against held-out real data with the library's metrics (see the module comment for
 * each dataset's protocol): FID, and the FID of the held-out data itself; for conditional generators the
 * class accuracy by the shipped extractor, in the data's class proportions and with every class drawn
 * equally often (beside the extractor's own accuracy on the held-out data); for the ring its mode coverage.
 *
 * @param dataset - `'mnist'`, `'fashion-mnist'`, `'emoji'` or `'ring'`: the data the generator was trained on.
 * @param source - the generator to score (sample the EMA generator: `trainer.samplingGenerator`), or
 *   samples made elsewhere with their labels (all of them are scored; `count` does not apply).
 * @param options - see {@link HeldOutScoreOptions}.
 * @returns the scores; see {@link HeldOutScore}.
 * @throws ConfigError for an unknown dataset, a generator whose samples do not fit it, or an emoji generator
 *   of other classes than the categories or subcategories given without the `labels` it was trained with.
 * @throws DataError when Fashion-MNIST is not installed (`apt-get install dataset-fashion-mnist`) or the
 *   emoji are not (`npm install emoji-datasource-twitter`).
 * @example
 * ```ts
 * const score = await recipes.heldOutScore('mnist', trainer.samplingGenerator);
 * score.fid; score.floorFid; score.classAccuracy;
 * ```
 */
export async function heldOutScore(dataset: RecipeDataset, source: Generator | HeldOutSamples, options?: HeldOutScoreOptions): Promise<HeldOutScore> {
  const owner = 'recipes.heldOutScore';
  checkOneOf(dataset, RECIPE_DATASETS, 'dataset', owner);
  const o = checkOptions(options, ['count', 'seed', 'labels', 'intraClass', 'truncation'], owner);
  const intraClass = o.intraClass === undefined ? false : checkBoolean(o.intraClass, 'intraClass', owner);
  const generator = source instanceof Generator ? source : undefined;
  const labels = emojiLabelsOf(dataset, generator, o.labels, owner);
  const given = generator === undefined ? checkSamples(source, owner) : undefined;
  if (o.truncation !== undefined && given !== undefined) {
    throw new ConfigError(`${owner}: 'truncation' applies to a generator's latents, received samples: truncate them where they are made.`);
  }
  const sampling = o.truncation === undefined ? {} : { truncation: checkNumber(o.truncation, 'truncation', owner, { min: 0, minExclusive: true }) };
  const count = given !== undefined ? given.samples.shape[0] : o.count === undefined ? HELD_OUT_COUNTS[dataset] : checkPositiveInt(o.count, 'count', owner);
  const expected = SAMPLE_SHAPES[dataset];
  const shape = generator !== undefined ? generator.outputShape : given!.samples.shape.slice(1);
  if (shape.join(',') !== expected.join(',')) {
    throw new ConfigError(`${owner}: samples for ${dataset} must have shape ${describeValue(expected)}, received ${generator ? 'a generator that makes' : 'samples of'} ${describeValue(shape)}.`);
  }
  const features = dataset === 'ring' ? undefined : await forDataset(dataset);
  const reference = await referenceData(dataset, labels);
  try {
    const common = { real: reference, realCount: reference.size, count, ...(features ? { features } : {}), seed: o.seed ?? 7 };
    const floor = await floorOf(dataset, count, labels, intraClass, common);
    const floorFid = floor.fid;
    const conditional = (generator !== undefined ? generator.numClasses > 0 : given!.labels !== undefined) && features !== undefined;
    // The emoji's classes are drawn in the data's proportions; every other generator's equally often.
    const proportional = dataset === 'emoji' && generator !== undefined && generator.conditional;
    // Subcategory and extra-class samples are read by the category classifier through their category.
    const byCategory = dataset !== 'emoji' || labels === 'category' ? {} : { classMap: emojiCategoryIds(reference.classNames ?? [], labels) };
    // Within each class, on the draw of every class equally often (98 subcategories are too few samples each).
    // A class of fewer than 2 samples has no within-class distance (precision: no more than its k): then that score is left out.
    const drawn = (least: number): boolean =>
      generator !== undefined
        ? count >= least * generator.numClasses
        : given!.labels !== undefined && features !== undefined && someOfEachClass(given!.labels, features.numClasses, least);
    const intra =
      intraClass && conditional && labels === 'category' && drawn(2)
        ? (['intra-fid', 'intra-kid', ...(drawn(PRECISION_PER_CLASS) ? (['intra-precision-recall'] as const) : [])] as const)
        : [];
    const result = await evaluate({
      ...common,
      ...(generator !== undefined
        ? { generator, ...sampling, ...(proportional ? { labels: await proportionalLabels(reference, count) } : {}) }
        : { fake: given!.samples, ...(given!.labels !== undefined ? { labels: given!.labels } : {}) }),
      metrics: dataset === 'ring' ? ['fid', 'mode-coverage'] : conditional ? ['fid', 'class-accuracy', ...(proportional ? [] : intra)] : ['fid'],
      ...(dataset === 'ring' ? { modes: 'ring' as const } : {}),
      ...byCategory,
    });
    const fid = result.fid as number;
    // Every class drawn equally often: how recognisable each class is. Other generators' draw above
    // already was; the emoji draw the same generator again.
    let balanced = generator !== undefined ? result.classAccuracy : undefined;
    let within = result;
    if (balanced !== undefined && proportional) {
      within = await evaluate({ ...common, generator: generator!, ...sampling, metrics: ['class-accuracy', ...intra], ...byCategory });
      balanced = within.classAccuracy;
    }
    return {
      dataset,
      fid,
      floorFid,
      fidRatio: fid / floorFid,
      ...(result.classAccuracy
        ? { classAccuracy: result.classAccuracy.accuracy, perClassAccuracy: result.classAccuracy.perClass, extractorAccuracy: features!.record.testAccuracy }
        : {}),
      ...(balanced ? { balancedClassAccuracy: meanOfPresent(balanced.perClass), balancedPerClassAccuracy: balanced.perClass } : {}),
      ...(result.classAccuracy && floor.perClass
        ? { extractorBalancedAccuracy: meanOfPresent(floor.perClass), extractorPerClassAccuracy: floor.perClass }
        : {}),
      ...(within.intraFid ? { intraFid: within.intraFid.mean } : {}),
      ...(within.intraKid ? { intraKid: within.intraKid.mean, perClassIntraKid: within.intraKid.perClass } : {}),
      ...(within.intraKid && floor.intraKid !== undefined ? { floorIntraKid: floor.intraKid.mean, floorPerClassIntraKid: floor.intraKid.perClass } : {}),
      ...(within.intraPrecisionRecall
        ? { intraPrecision: within.intraPrecisionRecall.precision.mean, perClassIntraPrecision: within.intraPrecisionRecall.precision.perClass }
        : {}),
      ...(within.intraPrecisionRecall && floor.intraPrecision !== undefined
        ? { floorIntraPrecision: floor.intraPrecision.mean, floorPerClassIntraPrecision: floor.intraPrecision.perClass }
        : {}),
      ...(result.modeCoverage ? { modes: result.modeCoverage.modesCovered, highQuality: result.modeCoverage.highQualityFraction } : {}),
      count,
      realCount: reference.size,
      extractor: result.extractor,
    };
  } finally {
    reference.dispose();
  }
}

/** The samples of each class that precision within a class needs: more than its k. */
const PRECISION_PER_CLASS = MANIFOLD_DEFAULTS.precisionRecallK + 1;

/** Whether each of the `numClasses` classes has at least `least` samples among `labels`. */
function someOfEachClass(labels: ArrayLike<number>, numClasses: number, least: number): boolean {
  const counts = new Array<number>(numClasses).fill(0);
  for (let i = 0; i < labels.length; i++) counts[labels[i]] = (counts[labels[i]] ?? 0) + 1;
  return counts.length === numClasses && counts.every((n) => n >= least);
}

/** The emoji labels a score uses: the option, else what the generator's class count says. */
function emojiLabelsOf(dataset: RecipeDataset, generator: Generator | undefined, given: unknown, owner: string): EmojiLabels {
  if (given !== undefined) {
    checkDatasetLabels(dataset, given, owner);
    const labels = given as EmojiLabels;
    if (generator !== undefined && generator.numClasses > 0) {
      const expected = labels === 'category' ? EMOJI_CATEGORIES.length : labels === 'subcategory' ? EMOJI_SUBCATEGORIES.length : EMOJI_CATEGORIES.length + labels.extraClasses.length;
      if (generator.numClasses !== expected) {
        throw new ConfigError(`${owner}: labels ${describeValue(labels)} need a generator of ${expected} classes, received one of ${generator.numClasses}.`);
      }
    }
    return labels;
  }
  const classes = generator?.numClasses ?? 0;
  if (dataset === 'emoji' && classes > 0 && classes !== EMOJI_CATEGORIES.length && classes !== EMOJI_SUBCATEGORIES.length) {
    throw new ConfigError(
      `${owner}: a generator of ${classes} emoji classes is neither of the 9 categories nor of the 98 subcategories; give 'labels', the { extraClasses } it was trained with.`,
    );
  }
  return dataset === 'emoji' && classes === EMOJI_SUBCATEGORIES.length ? 'subcategory' : 'category';
}

/**
 * `count` class ids in the reference's class proportions (sample i takes the label of reference sample
 * `floor(i * N / count)`): the emoji classes are far from balanced (People & Body holds over half), so
 * class-balanced samples would be scored as a distribution the data does not have.
 */
async function proportionalLabels(reference: Dataset, count: number): Promise<Int32Array> {
  const labels = (await (reference.labels as tf.Tensor1D).data()) as Int32Array;
  const sorted = Int32Array.from(labels).sort();
  return Int32Array.from({ length: count }, (_, i) => sorted[Math.floor((i * sorted.length) / count)]);
}

function checkSamples(source: unknown, owner: string): HeldOutSamples {
  const given = source as Partial<HeldOutSamples> | null;
  if (given === null || typeof given !== 'object' || given.samples === undefined || typeof (given.samples as tf.Tensor).shape !== 'object') {
    throw new ConfigError(`${owner}: 'source' must be a Generator or { samples, labels? } with samples a tensor, received ${describeValue(source)}.`);
  }
  const n = given.samples.shape[0];
  if (given.labels !== undefined && given.labels.length !== n) {
    throw new ConfigError(`${owner}: 'labels' must have one label per sample (${n}), received ${given.labels.length}.`);
  }
  return given as HeldOutSamples;
}
