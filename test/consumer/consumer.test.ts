/**
 * The packed package, installed into an empty project, works from ESM, CommonJS and TypeScript, and its
 * published types compile the README's examples in a strict project. Builds the package first when
 * dist/ is missing or older than the sources (CI builds before testing).
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO as repo, ensureBuilt } from './dist.js';

const project = mkdtempSync(join(tmpdir(), 'tfjs-gan-consumer-'));
const run = (cmd: string, args: string[], cwd = project): string =>
  execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 240_000 });

const USE = `
const generator = Generator.mlp({ outputShape: [2], latentDim: 3, seed: 1 });
const discriminator = Discriminator.mlp({ inputShape: [2], seed: 2 });
const trainer = new Trainer({ generator, discriminator, loss: losses.hinge(), seed: 1 });
const data = await datasets.toy2d('ring', { count: 64 });
const history = await trainer.fit(data, { steps: 2, batchSize: 16 });
const samples = generator.sample({ count: 3, seed: 1 });
console.log(JSON.stringify({ shape: samples.shape, steps: history.logs.length, isError: new ConfigError('x') instanceof GanError }));
`;

describe('consumer project', () => {
  beforeAll(async () => {
    await ensureBuilt();
    run('npm', ['pack', '--pack-destination', project], repo);
    const tarball = readdirSync(project).find((f) => f.endsWith('.tgz'));
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
    run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', `./${tarball}`, '@tensorflow/tfjs@^4.22.0']);
  }, 300_000);
  afterAll(() => rmSync(project, { recursive: true, force: true }));

  it('works from ESM', () => {
    writeFileSync(join(project, 'esm.mjs'), `import { Generator, Discriminator, Trainer, losses, datasets, ConfigError, GanError } from 'tfjs-gan';\n${USE}`);
    expect(JSON.parse(run('node', ['esm.mjs']).trim().split('\n').at(-1)!)).toEqual({ shape: [3, 2], steps: 2, isError: true });
  });

  it('works from CommonJS', () => {
    writeFileSync(
      join(project, 'cjs.cjs'),
      `const { Generator, Discriminator, Trainer, losses, datasets, ConfigError, GanError } = require('tfjs-gan');\n(async () => {${USE}})();`,
    );
    expect(JSON.parse(run('node', ['cjs.cjs']).trim().split('\n').at(-1)!)).toEqual({ shape: [3, 2], steps: 2, isError: true });
  });

  it('type-checks from TypeScript', () => {
    writeFileSync(
      join(project, 'main.ts'),
      `import * as tf from '@tensorflow/tfjs';
import { Generator, Discriminator, Trainer, losses, datasets, type StepLogs, type GanLoss } from 'tfjs-gan';
const generator: Generator = Generator.dcgan({ imageShape: [28, 28, 1], numClasses: 10 });
const discriminator = Discriminator.dcgan({ imageShape: [28, 28, 1], numClasses: 10 });
const loss: GanLoss = losses.hinge();
const trainer = new Trainer({ generator, discriminator, loss, generatorOptimizer: tf.train.adam(1e-4) });
export async function go(): Promise<number> {
  const history = await trainer.fit(await datasets.mnist({ count: 64 }), { steps: 1, batchSize: 8 });
  const last: StepLogs | undefined = history.logs.at(-1);
  return last?.dLoss ?? 0;
}
// @ts-expect-error latentDim must be a number
Generator.mlp({ outputShape: [2], latentDim: 'big' });
`,
    );
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { strict: true, module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', noEmit: true, skipLibCheck: true, types: [] }, files: ['main.ts'] }),
    );
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, type: 'module' }));
    expect(() => run(join(repo, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.json'])).not.toThrow();
  });

  it('publishes types that import only packages it declares, by their entry points', () => {
    const installed = join(project, 'node_modules', 'tfjs-gan');
    const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as Record<string, Record<string, string> | undefined>;
    const declared = new Set([...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.peerDependencies ?? {})]);
    const files = readdirSync(join(installed, 'dist')).filter((file) => /\.d\.c?ts$/.test(file));
    expect(files.sort()).toEqual(['index.d.cts', 'index.d.ts']);
    const imported = files.flatMap((file) => {
      // Doc comments hold example code (`import { io } from 'tfjs-gan'`): only declarations count.
      const code = readFileSync(join(installed, 'dist', file), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
      const specifiers = [
        ...code.matchAll(/^\s*(?:import|export)\b[^;]*?\bfrom\s*['"]([^'"]+)['"]/gm),
        ...code.matchAll(/\b(?:import|require)\(\s*['"]([^'"]+)['"]\s*\)/g),
        ...code.matchAll(/\/\/\/\s*<reference\s+types=['"]([^'"]+)['"]/g),
      ].map((match) => match[1]);
      return specifiers.map((specifier) => `${file}: ${specifier}`);
    });
    expect(imported.length).toBeGreaterThan(0);
    // A package itself (no deep path such as '@tensorflow/tfjs-layers/dist/layers/core') that tfjs-gan declares.
    expect(imported.filter((entry) => !declared.has(entry.split(': ')[1]))).toEqual([]);
  });

  it('type-checks the README examples under strict, NodeNext, exactOptionalPropertyTypes and skipLibCheck false', () => {
    // A project of its own (ESM, for top-level await) inside the one that installed the package.
    const strict = join(project, 'strict');
    mkdirSync(strict, { recursive: true });
    writeFileSync(join(strict, 'package.json'), JSON.stringify({ name: 'strict-consumer', version: '1.0.0', private: true, type: 'module' }));
    copyFileSync(join(repo, 'test', 'consumer', 'fixtures', 'readme-examples.ts'), join(strict, 'readme-examples.ts'));
    // The CommonJS types (dist/index.d.cts, the `require` condition) with the same checks.
    writeFileSync(
      join(strict, 'require.cts'),
      `import { Generator, io, LazyGradientConv2D } from 'tfjs-gan';
export function grid(): Promise<void> {
  return io.saveImageGrid(Generator.dcgan({ imageShape: [28, 28, 1] }).sample({ count: 4 }), 'x.png');
}
// @ts-expect-error a batch of 2-D points is no image batch
io.saveImageGrid(Generator.mlp({ outputShape: [2] }).sample({ count: 4 }), 'y.png');
// @ts-expect-error 'bogus' is no argument of tf.layers.conv2d
new LazyGradientConv2D({ bogus: true });
`,
    );
    writeFileSync(
      join(strict, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          target: 'ES2022',
          exactOptionalPropertyTypes: true,
          skipLibCheck: false,
          noEmit: true,
          // No @types/node: the published types must not need it.
          types: [],
        },
        files: ['readme-examples.ts', 'require.cts'],
      }),
    );
    let output = '';
    let failed = false;
    try {
      output = run(join(repo, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.json', '--pretty', 'false'], strict);
    } catch (error) {
      failed = true;
      const { stdout, stderr } = error as { stdout?: string; stderr?: string };
      output = `${stdout ?? ''}${stderr ?? ''}` || String(error);
    }
    // One line per error, `file(line,col): error TSxxxx: ...`, followed by indented detail lines.
    const errors = output.split('\n').filter((line) => /error TS\d+/.test(line) && !line.startsWith(' '));
    // A failed run reports errors; one that reports none crashed.
    if (failed && errors.length === 0) expect.fail(`tsc failed without reporting errors:\n${output}`);
    // With skipLibCheck false, tsc also checks @tensorflow's own declarations, and tfjs 4.22's fail it
    // (`Long` from an undeclared @types/long in tfjs-core, LayersModel against InferenceModel under strict
    // null checks in tfjs-layers, ...). Those are tfjs's to fix and say nothing of tfjs-gan; everything else
    // (tfjs-gan's .d.ts, the examples, an unused @ts-expect-error, a bad tsconfig) must be clean.
    const ours = errors.filter((line) => !/(^|\/)node_modules\/@tensorflow\//.test(line));
    expect(ours).toEqual([]);
  });

  it('installs the tfjs-gan command', () => {
    expect(run(join(project, 'node_modules', '.bin', 'tfjs-gan'), ['--help'])).toMatch(/Usage: tfjs-gan <command>/);
  });
});
