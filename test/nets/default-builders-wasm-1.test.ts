/** Every builder at its defaults, 32 and 64 pixels, conditional or not, on wasm with one thread. */
import { beforeAll } from 'vitest';

import { useBackend } from '../../src/backend/index.js';
import { defineDefaultBuilderTests } from './default-builders.js';

beforeAll(async () => {
  await useBackend('wasm', { threads: 1 });
});

defineDefaultBuilderTests('wasm with 1 thread', ['mlp', 'dcgan', 'resnet', 'style'], [32, 64]);
