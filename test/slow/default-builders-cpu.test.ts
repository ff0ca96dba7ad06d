/**
 * The ResNet and style pairs at their defaults on the cpu backend, at 32 and 64 pixels (tfjs's cpu
 * convolutions are plain loops: some 20 s a case at 32 and minutes at 64, so `npm run test:slow` runs
 * them; .ci/run does). `npm test` runs every pair at both sizes on wasm with 1 and 2 threads, and the MLP
 * and DCGAN pairs on cpu.
 */
import { beforeAll } from 'vitest';

import { useBackend } from '../../src/backend/index.js';
import { defineDefaultBuilderTests } from '../nets/default-builders.js';

beforeAll(async () => {
  await useBackend('cpu');
});

defineDefaultBuilderTests('cpu', ['resnet', 'style'], [32, 64]);
