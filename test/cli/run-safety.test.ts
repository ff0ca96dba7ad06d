/**
 * The CLI never loses or mixes runs: `train` over an existing run is refused (pointing to --resume and
 * --force), --force says what it deletes, --resume refuses flags it cannot apply and says which it
 * applies, and Ctrl-C saves and exits 130.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { camelCase } from '../../src/cli/args.js';
import { main } from '../../src/cli/main.js';
import { RESUME_CHANGEABLE_FLAGS, RESUME_FIXED_FLAGS, RESUME_INVOCATION_FLAGS } from '../../src/cli/resume-flags.js';
import { TRAIN_FLAGS } from '../../src/cli/train-command.js';
import { Trainer } from '../../src/train/trainer.js';
import { captureCliOutput } from '../helpers/cli-output.js';
import { disposeAll } from '../helpers/trainers.js';

const root = mkdtempSync(join(tmpdir(), 'tfjs-gan-cli-safety-'));
const repo = resolve(__dirname, '../..');

const savedStep = (run: string): number => JSON.parse(readFileSync(join(run, 'gan.json'), 'utf8')).step;
const metricsLines = (run: string): number => readFileSync(join(run, 'metrics.jsonl'), 'utf8').trim().split('\n').length;
const ring = (run: string, steps: number): string[] =>
  ['train', '--dataset', 'ring', '--count', '64', '--arch', 'mlp', '--batch-size', '16', '--steps', String(steps), '--backend', 'cpu', '--out', run];

describe('tfjs-gan train over an existing run', () => {
  const io = captureCliOutput();
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('refuses to train over a run, pointing to --resume and --force, and leaves it as it was', async () => {
    const run = join(root, 'refuse');
    expect(await main(ring(run, 2))).toBe(0);
    expect(await main(ring(run, 3))).toBe(1);
    expect(io.err).toMatch(/ConfigError: tfjs-gan train: '--out' ".*refuse" already holds a run \(config\.json, gan\.json, metrics\.jsonl, weights-[^)]*\.bin\)/);
    expect(io.err).toMatch(/Expected --resume to continue it, --force to delete it and start over, or another --out/);
    expect(savedStep(run)).toBe(2);
    expect(metricsLines(run)).toBe(2);
    expect(await main([...ring(run, 1), '--resume', '--force'])).toBe(1);
    expect(io.err).toMatch(/give --resume .* or --force .*, not both/);
  });

  it('--force deletes the previous run (and only it), says so, and starts over', async () => {
    const run = join(root, 'force');
    expect(await main(ring(run, 3))).toBe(0);
    writeFileSync(join(run, 'notes.txt'), 'mine');
    expect(await main([...ring(run, 2), '--force'])).toBe(0);
    expect(io.out).toMatch(/--force: deleted the previous run in .*force: config\.json, gan\.json, metrics\.jsonl, weights-[^\n]*\.bin\n/);
    expect(savedStep(run)).toBe(2);
    expect(metricsLines(run)).toBe(2);
    expect(readFileSync(join(run, 'notes.txt'), 'utf8')).toBe('mine');
  });

  it('--force deletes nothing when the new run cannot start', async () => {
    const run = join(root, 'force-fails');
    expect(await main(ring(run, 1))).toBe(0);
    expect(await main([...ring(run, 1), '--loss', 'nope', '--force'])).toBe(1);
    expect(savedStep(run)).toBe(1);
  });

  it('--resume refuses the flags that would change the saved run, and lists them all', async () => {
    const run = join(root, 'resume-refuse');
    expect(await main(ring(run, 2))).toBe(0);
    const resume = ['train', '--resume', '--steps', '1', '--backend', 'cpu', '--out', run];
    expect(await main([...resume, '--loss', 'hinge', '--arch', 'dcgan', '--dataset', 'grid', '--seed', '7'])).toBe(1);
    expect(io.err).toMatch(/--resume continues the run saved in .* so these flags cannot apply: --dataset grid \(saved: "ring"\), --arch dcgan \(saved: "mlp"\), --loss hinge \(saved: "non-saturating"\), --seed 7 \(saved: 42\)/);
    expect(io.err).toMatch(/A resumed run may change --batch-size, --generator-learning-rate/);
    expect(io.err).not.toMatch(/resuming/);
    expect(savedStep(run)).toBe(2);
    // Flags equal to the saved run's are no conflict.
    expect(await main([...resume, '--dataset', 'ring', '--arch', 'mlp', '--count', '64'])).toBe(0);
    expect(savedStep(run)).toBe(3);
  });

  it('--resume applies batch size and learning rates, says which, and saves them with the run', async () => {
    const run = join(root, 'resume-apply');
    expect(await main(ring(run, 2))).toBe(0);
    io.out = '';
    expect(await main(['train', '--resume', '--steps', '1', '--backend', 'cpu', '--out', run, '--batch-size', '32', '--generator-learning-rate', '0.0005'])).toBe(0);
    // The ring trained with the vector defaults (Adam 1e-3), which the run saved.
    expect(io.out).toMatch(/--resume: applying --batch-size 32 \(was 16\), --generator-learning-rate 0\.0005 \(was 0\.001\)\n/);
    const manifest = JSON.parse(readFileSync(join(run, 'gan.json'), 'utf8'));
    expect(manifest.step).toBe(3);
    expect(manifest.metadata.cli).toMatchObject({ batchSize: 32, generatorLearningRate: 0.0005, discriminatorLearningRate: 0.001, dataset: 'ring' });
    const loaded = await Trainer.load(run);
    expect(loaded.generatorOptimizer.getConfig().learningRate).toBeCloseTo(0.0005, 10);
    expect(loaded.discriminatorOptimizer.getConfig().learningRate).toBeCloseTo(0.001, 10);
    disposeAll(loaded);
  });

  it('every train flag is either fixed by a resumed run, changeable, or of the invocation', async () => {
    const categories = [...RESUME_FIXED_FLAGS, ...RESUME_CHANGEABLE_FLAGS, ...RESUME_INVOCATION_FLAGS];
    expect([...categories].sort()).toEqual(Object.keys(TRAIN_FLAGS).map(camelCase).sort());
    expect(await main(['train', '--help'])).toBe(0);
    expect(io.out).toMatch(/--force\s+start a new run even if --out holds one: first deletes its checkpoint \(gan\.json, weights\), config\.json, metrics\.jsonl and samples\//);
    expect(io.out).toMatch(/--resume\s+continue the run saved in --out .*\(flags that differ are refused\)/);
  });
});

describe('Ctrl-C', () => {
  it('stops after the current step, saves, and exits 130', async () => {
    const run = join(root, 'sigint');
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/cli/bin.ts', ...ring(run, 100_000), '--checkpoint-every', '100000', '--count', '256'],
      { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    // Wait for the first step's line in the metrics log, then press Ctrl-C.
    const deadline = Date.now() + 60_000;
    while (!(existsSync(join(run, 'metrics.jsonl')) && readFileSync(join(run, 'metrics.jsonl'), 'utf8').includes('\n'))) {
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`no step after 60 s; output: ${stdout}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(stdout).toMatch(/interrupted: stopping after the current step and saving/);
    expect(stdout).toMatch(/interrupted at step \d+: continue with tfjs-gan train --resume --out/);
    const step = savedStep(run);
    expect(step).toBeGreaterThanOrEqual(1);
    expect(step).toBeLessThan(100_000);
    expect(metricsLines(run)).toBe(step);
  }, 90_000);
});
