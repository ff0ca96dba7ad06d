/**
 * The ESM build in a browser bundler: Vite bundles dist/index.js with no Node built-in (not even an
 * empty stand-in) and drops what a page does not use. Builds the package first when dist/ is missing
 * or older than the sources (CI builds before testing).
 */
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Rollup, build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO as repo, ensureBuilt } from '../consumer/dist.js';

const work = mkdtempSync(join(tmpdir(), 'tfjs-gan-bundle-'));
// The package as a dependency of the page's project: Vite resolves it by its package.json (exports, sideEffects).
mkdirSync(join(work, 'node_modules'));
symlinkSync(repo, join(work, 'node_modules', 'tfjs-gan'), 'dir');

interface Bundle {
  /** All JavaScript written, chunk by chunk. */
  readonly chunks: Record<string, string>;
  /** Every warning Vite and Rollup printed. */
  readonly warnings: string[];
}

/** Bundles `source` (which imports 'tfjs-gan') for the browser; tfjs itself stays external to keep it fast. */
async function bundle(name: string, source: string): Promise<Bundle> {
  const entry = join(work, `${name}.js`);
  writeFileSync(entry, source);
  const warnings: string[] = [];
  const outDir = join(work, `out-${name}`);
  await build({
    configFile: false,
    logLevel: 'silent',
    root: work,
    customLogger: {
      info: () => undefined,
      warn: (message) => void warnings.push(message),
      warnOnce: (message) => void warnings.push(message),
      error: (message) => void warnings.push(message),
      clearScreen: () => undefined,
      hasErrorLogged: () => false,
      hasWarned: false,
    },
    build: {
      outDir,
      emptyOutDir: true,
      minify: false,
      target: 'es2022',
      write: true,
      rollupOptions: {
        input: entry,
        external: (id: string) => id.startsWith('@tensorflow/'),
        onwarn: (warning: Rollup.RollupLog) => void warnings.push(warning.message),
      },
    },
  });
  const files = readdirSync(join(outDir, 'assets')).filter((file) => file.endsWith('.js'));
  return { chunks: Object.fromEntries(files.map((file) => [file, readFileSync(join(outDir, 'assets', file), 'utf8')])), warnings };
}

/** An import or require of a Node built-in, static or dynamic. */
const NODE_BUILTINS = /(?:\bfrom|\bimport\s*\(|\brequire\s*\()\s*["'](?:node:)?(?:fs|fs\/promises|path|os|zlib|stream|util|buffer|assert|child_process|worker_threads)["']/;

describe('a Vite bundle of the ESM build', () => {
  beforeAll(() => ensureBuilt(), 300_000);
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('pulls in no Node built-in when a page trains, samples and checkpoints', async () => {
    const { chunks, warnings } = await bundle(
      'page',
      `import { useBackend, Generator, Discriminator, Trainer, datasets, io, callbacks } from 'tfjs-gan';
await useBackend('webgl');
const data = await datasets.toy2d('ring');
const images = await datasets.fromImages([new ImageData(2, 2)]);
const trainer = new Trainer({ generator: Generator.mlp({ outputShape: [2] }), discriminator: Discriminator.mlp({ inputShape: [2] }) });
await trainer.fit(data, { steps: 2, callbacks: [callbacks.progress()] });
await trainer.save('indexeddb://ring');
const grid = await io.encodeImageGrid(trainer.generator.sample({ count: 4 }));
console.log(grid, images, await datasets.mnist({ count: 10 }), await Trainer.load(io.memoryStore(await io.exportCheckpoint('indexeddb://ring'))));
`,
    );
    expect(warnings.filter((w) => /externalized for browser compatibility|Node built-in/i.test(w))).toEqual([]);
    const all = Object.values(chunks).join('\n');
    expect(all.includes('__vite-browser-external')).toBe(false);
    expect(all.match(NODE_BUILTINS)?.[0]).toBeUndefined();
    // The Node-only code stays behind run-time imports that bundlers do not follow.
    expect(all.includes('`node:${name}`')).toBe(true);
  }, 180_000);

  it('tree-shakes: a page that only uses a loss gets none of the rest', async () => {
    const { chunks } = await bundle('loss-only', `import { losses } from 'tfjs-gan';\nconsole.log(losses.hinge());\n`);
    const all = Object.values(chunks).join('\n');
    expect(Object.keys(chunks)).toHaveLength(1);
    const kept = ['tfjs-gan-checkpoint', 'IHDR', 'SpectralNormalization', 'class Trainer', 'MNIST_SHUFFLE_SEED', 'frechet', 'indexedDB'].filter((marker) => all.includes(marker));
    expect(kept).toEqual([]);
    expect(all.length).toBeLessThan(20_000);
  }, 180_000);
});
