import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { captureCliOutput } from '../helpers/cli-output.js';
import { main } from '../../src/cli/main.js';
import { Discriminator } from '../../src/nets/discriminator.js';
import { Generator } from '../../src/nets/generator.js';
import { Trainer } from '../../src/train/trainer.js';

const root = mkdtempSync(join(tmpdir(), 'tfjs-gan-eval-'));

describe('tfjs-gan eval', () => {
  const io = captureCliOutput();
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('is listed, with its flags', async () => {
    expect(await main(['--help'])).toBe(0);
    expect(io.out).toMatch(/\n\s+eval\s+score a saved run/);
    expect(await main(['eval', '--help'])).toBe(0);
    expect(io.out).toMatch(/--real-count <number>\s+real samples .*\(default: 10000\)/);
  });

  it('scores a tiny conditional MNIST run: a table with FID, KID, precision/recall, density/coverage, class accuracy', async () => {
    const run = join(root, 'mnist');
    const train = ['train', '--dataset', 'mnist', '--count', '64', '--conditional', '--width', '4', '--steps', '2', '--batch-size', '8'];
    expect(await main([...train, '--backend', 'wasm', '--out', run, '--sample-every', '100', '--checkpoint-every', '2'])).toBe(0);
    io.out = '';
    io.err = '';
    const evalArgs = ['eval', '--run', run, '--count', '60', '--real-count', '200', '--backend', 'wasm', '--cache-dir', join(root, 'cache')];
    expect(await main(evalArgs)).toBe(0);
    expect(io.err).toBe('');
    expect(io.out).toMatch(/step 2, generator, against mnist/);
    for (const row of [/FID\s+\d+\.\d{3}\n/, /KID\s+-?\d+\.\d{5} ± \d+\.\d{5}\n/, /precision\s+[01]\.\d{4}/, /recall\s+/, /density\s+/, /coverage\s+/, /class accuracy\s+[01]\.\d{4}/, /class 7\s+/, /samples\s+60 generated, 200 real/, /features\s+mnist-cnn-/]) {
      expect(io.out).toMatch(row);
    }
    io.out = '';
    expect(await main([...evalArgs, '--json', '--metrics', 'fid,kid'])).toBe(0);
    const json = JSON.parse(io.out);
    expect(json).toMatchObject({ step: 2, dataset: 'mnist', fakeCount: 60, realCount: 200 });
    expect(json.fid).toBeGreaterThan(0);
    expect(json.kid.subsetSize).toBe(60);
    expect(json.precision).toBeUndefined();
    // Within each digit: 6 samples of each class against the digit's own real samples.
    io.out = '';
    expect(await main([...evalArgs, '--metrics', 'intra-fid,intra-kid,intra-precision-recall'])).toBe(0);
    for (const row of [/intra-class FID\s+\d+\.\d{3}\n/, /intra-class KID\s+-?\d+\.\d{5}\n/, /class 9\s+-?\d+\.\d{5}\n/, /intra-class precision\s+[01]\.\d{4}\n/, /intra-class recall\s+[01]\.\d{4}\n/]) {
      expect(io.out).toMatch(row);
    }
    expect(io.out).not.toMatch(/^FID/m);
  });

  it('uses the EMA generator of a run saved by the library, scores toy data by mode coverage, and asks for --dataset', async () => {
    const run = join(root, 'ring');
    const trainer = new Trainer({
      generator: Generator.mlp({ outputShape: [2], latentDim: 4, hiddenUnits: [8], seed: 1 }),
      discriminator: Discriminator.mlp({ inputShape: [2], hiddenUnits: [8], seed: 2 }),
      loss: 'non-saturating',
      ema: { decay: 0.9 },
      seed: 3,
    });
    await trainer.save(run);
    trainer.dispose();
    expect(await main(['eval', '--run', run, '--backend', 'wasm'])).toBe(1);
    expect(io.err).toMatch(/does not say what it was trained on; pass --dataset/);
    expect(await main(['eval', '--run', run, '--dataset', 'ring', '--count', '200', '--real-count', '400', '--backend', 'wasm', '--no-cache'])).toBe(0);
    expect(io.out).toMatch(/step 0, EMA generator, against toy2d-ring/);
    expect(io.out).toMatch(/modes covered\s+\d+ \/ 8/);
    expect(io.out).toMatch(/features\s+samples/);
  });

  it('names a missing run and bad flags', async () => {
    expect(await main(['eval', '--run', join(root, 'nothing'), '--backend', 'wasm'])).toBe(1);
    expect(io.err).toMatch(/CheckpointError: .*no checkpoint/);
    io.err = '';
    expect(await main(['eval', '--run', join(root, 'mnist'), '--metrics', 'fid,fdi'])).toBe(1);
    expect(io.err).toMatch(/'--metrics' must list fid, kid, .* received "fid,fdi"/);
  });
});
