import { defineConfig } from 'tsup';

export default defineConfig([
  {
    // ESM, one file per module: bundlers drop the modules a page does not use (a single bundled file
    // defeats that: esbuild turns `export * as ns` into a call that keeps every member).
    entry: ['src/**/*.ts', '!src/**/*.d.ts', '!src/cli/**'],
    format: ['esm'],
    bundle: false,
    dts: { entry: { index: 'src/index.ts' } },
    sourcemap: true,
    clean: true,
    target: 'es2022',
  },
  {
    entry: { index: 'src/index.ts' },
    format: ['cjs'],
    dts: true,
    sourcemap: true,
    target: 'es2022',
    treeshake: true,
    // import.meta.url in the CommonJS build (the wasm thread support resolves package files from it).
    shims: true,
  },
  {
    entry: { cli: 'src/cli/bin.ts' },
    format: ['esm'],
    sourcemap: true,
    target: 'es2022',
    banner: { js: '#!/usr/bin/env node' },
  },
]);
