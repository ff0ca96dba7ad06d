/** The ResNet and style pairs at their defaults at 64x64 on the cpu backend (minutes: `npm run test:slow`). */
import { beforeAll } from 'vitest';

import { useBackend } from '../../src/backend/index.js';
import { defineDefaultBuilderTests } from '../nets/default-builders.js';

beforeAll(async () => {
  await useBackend('cpu');
});

defineDefaultBuilderTests('cpu', ['resnet', 'style'], [64]);
