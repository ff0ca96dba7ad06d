/**
 * How a conditional emoji generator covers each of its classes: KID, precision and recall against the
 * training emoji, overall and within each class (`metrics.evaluate` with `intra-kid` and
 * `intra-precision-recall`, the shipped emoji extractor), every class drawn equally often. The real
 * emoji are labelled as the generator's classes are: give the labels it was trained with.
 *
 *   npx tsx scripts/within-class-scores.ts --pretrained emoji64
 *   npx tsx scripts/within-class-scores.ts --run runs/pretrained-emoji64/best --labels '{"extraClasses":[...]}'
 *
 * --run DIR: a state saved by Trainer.save (its EMA generator when it has one); --pretrained NAME: a
 * shipped generator. --labels: 'category' (default), 'subcategory' or the JSON of `{ extraClasses }`.
 * --per-class N (default 100): samples of each class; --seed N (default 1); --threads N (default 2).
 * Prints one JSON line: the classes, KID (unscaled), precision, recall and each class's intra-class KID,
 * precision and recall (a class drawn as one picture has recall near 0).
 *
 * Needs the optional package emoji-datasource-twitter.
 */
import { useBackend } from '../src/backend/index.js';
import { emoji } from '../src/data/emoji.js';
import { labelsFlag } from '../src/cli/labels-flag.js';
import * as metrics from '../src/metrics/index.js';
import { Generator } from '../src/nets/generator.js';
import type { PretrainedName } from '../src/nets/pretrained.js';
import { Trainer } from '../src/train/trainer.js';
import { commandLine } from './script-flags.js';

const SCRIPT = 'scripts/within-class-scores.ts';
const { values } = commandLine(SCRIPT, { values: ['run', 'pretrained', 'labels', 'per-class', 'seed', 'threads'] });
if ((values.run === undefined) === (values.pretrained === undefined)) throw new Error(`${SCRIPT}: give one of --run DIR and --pretrained NAME`);
const perClass = Number(values['per-class'] ?? 100);
if (!Number.isInteger(perClass) || perClass < 4) throw new Error(`${SCRIPT}: --per-class must be an integer >= 4, received ${values['per-class']}`);
const labels = labelsFlag(values.labels) ?? 'category';

await useBackend('wasm', { threads: Number(values.threads ?? 2) });
const generator = values.run !== undefined ? (await Trainer.load(`file://${values.run}`)).samplingGenerator : await Generator.pretrained(values.pretrained as PretrainedName);
const data = await emoji({ split: 'train', labels });
if (generator.numClasses !== data.numClasses) {
  throw new Error(`${SCRIPT}: the generator has ${generator.numClasses} classes, the emoji labelled ${JSON.stringify(labels)} ${data.numClasses}: give the labels it was trained with`);
}
const r = await metrics.evaluate({
  real: data,
  generator,
  count: perClass * generator.numClasses,
  features: metrics.features.emoji(),
  metrics: ['kid', 'precision-recall', 'intra-kid', 'intra-precision-recall'],
  seed: Number(values.seed ?? 1),
});
const round = (values: readonly number[] | undefined): number[] | undefined => values?.map((x) => Math.round(x * 1e4) / 1e4);
console.log(
  JSON.stringify({
    classes: data.classNames,
    kid: r.kid?.mean,
    precision: r.precision,
    recall: r.recall,
    intraKid: round(r.intraKid?.perClass),
    intraPrecision: round(r.intraPrecisionRecall?.precision.perClass),
    intraRecall: round(r.intraPrecisionRecall?.recall.perClass),
  }),
);
