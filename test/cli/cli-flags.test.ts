import * as tf from '@tensorflow/tfjs';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { helpText, parseFlags } from '../../src/cli/args.js';
import { main } from '../../src/cli/main.js';
import { TRAIN_FLAGS } from '../../src/cli/train-command.js';
import { ConfigError, Trainer } from '../../src/index.js';
import { captureCliOutput } from '../helpers/cli-output.js';

const root = mkdtempSync(join(tmpdir(), 'tfjs-gan-cli-flags-'));
const packageJson = JSON.parse(readFileSync(join(__dirname, '../../package.json'), 'utf8')) as { version: string };

describe('CLI parsing on util.parseArgs', () => {
  it('checks values against what the library accepts, with the close name for typos', () => {
    const parse = (...argv: string[]) => () => parseFlags(argv, TRAIN_FLAGS, 'train');
    expect(parse('--steps', '-5')).toThrow(ConfigError);
    expect(parse('--steps', '-5')).toThrow(/'--steps' must be an integer >= 1, received "-5"/);
    expect(parse('--steps=2.5')).toThrow(/'--steps' must be an integer >= 1, received "2.5"/);
    expect(parse('--generator-learning-rate', '0')).toThrow(/'--generator-learning-rate' must be a number > 0, received "0"/);
    expect(parse('--beta2', '1')).toThrow(/'--beta2' must be a number >= 0 and < 1, received "1"/);
    expect(parse('--loss', 'hing')).toThrow(/'--loss' must be one of .*hinge.*, received "hing"\. Did you mean 'hinge'\?/);
    expect(parse('--backend', 'webgll')).toThrow(/Did you mean 'webgl'\?/);
    expect(parse('--sampling', 'balanced')).toThrow(/'--sampling' must be one of shuffle \| class-balanced \| class-sqrt, received "balanced"/);
    expect(parse('--fake-labels', 'real')).toThrow(/'--fake-labels' must be one of uniform \| data \| data-for-discriminator, received "real"/);
    expect(parse('--auxiliary-classifier-batches', 'fake')).toThrow(/'--auxiliary-classifier-batches' must be one of real-and-fake \| real, received "fake"/);
    expect(parse('--batchsize', '3')).toThrow(/unknown flag '--batchsize'\. Did you mean '--batch-size'\?/);
    expect(parse('--resume=false')).toThrow(/'--resume' is a switch and takes no value/);
    expect(parse('--out')).toThrow(/'--out' needs a string value, received none/);
    expect(parseFlags(['-o', 'runs/x', '--seed', '0'], TRAIN_FLAGS, 'train')).toMatchObject({ out: 'runs/x', seed: 0 });
  });

  it('aligns help rows: every description starts in the same column', () => {
    const rows = helpText('train', 'summary', TRAIN_FLAGS).split('\n').filter((line) => /^ {2}-/.test(line));
    expect(rows.length).toBe(Object.keys(TRAIN_FLAGS).length + 1);
    const columns = new Set(rows.map((row) => /^ {2}\S.*?\S {2,}(?=\S)/.exec(row)![0].length));
    expect([...columns]).toHaveLength(1);
  });
});

describe('tfjs-gan: commands, help, version, and bad values refused before anything loads', () => {
  const io = captureCliOutput();
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('prints help for -h and --help, the version for --version, and help with exit 2 when no command is given', async () => {
    expect(await main(['-h'])).toBe(0);
    expect(io.out).toMatch(/Commands:\n {2}train {3,}train a GAN/);
    io.out = '';
    expect(await main(['--version'])).toBe(0);
    expect(io.out).toBe(`${packageJson.version}\n`);
    expect(await main(['train', '-h'])).toBe(0);
    expect(io.out).toMatch(/--ema-decay <number>/);
    expect(await main([])).toBe(2);
    expect(io.err).toMatch(/no command given[\s\S]*Commands:/);
    expect(await main(['trian'])).toBe(2);
    expect(io.err).toMatch(/unknown command 'trian'\. Did you mean 'train'\?/);
  });

  it('refuses a bad value before loading data or creating the run directory', async () => {
    const out = join(root, 'never');
    for (const argv of [
      ['--steps', '-5'],
      ['--penalty-options', '{"gamma":1}'],
      ['--penalty', 'r1', '--penalty-options', 'gamma=1'],
      ['--augment', 'translation,blur'],
      ['--ema-decay', '0.9', '--no-ema'],
      ['--conditioning', 'cbn+cbn'],
    ]) {
      expect(await main(['train', ...argv, '--out', out, '--backend', 'cpu'])).toBe(1);
      expect(existsSync(out)).toBe(false);
    }
    expect(io.err).toMatch(/'--steps' must be an integer >= 1, received "-5"/);
    expect(io.err).toMatch(/'--penalty-options' needs '--penalty'/);
    expect(io.err).toMatch(/'--penalty-options' must be a JSON object/);
    expect(io.err).toMatch(/'--augment\[1\]' must be one of \["translation", "cutout", "color", "flip"\], received "blur"/);
    expect(io.err).toMatch(/give '--ema-decay' .* or '--no-ema'/);
  });
});

describe('tfjs-gan train: a flag for every option, the data kind defaults, and config.json', () => {
  const io = captureCliOutput();
  const config = (run: string) => JSON.parse(readFileSync(join(run, 'config.json'), 'utf8')) as { command: string; formatVersion: number; flags: Record<string, unknown> };

  it('uses the vector defaults on the ring (Adam 1e-3 (0, 0.99), batch 256, EMA 0.999) and writes them into config.json', async () => {
    const run = join(root, 'ring');
    expect(await main(['train', '--dataset', 'ring', '--arch', 'mlp', '--steps', '2', '--out', run, '--backend', 'cpu', '--checkpoint-every', '2'])).toBe(0);
    const { command, formatVersion, flags } = config(run);
    expect([command, formatVersion]).toEqual(['train', 1]);
    expect(flags).toMatchObject({ dataset: 'ring', arch: 'mlp', steps: 2, 'batch-size': 256, 'generator-learning-rate': 1e-3, 'discriminator-learning-rate': 1e-3, beta1: 0, beta2: 0.99, 'ema-decay': 0.999 });
    expect(flags).not.toHaveProperty('out');
    expect(flags).not.toHaveProperty('backend');
    // The checkpoint agrees: what config.json says is what trained.
    const trainer = await Trainer.load(run);
    expect(trainer.generatorOptimizer.getConfig()).toMatchObject({ learningRate: 1e-3, beta1: 0, beta2: 0.99 });
    expect(trainer.ema?.config.decay).toBe(0.999);
    trainer.generator.dispose();
    trainer.discriminator.dispose();
    trainer.dispose();
  });

  it('repeats a run from its config.json, and flags given with --config change it', async () => {
    const a = join(root, 'a');
    const flags = ['--dataset', 'mnist', '--count', '32', '--width', '4', '--steps', '2', '--batch-size', '8', '--sample-every', '2', '--checkpoint-every', '2'];
    expect(await main(['train', ...flags, '--out', a, '--backend', 'wasm'])).toBe(0);
    const b = join(root, 'b');
    expect(await main(['train', '--config', join(a, 'config.json'), '--out', b, '--backend', 'wasm'])).toBe(0);
    expect(config(b)).toEqual(config(a));
    const [ta, tb] = [await Trainer.load(a), await Trainer.load(b)];
    const [sa, sb] = [ta.generator.sample({ count: 2, seed: 1 }), tb.generator.sample({ count: 2, seed: 1 })];
    expect(Array.from(sb.dataSync())).toEqual(Array.from(sa.dataSync()));
    tf.dispose([sa, sb]);
    for (const t of [ta, tb]) {
      t.generator.dispose();
      t.discriminator.dispose();
      t.dispose();
    }
    const c = join(root, 'c');
    expect(await main(['train', '--config', join(a, 'config.json'), '--steps', '1', '--out', c, '--backend', 'wasm'])).toBe(0);
    expect(config(c).flags.steps).toBe(1);

    const bad = join(root, 'bad.json');
    writeFileSync(bad, JSON.stringify({ command: 'train', formatVersion: 1, flags: { 'batch-sise': 8 } }));
    expect(await main(['train', '--config', bad, '--out', join(root, 'd'), '--backend', 'cpu'])).toBe(1);
    expect(io.err).toMatch(/sets unknown setting 'batch-sise'\. Did you mean 'batch-size'\?/);
    writeFileSync(bad, JSON.stringify({ command: 'train', formatVersion: 1, flags: { steps: 0 } }));
    expect(await main(['train', '--config', bad, '--out', join(root, 'd'), '--backend', 'cpu'])).toBe(1);
    expect(io.err).toMatch(/'--steps' must be an integer >= 1, received 0/);
    expect(existsSync(join(root, 'd'))).toBe(false);
  });

  it('trains with spectral norm, a penalty, DiffAugment, an EMA, betas and a linear decay, all saved with the run and fixed on resume', async () => {
    const run = join(root, 'all');
    const flags = [
      '--dataset', 'mnist', '--count', '32', '--width', '4', '--steps', '2', '--batch-size', '8',
      '--spectral-norm', '--minibatch-std-dev', '--penalty', 'r1', '--penalty-options', '{"gamma":0.5}', '--augment', 'translation,cutout',
      '--ema-decay', '0.9', '--beta1', '0', '--beta2', '0.9', '--lr-decay', 'linear', '--lr-decay-start', '0', '--lr-decay-final', '0.5',
      '--sampling', 'class-balanced', '--fake-labels', 'data',
    ];
    expect(await main(['train', ...flags, '--out', run, '--backend', 'wasm', '--sample-every', '2', '--checkpoint-every', '2'])).toBe(0);
    expect(config(run).flags).toMatchObject({ 'spectral-norm': true, penalty: 'r1', augment: 'translation,cutout', 'ema-decay': 0.9, beta1: 0, beta2: 0.9, 'lr-decay': 'linear', 'lr-decay-steps': 2, sampling: 'class-balanced', 'fake-labels': 'data' });
    const trainer = await Trainer.load(run);
    expect(trainer.penalties.map((p) => [p.name, p.config?.gamma])).toEqual([['r1', 0.5]]);
    expect(trainer.augment).toEqual(['translation', 'cutout']);
    expect(trainer.sampling).toBe('class-balanced');
    expect(trainer.fakeLabels).toBe('data');
    expect(trainer.ema?.config.decay).toBe(0.9);
    expect(trainer.generatorOptimizer.getConfig()).toMatchObject({ beta1: 0, beta2: 0.9 });
    // The decay reached its end: half the base rate.
    expect(trainer.generatorOptimizer.getConfig().learningRate).toBeCloseTo(1e-4, 10);
    expect(trainer.discriminator.model.layers.some((layer) => layer.getClassName() === 'SpectralNormalization')).toBe(true);
    trainer.generator.dispose();
    trainer.discriminator.dispose();
    trainer.dispose();
    expect(await main(['train', '--resume', '--penalty', 'r2', '--out', run, '--backend', 'wasm'])).toBe(1);
    expect(io.err).toMatch(/--penalty r2 \(saved: "r1"\)/);
    expect(await main(['train', '--resume', '--sampling', 'shuffle', '--out', run, '--backend', 'wasm'])).toBe(1);
    expect(io.err).toMatch(/--sampling shuffle \(saved: "class-balanced"\)/);
    expect(await main(['train', '--resume', '--fake-labels', 'uniform', '--out', run, '--backend', 'wasm'])).toBe(1);
    expect(io.err).toMatch(/--fake-labels uniform \(saved: "data"\)/);
    // Resumed, the schedule goes on from the base rates (past its end: half of them), and config.json
    // keeps the base rates, not the decayed ones the optimizers hold.
    expect(await main(['train', '--resume', '--steps', '1', '--out', run, '--backend', 'wasm'])).toBe(0);
    expect(config(run).flags['generator-learning-rate']).toBe(2e-4);
    const resumed = await Trainer.load(run);
    expect(resumed.step).toBe(3);
    expect(resumed.generatorOptimizer.getConfig().learningRate).toBeCloseTo(1e-4, 10);
    resumed.generator.dispose();
    resumed.discriminator.dispose();
    resumed.dispose();
  });
});
