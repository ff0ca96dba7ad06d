/**
 * Per-kernel profile of Trainer steps with `tf.profile`: calls, milliseconds and share of the step per
 * kernel, and for convolutions and matrix products the GFLOP/s they reach (FLOPs from the operands'
 * shapes). Shared by `npm run bench` (its per-kernel rows) and `npm run bench:profile`.
 */
import * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../src/data/dataset.js';
import type { Trainer } from '../src/train/trainer.js';

/** One kernel's row. */
export interface KernelRow {
  kernel: string;
  callsPerStep: number;
  msPerStep: number;
  share: number;
  gflops?: number;
}

const size = (shape: readonly number[] | undefined): number => (shape ?? []).reduce((a, b) => a * b, 1);

/** FLOPs of one call, for the kernels whose arithmetic dominates; undefined for the others. */
export function flopsOf(name: string, inputs: number[][], outputs: number[][]): number | undefined {
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

/**
 * Profiles `steps` Trainer steps (after the caller's warm-up) and returns the per-kernel rows, slowest
 * first, with a last row "(outside kernels)" for the rest of the step (JavaScript, the tape, reading the
 * losses). `stepMs` is the profiled step's wall time, a few percent above an unprofiled one.
 */
export async function profileTrainerSteps(
  trainer: Trainer,
  data: Dataset,
  batchSize: number,
  steps: number,
): Promise<{ stepMs: number; rows: KernelRow[] }> {
  const byKernel = new Map<string, { calls: number; ms: number; flops: number; counted: boolean }>();
  let wall = 0;
  for (let i = 0; i < steps; i++) {
    const started = performance.now();
    const info = await tf.profile(async () => {
      await trainer.trainStep(data, batchSize);
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
  return { stepMs, rows };
}

/** The rows as a markdown table (rows under `minShare` of the step are left out, except the last). */
export function kernelTable(rows: readonly KernelRow[], minShare = 0.005): string {
  const lines = ['| kernel | calls/step | ms/step | share | GFLOP/s |', '|---|---|---|---|---|'];
  for (const r of rows.filter((r) => r.share >= minShare || r.kernel.startsWith('('))) {
    lines.push(`| ${r.kernel} | ${r.callsPerStep.toFixed(0)} | ${r.msPerStep.toFixed(1)} | ${(100 * r.share).toFixed(1)}% | ${r.gflops?.toFixed(1) ?? ''} |`);
  }
  return lines.join('\n');
}
