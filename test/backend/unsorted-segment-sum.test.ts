import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../src/backend/index.js';

describe('UnsortedSegmentSum on wasm (embedding gradients)', () => {
  beforeAll(async () => {
    await useBackend('wasm');
  });

  it('matches the cpu kernel for 2-D and 3-D data', async () => {
    const cases: { x: number[]; xShape: number[]; ids: number[]; idsShape: number[]; numSegments: number }[] = [
      { x: [1, 2, 3, 4, 5, 6], xShape: [3, 2], ids: [0, 2, 0], idsShape: [3], numSegments: 4 },
      { x: Array.from({ length: 24 }, (_, i) => i * 0.5 - 3), xShape: [4, 3, 2], ids: [1, 0, 1, 2], idsShape: [4], numSegments: 3 },
      // Ids outside [0, numSegments) are dropped (the one-hot path).
      { x: [1, 2, 3, 4, 5, 6, 7, 8], xShape: [4, 2], ids: [-1, 2, 5, 0], idsShape: [4], numSegments: 3 },
      // Many ids and segments, with repeats (the scatter path; DiffAugment's translation gathers like this).
      {
        x: Array.from({ length: 1200 * 3 }, (_, i) => Math.sin(i)),
        xShape: [1200, 3],
        ids: Array.from({ length: 1200 }, (_, i) => (i * 7919) % 800),
        idsShape: [1200],
        numSegments: 800,
      },
    ];
    for (const c of cases) {
      const run = () =>
        tf.tidy(() => tf.unsortedSegmentSum(tf.tensor(c.x, c.xShape), tf.tensor1d(c.ids, 'int32'), c.numSegments));
      const onWasm = run();
      const wasmValues = { shape: onWasm.shape, values: Array.from(await onWasm.data()) };
      onWasm.dispose();
      await tf.setBackend('cpu');
      const onCpu = run();
      const cpuValues = { shape: onCpu.shape, values: Array.from(await onCpu.data()) };
      onCpu.dispose();
      await useBackend('wasm');
      expect(wasmValues.shape).toEqual(cpuValues.shape);
      wasmValues.values.forEach((v, i) => expect(v).toBeCloseTo(cpuValues.values[i], 5));
    }
  });

  it('lets an embedding layer train', () => {
    const embedding = tf.layers.embedding({ inputDim: 5, outputDim: 3, embeddingsInitializer: 'ones' });
    const ids = tf.tensor2d([[1], [3], [1]], [3, 1], 'int32');
    embedding.apply(ids);
    const weights = embedding.trainableWeights[0].read() as tf.Variable;
    const grad = tf.tidy(() => tf.grad((w: tf.Tensor) => tf.sum(tf.gather(w, tf.reshape(ids, [-1]))))(weights));
    expect(Array.from(grad.dataSync())).toEqual([0, 0, 0, 2, 2, 2, 0, 0, 0, 1, 1, 1, 0, 0, 0]);
    tf.dispose([ids, grad]);
    embedding.dispose();
  });
});
