/**
 * Does a conditional discriminator's class term know the categories by their look? Scores real emoji
 * (up to 40 per category) under every label with the discriminator of a saved emoji run, and prints:
 * - the mean logit per (true category, label): a column high for every category is a label prior;
 * - how often the label with the highest logit is the true one;
 * - the same with each label's mean logit over these emoji taken away (the prior removed), per
 *   category and balanced (chance: 1 / 9).
 *
 *   npx tsx scripts/discriminator-classes.ts runs/pretrained-emoji64 [test|train] [--threads N]
 *
 * Needs the optional package emoji-datasource-twitter.
 */
import * as tf from '@tensorflow/tfjs';
import { Trainer, datasets, useBackend } from '../src/index.js';
import { commandLine } from './script-flags.js';

const line = commandLine('scripts/discriminator-classes.ts', { values: ['threads'], positionals: { usage: 'RUN_DIR [test|train]', min: 1, max: 2 } });
const [dir, split = 'test'] = line.positionals;
if (split !== 'test' && split !== 'train') {
  throw new Error(`scripts/discriminator-classes.ts: the split must be test or train, received '${split}'`);
}
await useBackend('wasm', { threads: Number(line.values.threads ?? 2) });
const trainer = await Trainer.load(`file://${dir}`);
if (!trainer.discriminator.conditional) throw new Error(`the discriminator of ${dir} takes no labels (conditioning 'projection' or 'concat' needed)`);
const data = await datasets.emoji({ split });
const K = data.numClasses;
const labels = await data.labels!.array();
/** Per image: its category and its logit under every label. */
const scored: { category: number; logits: number[] }[] = [];
for (let c = 0; c < K; c++) {
  const indices = labels.flatMap((l, i) => (l === c ? [i] : [])).slice(0, 40);
  if (indices.length === 0) continue;
  const images = tf.gather(data.images, indices);
  const columns: number[][] = [];
  for (let y = 0; y < K; y++) {
    const logits = tf.tidy(() => trainer.discriminator.logits(images, tf.fill([indices.length], y, 'int32') as tf.Tensor1D));
    columns.push(Array.from(await logits.data()));
    logits.dispose();
  }
  images.dispose();
  indices.forEach((_, i) => scored.push({ category: c, logits: columns.map((column) => column[i]) }));
}
const argmax = (values: number[]): number => values.reduce((best, v, i) => (v > values[best] ? i : best), 0);
const mean = (values: number[]): number => values.reduce((a, b) => a + b, 0) / values.length;
const prior = Array.from({ length: K }, (_, y) => mean(scored.map((s) => s.logits[y])));
const names = data.classNames ?? [];
console.log(`${scored.length} ${split} emoji; mean logit per category (rows) and label (columns):`);
for (let c = 0; c < K; c++) {
  const rows = scored.filter((s) => s.category === c);
  if (rows.length === 0) continue;
  const means = Array.from({ length: K }, (_, y) => mean(rows.map((s) => s.logits[y])));
  console.log(`${(names[c] ?? String(c)).slice(0, 18).padEnd(18)} n=${String(rows.length).padStart(2)} ${means.map((m) => m.toFixed(2).padStart(6)).join('')}`);
}
const right = scored.filter((s) => argmax(s.logits) === s.category).length;
const perCategory = Array.from({ length: K }, (_, c) => {
  const rows = scored.filter((s) => s.category === c);
  return rows.length === 0 ? Number.NaN : rows.filter((s) => argmax(s.logits.map((v, y) => v - prior[y])) === c).length / rows.length;
});
const present = perCategory.filter((a) => !Number.isNaN(a));
console.log(`highest logit on the true label: ${(right / scored.length).toFixed(3)}`);
console.log(`prior removed: balanced ${mean(present).toFixed(3)} (chance ${(1 / K).toFixed(3)}); per category ${perCategory.map((a) => a.toFixed(2)).join(' ')}`);
trainer.generator.dispose();
trainer.discriminator.dispose();
trainer.dispose();
data.dispose();
