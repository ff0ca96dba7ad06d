/**
 * `npm run bench:profile`: where a training step's time goes, kernel by kernel. Profiles a few Trainer
 * steps of each preset with `tf.profile` on one backend and prints, per kernel: calls per step,
 * milliseconds per step, share of the step, and for convolutions and matrix products the GFLOP/s they
 * reach (FLOPs from the operands' shapes). The rest of the step (JavaScript, the tape, reading the
 * losses) is the row "outside kernels".
 *
 *     npm run bench:profile -- [--backend wasm] [--threads 1] [--presets reference,default,mlp] [--steps 3]
 *
 * Writes the table as JSON to bench/results/.
 */
import * as tf from '@tensorflow/tfjs';
import { mkdirSync, writeFileSync } from 'node:fs';
import { type BackendName, useBackend } from '../src/backend/index.js';
import { type BenchPreset, DCGAN_MNIST_DEFAULT, DCGAN_MNIST_REFERENCE, MLP_TOY } from './presets.js';
import { fakeData, handLoopTrainer } from './setup.js';

const args = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`);
  return i === -1 ? undefined : args[i + 1];
};
const backend = (flag('backend') ?? 'wasm') as BackendName;
const threads = Number(flag('threads') ?? 1);
const steps = Number(flag('steps') ?? 3);
const presetsByKey: Record<string, BenchPreset> = { reference: DCGAN_MNIST_REFERENCE, default: DCGAN_MNIST_DEFAULT, mlp: MLP_TOY };
const presets = (flag('presets') ?? 'reference,default,mlp').split(',').map((key) => {
  const preset = presetsByKey[key];
  if (!preset) throw new Error(`unknown preset ${key}; expected ${Object.keys(presetsByKey).join(', ')}`);
  return preset;
});

const size = (shape: readonly number[] | undefined): number => (shape ?? []).reduce((a, b) => a * b, 1);

/** FLOPs of one call, for the kernels whose arithmetic dominates; undefined for the others. */
function flopsOf(name: string, inputs: number[][], outputs: number[][]): number | undefined {
  const out = outputs[0];
  switch (name) {
    case 'Conv2D':
    case 'FusedConv2D': {
      const [kh, kw, cin] = inputs[1];
      return 2 * size(out) * kh * kw * cin;
    }
    case 'Conv2DBackpropInput': {
      // dy [n, ho, wo, cout], filter [kh, kw, cin, cout]: the forward convolution's FLOPs, which every
      // element of dy (not of the larger output) times one filter slice gives.
      const [kh, kw, cin] = inputs[1];
      return 2 * size(inputs[0]) * kh * kw * cin;
    }
    case 'Conv2DBackpropFilter': {
      // x, dy [n, ho, wo, cout]; output the filter [kh, kw, cin, cout].
      const dy = inputs[1];
      return 2 * size(out) * dy[0] * dy[1] * dy[2];
    }
    case 'BatchMatMul':
    case '_FusedMatMul':
    case 'MatMul': {
      // K: the elements of a that do not index the output, per output row.
      const a = inputs[0];
      const rows = out.length >= 2 ? out[out.length - 2] : 1;
      const batch = size(out.slice(0, -2));
      const k = size(a) / (rows * Math.max(1, batch));
      return 2 * size(out) * k;
    }
    default:
      return undefined;
  }
}

interface KernelRow {
  kernel: string;
  callsPerStep: number;
  msPerStep: number;
  share: number;
  gflops?: number;
}

await useBackend(backend, backend === 'wasm' ? { threads } : {});
const results: Array<{ preset: string; stepMs: number; rows: KernelRow[] }> = [];
for (const preset of presets) {
  const { generator, discriminator } = preset.build();
  const data = fakeData(preset, generator.outputShape, 'profile');
  const trainer = handLoopTrainer(generator, discriminator);
  for (let i = 0; i < 2; i++) await trainer.trainStep(data, preset.batchSize);
  const byKernel = new Map<string, { calls: number; ms: number; flops: number; counted: boolean }>();
  let wall = 0;
  for (let i = 0; i < steps; i++) {
    const started = performance.now();
    const info = await tf.profile(async () => {
      await trainer.trainStep(data, preset.batchSize);
      return [];
    });
    wall += performance.now() - started;
    for (const k of info.kernels) {
      // Op scopes ('fusedConv2d__op') enclose kernels that are listed too.
      if (k.name.endsWith('__op')) continue;
      const entry = byKernel.get(k.name) ?? { calls: 0, ms: 0, flops: 0, counted: false };
      entry.calls += 1;
      entry.ms += typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
      const flops = flopsOf(k.name, k.inputShapes as number[][], k.outputShapes as number[][]);
      if (flops !== undefined) {
        entry.flops += flops;
        entry.counted = true;
      }
      byKernel.set(k.name, entry);
    }
  }
  const stepMs = wall / steps;
  const rows: KernelRow[] = [...byKernel.entries()]
    .map(([kernel, e]) => ({
      kernel,
      callsPerStep: e.calls / steps,
      msPerStep: e.ms / steps,
      share: e.ms / steps / stepMs,
      gflops: e.counted && e.ms > 0 ? e.flops / (e.ms / 1000) / 1e9 : undefined,
    }))
    .sort((a, b) => b.msPerStep - a.msPerStep);
  const inKernels = rows.reduce((sum, r) => sum + r.msPerStep, 0);
  rows.push({ kernel: '(outside kernels)', callsPerStep: 0, msPerStep: stepMs - inKernels, share: (stepMs - inKernels) / stepMs });
  results.push({ preset: preset.name, stepMs, rows });
  console.log(`\n${preset.name} on ${backend}${backend === 'wasm' ? ` x${threads}` : ''}: ${stepMs.toFixed(1)} ms/step (profiled)`);
  console.log('| kernel | calls/step | ms/step | share | GFLOP/s |\n|---|---|---|---|---|');
  for (const r of rows.filter((r) => r.share >= 0.005 || r.kernel.startsWith('('))) {
    console.log(
      `| ${r.kernel} | ${r.callsPerStep.toFixed(0)} | ${r.msPerStep.toFixed(1)} | ${(100 * r.share).toFixed(1)}% | ${r.gflops?.toFixed(1) ?? ''} |`,
    );
  }
  [trainer, generator, discriminator, data].forEach((x) => x.dispose());
}
mkdirSync('bench/results', { recursive: true });
const file = `bench/results/profile-${backend}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
writeFileSync(file, JSON.stringify({ backend, threads, steps, results }, null, 1));
console.log(`\nwrote ${file}`);
