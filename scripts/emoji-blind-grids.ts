/**
 * Grids for a blind rating of emoji generators by people (docs/recipes.md, "Counted blind"): one grid
 * per generator (a row per category, 8 latents of one sample seed) and one of held-out real emoji (the
 * anchor), each saved under a random letter, the key written elsewhere.
 *
 *   npx tsx scripts/emoji-blind-grids.ts --generators pretrained,runs/x/best,... --seed 202 --out DIR [--key FILE] [--select 64]
 *
 * --generators: `pretrained` (`Generator.pretrained('emoji64')`) and directories saved by `Trainer.save`
 * (their sampling generator). --seed: the sample seed (a rater given other grids should get another).
 * --out: where the grids go (DIR/A.png ...; give the rater only this folder). --key: the letter of each
 * generator as JSON (default DIR.key.json, beside the folder, not in it). The letters are drawn with
 * `crypto.randomInt`, so nothing in the command tells which is which.
 *
 * A generator of the 98 subcategories (`labels: 'subcategory'`) draws each cell of a category's row
 * with the subcategory of the real grid's emoji in that cell (the same latents in every row as for the
 * others), so its rows ask for what the real grid shows.
 *
 * --select POOL adds, for each generator of the 9 categories, a grid of the cells the shipped emoji
 * classifier reads best: per row, POOL samples of the row's category (sample seed `seed + row`), the 8 it
 * gives the highest probability of that category (classifier-filtered sampling; session 39 counted it).
 *
 * The rater counts, per grid and row, the cells a person would name as some emoji (R) and those of them
 * that fit the row's category (C); the protocol given to the raters is in docs/recipes.md.
 * Needs the optional package emoji-datasource-twitter.
 */
import * as tf from '@tensorflow/tfjs';
import { mkdir } from 'node:fs/promises';
import { useBackend } from '../src/backend/index.js';
import { extractorSplit } from '../src/metrics/extractor-data.js';
import { EMOJI_CATEGORIES } from '../src/data/emoji-catalog.js';
import { EMOJI_SUBCATEGORIES, EMOJI_SUBCATEGORY_CATEGORY_IDS } from '../src/data/emoji-subcategories.js';
import { shippedExtractor } from '../src/extractors/index.js';
import { decodeEmbeddedModel } from '../src/util/embedded-model.js';
import { loadEmojiGenerator } from './emoji-generators.js';
import { blindGridPaths, saveBlindGrids } from './blind-grid-files.js';
import { scriptFlags, seedFlag } from './script-flags.js';

const raw = scriptFlags('scripts/emoji-blind-grids.ts', ['generators', 'seed', 'out', 'key', 'threads', 'select']);
const generators = (raw.generators ?? '').split(',').filter((g) => g !== '');
const seed = seedFlag(raw.seed);
if (generators.length === 0) throw new Error('--generators must name at least one generator (pretrained or a saved run directory)');
const pool = raw.select === undefined ? undefined : Number(raw.select);
if (pool !== undefined && !(Number.isInteger(pool) && pool >= 8)) throw new Error(`--select must be an integer >= 8 (samples per row to pick 8 from), received ${raw.select}`);
const generatedCount = generators.length * (pool === undefined ? 1 : 2);
if (generatedCount > 25) throw new Error(`--generators names ${generators.length} generators (${generatedCount} grids); at most 25 fit the letters besides the real emoji`);
const { out, keyFile } = blindGridPaths(raw.out, raw.key);

/** Tiles per row: one per latent. */
const COLUMNS = 8;

await useBackend('wasm', { threads: Number(raw.threads ?? 1) });
await mkdir(out, { recursive: true });

/** Held-out real emoji: COLUMNS of each category, spread over its held-out images (indices, row by row). */
const test = await extractorSplit('emoji', 'test', { labels: 'subcategory' });
const subcategories = Array.from(await test.labels!.data());
const picks: number[] = [];
for (let c = 0; c < EMOJI_CATEGORIES.length; c++) {
  const ofClass = subcategories.flatMap((subcategory, i) => (EMOJI_SUBCATEGORY_CATEGORY_IDS[subcategory] === c ? [i] : []));
  for (let k = 0; k < COLUMNS; k++) picks.push(ofClass[Math.floor((k * ofClass.length) / COLUMNS)]);
}

/** A row per category, the same COLUMNS latents in each. */
function generatedGrid(generator: Awaited<ReturnType<typeof loadEmojiGenerator>>): tf.Tensor4D {
  if (generator.numClasses === EMOJI_CATEGORIES.length) return generator.sample({ count: COLUMNS, labels: 'all', seed }) as tf.Tensor4D;
  if (generator.numClasses !== EMOJI_SUBCATEGORIES.length) {
    throw new Error(`a generator of ${generator.numClasses} classes: expected the ${EMOJI_CATEGORIES.length} categories or the ${EMOJI_SUBCATEGORIES.length} subcategories`);
  }
  return tf.tidy(() => {
    const rows = EMOJI_CATEGORIES.map((_, c) =>
      generator.sample({ count: COLUMNS, seed, labels: picks.slice(c * COLUMNS, (c + 1) * COLUMNS).map((i) => subcategories[i]) }),
    );
    return tf.concat(rows) as tf.Tensor4D;
  });
}

/** --select: per row, the COLUMNS of `pool` samples of the row's category the shipped classifier reads best as it. */
function selectedGrid(generator: Awaited<ReturnType<typeof loadEmojiGenerator>>, classifier: tf.LayersModel, pool: number): tf.Tensor4D {
  if (generator.numClasses !== EMOJI_CATEGORIES.length) throw new Error(`--select needs generators of the ${EMOJI_CATEGORIES.length} categories, received one of ${generator.numClasses} classes`);
  return tf.tidy(() => {
    const rows = EMOJI_CATEGORIES.map((_, c) => {
      const samples = generator.sample({ count: pool, labels: c, seed: seed + c }) as tf.Tensor4D;
      const probability = tf.softmax(classifier.predict(samples) as tf.Tensor2D).slice([0, c], [pool, 1]).reshape([pool]);
      return tf.gather(samples, tf.topk(probability, COLUMNS).indices);
    });
    return tf.concat(rows) as tf.Tensor4D;
  });
}

const classifier = pool === undefined ? undefined : await decodeEmbeddedModel((await shippedExtractor('emoji')).model);
/** Each grid by its key entry: every generator's own grid (and its picked one with --select), then the real emoji. */
const grids: Array<[string, () => Promise<tf.Tensor4D>]> = [];
for (const which of generators) {
  // Loaded when its first grid is drawn, once for both of its grids.
  let loaded: ReturnType<typeof loadEmojiGenerator> | undefined;
  const load = (): ReturnType<typeof loadEmojiGenerator> => (loaded ??= loadEmojiGenerator(which));
  grids.push([which, async () => generatedGrid(await load())]);
  if (pool !== undefined) grids.push([`${which} (the ${COLUMNS} of ${pool} the shipped classifier reads best)`, async () => selectedGrid(await load(), classifier!, pool)]);
}
grids.push(['real', async () => tf.gather(test.images, picks) as tf.Tensor4D]);
await saveBlindGrids(grids, { out, keyFile, columns: COLUMNS, about: { seed } });
classifier?.dispose();
test.dispose();
