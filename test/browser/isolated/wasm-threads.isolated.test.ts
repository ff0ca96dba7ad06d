/**
 * The threaded wasm build in a cross-origin isolated page (the `isolated` project of
 * vitest.browser.config.ts serves the page with COOP/COEP headers): `'auto'` starts one thread per core
 * that the browser reports, the results equal the cpu backend's, and training is leak-free.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';

import { useBackend, wasmThreadsInUse } from '../../../src/backend/index.js';
import { Dataset } from '../../../src/data/dataset.js';
import { Discriminator, Generator } from '../../../src/nets/index.js';
import { setSimdSplitThreshold, simdAdamUpdate, simdThreadsOf } from '../../../src/backend/simd/simd-module.js';
import { fusedAdam } from '../../../src/train/fused-adam.js';
import { Trainer } from '../../../src/train/trainer.js';
import { pseudoRandom, relativeError } from '../../backend/conv-reference.js';
import { convolutionsAndProduct, on, trainVector } from '../../helpers/wasm-checks.js';
import { expectLeakFree } from '../../helpers/leaks.js';

describe('wasm threads in a cross-origin isolated page', () => {
  beforeAll(async () => {
    await useBackend('cpu');
    await useBackend('wasm');
  });

  it("runs the threaded build with one thread per reported core ('auto')", async () => {
    expect(crossOriginIsolated).toBe(true);
    expect(tf.getBackend()).toBe('wasm');
    expect(await wasmThreadsInUse()).toBe(Math.min(8, navigator.hardwareConcurrency));
    // The reported core count is the browser's again once the module has started.
    expect(Object.getOwnPropertyDescriptor(navigator, 'hardwareConcurrency')).toBeUndefined();
  });

  it('computes convolutions, their gradients and matrix products as the cpu backend does (1e-4 relative)', async () => {
    // tfjs-gan's own convolutions (8 and 16 channels) split among as many Web Workers as XNNPACK has threads.
    expect(simdThreadsOf(tf.backend())).toBe(await wasmThreadsInUse());
    const compute = convolutionsAndProduct(16, 8, 16, 128);
    const expected = await on('cpu', compute);
    const threshold = setSimdSplitThreshold(0); // split these small convolutions too
    const actual = await on('wasm', compute).finally(() => setSimdSplitThreshold(threshold));
    actual.forEach((values, i) => expect(relativeError(values, expected[i]), `output ${i}`).toBeLessThan(1e-4));
  });

  it('trains a small DCGAN with finite losses and a flat tensor count', async () => {
    await tf.setBackend('wasm');
    const data = Dataset.fromTensors(tf.tensor4d(pseudoRandom(32 * 28 * 28, 5), [32, 28, 28, 1]).clipByValue(-1, 1));
    const generator = Generator.dcgan({ latentDim: 16, imageShape: [28, 28, 1], width: 8, seed: 1 });
    const discriminator = Discriminator.dcgan({ imageShape: [28, 28, 1], width: 8, seed: 2 });
    const trainer = new Trainer({ generator, discriminator, seed: 3 });
    const history = await trainer.fit(data, { steps: 2, batchSize: 8 });
    expect(history.logs.flatMap((l) => [l.dLoss, l.gLoss]).every(Number.isFinite)).toBe(true);
    await expectLeakFree(() => trainer.fit(data, { steps: 1, batchSize: 8 }), 1, 2);
    [trainer, generator, discriminator, data].forEach((x) => x.dispose());
  });

  it("runs tfjs-gan's own SIMD128 kernels on the page's shared heap: Adam bit for bit, the few-channel filter gradient as cpu", async () => {
    await tf.setBackend('wasm');
    const x = tf.ones([8]);
    const outputs = [tf.zeros([8]), tf.zeros([8]), tf.zeros([8])];
    const constants = { beta1: 0.5, keep1: 0.5, beta2: 0.5, keep2: 0.5, correction1: 1, correction2: 1, epsilon: 0, step: -1 };
    expect(simdAdamUpdate(tf.backend(), [x, x, x, x, ...outputs], 8, constants)).toBe(true);
    tf.dispose([x, ...outputs]);
    const train = (optimizer: tf.Optimizer): number[] => trainVector(optimizer, 257, 3, 0.25, 6);
    expect(train(fusedAdam(1e-2, 0.5, 0.999))).toEqual(train(tf.train.adam(1e-2, 0.5, 0.999)));
    const images = pseudoRandom(8 * 28 * 28, 7);
    const filter = pseudoRandom(5 * 5 * 1 * 16, 8);
    const compute = (): tf.Tensor[] => [
      tf.grad((f: tf.Tensor) => tf.conv2d(tf.tensor4d(images, [8, 28, 28, 1]), f as tf.Tensor4D, 2, 'same').square().mean())(tf.tensor4d(filter, [5, 5, 1, 16])),
    ];
    const expected = await on('cpu', compute);
    const actual = await on('wasm', compute);
    expect(relativeError(actual[0], expected[0])).toBeLessThan(1e-4);
  });

  it('refuses another thread count once the backend runs', async () => {
    const threads = await wasmThreadsInUse();
    const other = threads === 1 ? 2 : 1;
    await expect(useBackend('wasm', { threads: other })).rejects.toThrow(
      new RegExp(`already running with ${threads} thread\\(s\\); 'threads: ${other}' must be chosen before it starts`),
    );
    await expect(useBackend('wasm', { threads: 'auto' })).resolves.toBe('wasm');
    expect(await wasmThreadsInUse()).toBe(threads);
  });
});
