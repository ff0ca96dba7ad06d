/**
 * Hearts and crossed flags in a quarter of an hour: the `emoji64` recipe's networks trained on a chosen
 * few emoji instead of all 3,163. `datasets.emoji({ filter })` keeps the 25 hearts (subcategory `heart`,
 * in Smileys & Emotion) and 21 flags with a cross (Nordic crosses, St George's, the Union Jack and the
 * flags that carry it), and the classes become the two categories they are in. The recipe on all nine
 * categories draws faces and striped flags within an hour but no heart or crossed flag (docs/recipes.md):
 * each kind of picture gets too small a share of the steps. Given the share, the same networks draw them.
 *
 * It writes to OUT (runs/emoji-shapes):
 * - `hearts.png` and `crossed-flags.png`: 64 samples of each class; `real.png`: the 46 emoji it trained on;
 * - `samples/`: a grid every 200 steps; the training checkpoint (`Trainer.load('file://' + OUT)`);
 * - `scores.json`: KID (unscaled, as `metrics.evaluate` reports it) and precision / recall with the
 *   shipped emoji extractor, overall and within each class, against the 46 emoji (there are too few to
 *   hold any out), for this generator and, as the baseline, the shipped nine-category generator's
 *   Smileys & Emotion and Flags samples.
 *
 * Run it with `npm run example:emoji-shapes` (about 16 minutes on two CPU cores with wasm). Needs the data
 * package: `npm install emoji-datasource-twitter` (graphics by Twitter, CC-BY 4.0).
 *
 * Environment knobs: STEPS (default 1,200; the class fades in over steps STEPS/8 to 3·STEPS/8), THREADS
 * (wasm threads), OUT.
 */
import * as tf from '@tensorflow/tfjs';
import { mkdir, writeFile } from 'node:fs/promises';
import { Generator, callbacks, datasets, io, metrics, recipes, useBackend } from 'tfjs-gan';

const out = process.env.OUT ?? 'runs/emoji-shapes';
const steps = process.env.STEPS ? Number(process.env.STEPS) : 1200;

// 1. The WebAssembly backend, with every core (or THREADS).
const backend = await useBackend('wasm', process.env.THREADS ? { threads: Number(process.env.THREADS) } : {});
console.log(`backend: ${backend}`);

// 2. The data: the hearts by subcategory, the crossed flags by name (a country flag's name is `flag-` and
//    its ISO code; a few have short names of their own, such as `gb`).
const CROSSED_FLAGS = new Set([
  'dk', 'se', 'no', 'fi', 'is', 'fo', 'ax', 'sj', 'bv', 'ch', 'gb', 'england', 'scotland', 'gr', 'ge', 'do', 'to', 'je', 'gg', 'au', 'nz',
].flatMap((code) => [code, `flag-${code}`]));
const data = await datasets.emoji({ filter: (e) => e.subcategory === 'heart' || (e.category === 'Flags' && CROSSED_FLAGS.has(e.name)) });
console.log(`${data.size} emoji in ${data.numClasses} classes: ${data.classNames?.join(', ')}`);

// 3. The recipe's networks and settings, its steps and class fade scaled to the shorter run.
const recipe = recipes.emoji64({ steps, conditioningTransition: { start: Math.round(steps / 8), end: Math.round((steps * 3) / 8) } });
const run = await recipe.train({
  data,
  callbacks: [callbacks.progress(), callbacks.sampleGrid({ every: 200, dir: `${out}/samples` })],
});
console.log(`trained ${run.trainer.step} steps in ${run.seconds.toFixed(0)} s (${(run.trainer.step / run.seconds).toFixed(2)} steps/s)`);
await run.trainer.save(`file://${out}`);
const generator = run.trainer.samplingGenerator;

// 4. The grids: 64 samples of each class, and the data.
await mkdir(out, { recursive: true });
const classOf = (category: datasets.EmojiCategory): number => data.classNames?.indexOf(category) ?? -1;
const hearts = classOf('Smileys & Emotion');
const flags = classOf('Flags');
for (const [c, file] of [[hearts, 'hearts'], [flags, 'crossed-flags']] as const) {
  const images = generator.sample({ count: 64, labels: c, seed: 100 + c });
  await io.saveImageGrid(images, `${out}/${file}.png`, { columns: 8 });
  images.dispose();
}
await io.saveImageGrid(data.images as tf.Tensor4D, `${out}/real.png`, { columns: 8 });

// 5. Scores against the 46 emoji: this generator, then the shipped nine-category generator's Smileys &
//    Emotion samples (as this set's hearts class) and Flags samples, 230 of each.
const features = metrics.features.emoji();
const wanted = ['kid', 'precision-recall', 'intra-kid', 'intra-precision-recall'] as const;
const count = 460;
const focused = await metrics.evaluate({ real: data, generator, count, features, metrics: wanted, seed: 1 });
const shipped = await Generator.pretrained('emoji64');
const labels = Array.from({ length: count }, (_, i) => (i % 2 === 0 ? hearts : flags));
const names = shipped.classNames ?? [];
const fake = shipped.sample({ count, labels: labels.map((l) => names.indexOf(l === hearts ? 'Smileys & Emotion' : 'Flags')), seed: 1 });
const baseline = await metrics.evaluate({ real: data, fake, labels, features, metrics: wanted });
fake.dispose();
shipped.dispose();
const summary = (r: metrics.EvaluationResult) => ({
  kid: r.kid?.mean,
  precision: r.precision,
  recall: r.recall,
  intraKid: r.intraKid?.perClass,
  intraPrecision: r.intraPrecisionRecall?.precision.perClass,
  intraRecall: r.intraPrecisionRecall?.recall.perClass,
});
const scores = { backend, data: { size: data.size, classNames: data.classNames }, training: { steps: run.trainer.step, seconds: run.seconds }, count, focused: summary(focused), shipped: summary(baseline) };
console.log(JSON.stringify(scores, null, 1));
await writeFile(`${out}/scores.json`, `${JSON.stringify(scores, null, 1)}\n`);
console.log(`wrote ${out}/hearts.png, crossed-flags.png, real.png and scores.json`);
run.dispose();
data.dispose();
