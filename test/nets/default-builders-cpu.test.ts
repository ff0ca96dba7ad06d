/**
 * The MLP and DCGAN builders at their defaults on the cpu backend, at 32 and 64 pixels, conditional or
 * not. The ResNet and style pairs on cpu take 20 s a case at 32 pixels and minutes at 64 (tfjs's cpu
 * convolutions are plain loops): `npm run test:slow` runs them (test/slow/default-builders-cpu.test.ts;
 * .ci/run does); here they run on wasm (default-builders-wasm-1 and -2).
 */
import { beforeAll } from 'vitest';

import { useBackend } from '../../src/backend/index.js';
import { defineDefaultBuilderTests } from './default-builders.js';

beforeAll(async () => {
  await useBackend('cpu');
});

defineDefaultBuilderTests('cpu', ['mlp', 'dcgan'], [32, 64]);
