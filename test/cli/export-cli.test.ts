import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { Generator, Trainer } from '../../src/index.js';
import { captureCliOutput } from '../helpers/cli-output.js';

const root = mkdtempSync(join(tmpdir(), 'tfjs-gan-export-cli-'));

describe('tfjs-gan export', () => {
  const io = captureCliOutput();
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("writes a run's EMA generator (or with --raw its own) as a tfjs model that samples as the run does", async () => {
    const run = join(root, 'run');
    // The MNIST recipe keeps an EMA generator.
    expect(await main(['train', '--recipe', 'mnist', '--steps', '2', '--batch-size', '8', '--backend', 'wasm', '--out', run, '--checkpoint-every', '2'])).toBe(0);
    expect(await main(['export', '--help'])).toBe(0);
    expect(io.out).toMatch(/--out <string>\s+directory to write model.json/);
    const out = join(root, 'exported');
    expect(await main(['export', '--run', run, '--out', out, '--backend', 'wasm'])).toBe(0);
    // The recipe's generator uses conditional batch norm, a tfjs-gan layer: the command says so.
    expect(io.out).toMatch(/wrote the EMA generator of step 2 to .*exported\/model.json; it uses tfjs-gan's layers \(ConditionalBatchNormalization\): load it with Generator.load/);
    expect(JSON.parse(readFileSync(join(out, 'model.json'), 'utf8')).userDefinedMetadata.tfjsGan.portable).toBe(false);
    const raw = join(root, 'raw');
    expect(await main(['export', '--run', run, '--out', raw, '--raw', '--backend', 'wasm'])).toBe(0);
    expect(io.out).toMatch(/wrote the generator of step 2/);

    const trainer = await Trainer.load(run);
    for (const [dir, source] of [[out, trainer.samplingGenerator], [raw, trainer.generator]] as const) {
      const exported = await Generator.load(`file://${dir}`);
      const [a, b] = [source.sample({ count: 2, labels: 'all', seed: 1 }), exported.sample({ count: 2, labels: 'all', seed: 1 })];
      expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
      tf.dispose([a, b]);
      exported.dispose();
    }
    expect(trainer.samplingGenerator).not.toBe(trainer.generator);
    trainer.generator.dispose();
    trainer.discriminator.dispose();
    trainer.dispose();
  });

  it('says when plain tfjs loads the export (a DCGAN without EMA)', async () => {
    const run = join(root, 'plain');
    expect(await main(['train', '--dataset', 'mnist', '--count', '16', '--width', '2', '--steps', '1', '--batch-size', '8', '--out', run, '--backend', 'wasm', '--checkpoint-every', '1'])).toBe(0);
    expect(await main(['export', '--run', run, '--out', join(root, 'plain-out'), '--backend', 'wasm'])).toBe(0);
    expect(io.out).toMatch(/wrote the generator of step 1 to .*plain-out\/model.json; plain @tensorflow\/tfjs loads it: tf.loadLayersModel/);
  });

  it('names a missing run', async () => {
    expect(await main(['export', '--run', join(root, 'nothing'), '--out', join(root, 'x'), '--backend', 'cpu'])).toBe(1);
    expect(io.err).toMatch(/nothing/);
  });
});
