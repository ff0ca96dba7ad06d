/**
 * The sanity table of docs/metrics.md: FID, KID, precision/recall and density/coverage, with the shipped
 * extractors, of (a) real test images, (b) an untrained DCGAN generator and (c) trained runs, each
 * against the same real reference set, so that users know what the numbers mean.
 *
 *   npx tsx scripts/metrics-sanity.ts --mnist-run runs/mnist --fashion-run runs/fashion [--out table.json]
 *     [--datasets mnist,fashion-mnist]
 *
 * MNIST: reference = the first 8,000 digits of datasets.mnist() (the extractor's training split), 2,000
 * samples per row ((a) = the 2,000 held-out digits). Fashion-MNIST: reference = the first 10,000
 * training images, 5,000 samples per row ((a) = the first 5,000 test images).
 */
import { writeFile } from 'node:fs/promises';
import { useBackend } from '../src/backend/index.js';
import type { Dataset } from '../src/data/dataset.js';
import { fashionMnist } from '../src/data/fashion-mnist.js';
import { type EvaluationResult, evaluate } from '../src/metrics/evaluate.js';
import { extractorSplit } from '../src/metrics/extractor-data.js';
import { forDataset } from '../src/metrics/feature-extractor.js';
import { Generator } from '../src/nets/generator.js';
import { Trainer } from '../src/train/trainer.js';
import { scriptFlags } from './script-flags.js';

const args = scriptFlags('scripts/metrics-sanity.ts', ['datasets', 'out', 'mnist-run', 'fashion-run']);

interface Row {
  dataset: string;
  what: string;
  result: EvaluationResult;
}

async function rows(name: 'mnist' | 'fashion-mnist', run: string | undefined): Promise<Row[]> {
  const real: Dataset = name === 'mnist' ? await extractorSplit('mnist', 'train') : await fashionMnist({ split: 'train', count: 10_000 });
  const count = name === 'mnist' ? 2000 : 5000;
  const test = await extractorSplit(name, 'test', { count });
  const features = await forDataset(name);
  const common = { real, count, realCount: real.size, features, cache: false as const };
  const out: Row[] = [];
  const add = async (what: string, options: Partial<Parameters<typeof evaluate>[0]>): Promise<void> => {
    const result = await evaluate({ ...common, ...options });
    console.log(`${name} | ${what} | ${JSON.stringify(result)}`);
    out.push({ dataset: name, what, result });
  };
  await add(`(a) real test images (${test.name}, ${count})`, { fake: test });
  const untrained = Generator.dcgan({ imageShape: [28, 28, 1], latentDim: 64, seed: 1 });
  await add('(b) untrained DCGAN generator', { generator: untrained });
  untrained.dispose();
  if (run !== undefined) {
    const trainer = await Trainer.load(run);
    await add(`(c) trained DCGAN, ${run} at step ${trainer.step}`, { generator: trainer.samplingGenerator });
    trainer.generator.dispose();
    trainer.discriminator.dispose();
    trainer.dispose();
  }
  test.dispose();
  real.dispose();
  return out;
}

const backend = await useBackend('wasm');
console.log(`backend ${backend}`);
const which = (args.datasets ?? 'mnist,fashion-mnist').split(',');
const table = [
  ...(which.includes('mnist') ? await rows('mnist', args['mnist-run']) : []),
  ...(which.includes('fashion-mnist') ? await rows('fashion-mnist', args['fashion-run']) : []),
];
const fmt = (v: number | undefined, digits: number): string => (v === undefined ? '' : v.toFixed(digits));
console.log('\n| data | samples | FID | KID (x 1000) | precision | recall | density | coverage |');
console.log('|---|---|---:|---:|---:|---:|---:|---:|');
for (const { dataset, what, result: r } of table) {
  const kid = r.kid ? `${fmt(r.kid.mean * 1000, 2)} ± ${fmt(r.kid.std * 1000, 2)}` : '';
  console.log(`| ${dataset} | ${what} | ${fmt(r.fid, 2)} | ${kid} | ${fmt(r.precision, 3)} | ${fmt(r.recall, 3)} | ${fmt(r.density, 3)} | ${fmt(r.coverage, 3)} |`);
}
if (args.out) await writeFile(args.out, `${JSON.stringify(table, null, 2)}\n`);
