import { defineConfig } from 'vitest/config';

// `npm run test:slow`: tests that take 20 s to minutes each (the ResNet and style networks at their
// defaults on the cpu backend; the 2-D ring's mode-coverage runs, 4,000 and the recipe's steps on wasm).
// .ci/run runs them after `npm test`.
export default defineConfig({
  test: {
    include: ['test/slow/**/*.test.ts'],
    testTimeout: 900_000,
    hookTimeout: 120_000,
    pool: 'forks',
    env: { TFJS_GAN_WASM_THREADS: '1' },
  },
});
