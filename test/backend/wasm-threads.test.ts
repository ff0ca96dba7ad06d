/**
 * The multi-threaded wasm build in Node: it starts with the threads asked for, computes what the cpu
 * backend computes, trains leak-free, and refuses a thread count it can no longer apply. Runs in its own
 * process (vitest's forks pool), so the wasm backend starts here for the first time.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { useBackend, wasmThreadsInUse } from '../../src/backend/index.js';
import { Dataset } from '../../src/data/dataset.js';
import { Discriminator, Generator } from '../../src/nets/index.js';
import { KERNELS_WASM_SHARED } from '../../src/backend/simd/kernels-wasm.js';
import { setSimdSplitThreshold, simdAdamUpdate, simdSplitRuns, simdThreadsOf } from '../../src/backend/simd/simd-module.js';
import { startKernelThreads } from '../../src/backend/simd/simd-threads.js';
import { ADAM_UPDATE_KERNEL, fusedAdam } from '../../src/train/fused-adam.js';
import { stepProduct } from '../../src/backend/gradients/step-product.js';
import { Trainer } from '../../src/train/trainer.js';
import { convolutionsAndProduct, on, trainVector } from '../helpers/wasm-checks.js';
import { backpropFilterReference, backpropInputReference, channelRichCases, fewChannelCases, forwardReference, pseudoRandom, relativeError } from './conv-reference.js';
import { caseValues, filterAttrs, inputAttrs, liveCounts, runKernel } from './kernel-test-utils.js';
import { PRODUCT_CASES, productCase, productReference } from './product-reference.js';

describe('wasm with threads in Node', () => {
  let threshold = 0;
  beforeAll(async () => {
    await useBackend('cpu');
    await useBackend('wasm', { threads: 2 });
    // Split even the small kernels of these tests among the threads.
    threshold = setSimdSplitThreshold(0);
  });
  afterAll(async () => {
    setSimdSplitThreshold(threshold);
    await tf.setBackend('wasm');
  });

  it('runs the threaded build with the threads asked for', async () => {
    expect(await wasmThreadsInUse()).toBe(2);
    expect(tf.getBackend()).toBe('wasm');
  });

  it('computes convolutions, their gradients and matrix products as the cpu backend does (1e-4 relative)', async () => {
    const compute = convolutionsAndProduct(64, 16, 32, 256);
    const expected = await on('cpu', compute);
    const actual = await on('wasm', compute);
    actual.forEach((values, i) => expect(relativeError(values, expected[i]), `output ${i}`).toBeLessThan(1e-4));
  });

  it("splits tfjs-gan's SIMD128 convolutions between 2 threads, matching the naive references", async () => {
    await tf.setBackend('wasm');
    expect(simdThreadsOf(tf.backend())).toBe(2);
    const runs = simdSplitRuns(tf.backend());
    for (const c of channelRichCases()) {
      const { x, filter, dy, dyShape } = caseValues(c, 21);
      const xT = tf.tensor4d(x, c.inputShape);
      const wT = tf.tensor4d(filter, c.filterShape);
      const dyT = tf.tensor(dy, dyShape);
      const before = liveCounts();
      const forward = runKernel('Conv2D', { x: xT, filter: wT }, { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', dilations: [1, 1] });
      const input = runKernel('Conv2DBackpropInput', { dy: dyT, filter: wT }, inputAttrs(c));
      const weights = runKernel('Conv2DBackpropFilter', { x: xT, dy: dyT }, filterAttrs(c));
      expect(liveCounts()).toEqual(before);
      expect(relativeError(forward, forwardReference(c, x, filter))).toBeLessThanOrEqual(1e-5);
      expect(relativeError(input, backpropInputReference(c, dy, filter))).toBeLessThanOrEqual(1e-5);
      expect(relativeError(weights, backpropFilterReference(c, x, dy))).toBeLessThanOrEqual(1e-5);
      tf.dispose([xT, wT, dyT]);
    }
    expect(simdSplitRuns(tf.backend()) - runs).toBe(3 * channelRichCases().length);
  });

  it('runs small kernels whole on the calling thread (below the split threshold)', async () => {
    await tf.setBackend('wasm');
    const previous = setSimdSplitThreshold(1 << 23);
    try {
      const runs = simdSplitRuns(tf.backend());
      const c = channelRichCases()[1];
      const { x, filter } = caseValues(c, 23);
      const xT = tf.tensor4d(x, c.inputShape);
      const wT = tf.tensor4d(filter, c.filterShape);
      const y = runKernel('Conv2D', { x: xT, filter: wT }, { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', dilations: [1, 1] });
      expect(relativeError(y, forwardReference(c, x, filter))).toBeLessThanOrEqual(1e-5);
      expect(simdSplitRuns(tf.backend())).toBe(runs);
      tf.dispose([xT, wT]);
    } finally {
      setSimdSplitThreshold(previous);
    }
  });

  it('splits the few-channel gradients between 2 threads: the filter gradient by pixels, the input gradient by images', async () => {
    await tf.setBackend('wasm');
    for (const c of fewChannelCases()) {
      const { x, filter, dy, dyShape } = caseValues(c, 22);
      const xT = tf.tensor4d(x, c.inputShape);
      const wT = tf.tensor4d(filter, c.filterShape);
      const dyT = tf.tensor(dy, dyShape);
      const before = liveCounts();
      const weights = runKernel('Conv2DBackpropFilter', { x: xT, dy: dyT }, filterAttrs(c));
      const input = runKernel('Conv2DBackpropInput', { dy: dyT, filter: wT }, inputAttrs(c));
      expect(liveCounts()).toEqual(before);
      expect(relativeError(weights, backpropFilterReference(c, x, dy))).toBeLessThanOrEqual(1e-5);
      expect(relativeError(input, backpropInputReference(c, dy, filter))).toBeLessThanOrEqual(1e-5);
      tf.dispose([xT, wT, dyT]);
    }
  });

  it('splits matrix products between 2 threads (by panels of columns, or by tiles of rows)', async () => {
    await tf.setBackend('wasm');
    for (const c of [...PRODUCT_CASES, [64, 6272, 1, true, false] as (typeof PRODUCT_CASES)[number]]) {
      const { aT, bT, expected } = productCase(c, 61);
      const actual = tf.tidy(() => tf.matMul(aT, bT, c[3], c[4])).dataSync();
      expect(relativeError(actual, expected), `${c}`).toBeLessThanOrEqual(1e-5);
      tf.dispose([aT, bT]);
    }
  });

  it('runs large plain products, and dense forward passes without bias, on the threads; small ones and biased ones shipped', async () => {
    await tf.setBackend('wasm');
    const [m, k, n] = [64, 100, 1400]; // 8.96M multiply-adds: from 2^23 the GEMM takes plain products
    const a = tf.tensor2d(pseudoRandom(m * k, 71), [m, k]);
    const b = tf.tensor2d(pseudoRandom(k * n, 72), [k, n]);
    const bias = tf.tensor1d(pseudoRandom(n, 73));
    const expected = productReference(a.dataSync() as Float32Array, b.dataSync() as Float32Array, m, k, n);
    const runs = simdSplitRuns(tf.backend());
    expect(relativeError(tf.tidy(() => tf.matMul(a, b)).dataSync(), expected)).toBeLessThanOrEqual(1e-5);
    expect(relativeError(tf.tidy(() => tf.fused.matMul({ a, b })).dataSync(), expected)).toBeLessThanOrEqual(1e-5);
    expect(simdSplitRuns(tf.backend()) - runs).toBe(2);
    const biased = tf.tidy(() => tf.fused.matMul({ a, b, bias })).dataSync();
    expect(relativeError(biased, expected.map((v, i) => v + bias.dataSync()[i % n]))).toBeLessThanOrEqual(1e-5);
    tf.tidy(() => tf.matMul(a.slice([0, 0], [8, k]), b.slice([0, 0], [k, 64])));
    expect(simdSplitRuns(tf.backend()) - runs).toBe(2);
    tf.dispose([a, b, bias]);
  });

  it('reports a kernel that fails on a worker thread, and the threads go on working', async () => {
    await tf.setBackend('wasm');
    const backend = tf.backend() as unknown as {
      wasm: { wasmMemory: WebAssembly.Memory; _malloc(bytes: number): number; _free(pointer: number): void };
      dataIdMap: { get(id: unknown): { memoryOffset: number } };
    };
    const memory = backend.wasm.wasmMemory;
    const module = new WebAssembly.Module(Uint8Array.from(atob(KERNELS_WASM_SHARED), (ch) => ch.charCodeAt(0)));
    const local = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as Record<string, (...args: number[]) => number>;
    const threads = await startKernelThreads(memory, module, local, ['matmul'], 2);
    expect(threads.parts).toBe(2);
    // x [12, 8] times the identity: one panel of columns, so the parts split the rows, part 1 rows 6 to 11.
    const w = tf.eye(8);
    const x = tf.tensor2d(pseudoRandom(96, 3), [12, 8]);
    const y = tf.zeros([12, 8]);
    const offset = (t: tf.Tensor) => backend.dataIdMap.get(t.dataId).memoryOffset;
    const work = backend.wasm._malloc(4 * local.matmul_workspace(12, 8, 8, 2));
    const args = (xOffset: number) => [xOffset, offset(w), offset(y), work, 12, 8, 8, 0, 0];
    try {
      threads.run('matmul', args(offset(x)));
      expect(Array.from(y.dataSync())).toEqual(Array.from(x.dataSync()));
      // Rows 0 to 5 in the last 192 bytes of the heap: part 1's rows lie past its end.
      expect(() => threads.run('matmul', args(memory.buffer.byteLength - 192))).toThrow(/matmul failed on a worker thread/);
      expect(() => threads.run('no_such_kernel', [])).toThrow(/cannot run "no_such_kernel"/);
      threads.run('matmul', args(offset(x)));
      expect(Array.from(y.dataSync())).toEqual(Array.from(x.dataSync()));
    } finally {
      backend.wasm._free(work);
      tf.dispose([w, x, y]);
    }
  });

  it('trains a DCGAN a few steps with finite losses and a flat tensor count', async () => {
    await tf.setBackend('wasm');
    const images = tf.tensor4d(pseudoRandom(32 * 28 * 28, 5), [32, 28, 28, 1]).clipByValue(-1, 1);
    const data = Dataset.fromTensors(images);
    const generator = Generator.dcgan({ latentDim: 16, imageShape: [28, 28, 1], width: 8, seed: 1 });
    const discriminator = Discriminator.dcgan({ imageShape: [28, 28, 1], width: 8, seed: 2 });
    const trainer = new Trainer({ generator, discriminator, seed: 3 });
    await trainer.fit(data, { steps: 2, batchSize: 8 });
    const before = tf.memory().numTensors;
    const history = await trainer.fit(data, { steps: 3, batchSize: 8 });
    expect(tf.memory().numTensors).toBe(before);
    for (const logs of history.logs) {
      expect(Number.isFinite(logs.dLoss) && Number.isFinite(logs.gLoss)).toBe(true);
    }
    [trainer, generator, discriminator, data].forEach((x) => x.dispose());
  });

  it('runs the fused Adam update on the shared heap, bit for bit as tf.train.adam', async () => {
    await tf.setBackend('wasm');
    const run = (optimizer: tf.Optimizer): number[] => trainVector(optimizer, 1001, 4, 0.5, 9);
    const profile = await tf.profile(() => {
      expect(run(fusedAdam(1e-2, 0.5, 0.999))).toEqual(run(tf.train.adam(1e-2, 0.5, 0.999)));
    });
    // From 2^16 elements the update is split between the threads (and the odd tail goes to the last one).
    const runs = simdSplitRuns(tf.backend());
    const large = (optimizer: tf.Optimizer): number[] => trainVector(optimizer, 70_001, 2, 0.5, 10);
    expect(large(fusedAdam(1e-2, 0.5, 0.999))).toEqual(large(tf.train.adam(1e-2, 0.5, 0.999)));
    expect(simdSplitRuns(tf.backend()) - runs).toBe(2);
    expect(profile.kernels.some((k) => k.name === ADAM_UPDATE_KERNEL)).toBe(true);
    const x = tf.ones([8]);
    const outputs = [tf.zeros([8]), tf.zeros([8]), tf.zeros([8])];
    const constants = { beta1: 0.5, keep1: 0.5, beta2: 0.5, keep2: 0.5, correction1: 1, correction2: 1, epsilon: 0, step: -1 };
    expect(simdAdamUpdate(tf.backend(), [x, x, x, x, ...outputs], 8, constants)).toBe(true);
    tf.dispose([x, ...outputs]);
  });

  it('splits the step product (an activation gradient) between the threads from 2^16 elements, exactly as Step and Multiply', async () => {
    await tf.setBackend('wasm');
    for (const size of [65_535, 65_536, 70_003, 802_817]) {
      const x = tf.tensor(pseudoRandom(size, size % 101).map((v, i) => (i === size - 1 ? Number.NaN : v)));
      const dy = tf.tensor(pseudoRandom(size, 7));
      const runs = simdSplitRuns(tf.backend());
      const fused = stepProduct(dy, x, 0.2);
      expect(simdSplitRuns(tf.backend()) - runs, `size ${size}`).toBe(size >= 1 << 16 ? 1 : 0);
      const plain = tf.tidy(() => tf.mul(dy, tf.step(x, 0.2)));
      expect(Array.from(fused.dataSync(), (v) => v + 0), `size ${size}`).toEqual(Array.from(plain.dataSync(), (v) => v + 0));
      tf.dispose([x, dy, fused, plain]);
    }
  });

  it('splits batch norm (by rows) between the threads, and keeps sums over leading axes whole', async () => {
    await tf.setBackend('wasm');
    // [rows, channels], and whether batch norm is split (from 2^16 elements).
    for (const [rows, channels, split] of [[12544, 64, true], [1000, 40, false], [2000, 40, true], [64, 6272, true], [70000, 1, true]] as const) {
      const values = pseudoRandom(rows * channels, rows + channels);
      const x = tf.tensor2d(values, [rows, channels]);
      const runs = simdSplitRuns(tf.backend());
      const sum = tf.sum(x, 0);
      const got = sum.dataSync();
      for (let c = 0; c < channels; c++) {
        let exact = 0;
        let magnitude = 0;
        for (let r = 0; r < rows; r++) [exact, magnitude] = [exact + values[r * channels + c], magnitude + Math.abs(values[r * channels + c])];
        expect(Math.abs(got[c] - exact), `sum [${rows}, ${channels}] column ${c}`).toBeLessThanOrEqual((128 + rows / 4096 + 1) * 2 ** -24 * magnitude);
      }
      expect(simdSplitRuns(tf.backend()) - runs, `sum [${rows}, ${channels}]`).toBe(0);
      const mean = tf.tensor1d(pseudoRandom(channels, 3));
      const variance = tf.tensor1d(pseudoRandom(channels, 4).map((v) => v * v + 0.5));
      const before = simdSplitRuns(tf.backend());
      const normed = tf.batchNorm(x, mean, variance, undefined, undefined, 1e-3);
      expect(simdSplitRuns(tf.backend()) - before, `batchNorm [${rows}, ${channels}]`).toBe(split ? 1 : 0);
      const [m, v, y] = [mean.dataSync(), variance.dataSync(), normed.dataSync()];
      for (let i = 0; i < values.length; i += 97) {
        const c = i % channels;
        const expected = (values[i] - m[c]) / Math.sqrt(v[c] + 1e-3);
        expect(Math.abs(y[i] - expected), `batchNorm [${rows}, ${channels}] [${i}]`).toBeLessThanOrEqual(1e-6 * (1 + Math.abs(expected)));
      }
      tf.dispose([x, sum, mean, variance, normed]);
    }
  });

  it('refuses another thread count once the backend runs, and bad options', async () => {
    await expect(useBackend('wasm', { threads: 1 })).rejects.toThrow(
      /the wasm backend is already running with 2 thread\(s\); 'threads: 1' must be chosen before it starts/,
    );
    await expect(useBackend('wasm', { threads: 'auto' })).resolves.toBe('wasm');
    await expect(useBackend('wasm', { threads: 0 })).rejects.toThrow(/'threads' must be 'auto' or an integer from 1 to 8, received 0/);
    await expect(useBackend('wasm', { threads: 9 })).rejects.toThrow(/received 9/);
    await expect(useBackend('cpu', { threads: 2 })).rejects.toThrow(/option 'threads' applies to 'wasm' only, received 2/);
    expect(await wasmThreadsInUse()).toBe(2);
  });
});
