/**
 * How sharply an emoji feature extractor separates real emoji from degraded ones and from generators,
 * overall and within each category, against the held-out floor (docs/recipes.md, session 26):
 *
 *   npx tsx scripts/emoji-extractor-check.ts [--extractor shipped|path/to/emoji.ts] [--generators pretrained,runs/x/best] [--seed 7]
 *
 * --extractor: the shipped emoji extractor (default) or a module written by
 * `scripts/train-emoji-extractor.ts --out-dir DIR` (DIR/emoji.ts). --generators: a comma-separated list
 * of `pretrained` (`Generator.pretrained('emoji64')`) and directories saved by `Trainer.save` (their
 * sampling generator); default `pretrained`. --seed: the generators' sample seed (default 7).
 *
 * Prints JSON lines: the floor (FID and intra-class KID (unscaled) of the first 600 held-out emoji against the
 * 3,163 training emoji), the held-out emoji blurred (Gaussian, sigma 1, 2 and 4 px; white border),
 * the held-out emoji with every label moved to the next category (intra-class scores only), and each
 * generator: FID of 600 samples in the training emoji's class proportions, intra-class KID of 600
 * drawn equally often per category. Beside the intra-class KID, each category's precision and density
 * (Kynkäänniemi et al. 2019, Naeem et al. 2020: how many of the samples of a category fall inside the
 * k-NN balls of that category's training emoji; per sample, so held-out categories of 9 to 416 emoji
 * compare with 66 samples) and their means over the categories. A generator of the 98 subcategories
 * (`labels: 'subcategory'`) draws each sample with the subcategory of a training emoji of the sample's
 * category (the same spread), and is scored by the category.
 */
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../src/backend/index.js';
import { EMOJI_CATEGORIES } from '../src/data/emoji-catalog.js';
import { EMOJI_SUBCATEGORIES, EMOJI_SUBCATEGORY_CATEGORY_IDS } from '../src/data/emoji-subcategories.js';
import { extractorSplit } from '../src/metrics/extractor-data.js';
import { type ShippedFeatureExtractor, emoji as shippedEmoji, loadShippedExtractor } from '../src/metrics/feature-extractor.js';
import { fidFromFeatures } from '../src/metrics/frechet-distance.js';
import { intraKidFromFeatures, intraPrecisionRecallFromFeatures } from '../src/metrics/intra-class.js';
import { densityCoverageFromFeatures } from '../src/metrics/manifold.js';
import { loadEmojiGenerator } from './emoji-generators.js';
import { importExtractorModule } from './extractor-module.js';
import { scriptFlags, seedFlag } from './script-flags.js';

const raw = scriptFlags('scripts/emoji-extractor-check.ts', ['extractor', 'generators', 'seed', 'threads']);
const which = raw.extractor ?? 'shipped';
const generators = (raw.generators ?? 'pretrained').split(',').filter((g) => g !== '');
const seed = seedFlag(raw.seed ?? '7');
const COUNT = 600;
const CATEGORIES = EMOJI_CATEGORIES.length;

await useBackend('wasm', { threads: Number(raw.threads ?? 1) });
const extractor: ShippedFeatureExtractor =
  which === 'shipped'
    ? await shippedEmoji()
    : await loadShippedExtractor(await importExtractorModule(which, '--extractor'));
console.log(JSON.stringify({ extractor: extractor.record.id, testAccuracy: extractor.record.testAccuracy, testBalancedAccuracy: extractor.record['testBalancedAccuracy'] }));

// Labelled by subcategory (a subcategory generator asks for them), the categories derived from them.
const train = await extractorSplit('emoji', 'train', { labels: 'subcategory' });
const test = await extractorSplit('emoji', 'test', { count: COUNT });
const trainSubcategories = Array.from(await train.labels!.data());
const trainLabels = trainSubcategories.map((subcategory) => EMOJI_SUBCATEGORY_CATEGORY_IDS[subcategory]);
const testLabels = Array.from(await test.labels!.data());
const featuresOf = (images: tf.Tensor): number[][] => {
  const features = extractor.extract(images);
  const rows = features.arraySync();
  features.dispose();
  return rows;
};
const trainFeatures = featuresOf(train.images);
const round = (x: number): number => Number(x.toFixed(1));

/** The rows of `rows` whose label is `label`. */
const ofClass = (rows: number[][], labels: number[], label: number): number[][] => rows.filter((_, i) => labels[i] === label);
const mean = (values: number[]): number => values.reduce((a, b) => a + b, 0) / values.length;
const round2 = (x: number): number => Number(x.toFixed(2));

/**
 * Intra-class KID (unscaled) of `features` (labelled `labels`) against the training emoji, and each
 * category's precision and density against that category's training emoji.
 */
function withinCategories(features: number[][], labels: number[]): Record<string, number | number[]> {
  const k = intraKidFromFeatures(trainFeatures, trainLabels, features, labels, { seed: 1 });
  const { precision } = intraPrecisionRecallFromFeatures(trainFeatures, trainLabels, features, labels);
  const density = Array.from({ length: CATEGORIES }, (_, c) => densityCoverageFromFeatures(ofClass(trainFeatures, trainLabels, c), ofClass(features, labels, c)).density);
  return {
    intraKid: round(k.mean),
    perClass: k.perClass.map(round),
    precision: round2(precision.mean),
    perClassPrecision: precision.perClass.map(round2),
    density: round2(mean(density)),
    perClassDensity: density.map(round2),
  };
}

/** A Gaussian blur of NHWC images in [-1, 1], the border padded with white. */
function blur(images: tf.Tensor4D, sigma: number): tf.Tensor4D {
  return tf.tidy(() => {
    const radius = Math.ceil(3 * sigma);
    const weights = Array.from({ length: 2 * radius + 1 }, (_, i) => Math.exp(-((i - radius) ** 2) / (2 * sigma * sigma)));
    const sum = weights.reduce((a, b) => a + b, 0);
    const kernel = tf.tensor1d(weights.map((w) => w / sum));
    const horizontal = tf.tile(kernel.reshape([1, 2 * radius + 1, 1, 1]), [1, 1, 3, 1]) as tf.Tensor4D;
    const vertical = tf.tile(kernel.reshape([2 * radius + 1, 1, 1, 1]), [1, 1, 3, 1]) as tf.Tensor4D;
    const padded = tf.pad(images, [[0, 0], [radius, radius], [radius, radius], [0, 0]], 1);
    return tf.depthwiseConv2d(tf.depthwiseConv2d(padded, horizontal, 1, 'valid'), vertical, 1, 'valid');
  });
}

const testFeatures = featuresOf(test.images);
const floorFid = fidFromFeatures(trainFeatures, testFeatures);
console.log(JSON.stringify({ name: 'floor (held-out)', fid: round(floorFid), ...withinCategories(testFeatures, testLabels) }));
for (const sigma of [1, 2, 4]) {
  const blurred = blur(test.images as tf.Tensor4D, sigma);
  const features = featuresOf(blurred);
  blurred.dispose();
  const fid = fidFromFeatures(trainFeatures, features);
  console.log(JSON.stringify({ name: `held-out blurred, sigma ${sigma}`, fid: round(fid), fidRatio: Number((fid / floorFid).toFixed(2)), ...withinCategories(features, testLabels) }));
}
console.log(JSON.stringify({ name: 'held-out, each label the next category', ...withinCategories(testFeatures, testLabels.map((label) => (label + 1) % CATEGORIES)) }));

const balanced = Array.from({ length: COUNT }, (_, i) => i % CATEGORIES);
// The training emoji drawn evenly through the split, one per sample: their categories, and for a
// subcategory generator the same draws' subcategories.
const drawn = Array.from({ length: COUNT }, (_, i) => Math.floor((i * trainLabels.length) / COUNT));
const proportional = drawn.map((j) => trainLabels[j]);
const proportionalSub = drawn.map((j) => trainSubcategories[j]);
const subcategoriesOf = Array.from({ length: CATEGORIES }, (_, c) => trainSubcategories.filter((_, j) => trainLabels[j] === c));
const perCategory = Array.from({ length: CATEGORIES }, (_, c) => balanced.filter((label) => label === c).length);
const balancedSub = balanced.map((c, i) => subcategoriesOf[c][Math.floor((Math.floor(i / CATEGORIES) * subcategoriesOf[c].length) / perCategory[c])]);
for (const name of generators) {
  const generator = await loadEmojiGenerator(name);
  const bySubcategory = generator.numClasses === EMOJI_SUBCATEGORIES.length;
  if (!bySubcategory && generator.numClasses !== CATEGORIES) throw new Error(`${name}: a generator of ${generator.numClasses} classes; expected ${CATEGORIES} or ${EMOJI_SUBCATEGORIES.length}`);
  const samples = generator.sample({ count: COUNT, labels: bySubcategory ? proportionalSub : proportional, seed });
  const fid = fidFromFeatures(trainFeatures, featuresOf(samples));
  samples.dispose();
  const even = generator.sample({ count: COUNT, labels: bySubcategory ? balancedSub : balanced, seed });
  const evenFeatures = featuresOf(even);
  even.dispose();
  console.log(JSON.stringify({ name, seed, fid: round(fid), fidRatio: Number((fid / floorFid).toFixed(2)), ...withinCategories(evenFeatures, balanced) }));
}
train.dispose();
test.dispose();
extractor.dispose();
