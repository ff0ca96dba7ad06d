/**
 * Class-conditional Twitter emoji at 64x64: trains the `emoji64` recipe (`recipes.emoji64()`: a DCGAN
 * generator given the class through its input and conditional batch norm, the class faded in, a DCGAN
 * discriminator with a projection head beside a frozen path through the emoji extractor, DiffAugment, an
 * EMA generator) on the emoji's training split, scores it against the held-out emoji with the shipped
 * emoji feature extractor, and writes:
 *
 * - `category-<name>.png`: 64 samples of each of the 9 categories (a generator of the 98 subcategories,
 *   `labels: 'subcategory'`: the category's subcategories in turn);
 * - `subcategories.png`, for a subcategory generator: a row per subcategory (hearts, country flags, ...),
 *   8 samples each;
 * - `truncation.png`: a row per category (a subcategory generator: one subcategory of each category), columns from the strongest truncation to none (for a style
 *   generator ψ = 0 ... 1 in W; for the others a threshold on the latent, 0.25 ... 2 std, then none);
 * - `class-morph.png`: a row per category, one latent each, its class weights moving from Smileys to that
 *   category (the generator mixes the classes' embeddings and batch-norm gains and offsets);
 * - `style-mixing.png`, for a style generator (`FROM=` a run of the style variant in docs/recipes.md):
 *   the coarse styles (4x4 and 8x8: layout, shape) of the first column's emoji with the fine styles
 *   (16x16 and up: colour, detail) of the first row's;
 * - `scores.json` and the training checkpoint.
 *
 * Run it with `npm run example:emoji` (about an hour on two CPU cores with wasm; docs/recipes.md has the
 * figures), or `FROM=runs/emoji64 npm run example:emoji` to draw the figures from a run saved before (its
 * checkpoint) in a minute. Needs the data package: `npm install emoji-datasource-twitter` (graphics by
 * Twitter, CC-BY 4.0).
 *
 * Environment knobs: STEPS (default: the recipe's 4,800; the class fades in over the middle half of the
 * steps, as the recipe's 1,200 to 3,600 of 4,800), THREADS (wasm threads), OUT (runs/emoji64), FROM (a
 * checkpoint folder to sample instead of training).
 */
import * as tf from '@tensorflow/tfjs';
import { mkdir, writeFile } from 'node:fs/promises';
import { Generator, Trainer, callbacks, datasets, io, recipes, useBackend } from 'tfjs-gan';

const out = process.env.OUT ?? 'runs/emoji64';

// 1. The WebAssembly backend, with every core (or THREADS).
const backend = await useBackend('wasm', process.env.THREADS ? { threads: Number(process.env.THREADS) } : {});
console.log(`backend: ${backend}`);

// 2. The generator: the recipe trained here (its data loads from the npm package), or a saved run's.
const steps = process.env.STEPS ? Number(process.env.STEPS) : undefined;
const recipe = steps === undefined
  ? recipes.emoji64()
  : recipes.emoji64({ steps, conditioningTransition: { start: Math.round(steps / 4), end: Math.round((steps * 3) / 4) } });
let generator: Generator<tf.Rank.R4>;
let dispose: () => void;
let training: { steps: number; seconds: number } | undefined;
if (process.env.FROM) {
  const saved = await Trainer.load(`file://${process.env.FROM}`);
  generator = saved.samplingGenerator as Generator<tf.Rank.R4>;
  dispose = () => {
    saved.generator.dispose();
    saved.discriminator.dispose();
    saved.dispose();
  };
} else {
  console.log(`recipe ${recipe.name}: ${recipe.config.description}, ${recipe.config.steps} steps of batch ${recipe.config.batchSize}`);
  const run = await recipe.train({
    callbacks: [
      callbacks.progress(),
      callbacks.sampleGrid({ every: 250, dir: `${out}/samples` }),
      callbacks.metricsLog({ path: `${out}/metrics.jsonl` }),
    ],
  });
  training = { steps: run.trainer.step, seconds: run.seconds };
  console.log(`trained ${run.trainer.step} steps in ${run.seconds.toFixed(0)} s (${(run.trainer.step / run.seconds).toFixed(2)} steps/s)`);
  await run.trainer.save(`file://${out}`);
  generator = run.trainer.samplingGenerator;
  dispose = () => run.dispose();
}
// The classes a row per category shows: the categories themselves, or for a generator of subcategories
// one well-populated subcategory of each category.
const bySubcategory = generator.numClasses === datasets.EMOJI_SUBCATEGORIES.length;
const categories: readonly string[] = bySubcategory ? datasets.EMOJI_CATEGORIES : (generator.classNames ?? []);
const SHOWN: Readonly<Record<datasets.EmojiCategory, string>> = {
  'Smileys & Emotion': 'face-smiling',
  'People & Body': 'person',
  'Animals & Nature': 'animal-mammal',
  'Food & Drink': 'food-fruit',
  'Travel & Places': 'transport-ground',
  Activities: 'sport',
  Objects: 'clothing',
  Symbols: 'geometric',
  Flags: 'country-flag',
};
const rowClasses = bySubcategory ? datasets.EMOJI_CATEGORIES.map((category) => SHOWN[category]) : categories;

// 3. Scores against the held-out emoji: FID next to the held-out emoji's own (the floor), and how often
//    the shipped classifier reads a sample as the category it was made for.
const score = await recipe.score(generator);
console.log(
  `held-out FID ${score.fid.toFixed(2)} (held-out emoji: ${score.floorFid.toFixed(2)}, ratio ${score.fidRatio.toFixed(2)}); ` +
    `class accuracy ${score.classAccuracy?.toFixed(3)} (the classifier on real emoji: ${score.extractorAccuracy?.toFixed(3)})`,
);
await mkdir(out, { recursive: true });
await writeFile(`${out}/scores.json`, `${JSON.stringify({ backend, training, score }, null, 1)}\n`);

// 4. A grid per category: 64 samples each (of a subcategory generator: the category's subcategories in
//    turn), and a row per subcategory.
for (const [c, category] of categories.entries()) {
  const subcategories = bySubcategory ? datasets.EMOJI_SUBCATEGORIES_BY_CATEGORY[category as datasets.EmojiCategory] : [];
  const labels = bySubcategory ? Array.from({ length: 64 }, (_, i) => subcategories[i % subcategories.length]) : category;
  const images = generator.sample({ count: 64, labels, seed: 100 + c });
  const slug = category.toLowerCase().replace(/[^a-z]+/g, '-');
  await io.saveImageGrid(images, `${out}/category-${slug}.png`, { columns: 8 });
  images.dispose();
}
if (bySubcategory) {
  const rows = generator.sample({ count: 8, labels: 'all', seed: 1 });
  await io.saveImageGrid(rows, `${out}/subcategories.png`, { columns: 8 });
  rows.dispose();
}

// 5. Truncation sweep: one latent per category, pulled towards the mean as the truncation tightens
//    (a style generator: ψ in W from 0, the mean style, to 1, none; any other: latent components beyond
//    the threshold, in std, redrawn; the last column is untruncated).
const styleBased = generator.styleBased;
const truncations = styleBased ? [0, 0.25, 0.5, 0.75, 1] : [0.25, 0.5, 1, 2, undefined];
const sweep = tf.tidy(() =>
  tf.concat(rowClasses.flatMap((label, c) => truncations.map((truncation) => generator.sample({ count: 1, labels: label, seed: 7 + c, truncation }))), 0),
) as tf.Tensor4D;
await io.saveImageGrid(sweep, `${out}/truncation.png`, { columns: truncations.length });
sweep.dispose();

// 6. Class morph: row c keeps one latent (seed 400 + c) while its class weights move in 6 steps from
//    the first row's class (Smileys & Emotion, or its face-smiling) to row c's.
const morph = tf.tidy(() =>
  tf.concat(rowClasses.map((label, c) => generator.interpolateClasses({ from: rowClasses[0], to: label, steps: 6, seed: 400 + c })), 0),
) as tf.Tensor4D;
await io.saveImageGrid(morph, `${out}/class-morph.png`, { columns: 6 });
morph.dispose();

// 7. Style mixing (style generators only): row r takes its coarse styles from a smiley (seed 200 + r),
//    column c its fine styles from an emoji of row class c + 1 (seed 300 + c); the first row and column
//    show the sources.
if (styleBased) {
  const rows = 5;
  const columns = 5;
  const crossover = 4;
  const cells = tf.tidy(() => {
    const grid: tf.Tensor[] = [tf.ones([1, 64, 64, 3])];
    for (let c = 0; c < columns; c++) grid.push(generator.sample({ count: 1, seed: 300 + c, labels: rowClasses[c + 1] }));
    for (let r = 0; r < rows; r++) {
      grid.push(generator.sample({ count: 1, seed: 200 + r, labels: rowClasses[0] }));
      for (let c = 0; c < columns; c++) {
        grid.push(generator.mixStyles({ coarse: 200 + r, fine: 300 + c, count: 1, crossover, coarseLabels: rowClasses[0], fineLabels: rowClasses[c + 1] }));
      }
    }
    return tf.concat(grid, 0) as tf.Tensor4D;
  });
  await io.saveImageGrid(cells, `${out}/style-mixing.png`, { columns: columns + 1 });
  cells.dispose();
}
console.log(`wrote ${out}/category-*.png, ${bySubcategory ? 'subcategories.png, ' : ''}truncation.png, class-morph.png, ${styleBased ? 'style-mixing.png, ' : ''}and scores.json`);
if (!styleBased) {
  console.log('no style-mixing.png: this generator is not style-based; train the style variant (docs/recipes.md) and draw its figures with FROM=<its run dir>');
}
dispose();
