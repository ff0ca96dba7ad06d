/**
 * Trains a recipe and ships its EMA generator inside the package as a pretrained generator: writes
 * `src/nets/pretrained/<name>.ts` (spec, topology, quantized base64 weights, the record) and
 * `src/nets/pretrained/<name>.json` (the record: recipe, seed, steps, time, held-out scores, the curve).
 *
 *   npx tsx scripts/train-pretrained.ts --recipe mnist
 *   npx tsx scripts/train-pretrained.ts --recipe fashion-mnist
 *   npx tsx scripts/train-pretrained.ts --recipe emoji64 --threads 2
 *
 * Any other recipe (e.g. `--recipe mnist-unconditional`) is trained and scored the same way, and only its
 * record and grid are written (to docs/results/<name>.json and docs/images/recipe-<name>.png).
 *
 * Flags: --recipe NAME, --steps N (default: the recipe's), --seed N (default: the
 * recipe's), --sampling shuffle|class-balanced (default: the recipe's), --changes JSON (other changes of the
 * recipe's config; null leaves an optional field out), --eval-every N (held-out scores every N steps for the curve; default steps / 10),
 * --out-dir DIR (default src/nets/pretrained), --grid-dir DIR (default docs/images: writes
 * pretrained-<name>.png, a row per class), --max-bytes N (default 1,000,000; emoji64 2,000,000), --threads N.
 * At each evaluation the EMA generator's grid is written to runs/pretrained-<name>/step-<step>.png, and
 * the trained state is saved to runs/pretrained-<name> at the end.
 *
 * --keep best ships the EMA generator of the evaluation with the lowest held-out FID instead of the last
 * one (model selection on the curve, as StudioGAN's best checkpoint; the held-out reals score both, so
 * the script also prints its scores with sample seeds 8 and 9: quote those, not the pick's): each new best
 * state is saved to runs/pretrained-<name>/best, and the record's steps are the best evaluation's.
 * Default: --keep last. --pick-seeds 7,8,... makes that pick on the mean FID over those sample seeds
 * (the curve keeps seed 7's scores; each other seed is one more evaluation): one seed's 600-sample FID
 * on emoji64 moves by 9 to 13 between seeds, and picks on seed 7 alone were 7 to 9 below the same
 * state's other seeds (docs/recipes.md, session 24). Default: 7.
 *
 * --pretrained-network FILE: the discriminator's frozen path (the recipe's `pretrainedFeatures`) reads a
 * network of your own, the `EXTRACTOR` of a module that scripts/train-emoji-extractor.ts wrote with
 * --out-dir (e.g. one trained with --colour-augment), cut at its 'features' layer, in place of the shipped
 * extractor the config names (`Recipe.train`'s `pretrainedNetwork`). The held-out scores still use the
 * shipped extractor.
 *
 * --from DIR --from-record FILE ships a run saved before instead of training one: the trainer saved in
 * DIR, with the curve, time and command of the record FILE that run wrote (its steps must match).
 *
 * The weights are stored as uint8 when that keeps the held-out FID within 5% and the class accuracy
 * within 0.5 points of the float32 weights, else as float16; both must fit --max-bytes.
 */
import * as tf from '@tensorflow/tfjs';
import { cpus } from 'node:os';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { useBackend } from '../src/backend/index.js';
import { saveImageGrid } from '../src/io/image-grid.js';
import { Generator } from '../src/nets/generator.js';
import { Trainer } from '../src/train/trainer.js';
import type { PretrainedRecord, ShippedGenerator } from '../src/nets/pretrained.js';
import { type HeldOutScore, byName } from '../src/recipes/index.js';
import { progress } from '../src/train/callbacks/progress.js';
import type { Callback } from '../src/train/callback.js';
import type { BatchSampling } from '../src/data/class-balanced-sampler.js';
import { type EmbeddedModel, type WeightQuantization, decodeEmbeddedModel, embeddedWeightBytes, encodeEmbeddedModel } from '../src/util/embedded-model.js';
import { importExtractorModule } from './extractor-module.js';
import { jsonChanges } from './recipe-changes.js';
import { scriptFlags } from './script-flags.js';

const FLAGS = ['recipe', 'steps', 'seed', 'sampling', 'changes', 'eval-every', 'out-dir', 'grid-dir', 'max-bytes', 'threads', 'keep', 'pick-seeds', 'from', 'from-record', 'pretrained-network'] as const;
/** The flags that decide what the run makes, in the order the recorded command gives them after --recipe. */
const RECORDED = ['threads', 'eval-every', 'steps', 'keep', 'pick-seeds', 'seed', 'sampling', 'max-bytes', 'changes', 'pretrained-network'] as const;
/** The flags left out of the recorded command: where it writes, and --from (whose record's command is kept). */
const NOT_RECORDED = ['recipe', 'out-dir', 'grid-dir', 'from', 'from-record'] as const;
// A flag added to FLAGS but to neither list fails the typecheck here.
const everyFlagListed: [Exclude<(typeof FLAGS)[number], (typeof RECORDED)[number] | (typeof NOT_RECORDED)[number]>] extends [never] ? true : never = true;
void everyFlagListed;
const raw = scriptFlags('scripts/train-pretrained.ts', FLAGS);
const name = raw.recipe ?? 'mnist';
// mnist, fashion-mnist and emoji64 ship as pretrained generators; any other recipe (e.g.
// mnist-unconditional) gets its record (curve, scores) and grid only, in --out-dir (default docs/results).
const ships = name === 'mnist' || name === 'fashion-mnist' || name === 'emoji64';
const changes = {
  ...(raw.steps !== undefined ? { steps: Number(raw.steps) } : {}),
  ...(raw.seed !== undefined ? { seed: Number(raw.seed) } : {}),
  ...(raw.sampling !== undefined ? { sampling: raw.sampling as BatchSampling } : {}),
  // Any other change of the recipe's config, as JSON (e.g. '{"discriminator":{...}}'); recorded in the
  // command. A null leaves an optional field out (JSON has no undefined), e.g. '{"pretrainedFeatures":null}'.
  ...(raw.changes !== undefined ? jsonChanges(raw.changes) : {}),
};
const recipe = byName(name, changes);
const steps = recipe.config.steps;
const evalEvery = Number(raw['eval-every'] ?? Math.max(1, Math.round(steps / 10)));
const outDir = raw['out-dir'] ?? (ships ? 'src/nets/pretrained' : 'docs/results');
const maxBytes = Number(raw['max-bytes'] ?? (name === 'emoji64' ? 2_000_000 : 1_000_000));
const threads = raw.threads !== undefined ? Number(raw.threads) : undefined;
const keep = raw.keep ?? 'last';
if (keep !== 'last' && keep !== 'best') throw new Error(`--keep must be last or best, received ${keep}`);
/** The sample seed of the curve's scores (and of the pick, unless --pick-seeds names others). */
const CURVE_SEED = 7;
/** How the curve, the pick and the record score: the curve's seed, within each class as well. */
const SCORE_OPTIONS = { seed: CURVE_SEED, intraClass: true } as const;
const pickSeeds = (raw['pick-seeds'] ?? String(CURVE_SEED)).split(',').map(Number);
if (pickSeeds.some((seed) => !Number.isInteger(seed) || seed < 0)) throw new Error(`--pick-seeds must be non-negative integers, received ${raw['pick-seeds']}`);
if (raw['pick-seeds'] !== undefined && keep !== 'best') throw new Error('--pick-seeds needs --keep best');
const bestDir = `runs/pretrained-${name}/best`;
let best: { step: number; fid: number } | undefined;

const backend = await useBackend('wasm', threads !== undefined ? { threads } : undefined);
console.log(`backend ${backend}; recipe ${name}: ${JSON.stringify(recipe.config)}`);

/** The scores a record keeps, rounded. */
function scoreFields(score: HeldOutScore): Record<string, number> {
  return {
    fid: round(score.fid, 3),
    floorFid: round(score.floorFid, 3),
    fidRatio: round(score.fidRatio, 3),
    ...(score.classAccuracy !== undefined ? { classAccuracy: round(score.classAccuracy, 4) } : {}),
    ...(score.extractorAccuracy !== undefined ? { extractorAccuracy: score.extractorAccuracy } : {}),
    ...(score.balancedClassAccuracy !== undefined ? { balancedClassAccuracy: round(score.balancedClassAccuracy, 4) } : {}),
    ...(score.extractorBalancedAccuracy !== undefined ? { extractorBalancedAccuracy: round(score.extractorBalancedAccuracy, 4) } : {}),
    ...(score.intraFid !== undefined ? { intraFid: round(score.intraFid, 3) } : {}),
    ...(score.intraKid !== undefined ? { intraKid: round(score.intraKid, 4) } : {}),
    ...(score.floorIntraKid !== undefined ? { floorIntraKid: round(score.floorIntraKid, 4) } : {}),
    ...(score.intraPrecision !== undefined ? { intraPrecision: round(score.intraPrecision, 4) } : {}),
    ...(score.floorIntraPrecision !== undefined ? { floorIntraPrecision: round(score.floorIntraPrecision, 4) } : {}),
    count: score.count,
  };
}
const round = (v: number, digits: number): number => Number(v.toFixed(digits));

// The curve: held-out scores every `evalEvery` steps, against training seconds (evaluation excluded).
const curve: Array<Record<string, number>> = [];
let trainingSeconds = 0;
let command = [
  `npx tsx scripts/train-pretrained.ts --recipe ${name}`,
  ...RECORDED.filter((flag) => raw[flag] !== undefined).map((flag) => (flag === 'changes' ? `--changes '${raw.changes}'` : `--${flag} ${raw[flag]}`)),
].join(' ');
const curveCallback: Callback = {
  async onStepEnd(logs, context) {
    trainingSeconds += logs.seconds;
    if (logs.step % evalEvery !== 0 && logs.step !== steps) return;
    const score = await recipe.score(context.trainer.samplingGenerator, SCORE_OPTIONS);
    const point = { step: logs.step, seconds: round(trainingSeconds, 1), ...scoreFields(score) };
    curve.push(point);
    console.log(`\n${JSON.stringify(point)}`);
    if (keep === 'best') {
      // The curve's seed is scored already; each other pick seed is one more evaluation.
      const fids: number[] = [];
      for (const seed of pickSeeds) fids.push(seed === CURVE_SEED ? score.fid : (await recipe.score(context.trainer.samplingGenerator, { seed })).fid);
      const pickFid = round(fids.reduce((sum, fid) => sum + fid, 0) / fids.length, 3);
      if (pickSeeds.length > 1) console.log(`FID with sample seeds ${pickSeeds.join(', ')}: ${fids.map((fid) => round(fid, 3)).join(', ')} (mean ${pickFid})`);
      if (best === undefined || pickFid < best.fid) {
        best = { step: logs.step, fid: pickFid };
        await context.trainer.save(`file://${bestDir}`);
        console.log(`best so far: step ${best.step}, FID ${best.fid}; saved to ${bestDir}`);
      }
    }
    const sampler = context.trainer.samplingGenerator;
    const images = sampler.numClasses > 0 ? sampler.sample({ count: 8, labels: 'all', seed: 1 }) : sampler.sample({ count: 64, seed: 1 });
    await saveImageGrid(images as tf.Tensor4D, `runs/pretrained-${name}/step-${logs.step}.png`, { columns: 8 });
    tf.dispose(images);
  },
};
/** The trained run: a saved one (--from, with its record's curve and time), or one trained here. */
async function trainedRun(): Promise<{ trainer: Trainer; dispose(): void }> {
  if (raw.from === undefined) {
    const pretrainedNetwork = await ownPretrainedNetwork();
    const run = await recipe.train({ callbacks: [progress(), curveCallback], ...(pretrainedNetwork !== undefined ? { pretrainedNetwork } : {}) });
    pretrainedNetwork?.dispose();
    // The trained state first: nothing after this point can lose the run.
    await run.trainer.save(`file://runs/pretrained-${name}`);
    if (best === undefined || best.step === run.trainer.step) return run;
    console.log(`--keep best: shipping step ${best.step} (FID ${best.fid}) from ${bestDir}, not step ${run.trainer.step}`);
    run.dispose();
    return loadedRun(await Trainer.load(`file://${bestDir}`));
  }
  if (raw['from-record'] === undefined) throw new Error('--from needs --from-record FILE: the record the saved run wrote');
  const saved = JSON.parse(await readFile(raw['from-record'], 'utf8')) as PretrainedRecord;
  const trainer = await Trainer.load(`file://${raw.from}`);
  if (saved.recipe !== name || saved.steps !== trainer.step) {
    throw new Error(`--from-record ${raw['from-record']} is recipe ${saved.recipe} at ${saved.steps} steps; ${raw.from} holds ${trainer.step} steps of ${name}`);
  }
  if (JSON.stringify(saved.recipeConfig) !== JSON.stringify(recipe.config)) {
    throw new Error(`--from-record ${raw['from-record']} was trained with ${JSON.stringify(saved.recipeConfig)}, not the recipe as it is now: ${JSON.stringify(recipe.config)}`);
  }
  curve.push(...saved.curve.map((point) => ({ ...point })));
  trainingSeconds = saved.trainingSeconds;
  command = saved.command;
  return loadedRun(trainer);
}

/** --pretrained-network: the EXTRACTOR of the module named, decoded (the recipe copies it). */
async function ownPretrainedNetwork(): Promise<tf.LayersModel | undefined> {
  const file = raw['pretrained-network'];
  if (file === undefined) return undefined;
  if (recipe.config.pretrainedFeatures === undefined) throw new Error(`--pretrained-network ${file}: recipe ${name} has no pretrainedFeatures to replace`);
  return decodeEmbeddedModel((await importExtractorModule(file, '--pretrained-network')).model);
}

/** A run loaded from a checkpoint: its trainer, disposed with its networks. */
function loadedRun(trainer: Trainer): { trainer: Trainer; dispose(): void } {
  return {
    trainer,
    dispose() {
      trainer.generator.dispose();
      trainer.discriminator.dispose();
      trainer.dispose();
    },
  };
}
const run = await trainedRun();
const generator = run.trainer.samplingGenerator;
const scoresFloat32 = scoreFields(await recipe.score(generator, SCORE_OPTIONS));
console.log(`float32: ${JSON.stringify(scoresFloat32)}`);
if (keep === 'best') {
  // The pick was made on the curve's samples (CURVE_SEED): other seeds tell how much of its FID was luck.
  for (const seed of [8, 9]) console.log(`rescored with sample seed ${seed}: ${JSON.stringify(scoreFields(await recipe.score(generator, { ...SCORE_OPTIONS, seed })))}`);
}

async function scoreEmbedded(embedded: EmbeddedModel): Promise<Record<string, number>> {
  const copy = new Generator(await decodeEmbeddedModel(embedded), generator.spec);
  try {
    return scoreFields(await recipe.score(copy, SCORE_OPTIONS));
  } finally {
    copy.dispose();
  }
}

let chosen: { quantization: WeightQuantization; embedded: EmbeddedModel; scores: Record<string, number> } | undefined;
if (!ships) chosen = { quantization: 'float32', embedded: await encodeEmbeddedModel(generator.model, 'float32'), scores: scoresFloat32 };
for (const quantization of ships ? (['uint8', 'float16'] as const) : []) {
  const embedded = await encodeEmbeddedModel(generator.model, quantization);
  const bytes = embeddedWeightBytes(embedded);
  const scores = await scoreEmbedded(embedded);
  console.log(`${quantization}: ${bytes} bytes, ${JSON.stringify(scores)}`);
  const keepsFid = scores.fid <= scoresFloat32.fid * 1.05;
  const keepsAccuracy = scoresFloat32.classAccuracy === undefined || scores.classAccuracy >= scoresFloat32.classAccuracy - 0.005;
  if (bytes <= maxBytes && ((keepsFid && keepsAccuracy) || quantization === 'float16')) {
    chosen = { quantization, embedded, scores };
    break;
  }
}
if (chosen === undefined) throw new Error(`no quantization fits ${maxBytes} bytes`);

const record: PretrainedRecord = {
  name,
  recipe: name,
  recipeConfig: { ...recipe.config },
  command,
  seed: recipe.config.seed,
  steps: run.trainer.step,
  // Training time without the curve's evaluations.
  trainingSeconds: round(trainingSeconds, 1),
  machine: `${backend}, ${threads ?? 'default'} threads, ${cpus().length} CPU cores`,
  tfjsVersion: tf.version.tfjs,
  quantization: chosen.quantization,
  weightBytes: embeddedWeightBytes(chosen.embedded),
  scores: chosen.scores,
  scoresFloat32,
  curve,
};
const shipped: ShippedGenerator = { record, spec: { ...generator.spec }, model: chosen.embedded };
await mkdir(outDir, { recursive: true });
const base = `${outDir}/${name}`;
await writeFile(`${base}.json`, `${JSON.stringify(record, null, 2)}\n`);
if (ships) await writeFile(
  `${base}.ts`,
  [
    `// Generated by scripts/train-pretrained.ts: the pretrained ${name} generator. Do not edit;`,
    `// rerun \`${command}\` instead. The training record (recipe, seed, steps, scores) is ./${name}.json.`,
    `import type { ShippedGenerator } from '../pretrained.js';`,
    ``,
    `/** The pretrained ${name} generator: held-out FID ${chosen.scores.fid} (floor ${chosen.scores.floorFid}). */`,
    `export const GENERATOR: ShippedGenerator = ${JSON.stringify(shipped)};`,
    ``,
  ].join('\n'),
);
console.log(`wrote ${ships ? `${base}.ts (${chosen.quantization}, ${record.weightBytes} bytes) and ` : ''}${base}.json`);

// The grid the docs show: the stored weights, 8 samples per class (a row per class), seed 1.
const stored = new Generator(await decodeEmbeddedModel(chosen.embedded), generator.spec);
const grid = stored.numClasses > 0 ? stored.sample({ count: 8, labels: 'all', seed: 1 }) : stored.sample({ count: 64, seed: 1 });
const image = `${raw['grid-dir'] ?? 'docs/images'}/${ships ? 'pretrained' : 'recipe'}-${name}.png`;
await saveImageGrid(grid as tf.Tensor4D, image, { columns: 8 });
tf.dispose(grid);
stored.dispose();
console.log(`wrote ${image}`);
run.dispose();
