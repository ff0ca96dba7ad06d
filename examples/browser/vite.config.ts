import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const repo = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Served cross-origin isolated, so that the training worker may use SharedArrayBuffer and the wasm
 * backend runs multi-threaded there (one thread per core, up to 8). Every file the page loads comes from
 * this server; a resource from another origin would need `Cross-Origin-Resource-Policy` or CORS.
 */
const crossOriginIsolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/** The demo page: `npm run demo` serves it; it imports the library's source by the package's name. */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  resolve: { alias: { 'tfjs-gan': `${repo}src/index.ts` } },
  server: { port: 5173, strictPort: false, fs: { allow: [repo] }, headers: crossOriginIsolation },
  preview: { port: 4173, headers: crossOriginIsolation },
  worker: { format: 'es' },
  optimizeDeps: {
    include: ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-backend-webgpu', 'mnist'],
    // The wasm backend loads its .wasm files from the URLs the worker passes to setWasmPaths.
    exclude: [],
  },
  build: { outDir: `${repo}dist-demo`, emptyOutDir: true, target: 'es2022' },
});
