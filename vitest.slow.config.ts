import { defineConfig } from 'vitest/config';

// `npm run test:slow`: tests that take minutes each (default networks at 64x64 on the cpu backend).
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
