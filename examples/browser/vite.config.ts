import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const repo = fileURLToPath(new URL('../..', import.meta.url));

/** The demo page: `npm run demo` serves it; it imports the library's source by the package's name. */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  resolve: { alias: { 'tfjs-gan': `${repo}src/index.ts` } },
  server: { port: 5173, strictPort: false, fs: { allow: [repo] } },
  preview: { port: 4173 },
  worker: { format: 'es' },
  optimizeDeps: {
    include: ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-backend-webgpu', 'mnist'],
    // The wasm backend loads its .wasm files from the URLs the worker passes to setWasmPaths.
    exclude: [],
  },
  build: { outDir: `${repo}dist-demo`, emptyOutDir: true, target: 'es2022' },
});
