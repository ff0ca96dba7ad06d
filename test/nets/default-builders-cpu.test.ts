/**
 * Every builder at its defaults on the cpu backend: all at 32 pixels and the MLP and DCGAN at 64,
 * conditional or not. The ResNet and style pairs at 64 take minutes on cpu (tfjs's cpu convolutions
 * are plain loops): `npm run test:slow` runs them (test/slow/default-builders-cpu-64.test.ts; CI does).
 */
import { beforeAll } from 'vitest';

import { useBackend } from '../../src/backend/index.js';
import { defineDefaultBuilderTests } from './default-builders.js';

beforeAll(async () => {
  await useBackend('cpu');
});

defineDefaultBuilderTests('cpu', ['mlp', 'dcgan', 'resnet', 'style'], [32]);
defineDefaultBuilderTests('cpu', ['mlp', 'dcgan'], [64]);
