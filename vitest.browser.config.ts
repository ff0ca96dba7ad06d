/**
 * `npm run test:browser`: the library in real Chromium (Debian's /usr/bin/chromium, WebGL and WebGPU on
 * SwiftShader) through playwright. Projects:
 * - `webgl` and `webgpu`: core test files and the browser-only tests run inside the page, once per
 *   backend (tests read it with `inject('browserBackend')`, see test/helpers/backends.ts);
 * - `isolated`: the wasm backend's threads in a page served cross-origin isolated (COOP/COEP headers);
 * - `demo`: a Node test that serves examples/browser with Vite and drives it with playwright-core.
 * The default `npm test` (vitest.config.ts) runs none of these and needs no browser.
 */
import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';
import { nodeCheckpointCommands } from './test/browser/node-commands.js';

/** Debian's Chromium, with GPU APIs on the SwiftShader software renderer. */
export const CHROMIUM = Object.freeze({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--enable-unsafe-swiftshader', '--enable-unsafe-webgpu', '--use-angle=swiftshader', '--enable-features=Vulkan'],
});

/**
 * Core test files that run in the page, on the backends of test/helpers/backends.ts. On webgpu only the
 * ones that read results asynchronously: a synchronous read (`dataSync`) from WebGPU's GPU goes through
 * a WebGPU canvas, which headless Chromium on SwiftShader cannot share, and the device is lost. The
 * browser-only suite (test/browser) reads asynchronously and runs on both.
 */
const CORE_IN_PAGE_WEBGPU = ['test/losses/relativistic-wasserstein.test.ts'];
const CORE_IN_PAGE_WEBGL = [
  'test/losses/penalties.test.ts',
  'test/losses/class-cross-entropy.test.ts',
  'test/losses/relativistic-wasserstein.test.ts',
  'test/layers/*.test.ts',
  'test/augment/diff-augment.test.ts',
  'test/train/trainer.test.ts',
  'test/train/augment-draws.test.ts',
  'test/nets/conditional-packing.test.ts',
  // The wasm backend in a page that is not cross-origin isolated (the `isolated` project has the others).
  'test/browser/wasm-threads-not-isolated.test.ts',
];

/** The headers that make a page cross-origin isolated, which wasm threads (SharedArrayBuffer) need. */
export const CROSS_ORIGIN_ISOLATION = Object.freeze({
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
});

/** Headless Chromium, a fresh object per project (vitest names each project's instances). */
const browser = () => ({
  enabled: true,
  headless: true,
  screenshotFailures: false,
  provider: playwright({ launchOptions: CHROMIUM }),
  instances: [{ browser: 'chromium' as const }],
});

const inPage = (backend: 'webgl' | 'webgpu') => ({
  extends: true as const,
  test: {
    name: backend,
    include: [...(backend === 'webgl' ? CORE_IN_PAGE_WEBGL : CORE_IN_PAGE_WEBGPU), 'test/browser/**/*.browser.test.ts'],
    setupFiles: ['test/browser/setup.ts'],
    provide: { browserBackend: backend },
    browser: { ...browser(), commands: nodeCheckpointCommands },
  },
});

/** The wasm backend's threads in a page served cross-origin isolated. */
const isolated = {
  extends: true as const,
  server: { headers: { ...CROSS_ORIGIN_ISOLATION } },
  test: { name: 'isolated', include: ['test/browser/isolated/*.isolated.test.ts'], setupFiles: ['test/browser/setup.ts'], browser: browser() },
};

export default defineConfig({
  resolve: { alias: { 'tfjs-gan': new URL('./src/index.ts', import.meta.url).pathname } },
  optimizeDeps: { include: ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-backend-webgpu', 'mnist'] },
  test: {
    testTimeout: 180_000,
    hookTimeout: 180_000,
    fileParallelism: false,
    projects: [
      inPage('webgl'),
      inPage('webgpu'),
      isolated,
      { extends: true, test: { name: 'demo', include: ['test/browser/**/*.e2e.test.ts'], environment: 'node', pool: 'forks' } },
    ],
  },
});
