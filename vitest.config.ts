import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // test/browser needs Chromium: `npm run test:browser` (vitest.browser.config.ts) runs it.
    // test/slow takes minutes a test: `npm run test:slow` (vitest.slow.config.ts) runs it.
    exclude: [...configDefaults.exclude, 'test/browser/**', 'test/slow/**'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // One wasm thread per test process: the files run in parallel already. test/backend/wasm-threads.test.ts
    // asks for two threads explicitly.
    env: { TFJS_GAN_WASM_THREADS: '1' },
  },
});
