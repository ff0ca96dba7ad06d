/**
 * Grids of 64 for a blind count of what a conditional emoji run draws in chosen classes
 * (docs/recipes.md, "Hearts and crossed flags as classes of their own"): 64 samples of each class named by
 * --classes from a saved run, the shipped generator's Smileys & Emotion and Flags, and 64 real training
 * emoji of each of those two categories, every grid under a random letter, the key written elsewhere.
 *
 *   npx tsx scripts/emoji-class-blind-grids.ts --run DIR --classes 'Smileys & Emotion,Flags,hearts' --seed S --out DIR [--key FILE]
 *
 * --run: a directory saved by `Trainer.save` (its sampling generator; the classes by its class names).
 * --seed: the sample seed (one per rater; never one a rater has seen). The rater's instructions are in
 * scripts/emoji-class-rater-prompt.txt. Needs the optional package emoji-datasource-twitter.
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

const raw = scriptFlags('scripts/emoji-class-blind-grids.ts', ['run', 'classes', 'seed', 'out', 'key', 'threads']);
const seed = seedFlag(raw.seed);
if (raw.run === undefined) throw new Error('--run DIR is required: a directory saved by Trainer.save');
const classes = (raw.classes ?? '').split(',').map((name) => name.trim()).filter((name) => name !== '');
if (classes.length === 0) throw new Error("--classes must name at least one of the run's classes, comma-separated");
const { out, keyFile } = blindGridPaths(raw.out, raw.key);

/** Cells per grid, 8 by 8. */
const COUNT = 64;
const COLUMNS = 8;
/** The shipped generator's categories and the real emoji's, beside the run's classes. */
const CATEGORIES = ['Smileys & Emotion', 'Flags'] as const;

await useBackend('wasm', { threads: Number(raw.threads ?? 1) });
const run = await Trainer.load(`file://${resolve(raw.run)}`);
const generator = run.samplingGenerator as Generator<tf.Rank.R4>;
const names = generator.classNames ?? [];
const unknown = classes.filter((name) => !names.includes(name));
if (unknown.length > 0) throw new Error(`--classes: ${unknown.join(', ')} not among the run's classes (${names.join(', ')})`);
await mkdir(out, { recursive: true });

const shipped = await Generator.pretrained('emoji64');
// Real training emoji of a category: COUNT drawn without replacement with the seed.
const train = await emoji({ split: 'train' });
const labels = Array.from(await train.labels!.data());
const random = tf.randomUniform([labels.length], 0, 1, 'float32', seed);
const order = Array.from(await random.data()).map((r, i) => [r, i] as const).sort((a, b) => a[0] - b[0]).map(([, i]) => i);
random.dispose();
const real = (category: string): tf.Tensor4D => {
  const id = train.classNames!.indexOf(category);
  return tf.gather(train.images, order.filter((i) => labels[i] === id).slice(0, COUNT)) as tf.Tensor4D;
};

const grids: Array<[string, () => tf.Tensor4D]> = [
  ...classes.map((name): [string, () => tf.Tensor4D] => [`run: ${name}`, () => generator.sample({ count: COUNT, labels: name, seed })]),
  ...CATEGORIES.map((name): [string, () => tf.Tensor4D] => [`shipped: ${name}`, () => shipped.sample({ count: COUNT, labels: name, seed })]),
  ...CATEGORIES.map((name): [string, () => tf.Tensor4D] => [`real ${name}`, () => real(name)]),
];
await saveBlindGrids(grids, { out, keyFile, columns: COLUMNS, about: { seed, run: raw.run } });
shipped.dispose();
run.generator.dispose();
run.discriminator.dispose();
run.dispose();
train.dispose();
