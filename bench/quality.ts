/**
 * `npm run bench:quality`: the time-to-quality race. The same recipe trains in tfjs-gan (wasm, --threads
 * threads) and in PyTorch (bench/pytorch_recipe.py, as many threads), each for --budget seconds of
 * training time on the same digits; both are scored by tfjs-gan's held-out protocol
 * (`recipes.heldOutScore`: FID against the reference, class accuracy by the shipped extractor) every
 * --every seconds. PyTorch writes its EMA generator's samples; tfjs-gan scores them. PyTorch trains
 * first; tfjs-gan then trains until it reaches PyTorch's final FID or for --gan-budget seconds (default
 * twice --budget: the goal is to be within 2x of PyTorch's time), whichever comes first.
 *
 *     npm run bench:quality -- [--recipe mnist] [--budget 600] [--gan-budget 1200] [--every 60] [--threads 2] [--no-torch [--target FID]]
 *
 * `--no-torch --target FID` trains tfjs-gan alone until it reaches a PyTorch FID measured before.
 *
 * Prints both curves, the time each side needs to reach PyTorch's final FID, and their ratio; writes
 * bench/results/quality-<time>.json. Needs Debian's python3-torch for the PyTorch side (installed by
 * hand, never by CI); without it, only tfjs-gan's curve is measured.
 */
import * as tf from '@tensorflow/tfjs';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { useBackend } from '../src/backend/index.js';
import { type HeldOutScore, byName } from '../src/recipes/index.js';
import { benchFlags } from './args.js';
import { referenceBlasWarning, torchEnv } from './torch-env.js';

const { flag, hasFlag } = benchFlags('bench/quality.ts', { values: ['recipe', 'budget', 'every', 'gan-budget', 'threads', 'target'], switches: ['no-torch'] });

const recipeName = flag('recipe') ?? 'mnist';
const budget = Number(flag('budget') ?? 600);
const every = Number(flag('every') ?? 60);
const ganBudget = Number(flag('gan-budget') ?? 2 * budget);
const threads = Number(flag('threads') ?? availableParallelism());
const recipe = byName(recipeName);

interface Point {
  seconds: number;
  step: number;
  fid: number;
  fidRatio: number;
  classAccuracy?: number;
}

const point = (seconds: number, step: number, score: HeldOutScore): Point => ({
  seconds: Number(seconds.toFixed(1)),
  step,
  fid: Number(score.fid.toFixed(3)),
  fidRatio: Number(score.fidRatio.toFixed(3)),
  ...(score.classAccuracy !== undefined ? { classAccuracy: Number(score.classAccuracy.toFixed(4)) } : {}),
});

/**
 * tfjs-gan: the recipe's trainer and schedule, scored every `every` seconds, trained for `limit` seconds
 * or until its FID reaches `target`.
 */
async function tfjsGan(limit: number, target: number | undefined): Promise<Point[]> {
  const data = await recipe.loadData();
  const trainer = recipe.buildTrainer(data);
  const curve: Point[] = [];
  const controller = new AbortController();
  let trained = 0;
  let next = every;
  await trainer.fit(data, {
    steps: 100_000_000,
    batchSize: recipe.config.batchSize,
    signal: controller.signal,
    callbacks: [
      ...recipe.callbacks(),
      {
        async onStepEnd(logs) {
          trained += logs.seconds;
          if (trained < next && trained < limit) return;
          next += every;
          const p = point(trained, logs.step, await recipe.score(trainer.samplingGenerator));
          curve.push(p);
          console.log(`tfjs-gan  ${JSON.stringify(p)}`);
          if (trained >= limit || (target !== undefined && p.fid <= target)) controller.abort();
        },
      },
    ],
  });
  trainer.generator.dispose();
  trainer.discriminator.dispose();
  trainer.dispose();
  return curve;
}

/** PyTorch: exports the data, runs bench/pytorch_recipe.py, scores every snapshot it wrote. */
async function pytorch(): Promise<Point[] | undefined> {
  if (hasFlag('no-torch')) return undefined;
  try {
    execFileSync('/usr/bin/python3', ['-c', 'import torch'], { stdio: 'ignore', env: torchEnv(threads) });
  } catch {
    console.log('(PyTorch not importable by /usr/bin/python3: no PyTorch side; install Debian python3-torch by hand)');
    return undefined;
  }
  const blas = referenceBlasWarning();
  if (blas !== undefined) console.log(blas);
  const dir = mkdtempSync(join(tmpdir(), 'tfjs-gan-quality-'));
  try {
    const data = await recipe.loadData();
    writeFileSync(join(dir, 'images.f32'), bytesOf(await data.images.data()));
    writeFileSync(join(dir, 'labels.i32'), bytesOf(Int32Array.from(await data.labels!.data())));
    writeFileSync(join(dir, 'data.json'), JSON.stringify({ count: data.size, numClasses: data.numClasses }));
    data.dispose();
    writeFileSync(join(dir, 'recipe.json'), JSON.stringify(recipe.config));
    const out = join(dir, 'torch');
    const args = ['bench/pytorch_recipe.py', '--recipe', join(dir, 'recipe.json'), '--data', dir, '--out', out];
    const summary = execFileSync('/usr/bin/python3', [...args, '--budget', String(budget), '--every', String(every), '--threads', String(threads)], {
      encoding: 'utf8',
      env: torchEnv(threads),
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    console.log(`pytorch   ${summary.trim()}`);
    const index = JSON.parse(readFileSync(join(out, 'index.json'), 'utf8')) as { count: number; snapshots: { file: string; step: number; seconds: number }[] };
    const labels = new Int32Array(readFileSync(join(out, 'labels.i32')).buffer.slice(0));
    const curve: Point[] = [];
    for (const snapshot of index.snapshots) {
      const bytes = readFileSync(join(out, snapshot.file));
      const samples = tf.tensor4d(new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4), [index.count, 28, 28, 1]);
      const p = point(snapshot.seconds, snapshot.step, await recipe.score({ samples, labels }));
      samples.dispose();
      curve.push(p);
      console.log(`pytorch   ${JSON.stringify(p)}`);
    }
    return curve;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The first time a curve reaches an FID, linearly interpolated between its points; undefined if never. */
function timeToFid(curve: readonly Point[], fid: number): number | undefined {
  for (let i = 0; i < curve.length; i++) {
    if (curve[i].fid > fid) continue;
    if (i === 0) return curve[0].seconds;
    const [a, b] = [curve[i - 1], curve[i]];
    return a.seconds + ((a.fid - fid) / (a.fid - b.fid)) * (b.seconds - a.seconds);
  }
  return undefined;
}

// The backend first: the wasm thread count is fixed when it starts, and exporting the data starts it.
const backend = await useBackend('wasm', { threads });
console.log(`recipe ${recipeName}: ${budget} s of training each, scored every ${every} s, ${threads} threads (tfjs-gan on ${backend})`);
const torchCurve = await pytorch();
const torchFinal = torchCurve !== undefined && torchCurve.length > 0 ? torchCurve[torchCurve.length - 1].fid : flag('target') === undefined ? undefined : Number(flag('target'));
const ganCurve = await tfjsGan(torchFinal === undefined ? budget : ganBudget, torchFinal);
const result: Record<string, unknown> = { recipe: recipe.config, budget, ganBudget, every, threads, tfjsGan: ganCurve, pytorch: torchCurve };
console.log('\n| seconds | tfjs-gan FID | tfjs-gan class acc | PyTorch FID | PyTorch class acc |\n|---:|---:|---:|---:|---:|');
for (let i = 0; i < Math.max(ganCurve.length, torchCurve?.length ?? 0); i++) {
  const g = ganCurve[i];
  const t = torchCurve?.[i];
  const cell = (p: Point | undefined, key: 'fid' | 'classAccuracy'): string => (p?.[key] === undefined ? '' : String(p[key]));
  console.log(`| ${(g ?? t)!.seconds} | ${cell(g, 'fid')} | ${cell(g, 'classAccuracy')} | ${cell(t, 'fid')} | ${cell(t, 'classAccuracy')} |`);
}
if (torchCurve !== undefined && torchCurve.length > 0) {
  const target = torchCurve[torchCurve.length - 1].fid;
  const torchTime = timeToFid(torchCurve, target)!;
  const ganTime = timeToFid(ganCurve, target);
  result.target = { fid: target, pytorchSeconds: torchTime, tfjsGanSeconds: ganTime, ratio: ganTime === undefined ? undefined : ganTime / torchTime };
  console.log(
    `\ntime to PyTorch's final FID ${target}: PyTorch ${torchTime.toFixed(0)} s, tfjs-gan ${ganTime === undefined ? `not reached in ${ganBudget} s` : `${ganTime.toFixed(0)} s (${(ganTime / torchTime).toFixed(2)}x)`}`,
  );
}
mkdirSync('bench/results', { recursive: true });
const file = `bench/results/quality-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
console.log(`wrote ${file}`);

/** The bytes of a typed array's own elements (its buffer may be larger). */
function bytesOf(array: ArrayBufferView): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}
