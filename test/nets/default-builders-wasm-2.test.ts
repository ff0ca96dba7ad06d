/** Every builder at its defaults, 32 and 64 pixels, conditional or not, on wasm with two threads. */
import { afterAll, beforeAll } from 'vitest';

import { useBackend } from '../../src/backend/index.js';
import { setSimdSplitThreshold } from '../../src/backend/simd/simd-module.js';
import { defineDefaultBuilderTests } from './default-builders.js';

let threshold = 0;
beforeAll(async () => {
  await useBackend('wasm', { threads: 2 });
  // Split every kernel of these small batches among the threads, as large batches are.
  threshold = setSimdSplitThreshold(0);
});
afterAll(() => {
  setSimdSplitThreshold(threshold);
});

defineDefaultBuilderTests('wasm with 2 threads', ['mlp', 'dcgan', 'resnet', 'style'], [32, 64]);
