/**
 * Trains the colour CNN classifier that tfjs-gan ships as the feature extractor of the Twitter emoji
 * (`datasets.emoji`, 64x64 RGB, 9 categories) and writes it into the package as a generated module:
 * `src/extractors/emoji.ts` (topology and base64 weights) and `src/extractors/emoji.json`
 * (the training record: seed, data, epochs, held-out accuracy, size).
 *
 *   npx tsx scripts/train-emoji-extractor.ts
 *
 * Flags: --epochs, --seed, --batch-size, --learning-rate, --width, --feature-dim (units of the
 * 'features' layer), --subcategory-weight (a second head on the features learns the 98 subcategories,
 * its cross-entropy weighted by this, beside the 9 categories; 0: none), --exemplar-weight (a head
 * that learns which training image each augmented view is: 3,163 classes, one per image, as in exemplar
 * CNNs, Dosovitskiy et al. 2014, arXiv:1406.6909; with both weights set, both heads train), --quantization auto | float32 |
 * float16 | uint8 (auto: the smallest whose held-out accuracy is within 0.5 points of float32), --out-dir,
 * --colour-augment P (0 to 1, default 0: each training view, with probability P, has its colour
 * channels permuted (one of the 5 other orders) or turned to grey (the mean of the three), each of the
 * six equally likely, white staying white: features that tell pictures apart by colour alone no longer
 * suffice, as colour distortion does for SimCLR, Chen et al. 2020, arXiv:2002.05709).
 * The shipped model is the categories' classifier only (the other heads are not shipped): what a
 * second head changes is what the features see (a category's features must tell its subcategories
 * apart, e.g. the animal faces from the plants in Animals & Nature; the exemplar head, every picture).
 *
 * The defaults (72 epochs, --exemplar-weight 1) make the extractor shipped since session 28, whose
 * FID ranks emoji generators closer to a blind count of their grids (docs/recipes.md, "Counted blind");
 * `--epochs 24 --exemplar-weight 0` makes the categories-only extractor shipped before it
 * (its record: docs/results/emoji-extractor-category.json).
 *
 * Data: the emoji of `datasets.emoji({ split: 'train' })` (3,163 images with their skin-tone variants);
 * held-out accuracy on `split: 'test'` (618 images of emoji whose base no training image shares). Runs
 * on the wasm backend, deterministic for a given seed.
 */
import * as tf from '@tensorflow/tfjs';
import { mkdir, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { useBackend } from '../src/backend/index.js';
import { emoji } from '../src/data/emoji.js';
import { EMOJI_CATEGORIES } from '../src/data/emoji-catalog.js';
import { EMOJI_SUBCATEGORIES, EMOJI_SUBCATEGORY_CATEGORY_IDS } from '../src/data/emoji-subcategories.js';
import { type WeightQuantization, embeddedWeightBytes } from '../src/util/embedded-model.js';
import type { SeededRandom } from '../src/util/random.js';
import { chooseQuantization, moduleText, trainClassifier } from './extractor-module.js';
import { scriptFlags } from './script-flags.js';

const SIZE = 64;
const PIXELS = SIZE * SIZE * 3;
const CLASSES = EMOJI_CATEGORIES.length;

const raw = scriptFlags('scripts/train-emoji-extractor.ts', ['epochs', 'seed', 'batch-size', 'learning-rate', 'width', 'feature-dim', 'subcategory-weight', 'exemplar-weight', 'colour-augment', 'quantization', 'out-dir']);
const settings = {
  epochs: Number(raw.epochs ?? 72),
  seed: Number(raw.seed ?? 7),
  batchSize: Number(raw['batch-size'] ?? 64),
  learningRate: Number(raw['learning-rate'] ?? 2e-3),
  width: Number(raw.width ?? 16),
  featureDim: Number(raw['feature-dim'] ?? 128),
  subcategoryWeight: Number(raw['subcategory-weight'] ?? 0),
  // Asking for the subcategory head alone turns the default exemplar head off; set both for both.
  exemplarWeight: Number(raw['exemplar-weight'] ?? (Number(raw['subcategory-weight'] ?? 0) > 0 ? 0 : 1)),
  colourAugment: Number(raw['colour-augment'] ?? 0),
  quantization: (raw.quantization ?? 'auto') as WeightQuantization | 'auto',
  outDir: raw['out-dir'] ?? 'src/extractors',
};

/**
 * Four 3x3 conv + ReLU + 2x2 max-pool blocks (width, 2, 4 and 8 times width filters), a ReLU layer of
 * `featureDim` units named 'features', dropout, and 9 class logits; with more heads (`heads`), the
 * model that trains also has their logits (on the same dropout output) as its next outputs, in order.
 * @returns the shipped classifier and the model that trains (the same one without more heads).
 */
function buildExtractor(
  seed: number,
  width: number,
  featureDim: number,
  heads: readonly { readonly name: string; readonly units: number }[],
): { model: tf.LayersModel; training: tf.LayersModel } {
  let s = seed;
  const init = () => tf.initializers.heNormal({ seed: s++ });
  const input = tf.input({ shape: [SIZE, SIZE, 3], name: 'image' });
  let x: tf.SymbolicTensor = input;
  [width, 2 * width, 4 * width, 8 * width].forEach((filters, i) => {
    x = tf.layers.conv2d({ filters, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: init(), name: `conv${i + 1}` }).apply(x) as tf.SymbolicTensor;
    x = tf.layers.maxPooling2d({ poolSize: 2, name: `pool${i + 1}` }).apply(x) as tf.SymbolicTensor;
  });
  x = tf.layers.flatten({ name: 'flatten' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.dense({ units: featureDim, activation: 'relu', kernelInitializer: init(), name: 'features' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.dropout({ rate: 0.3, seed: s++, name: 'dropout' }).apply(x) as tf.SymbolicTensor;
  const logits = tf.layers.dense({ units: CLASSES, kernelInitializer: init(), name: 'logits' }).apply(x) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: logits, name: 'extractor' });
  if (heads.length === 0) return { model, training: model };
  const more = heads.map((head) => tf.layers.dense({ units: head.units, kernelInitializer: init(), name: head.name }).apply(x) as tf.SymbolicTensor);
  return { model, training: tf.model({ inputs: input, outputs: [logits, ...more], name: 'extractor_training' }) };
}

if (!(settings.colourAugment >= 0 && settings.colourAugment <= 1)) {
  throw new Error(`scripts/train-emoji-extractor.ts: --colour-augment must be a probability in [0, 1], received ${raw['colour-augment']}`);
}

/** The five channel orders other than RGB; index 5 of a colour draw is grey. */
const PERMUTATIONS = [
  [0, 2, 1],
  [1, 0, 2],
  [1, 2, 0],
  [2, 0, 1],
  [2, 1, 0],
] as const;

/** Turns one view's colours in place: a channel order of PERMUTATIONS, or grey for index 5. */
function recolour(out: Float32Array, dst: number, kind: number): void {
  const order = kind === 5 ? undefined : PERMUTATIONS[kind];
  const rgb = new Float32Array(3);
  for (let p = dst; p < dst + PIXELS; p += 3) {
    for (let c = 0; c < 3; c++) rgb[c] = out[p + c];
    for (let c = 0; c < 3; c++) out[p + c] = order === undefined ? (rgb[0] + rgb[1] + rgb[2]) / 3 : rgb[order[c]];
  }
}

/**
 * A random horizontal flip and an integer shift of up to 4 px each way, the uncovered border white (1);
 * with --colour-augment, the colour change above (no extra draws without it, so the default is unchanged).
 */
function augmentBatch(pixels: Float32Array, indices: Int32Array, out: Float32Array, random: SeededRandom): void {
  for (let b = 0; b < indices.length; b++) {
    const src = indices[b] * PIXELS;
    const dst = b * PIXELS;
    const flip = random.next() < 0.5;
    const ty = random.nextInt(9) - 4;
    const tx = random.nextInt(9) - 4;
    const colour = settings.colourAugment > 0 && random.next() < settings.colourAugment ? random.nextInt(6) : -1;
    for (let y = 0; y < SIZE; y++) {
      for (let x = 0; x < SIZE; x++) {
        const sy = y - ty;
        const sx0 = x - tx;
        const sx = flip ? SIZE - 1 - sx0 : sx0;
        const inside = sy >= 0 && sy < SIZE && sx >= 0 && sx < SIZE;
        for (let c = 0; c < 3; c++) out[dst + (y * SIZE + x) * 3 + c] = inside ? pixels[src + (sy * SIZE + sx) * 3 + c] : 1;
      }
    }
    if (colour >= 0) recolour(out, dst, colour);
  }
}

/** Accuracy, and the mean of the per-class accuracies (the classes are far from balanced). */
async function accuracy(model: tf.LayersModel, pixels: Float32Array, labels: Int32Array): Promise<{ accuracy: number; balanced: number }> {
  const correct = new Array<number>(CLASSES).fill(0);
  const total = new Array<number>(CLASSES).fill(0);
  for (let start = 0; start < labels.length; start += 256) {
    const size = Math.min(256, labels.length - start);
    const predicted = tf.tidy(() => tf.argMax(model.predict(tf.tensor4d(pixels.subarray(start * PIXELS, (start + size) * PIXELS), [size, SIZE, SIZE, 3])) as tf.Tensor, 1));
    const ids = await predicted.data();
    predicted.dispose();
    for (let i = 0; i < size; i++) {
      total[labels[start + i]]++;
      if (ids[i] === labels[start + i]) correct[labels[start + i]]++;
    }
  }
  const present = total.map((t, c) => (t > 0 ? correct[c] / t : undefined)).filter((a): a is number => a !== undefined);
  return { accuracy: correct.reduce((a, b) => a + b, 0) / labels.length, balanced: present.reduce((a, b) => a + b, 0) / present.length };
}

const backend = await useBackend('wasm');
// Labelled by subcategory (every emoji of the package has one), the categories derived from them.
const train = await emoji({ split: 'train', labels: 'subcategory' });
const test = await emoji({ split: 'test', labels: 'subcategory' });
const toCategories = (subcategories: Int32Array): Int32Array => Int32Array.from(subcategories, (s) => EMOJI_SUBCATEGORY_CATEGORY_IDS[s]);
const trainPixels = (await train.images.data()) as Float32Array;
const trainSubcategories = (await train.labels!.data()) as Int32Array;
const trainLabels = toCategories(trainSubcategories);
const testPixels = (await test.images.data()) as Float32Array;
const testLabels = toCategories((await test.labels!.data()) as Int32Array);
train.dispose();
test.dispose();
console.log(`emoji: train ${trainLabels.length}, test ${testLabels.length}; ${JSON.stringify(settings)}`);

// The other heads' labels: each training image's subcategory, and its own index (an exemplar class per image).
const auxiliaries = [
  ...(settings.subcategoryWeight > 0 ? [{ name: 'subcategory_logits', labels: trainSubcategories, numClasses: EMOJI_SUBCATEGORIES.length, weight: settings.subcategoryWeight }] : []),
  ...(settings.exemplarWeight > 0 ? [{ name: 'exemplar_logits', labels: Int32Array.from(trainLabels, (_, i) => i), numClasses: trainLabels.length, weight: settings.exemplarWeight }] : []),
];
const { model, training } = buildExtractor(
  settings.seed,
  settings.width,
  settings.featureDim,
  auxiliaries.map((head) => ({ name: head.name, units: head.numClasses })),
);
const { batchSize, epochs } = settings;
const history: { epoch: number; loss: number; testAccuracy: number; testBalancedAccuracy: number; seconds: number }[] = [];
const started = performance.now();
await trainClassifier(training, {
  ...settings,
  labels: trainLabels,
  auxiliaries,
  sampleShape: [SIZE, SIZE, 3],
  numClasses: CLASSES,
  fillBatch: (indices, batch, random) => augmentBatch(trainPixels, indices, batch, random),
  afterEpoch: async (epoch, loss, seconds) => {
    const scores = await accuracy(model, testPixels, testLabels);
    history.push({ epoch, loss, testAccuracy: scores.accuracy, testBalancedAccuracy: scores.balanced, seconds });
    console.log(
      `epoch ${epoch}/${epochs}: loss ${loss.toFixed(4)}, held-out accuracy ${(scores.accuracy * 100).toFixed(2)}% ` +
        `(balanced ${(scores.balanced * 100).toFixed(2)}%) (${seconds.toFixed(0)} s)`,
    );
  },
});
const { quantization, embedded, scores: byQuantization, float32 } = await chooseQuantization(
  model,
  (m) => accuracy(m, testPixels, testLabels),
  (score) => score.accuracy,
  settings.quantization,
  0.005,
);
console.log(`held-out accuracy by quantization: ${JSON.stringify(byQuantization)}; shipping ${quantization}`);

const weightsHash = createHash('sha256').update(embedded.weightData).digest('hex').slice(0, 12);
const record = {
  id: `emoji-cnn-${weightsHash}`,
  dataset: 'emoji',
  script: 'scripts/train-emoji-extractor.ts',
  command:
    `npx tsx scripts/train-emoji-extractor.ts --epochs ${epochs} --seed ${settings.seed} --batch-size ${batchSize} ` +
    `--learning-rate ${settings.learningRate} --width ${settings.width} --feature-dim ${settings.featureDim} ` +
    `--subcategory-weight ${settings.subcategoryWeight} ${settings.exemplarWeight > 0 ? `--exemplar-weight ${settings.exemplarWeight} ` : ''}` +
    `${settings.colourAugment > 0 ? `--colour-augment ${settings.colourAugment} ` : ''}--quantization ${settings.quantization}`,
  seed: settings.seed,
  epochs,
  batchSize,
  learningRate: settings.learningRate,
  schedule: 'Adam, cosine decay to 1% of the learning rate',
  augmentation:
    'random horizontal flip, shift +-4 px (white border)' +
    (settings.colourAugment > 0 ? `, with probability ${settings.colourAugment} a channel permutation or grey (one of six)` : ''),
  width: settings.width,
  subcategoryWeight: settings.subcategoryWeight,
  ...(settings.exemplarWeight > 0 ? { exemplarWeight: settings.exemplarWeight } : {}),
  classNames: EMOJI_CATEGORIES,
  trainData: `emoji-64-train: ${trainLabels.length} samples (datasets.emoji({ split: 'train' }), emoji-datasource-twitter 16)`,
  testData: `emoji-64-test: ${testLabels.length} samples (datasets.emoji({ split: 'test' }): emoji whose base no training image shares)`,
  backend,
  tfjsVersion: tf.version.tfjs,
  architecture:
    `conv3x3(${settings.width})-pool-conv3x3(${2 * settings.width})-pool-conv3x3(${4 * settings.width})-pool-conv3x3(${8 * settings.width})-pool-` +
    `dense(${settings.featureDim}, "features")-dropout(0.3)-dense(9, "logits")` +
    (auxiliaries.length > 0
      ? ` (trained beside ${auxiliaries.map((head) => `dense(${head.numClasses}, "${head.name}")`).join(' and ')} on the dropout output, not shipped)`
      : ''),
  featureLayer: 'features',
  featureDim: settings.featureDim,
  parameters: model.countParams(),
  quantization,
  testAccuracyByQuantization: byQuantization,
  weightBytes: embeddedWeightBytes(embedded),
  testAccuracy: byQuantization[quantization]!.accuracy,
  testBalancedAccuracy: byQuantization[quantization]!.balanced,
  testAccuracyFloat32: float32.accuracy,
  trainingSeconds: Math.round((performance.now() - started) / 1000),
  history,
  createdAt: new Date().toISOString(),
};
await mkdir(settings.outDir, { recursive: true });
const base = `${settings.outDir}/emoji`;
await writeFile(`${base}.json`, `${JSON.stringify(record, null, 2)}\n`);
await writeFile(`${base}.ts`, moduleText(record, embedded));
console.log(`wrote ${base}.ts and ${base}.json (${record.weightBytes} bytes of weights, id ${record.id})`);
