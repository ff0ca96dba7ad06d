/**
 * Microbenchmark of tfjs-gan's convolution kernel patches (forward and gradients) on the DCGAN-MNIST shapes
 * (batch 64; G: dense -> 7x7x128, convT 64 k5 s2 'same', convT 1 k5 s2 'same'; D: conv 64 k5 s2 'same',
 * conv 128 k5 s2 'same', dense 1): milliseconds per call of the shipped and the patched kernels, and one
 * training step (gradients of the discriminator and generator losses).
 *
 *     npx tsx bench/kernels.ts [wasm|cpu ...] [--no-step] [--reps N]
 *
 * Shipped kernels that take many seconds on `cpu` run at batch 4 and are scaled by 16 (marked `~`);
 * the cpu step runs patched only (the shipped filter gradient would take minutes).
 */
import * as tf from '@tensorflow/tfjs';

import {
  type BackendName,
  KERNEL_PATCHES,
  applyKernelPatches,
  getShippedKernel,
  revertKernelPatches,
  useBackend,
} from '../src/backend/index.js';
import { benchFlags } from './args.js';
import { median } from './median.js';

const { flag, hasFlag, positionals } = benchFlags('bench/kernels.ts', { values: ['reps'], switches: ['no-step'], positionals: { usage: '[wasm] [cpu]', max: 2, allowed: ['wasm', 'cpu'] } });

type Attrs = Record<string, unknown>;

interface KernelCase {
  label: string;
  kernelName: 'Conv2D' | 'Conv2DBackpropInput' | 'Conv2DBackpropFilter';
  /** Input shapes by input name, at batch `batch`. */
  inputs: (batch: number) => Record<string, number[]>;
  attrs: (batch: number) => Attrs;
  flops: (batch: number) => number;
}

const conv = { strides: [2, 2], pad: 'same', dataFormat: 'NHWC' } as const;

/** One convolution of D (or transposed convolution of G): `in` -> `out` pixels, channels `cin` -> `cout`. */
function convCases(name: string, inSize: number, cin: number, outSize: number, cout: number): KernelCase[] {
  const flops = (batch: number) => 2 * batch * outSize * outSize * cout * 25 * cin;
  const filterShape = [5, 5, cin, cout];
  return [
    {
      label: `${name} Conv2D x[64,${inSize},${inSize},${cin}] -> [64,${outSize},${outSize},${cout}]`,
      kernelName: 'Conv2D',
      inputs: (b) => ({ x: [b, inSize, inSize, cin], filter: filterShape }),
      attrs: () => ({ ...conv, dilations: [1, 1] }),
      flops,
    },
    {
      label: `${name} Conv2DBackpropInput dy[64,${outSize},${outSize},${cout}] -> dx[64,${inSize},${inSize},${cin}]`,
      kernelName: 'Conv2DBackpropInput',
      inputs: (b) => ({ dy: [b, outSize, outSize, cout], filter: filterShape }),
      attrs: (b) => ({ ...conv, inputShape: [b, inSize, inSize, cin] }),
      flops,
    },
    {
      label: `${name} Conv2DBackpropFilter -> dw[5,5,${cin},${cout}]`,
      kernelName: 'Conv2DBackpropFilter',
      inputs: (b) => ({ x: [b, inSize, inSize, cin], dy: [b, outSize, outSize, cout] }),
      attrs: () => ({ ...conv, filterShape }),
      flops,
    },
  ];
}

// D conv1 = input gradient / filter gradient shapes of G's last convT; D conv2 = those of G's first convT.
const CASES: KernelCase[] = [...convCases('conv 1->64 (28->14)', 28, 1, 14, 64), ...convCases('conv 64->128 (14->7)', 14, 64, 7, 128)];

/** Milliseconds per call of the kernel registered now (median of `reps` after two warm-ups). */
function timeKernel(c: KernelCase, batch: number, reps: number, warmUps = 2): number {
  const inputs = Object.fromEntries(
    Object.entries(c.inputs(batch)).map(([name, shape]) => [name, tf.randomNormal(shape)]),
  );
  const times: number[] = [];
  for (let i = 0; i < reps + warmUps; i++) {
    const start = performance.now();
    const out = tf.engine().runKernel(c.kernelName, inputs, c.attrs(batch) as never) as tf.Tensor;
    out.dataSync();
    const ms = performance.now() - start;
    out.dispose();
    if (i >= warmUps) times.push(ms);
  }
  Object.values(inputs).forEach((t) => t.dispose());
  return median(times);
}

function format(ms: number | undefined, scaled = false): string {
  if (ms == null) return 'missing';
  return `${scaled ? '~' : ''}${ms < 10 ? ms.toFixed(2) : ms.toFixed(0)}`;
}

async function benchKernels(backend: BackendName, reps: number): Promise<void> {
  await useBackend(backend);
  console.log(`\n## ${backend}: ms per call (batch 64), median of ${reps}\n`);
  console.log('| kernel | shipped | patched | speed-up | patched GFLOP/s |');
  console.log('|---|---|---|---|---|');
  const warmUps = backend === 'cpu' ? 1 : 2;
  for (const c of CASES) {
    if (!(KERNEL_PATCHES[backend] ?? []).includes(c.kernelName)) {
      const ms = timeKernel(c, 64, reps, warmUps);
      console.log(`| ${c.label} (not patched) | ${format(ms)} | ${format(ms)} | - | ${(c.flops(64) / (ms * 1e6)).toFixed(1)} |`);
      continue;
    }
    const patched = timeKernel(c, 64, reps, warmUps);
    revertKernelPatches(backend);
    let shipped: number | undefined;
    let scaled = false;
    const hasShipped = getShippedKernel(c.kernelName, backend) != null;
    if (hasShipped) {
      // Slow shipped cpu gradients: time a batch of 4 once and scale linearly.
      const slow = backend === 'cpu' && c.kernelName === 'Conv2DBackpropFilter';
      shipped = slow ? timeKernel(c, 4, 1, 1) * 16 : timeKernel(c, 64, reps, warmUps);
      scaled = slow;
    }
    applyKernelPatches(backend);
    const speedUp = shipped != null ? `${(shipped / patched).toFixed(1)}x` : '-';
    const gflops = (c.flops(64) / (patched * 1e6)).toFixed(1);
    console.log(`| ${c.label} | ${format(shipped, scaled)} | ${format(patched)} | ${speedUp} | ${gflops} |`);
  }
}

/** DCGAN-MNIST generator and discriminator as plain variables and ops. */
function makeDcgan(): { step: () => number; dispose: () => void } {
  const v = (shape: number[], scale = 0.05) => tf.variable(tf.randomNormal(shape, 0, scale));
  const g = { dense: v([100, 7 * 7 * 128]), ct1: v([5, 5, 64, 128]), ct2: v([5, 5, 1, 64]) };
  const d = { c1: v([5, 5, 1, 64]), c2: v([5, 5, 64, 128]), dense: v([7 * 7 * 128, 1]) };
  const generate = (z: tf.Tensor2D): tf.Tensor4D => {
    const h0 = tf.leakyRelu(tf.matMul(z, g.dense).reshape([-1, 7, 7, 128]) as tf.Tensor4D, 0.2);
    const h1 = tf.leakyRelu(tf.conv2dTranspose(h0, g.ct1 as tf.Tensor4D, [64, 14, 14, 64], 2, 'same'), 0.2);
    return tf.tanh(tf.conv2dTranspose(h1, g.ct2 as tf.Tensor4D, [64, 28, 28, 1], 2, 'same'));
  };
  const discriminate = (images: tf.Tensor4D): tf.Tensor2D => {
    const h1 = tf.leakyRelu(tf.conv2d(images, d.c1 as tf.Tensor4D, 2, 'same'), 0.2);
    const h2 = tf.leakyRelu(tf.conv2d(h1, d.c2 as tf.Tensor4D, 2, 'same'), 0.2);
    return tf.matMul(h2.reshape([64, 7 * 7 * 128]), d.dense as tf.Tensor2D);
  };
  const real = tf.randomUniform([64, 28, 28, 1], -1, 1) as tf.Tensor4D;
  const z = tf.randomNormal([64, 100]) as tf.Tensor2D;
  const step = (): number => {
    const start = performance.now();
    const dGrads = tf.variableGrads(
      () =>
        tf.add(tf.mean(tf.softplus(tf.neg(discriminate(real)))), tf.mean(tf.softplus(discriminate(generate(z))))) as tf.Scalar,
      Object.values(d),
    );
    const gGrads = tf.variableGrads(() => tf.mean(tf.softplus(tf.neg(discriminate(generate(z))))) as tf.Scalar, Object.values(g));
    const all = [...Object.values(dGrads.grads), ...Object.values(gGrads.grads)];
    all.forEach((t) => t.dataSync());
    const ms = performance.now() - start;
    tf.dispose([dGrads.value, gGrads.value, ...all]);
    return ms;
  };
  return { step, dispose: () => tf.dispose([...Object.values(g), ...Object.values(d), real, z]) };
}

async function benchStep(backend: BackendName, reps: number): Promise<void> {
  await useBackend(backend);
  const net = makeDcgan();
  const time = (n: number) => {
    net.step();
    return median(Array.from({ length: n }, () => net.step()));
  };
  const patched = time(reps);
  // wasm ships no filter gradient; cpu's takes minutes per step (see the kernel table).
  const shipped = backend === 'wasm' ? 'fails (no Conv2DBackpropFilter)' : 'not run (minutes)';
  let filterOnly = '';
  if (backend === 'wasm') {
    // The filter patch alone (the shipped Conv2DBackpropInput).
    const input = getShippedKernel('Conv2DBackpropInput', backend);
    revertKernelPatches(backend);
    applyKernelPatches(backend);
    if (input != null) {
      tf.unregisterKernel('Conv2DBackpropInput', backend);
      tf.registerKernel(input);
      filterOnly = ` | filter patch only: ${format(time(reps))} ms`;
      revertKernelPatches(backend);
      applyKernelPatches(backend);
    }
  }
  console.log(`\n${backend} DCGAN-MNIST step (D and G gradients, batch 64): shipped ${shipped} ms | patched ${format(patched)} ms${filterOnly}`);
  net.dispose();
}

const repsFlag = flag('reps');
const backends = positionals as BackendName[];
for (const backend of backends.length > 0 ? backends : (['wasm', 'cpu'] as const)) {
  const reps = repsFlag !== undefined ? Number(repsFlag) : backend === 'cpu' ? 1 : 5;
  await benchKernels(backend, reps);
  if (!hasFlag('no-step')) await benchStep(backend, reps);
}
