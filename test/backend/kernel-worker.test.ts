/**
 * The kernel threads' worker is a typed function whose source text becomes the worker's script: it must
 * run as it is written, and as a bundler and minifier rewrite it (renamed locals and functions, helpers
 * such as esbuild's `__name` around the function).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';

import { CONTROL_LAYOUT, kernelWorkerScript, workerMain } from '../../src/backend/simd/kernel-worker.js';
import { startKernelThreads } from '../../src/backend/simd/simd-threads.js';

type StartKernelThreads = typeof startKernelThreads;

/**
 * A module on a shared memory of one page that exports `mark(value, part, parts)`: it stores `value` in
 * the int32 at index `part`, so each part leaves its mark.
 */
const MARK_MODULE = Uint8Array.from([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version
  0x01, 0x07, 0x01, 0x60, 0x03, 0x7f, 0x7f, 0x7f, 0x00, // types: (i32, i32, i32) -> ()
  0x02, 0x10, 0x01, 0x03, 0x65, 0x6e, 0x76, 0x06, 0x6d, 0x65, 0x6d, 0x6f, 0x72, 0x79, 0x02, 0x03, 0x01, 0x01, // import env.memory, shared, 1 page
  0x03, 0x02, 0x01, 0x00, // one function of type 0
  0x07, 0x08, 0x01, 0x04, 0x6d, 0x61, 0x72, 0x6b, 0x00, 0x00, // export "mark"
  0x0a, 0x0e, 0x01, 0x0c, 0x00, // code: one body of 12 bytes, no locals
  0x20, 0x01, 0x41, 0x04, 0x6c, // part * 4
  0x20, 0x00, 0x36, 0x02, 0x00, 0x0b, // store value there; end
]);

/** Starts `parts` threads of the mark module with `start` and checks that every part ran a kernel. */
async function expectEveryPartRuns(start: StartKernelThreads, parts: number): Promise<void> {
  const memory = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
  const module = new WebAssembly.Module(MARK_MODULE);
  const local = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as Record<string, (...args: number[]) => unknown>;
  const threads = await start(memory, module, local, ['mark'], parts);
  const marks = new Int32Array(memory.buffer, 0, parts);
  expect(threads.parts).toBe(parts);
  for (const value of [7, -3, 12345]) {
    threads.run('mark', [value]);
    expect(Array.from(marks)).toEqual(new Array(parts).fill(value));
  }
  expect(threads.runs).toBe(3);
}

const work = mkdtempSync(join(tmpdir(), 'tfjs-gan-kernel-worker-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** simd-threads.ts and what it imports, bundled into one ES module by esbuild with `options`, and imported. */
async function bundledStart(name: string, options: { minify?: boolean; keepNames?: boolean }): Promise<StartKernelThreads> {
  const result = await build({
    entryPoints: [resolve(__dirname, '../../src/backend/simd/simd-threads.ts')],
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    write: false,
    ...options,
  });
  const text = result.outputFiles[0].text;
  // The worker's parameters and locals are renamed: the script runs the rewritten text.
  if (options.minify) expect(text).not.toContain('layout.argsOffset');
  const file = join(work, `${name}.mjs`);
  writeFileSync(file, text);
  const bundled = (await import(/* @vite-ignore */ pathToFileURL(file).href)) as Record<string, unknown>;
  // A minified bundle renames its exports' local bindings but keeps the export names.
  return bundled.startKernelThreads as StartKernelThreads;
}

describe('the kernel worker', () => {
  it('is a script built from workerMain and the control layout', () => {
    const script = kernelWorkerScript();
    expect(script).toContain(workerMain.toString());
    expect(script).toContain(JSON.stringify(CONTROL_LAYOUT));
    expect(() => new Function(script)).not.toThrow();
  });

  it('runs every part of a kernel, from the source', async () => {
    await expectEveryPartRuns(startKernelThreads, 2);
    await expectEveryPartRuns(startKernelThreads, 3);
  });

  it.each([
    ['minified', { minify: true }],
    ['minified, names kept', { minify: true, keepNames: true }],
  ] as const)('runs every part of a kernel, bundled by esbuild (%s)', async (name, options) => {
    const start = await bundledStart(name.replace(/\W+/g, '-'), options);
    await expectEveryPartRuns(start, 2);
  });
});
