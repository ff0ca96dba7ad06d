/**
 * Mode-coverage benchmark on the 2-D Gaussian mixtures (VEEGAN / PacGAN protocol): trains an MLP GAN
 * on the 8-Gaussian ring and the 25-Gaussian grid (`datasets.toy2d`, unscaled) with several
 * configurations and reports, per configuration and dataset, over several seeds: modes covered, %
 * high-quality samples (within 3 std of a mode) and the reverse KL between the mode histogram and the
 * uniform one, measured on 2,500 samples of the EMA generator (the raw generator's figures are printed
 * beside them); mean ± standard deviation over the seeds, the worst seed, and the time per run. Writes
 * the full results as JSON to bench/results/.
 *
 * Every configuration shares the networks (MLPs of 3 x 128 units; latent size 2; discriminator
 * leakyReLU), the batch size (256), the optimizer (Adam, learning rate 1e-3, betas (0, 0.99), divided
 * by 10 halfway), the EMA of the generator (decay 0.999) and the number of steps per dataset; they
 * differ in the loss, the penalties and the discriminator's options.
 *
 *     npm run bench:modes
 *     npx tsx bench/modes.ts [--backend wasm|cpu] [--threads 1] [--seeds 1,2,3] [--datasets ring,grid]
 *                            [--configs non-saturating,wgan-gp,hinge-sn,pacgan2] [--steps N] [--samples 2500]
 *
 * Published PacGAN results (Lin et al. 2018, arXiv:1712.04086, tables 2 and 3): ring 7.9 modes / 95.6% /
 * KL 0.07 (PacGAN2); grid 24.8 modes / 93.6% / KL 0.04 (PacGAN4).
 */
import * as tf from '@tensorflow/tfjs';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BackendName, useBackend } from '../src/backend/index.js';
import { modeCoverage } from '../src/data/mode-coverage.js';
import { type Toy2dName, toy2d } from '../src/data/toy2d.js';
import type { GanLoss } from '../src/losses/gan-loss.js';
import { hinge, nonSaturating, wasserstein } from '../src/losses/index.js';
import { gradientPenalty, r1 } from '../src/losses/penalties/index.js';
import type { Penalty } from '../src/losses/penalty.js';
import { Discriminator, Generator } from '../src/nets/index.js';
import { learningRateSchedule } from '../src/train/callbacks/index.js';
import { Trainer } from '../src/train/trainer.js';
import { benchFlags } from './args.js';

const { flag } = benchFlags('bench/modes.ts', { values: ['backend', 'threads', 'seeds', 'datasets', 'configs', 'samples', 'steps'] });

/** One configuration of the benchmark. */
interface ModesConfig {
  readonly name: string;
  readonly description: string;
  readonly loss: () => GanLoss;
  readonly penalties?: () => Penalty[];
  readonly spectralNorm?: boolean;
  readonly packing?: number;
  readonly discriminatorSteps?: number;
}

/** Shared by every configuration (the 2-D toy networks and the training length). */
const COMMON = Object.freeze({
  latentDim: 2,
  generatorUnits: [128, 128, 128],
  discriminatorUnits: [128, 128, 128],
  batchSize: 256,
  learningRate: 1e-3,
  /** Adam's beta1 and beta2: no momentum (as StyleGAN2); with beta1 0.5 the grid stalls for thousands of steps. */
  betas: [0, 0.99] as const,
  /** The learning rates are multiplied by `decayFactor` after this fraction of the steps. */
  decayAt: 0.5,
  decayFactor: 0.1,
  emaDecay: 0.999,
  steps: { ring: 16_000, grid: 30_000 } as Record<Toy2dName, number>,
  samples: 2500,
});

const CONFIGS: readonly ModesConfig[] = [
  { name: 'non-saturating', description: 'non-saturating loss', loss: nonSaturating },
  {
    name: 'wgan-gp',
    description: 'Wasserstein loss + gradient penalty (weight 0.1, as in the WGAN-GP toy experiments)',
    loss: wasserstein,
    penalties: () => [gradientPenalty({ weight: 0.1 })],
  },
  { name: 'hinge-sn', description: 'hinge loss + spectral normalisation', loss: hinge, spectralNorm: true },
  { name: 'pacgan2', description: 'non-saturating loss + PacGAN packing 2', loss: nonSaturating, packing: 2 },
  {
    name: 'pacgan2-r1',
    description: 'non-saturating loss + PacGAN packing 2 + R1 penalty (gamma 1)',
    loss: nonSaturating,
    packing: 2,
    penalties: () => [r1({ gamma: 1 })],
  },
];

interface RunResult {
  readonly dataset: Toy2dName;
  readonly config: string;
  readonly seed: number;
  readonly modesCovered: number;
  readonly numModes: number;
  readonly highQualityPercent: number;
  readonly reverseKL: number;
  readonly rawModesCovered: number;
  readonly rawHighQualityPercent: number;
  readonly rawReverseKL: number;
  readonly seconds: number;
  readonly steps: number;
}

async function samplePoints(generator: Generator, count: number, seed: number): Promise<Float32Array> {
  const samples = generator.sample({ count, seed });
  const points = (await samples.data()) as Float32Array;
  samples.dispose();
  return points;
}

async function runOne(config: ModesConfig, dataset: Toy2dName, seed: number, steps: number, samples: number): Promise<RunResult> {
  const data = await toy2d(dataset, { count: 100_000, seed });
  const generator = Generator.mlp({ outputShape: [2], latentDim: COMMON.latentDim, hiddenUnits: COMMON.generatorUnits, seed });
  const discriminator = Discriminator.mlp({
    inputShape: [2],
    hiddenUnits: COMMON.discriminatorUnits,
    spectralNorm: config.spectralNorm,
    packing: config.packing,
    seed: seed + 1000,
  });
  const [beta1, beta2] = COMMON.betas;
  const generatorOptimizer = tf.train.adam(COMMON.learningRate, beta1, beta2);
  const discriminatorOptimizer = tf.train.adam(COMMON.learningRate, beta1, beta2);
  const trainer = new Trainer({
    generator,
    discriminator,
    loss: config.loss(),
    penalties: config.penalties?.() ?? [],
    discriminatorSteps: config.discriminatorSteps ?? 1,
    generatorOptimizer,
    discriminatorOptimizer,
    ema: { decay: COMMON.emaDecay },
    seed,
  });
  const decayStep = Math.round(steps * COMMON.decayAt);
  const decay = learningRateSchedule({ schedule: (step) => (step < decayStep ? 1 : COMMON.decayFactor) });
  const started = performance.now();
  await trainer.fit(data, { steps, batchSize: COMMON.batchSize, callbacks: [decay] });
  const seconds = (performance.now() - started) / 1000;
  const ema = modeCoverage(await samplePoints(trainer.samplingGenerator, samples, seed + 7), dataset);
  const raw = modeCoverage(await samplePoints(trainer.generator, samples, seed + 7), dataset);
  generator.dispose();
  discriminator.dispose();
  trainer.dispose();
  data.dispose();
  return {
    dataset,
    config: config.name,
    seed,
    modesCovered: ema.modesCovered,
    numModes: ema.numModes,
    highQualityPercent: 100 * ema.highQualityFraction,
    reverseKL: ema.reverseKL,
    rawModesCovered: raw.modesCovered,
    rawHighQualityPercent: 100 * raw.highQualityFraction,
    rawReverseKL: raw.reverseKL,
    seconds,
    steps,
  };
}

function stats(values: number[]): { mean: number; std: number } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const std = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / Math.max(1, values.length - 1));
  return { mean, std };
}

const fmt = (values: number[], digits: number) => {
  const { mean, std } = stats(values);
  return `${mean.toFixed(digits)} ± ${std.toFixed(digits)}`;
};

async function main(): Promise<void> {
  const backend = (flag('backend') ?? 'wasm') as BackendName;
  // One thread: the MLPs' kernels are too small for XNNPACK's thread pool to pay off.
  await useBackend(backend, backend === 'wasm' ? { threads: Number(flag('threads') ?? 1) } : {});
  const seeds = (flag('seeds') ?? '1,2,3').split(',').map(Number);
  const datasets = (flag('datasets') ?? 'ring,grid').split(',') as Toy2dName[];
  const names = (flag('configs') ?? CONFIGS.map((c) => c.name).join(',')).split(',');
  const samples = Number(flag('samples') ?? COMMON.samples);
  const configs = names.map((name) => {
    const config = CONFIGS.find((c) => c.name === name);
    if (!config) throw new Error(`unknown config ${name}; known: ${CONFIGS.map((c) => c.name).join(', ')}`);
    return config;
  });
  console.log(
    `mode coverage on ${backend}: seeds ${seeds.join(', ')}; batch ${COMMON.batchSize}; Adam ${COMMON.learningRate} ` +
      `(${COMMON.betas.join(', ')}), x${COMMON.decayFactor} at ${100 * COMMON.decayAt}% of the steps; ${samples} samples of the EMA generator per run`,
  );
  const results: RunResult[] = [];
  const rows: string[] = [];
  for (const dataset of datasets) {
    const steps = Number(flag('steps') ?? COMMON.steps[dataset]);
    for (const config of configs) {
      const runs: RunResult[] = [];
      for (const seed of seeds) {
        const result = await runOne(config, dataset, seed, steps, samples);
        runs.push(result);
        results.push(result);
        console.log(
          `  ${dataset} ${config.name} seed ${seed}: ${result.modesCovered}/${result.numModes} modes, ` +
            `${result.highQualityPercent.toFixed(1)}% HQ, KL ${result.reverseKL.toFixed(4)} ` +
            `(raw G: ${result.rawModesCovered}, ${result.rawHighQualityPercent.toFixed(1)}%, ${result.rawReverseKL.toFixed(4)}) ` +
            `${result.seconds.toFixed(0)} s`,
        );
      }
      const worst = runs.reduce((w, r) => (r.highQualityPercent < w.highQualityPercent ? r : w));
      rows.push(
        `| ${dataset} | ${config.name} | ${fmt(runs.map((r) => r.modesCovered), 1)} / ${runs[0].numModes} | ` +
          `${fmt(runs.map((r) => r.highQualityPercent), 1)} | ${fmt(runs.map((r) => r.reverseKL), 4)} | ` +
          `${Math.min(...runs.map((r) => r.modesCovered))} / ${worst.highQualityPercent.toFixed(1)}% / ${Math.max(...runs.map((r) => r.reverseKL)).toFixed(4)} | ` +
          `${stats(runs.map((r) => r.seconds)).mean.toFixed(0)} s × ${runs.length} |`,
      );
    }
  }
  console.log('\n| data | config | modes (mean ± sd) | high quality % | reverse KL | worst seed (modes / HQ / KL) | time per run |');
  console.log('|---|---|---|---|---|---|---|');
  for (const row of rows) console.log(row);
  const dir = join(dirname(fileURLToPath(import.meta.url)), 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `modes-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify({ backend, seeds, common: COMMON, configs: configs.map(({ name, description, spectralNorm, packing, discriminatorSteps }) => ({ name, description, spectralNorm, packing, discriminatorSteps })), results }, null, 1));
  console.log(`\nwrote ${file}`);
}

await main();
