/**
 * `npm run bench`: training and sampling speed, memory and tensors per step of the library's presets on
 * every backend this machine has, as ratios against baselines measured in the same run:
 * - the Trainer against a hand-written tfjs loop of the same step (bench/hand-loop.ts), step for step;
 * - tfjs-gan on wasm against PyTorch on the identical DCGAN-MNIST step (bench/pytorch_dcgan.py), when
 *   /usr/bin/python3 can import torch, with the same number of threads.
 *
 *     npm run bench -- [--backends wasm,cpu] [--threads 1,2] [--steps 20] [--presets reference,default,mlp] [--rounds 3] [--no-torch]
 *
 * wasm runs once per thread count of `--threads` (default: 1 and every core), each in a child process
 * (a process starts the wasm backend once); PyTorch runs with the same thread counts. On a shared machine
 * one run proves nothing, so the two are interleaved: `--rounds` rounds of (tfjs-gan on wasm, PyTorch),
 * each a fresh process, and the table gives the best and the median round of each; the ratios compare
 * best with best and median with median. Other backends run once.
 *
 * Prints a table and writes bench/results/bench-<time>.json to compare versions.
 */
import * as tf from '@tensorflow/tfjs';
import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { mkdirSync, writeFileSync } from 'node:fs';
import { BACKEND_NAMES, type BackendName, useBackend, wasmSimdInUse } from '../src/backend/index.js';
import { handStep } from './hand-loop.js';
import { benchFlags } from './args.js';
import { median } from './median.js';
import { type BenchPreset, DCGAN_MNIST_REFERENCE, MLP_TOY, presetKey, presetsFromList } from './presets.js';
import { type KernelRow, kernelTable, profileTrainerSteps } from './kernel-profile.js';
import { fakeData, handLoopTrainer } from './setup.js';
import { referenceBlasWarning, torchEnv } from './torch-env.js';

const { flag, hasFlag } = benchFlags('bench/index.ts', { values: ['steps', 'presets', 'backends', 'child-threads', 'threads', 'rounds'], switches: ['no-torch'] });

const steps = Number(flag('steps') ?? 20);
const presets = presetsFromList(flag('presets') ?? 'reference,default,mlp');

async function availableBackends(): Promise<BackendName[]> {
  const wanted = (flag('backends')?.split(',') as BackendName[] | undefined) ?? ['tensorflow', 'wasm', 'cpu'];
  const found: BackendName[] = [];
  for (const name of wanted) {
    if (!BACKEND_NAMES.includes(name)) throw new Error(`unknown backend ${name}`);
    // wasm starts in child processes, one per thread count.
    if (name === 'wasm') {
      found.push(name);
      continue;
    }
    try {
      await useBackend(name);
      found.push(name);
    } catch {
      console.log(`(backend ${name} not available: skipped)`);
    }
  }
  return found;
}

interface Row {
  backend: string;
  /** wasm: the threads XNNPACK ran on. */
  threads?: number;
  preset: string;
  trainerSecondsPerStep: number;
  handSecondsPerStep: number;
  trainerOverhead: number;
  gflops?: number;
  samplesPerSecond: number;
  tensorsPerStep: number;
  peakRssMiB: number;
  tfBytesMiB: number;
  /** The reference preset: the step's kernels (profiled steps after the timed ones, same process). */
  kernels?: KernelRow[];
  /** wasm: the interleaved round (0-based). */
  round?: number;
  /** wasm: the build of tfjs-gan's kernels ('relaxed' or 'simd128'). */
  simd?: string;
}

async function measure(backend: BackendName, preset: BenchPreset): Promise<Row> {
  // cpu is orders of magnitude slower: fewer steps there.
  const n = backend === 'cpu' && preset !== MLP_TOY ? Math.min(steps, 3) : steps;
  let peakRss = 0;
  const sampleRss = (): void => void (peakRss = Math.max(peakRss, process.memoryUsage().rss));

  const { generator, discriminator } = preset.build();
  const data = fakeData(preset, generator.outputShape);
  const trainer = handLoopTrainer(generator, discriminator);
  // The hand-written loop, on fresh copies of the same networks, step for step with the Trainer: a
  // Trainer step, then a hand step, and so on, so that a slower spell of this shared machine slows both
  // sides alike (measured one block after the other, the overhead read anywhere from 6% to 20% with 2
  // threads; interleaved, within a few percent either way).
  const hand = preset.build();
  const gOpt = tf.train.adam(2e-4, 0.5, 0.999);
  const dOpt = tf.train.adam(2e-4, 0.5, 0.999);
  const trainerTimes: number[] = [];
  const handTimes: number[] = [];
  for (let i = 0; i < n + 2; i++) {
    const before = tf.memory().numTensors;
    const logs = await trainer.trainStep(data, preset.batchSize);
    if (i >= 2) trainerTimes.push(logs.seconds);
    if (i === n + 1 && tf.memory().numTensors !== before) console.log(`warning: ${tf.memory().numTensors - before} tensors leaked per step`);
    sampleRss();
    const batch = data.batch(i, preset.batchSize, 1);
    const start = performance.now();
    await handStep(hand.generator.model, hand.discriminator.model, gOpt, dOpt, batch.images, hand.generator.latentDim);
    if (i >= 2) handTimes.push((performance.now() - start) / 1000);
    tf.dispose([batch.images, batch.labels]);
    sampleRss();
  }
  const before = tf.memory().numTensors;
  await trainer.trainStep(data, preset.batchSize);
  const tensorsPerStep = tf.memory().numTensors - before;
  // Where the reference step's time goes, kernel by kernel (cpu: too slow to profile as well).
  const kernels = preset === DCGAN_MNIST_REFERENCE && backend !== 'cpu' ? (await profileTrainerSteps(trainer, data, preset.batchSize, 3)).rows : undefined;

  // Sampling throughput: 256 images per call.
  const sampleTimes: number[] = [];
  for (let i = 0; i < 4; i++) {
    const start = performance.now();
    const images = generator.sample({ count: 256, seed: i });
    await images.data();
    images.dispose();
    if (i > 0) sampleTimes.push((performance.now() - start) / 1000);
  }
  const row: Row = {
    backend,
    preset: preset.name,
    trainerSecondsPerStep: median(trainerTimes),
    handSecondsPerStep: median(handTimes),
    trainerOverhead: median(trainerTimes) / median(handTimes) - 1,
    gflops: preset.flopsPerStep ? preset.flopsPerStep / median(trainerTimes) / 1e9 : undefined,
    samplesPerSecond: 256 / median(sampleTimes),
    tensorsPerStep,
    peakRssMiB: peakRss / 2 ** 20,
    tfBytesMiB: tf.memory().numBytes / 2 ** 20,
    ...(kernels ? { kernels } : {}),
  };
  [generator, discriminator, hand.generator, hand.discriminator, trainer, data].forEach((x) => x.dispose());
  gOpt.dispose();
  dOpt.dispose();
  return row;
}

interface TorchResult {
  secondsPerStep: number;
  torch: string;
  /** The BLAS PyTorch called and, for OpenBLAS, its core kernel. */
  blas?: string;
}

function pytorch(threads: number): TorchResult | undefined {
  if (hasFlag('no-torch')) return undefined;
  try {
    execFileSync('/usr/bin/python3', ['-c', 'import torch'], { stdio: 'ignore' });
  } catch {
    console.log('(PyTorch not importable by /usr/bin/python3: no PyTorch baseline; install Debian python3-torch by hand)');
    return undefined;
  }
  const blas = referenceBlasWarning();
  if (blas !== undefined) console.log(blas);
  const out = execFileSync('/usr/bin/python3', ['bench/pytorch_dcgan.py', '--threads', String(threads), '--steps', String(steps)], {
    encoding: 'utf8',
    env: torchEnv(threads),
  });
  return JSON.parse(out.trim().split('\n').at(-1)!);
}

const label = (row: Row): string => (row.threads ? `${row.backend} x${row.threads}${row.simd === 'relaxed' ? ' (relaxed)' : ''}` : row.backend);
const print = (row: Row): void =>
  console.log(
    `${label(row).padEnd(10)} ${row.preset.padEnd(38)} trainer ${row.trainerSecondsPerStep.toFixed(4)} s/step (${(1 / row.trainerSecondsPerStep).toFixed(2)} steps/s)` +
      `  hand loop ${row.handSecondsPerStep.toFixed(4)} s/step  overhead ${(100 * row.trainerOverhead).toFixed(1)}%` +
      `${row.gflops ? `  ${row.gflops.toFixed(1)} GFLOP/s` : ''}  sampling ${row.samplesPerSecond.toFixed(0)} img/s` +
      `  tensors/step ${row.tensorsPerStep}  peak RSS ${row.peakRssMiB.toFixed(0)} MiB`,
  );

const childThreads = flag('child-threads');
if (childThreads !== undefined) {
  // A child: wasm with one thread count; the rows go back to the parent as one JSON line.
  const threads = Number(childThreads);
  await useBackend('wasm', { threads });
  const rows: Row[] = [];
  const simd = wasmSimdInUse() ?? 'none';
  for (const preset of presets) rows.push({ ...(await measure('wasm', preset)), threads, simd });
  console.log(`ROWS ${JSON.stringify(rows)}`);
  process.exit(0);
}

const threadCounts = (flag('threads') ?? [...new Set([1, Math.min(8, availableParallelism())])].join(',')).split(',').map(Number);
const rounds = Number(flag('rounds') ?? 3);
if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`--rounds must be an integer >= 1, received ${flag('rounds')}`);
const backends = await availableBackends();
const rows: Row[] = [];

/** tfjs-gan on wasm with each thread count, each in a child process; its rows. */
function wasmRound(round: number): Row[] {
  const out: Row[] = [];
  for (const threads of threadCounts) {
    try {
      const stdout = execFileSync(
        process.execPath,
        [...process.execArgv, process.argv[1], '--child-threads', String(threads), '--steps', String(steps), '--presets', presets.map(presetKey).join(',')],
        { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 24 },
      );
      const line = stdout.split('\n').find((l) => l.startsWith('ROWS '));
      if (!line) throw new Error('no rows');
      for (const row of JSON.parse(line.slice(5)) as Row[]) {
        // The kernel profile of the first round is enough.
        if (round > 0) delete row.kernels;
        out.push({ ...row, round });
        print(row);
      }
    } catch (error) {
      console.log(`(backend wasm with ${threads} threads failed: ${error instanceof Error ? error.message : String(error)})`);
    }
  }
  return out;
}

// Backends other than wasm, once.
for (const backend of backends.filter((b) => b !== 'wasm')) {
  await useBackend(backend);
  for (const preset of presets) {
    const row = await measure(backend, preset);
    rows.push(row);
    print(row);
  }
}

// wasm and PyTorch, interleaved round by round: PyTorch with each thread count wasm ran with, and 2.
const torchThreads = [...new Set([...threadCounts, 2])];
const torchRounds: Record<number, TorchResult[]> = {};
const withTorch = presets.includes(DCGAN_MNIST_REFERENCE);
let torchAvailable = withTorch;
for (let round = 0; round < rounds; round++) {
  console.log(`-- round ${round + 1} of ${rounds}`);
  if (backends.includes('wasm')) rows.push(...wasmRound(round));
  for (const threads of torchAvailable ? torchThreads : []) {
    const result = pytorch(threads);
    if (!result) {
      torchAvailable = false;
      break;
    }
    (torchRounds[threads] ??= []).push(result);
    console.log(`PyTorch ${result.torch} (${result.blas ?? 'BLAS unknown'}), ${threads} thread(s): ${result.secondsPerStep.toFixed(4)} s/step`);
  }
}

const best = (xs: number[]): number => Math.min(...xs);
const torchRows: Record<number, { best: number; median: number; rounds: number[]; torch: string; blas?: string }> = {};
for (const [threads, results] of Object.entries(torchRounds)) {
  const times = results.map((r) => r.secondsPerStep);
  torchRows[Number(threads)] = { best: best(times), median: median(times), rounds: times, torch: results[0].torch, blas: results[0].blas };
}

// Best and median round of each wasm row.
console.log(`\nbest and median of ${rounds} interleaved round(s), trainer s/step:`);
const groups = new Map<string, Row[]>();
for (const row of rows.filter((r) => r.backend === 'wasm')) {
  const key = `${label(row)}|${row.preset}`;
  groups.set(key, [...(groups.get(key) ?? []), row]);
}
const wasmSummary: Array<{ threads: number; preset: string; best: number; median: number; handMedian: number; trainerOverheadMedian: number }> = [];
for (const [key, group] of groups) {
  const times = group.map((r) => r.trainerSecondsPerStep);
  const hand = group.map((r) => r.handSecondsPerStep);
  const summary = {
    threads: group[0].threads ?? 1,
    preset: group[0].preset,
    best: best(times),
    median: median(times),
    handMedian: median(hand),
    trainerOverheadMedian: median(times) / median(hand) - 1,
  };
  wasmSummary.push(summary);
  console.log(
    `${key.split('|')[0].padEnd(10)} ${summary.preset.padEnd(38)} best ${summary.best.toFixed(4)}  median ${summary.median.toFixed(4)}  ` +
      `hand loop median ${summary.handMedian.toFixed(4)}  trainer overhead (medians) ${(100 * summary.trainerOverheadMedian).toFixed(1)}%`,
  );
}
for (const [threads, r] of Object.entries(torchRows)) {
  console.log(`PyTorch x${threads}  best ${r.best.toFixed(4)}  median ${r.median.toFixed(4)}  (${r.rounds.map((t) => t.toFixed(4)).join(', ')}; ${r.blas ?? ''})`);
}
if (withTorch) {
  for (const row of rows.filter((r) => r.backend === 'wasm' && r.preset === DCGAN_MNIST_REFERENCE.name && r.kernels)) {
    console.log(`\n${label(row)}, ${row.preset}: kernels of the step (3 profiled steps)\n${kernelTable(row.kernels ?? [], 0.01)}`);
  }
  for (const w of wasmSummary.filter((s) => s.preset === DCGAN_MNIST_REFERENCE.name)) {
    const same = torchRows[w.threads];
    if (!same) continue;
    console.log(
      `tfjs-gan wasm x${w.threads} / PyTorch x${w.threads} speed ratio: best ${(same.best / w.best).toFixed(3)}, median ${(same.median / w.median).toFixed(3)}`,
    );
  }
}
mkdirSync('bench/results', { recursive: true });
const file = `bench/results/bench-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
writeFileSync(file, JSON.stringify({ date: new Date().toISOString(), node: process.version, steps, rounds, rows, wasm: wasmSummary, pytorch: torchRows, threads: threadCounts }, null, 2));
console.log(`wrote ${file}`);
