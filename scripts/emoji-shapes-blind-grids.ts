/**
 * Grids for a blind count of hearts and crossed flags (docs/recipes.md, "Hearts and crossed flags from a
 * chosen few"): two rows of 8 cells per grid, row 1 asking for a heart and row 2 for a flag with a cross.
 * One grid of real emoji (8 of the 25 hearts, 8 of the 21 crossed flags, drawn with the seed), one of a
 * generator trained by `npm run example:emoji-shapes` (its classes: Smileys & Emotion for the hearts,
 * Flags for the flags) and one of the shipped nine-category generator (its Smileys & Emotion and Flags
 * rows), each under a random letter, the key written elsewhere.
 *
 *   npx tsx scripts/emoji-shapes-blind-grids.ts --run runs/emoji-shapes --seed 11 --out DIR [--key FILE]
 *
 * The rater counts, per grid and row, the cells that show the row's thing and how many different
 * pictures they are; the protocol is in docs/recipes.md. Needs the optional package emoji-datasource-twitter.
 */
import * as tf from '@tensorflow/tfjs';
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { useBackend } from '../src/backend/index.js';
import { emoji } from '../src/data/emoji.js';
import { Generator } from '../src/nets/generator.js';
import { Trainer } from '../src/train/trainer.js';
import { blindGridPaths, saveBlindGrids } from './blind-grid-files.js';
import { scriptFlags, seedFlag } from './script-flags.js';

const raw = scriptFlags('scripts/emoji-shapes-blind-grids.ts', ['run', 'seed', 'out', 'key', 'threads']);
const seed = seedFlag(raw.seed);
if (raw.run === undefined) throw new Error('--run DIR is required: a checkpoint written by npm run example:emoji-shapes');
const { out, keyFile } = blindGridPaths(raw.out, raw.key);

/** The flags with a cross that the example trains on (by ISO code or short name). */
const CROSSED_FLAGS = new Set([
  'dk', 'se', 'no', 'fi', 'is', 'fo', 'ax', 'sj', 'bv', 'ch', 'gb', 'england', 'scotland', 'gr', 'ge', 'do', 'to', 'je', 'gg', 'au', 'nz',
].flatMap((code) => [code, `flag-${code}`]));
const COLUMNS = 8;

await useBackend('wasm', { threads: Number(raw.threads ?? 1) });
await mkdir(out, { recursive: true });

// The real grid: 8 hearts and 8 crossed flags, drawn without replacement with the seed.
const data = await emoji({ filter: (e) => e.subcategory === 'heart' || (e.category === 'Flags' && CROSSED_FLAGS.has(e.name)) });
const labels = Array.from(await data.labels!.data());
const random = tf.randomUniform([labels.length], 0, 1, 'float32', seed);
const order = Array.from(await random.data()).map((r, i) => [r, i] as const).sort((a, b) => a[0] - b[0]).map(([, i]) => i);
random.dispose();
// The set's classes by name (the example samples them the same way): its hearts, then its flags.
const classes = (['Smileys & Emotion', 'Flags'] as const).map((category) => data.classNames!.indexOf(category));
const picked = classes.flatMap((label) => order.filter((i) => labels[i] === label).slice(0, COLUMNS));
const real = tf.gather(data.images, picked) as tf.Tensor4D;

const run = await Trainer.load(`file://${resolve(raw.run)}`);
const focused = run.samplingGenerator as Generator<tf.Rank.R4>;
const shipped = await Generator.pretrained('emoji64');
const rows = (generator: Generator<tf.Rank.R4>, classes: ReadonlyArray<string | number>): tf.Tensor4D =>
  tf.tidy(() => tf.concat(classes.map((label) => generator.sample({ count: COLUMNS, labels: label, seed })), 0) as tf.Tensor4D);
await saveBlindGrids(
  [
    ['real', () => real],
    ['example:emoji-shapes (hearts and crossed flags only)', () => rows(focused, classes)],
    ['pretrained emoji64 (nine categories): Smileys & Emotion, Flags', () => rows(shipped, ['Smileys & Emotion', 'Flags'])],
  ],
  { out, keyFile, columns: COLUMNS, about: { seed, run: raw.run } },
);
shipped.dispose();
run.generator.dispose();
run.discriminator.dispose();
run.dispose();
data.dispose();
