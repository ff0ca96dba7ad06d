import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { captureCliOutput } from '../helpers/cli-output.js';
import { camelCase, parseFlags } from '../../src/cli/args.js';
import { main } from '../../src/cli/main.js';
import { TRAIN_FLAGS } from '../../src/cli/train-command.js';
import { ConfigError } from '../../src/errors.js';
import { decodePng } from '../../src/io/png.js';
import { OXYGEN_ICONS, skipWithout } from '../helpers/debian.js';

const root = mkdtempSync(join(tmpdir(), 'tfjs-gan-cli-'));

/** What `tfjs-gan eval --json` prints, as far as these tests read it. */
interface EvalJson {
  readonly dataset: string;
  readonly classAccuracy: { readonly perClass: readonly number[]; readonly counts: readonly number[] };
}

describe('CLI argument parsing', () => {
  it('maps kebab-case flags to the library option names', () => {
    expect(camelCase('discriminator-learning-rate')).toBe('discriminatorLearningRate');
    const flags = parseFlags(['--batch-size', '32', '--loss=hinge', '--resume'], TRAIN_FLAGS, 'train');
    expect(flags).toMatchObject({ batchSize: 32, loss: 'hinge', resume: true, steps: 1000, dataset: 'mnist' });
  });

  it('names unknown flags, missing values and non-numbers', () => {
    expect(() => parseFlags(['--bach-size', '3'], TRAIN_FLAGS, 'train')).toThrow(ConfigError);
    expect(() => parseFlags(['--bach-size', '3'], TRAIN_FLAGS, 'train')).toThrow(/unknown flag '--bach-size'.*--batch-size/);
    expect(() => parseFlags(['--steps'], TRAIN_FLAGS, 'train')).toThrow(/'--steps' needs a number value, received none/);
    expect(() => parseFlags(['--steps', 'many'], TRAIN_FLAGS, 'train')).toThrow(/'--steps' must be a number, received "many"/);
    expect(() => parseFlags(['steps'], TRAIN_FLAGS, 'train')).toThrow(/unexpected argument "steps"/);
  });
});

describe('tfjs-gan train / sample', () => {
  const io = captureCliOutput();
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('prints help for each command', async () => {
    expect(await main(['--help'])).toBe(0);
    expect(io.out).toMatch(/Commands:\n\s+train.*\n\s+sample/);
    expect(await main(['train', '--help'])).toBe(0);
    expect(io.out).toMatch(/--batch-size <number>\s+batch size \(default: 64 for images, 256 for vectors\)/);
    expect(await main(['sample', '--help'])).toBe(0);
    expect(io.out).toMatch(/--run <string>/);
  });

  it('trains a conditional DCGAN on MNIST, resumes it, and samples a class from it', async () => {
    const run = join(root, 'mnist');
    const common = ['--backend', 'wasm', '--out', run, '--sample-every', '2', '--checkpoint-every', '2'];
    expect(await main(['train', '--dataset', 'mnist', '--count', '64', '--conditional', '--width', '4', '--steps', '2', '--batch-size', '8', ...common])).toBe(0);
    expect(JSON.parse(readFileSync(join(run, 'gan.json'), 'utf8')).step).toBe(2);
    expect(existsSync(join(run, 'samples', 'samples-000002.png'))).toBe(true);
    expect(await main(['train', '--resume', '--steps', '1', ...common])).toBe(0);
    expect(io.out).toMatch(/resuming .* at step 2/);
    expect(JSON.parse(readFileSync(join(run, 'gan.json'), 'utf8')).step).toBe(3);
    expect(readFileSync(join(run, 'metrics.jsonl'), 'utf8').trim().split('\n')).toHaveLength(3);
    const png = join(root, 'sevens.png');
    expect(await main(['sample', '--run', run, '--out', png, '--count', '4', '--label', '7', '--backend', 'wasm'])).toBe(0);
    const image = decodePng(new Uint8Array(readFileSync(png)));
    expect(image.width).toBe(2 * 28 + 3 * 2);
  });

  it.skipIf(skipWithout(OXYGEN_ICONS))(
    'trains the style-based generator on the Oxygen icons and samples from it',
    async () => {
      const run = join(root, 'icons');
      const flags = ['--dataset', 'oxygen-icons', '--image-size', '8', '--count', '16', '--arch', 'style', '--width', '2', '--steps', '1', '--batch-size', '4'];
      expect(await main(['train', ...flags, '--backend', 'wasm', '--out', run, '--sample-every', '1'])).toBe(0);
      expect(JSON.parse(readFileSync(join(run, 'gan.json'), 'utf8')).step).toBe(1);
      const png = join(root, 'icons.png');
      expect(await main(['sample', '--run', run, '--out', png, '--count', '4', '--backend', 'wasm'])).toBe(0);
      expect(decodePng(new Uint8Array(readFileSync(png))).channels).toBeGreaterThanOrEqual(3);
    },
  );

  it('trains a class-conditional style GAN on the emoji by name, labelled by category', async () => {
    const run = join(root, 'emoji');
    const flags = ['--dataset', 'emoji', '--image-size', '8', '--count', '16', '--conditional', '--arch', 'style', '--width', '2', '--steps', '1', '--batch-size', '4'];
    expect(await main(['train', ...flags, '--backend', 'wasm', '--out', run])).toBe(0);
    const png = join(root, 'emoji.png');
    expect(await main(['sample', '--run', run, '--out', png, '--count', '2', '--label', 'Flags', '--backend', 'wasm'])).toBe(0);
    expect(decodePng(new Uint8Array(readFileSync(png))).channels).toBeGreaterThanOrEqual(3);
  });

  /**
   * Trains a 1-step emoji run with `--labels`, samples `label` from it, and evals its class accuracy with
   * `count` samples: what `tfjs-gan eval --json` printed, and the settings the run saved.
   */
  async function emojiRunByCategory(name: string, labels: string, label: string, count: number): Promise<{ cli: unknown; result: EvalJson }> {
    const run = join(root, name);
    const flags = ['--dataset', 'emoji', '--labels', labels, '--count', '12', '--conditional', '--arch', 'dcgan', '--width', '2', '--steps', '1', '--batch-size', '4'];
    expect(await main(['train', ...flags, '--backend', 'wasm', '--out', run])).toBe(0);
    const { cli } = JSON.parse(readFileSync(join(run, 'gan.json'), 'utf8')).metadata;
    expect(await main(['sample', '--run', run, '--out', join(root, `${name}.png`), '--count', '2', '--label', label, '--backend', 'wasm'])).toBe(0);
    const evalArgs = ['eval', '--run', run, '--count', String(count), '--real-count', '12', '--metrics', 'class-accuracy', '--backend', 'wasm', '--no-cache', '--json'];
    expect(await main(evalArgs)).toBe(0);
    const result = JSON.parse(io.out.slice(io.out.lastIndexOf('{\n  "run"'))) as EvalJson;
    expect(result.classAccuracy.counts.reduce((a, b) => a + b, 0)).toBe(count);
    return { cli, result };
  }

  it('trains on the emoji labelled by subcategory (--labels), samples one by name, and evals it by category', async () => {
    const { cli, result } = await emojiRunByCategory('emoji-sub', 'subcategory', 'heart', 18);
    expect(io.out).toMatch(/on emoji-64-subcategories \(12 samples/);
    expect(cli).toMatchObject({ dataset: 'emoji', labels: 'subcategory' });
    // The 98-class generator is scored by the 9-category classifier, each subcategory as its category.
    expect(result.dataset).toBe('emoji-64-subcategories');
    expect(result.classAccuracy.perClass).toHaveLength(9);
    // --labels is the emoji's only, and a labelling the emoji have.
    expect(await main(['train', '--dataset', 'ring', '--arch', 'mlp', '--labels', 'subcategory', '--backend', 'cpu', '--out', join(root, 'bad')])).toBe(1);
    expect(io.err).toMatch(/ConfigError: tfjs-gan: --labels applies to \["emoji"\] only, received "subcategory" for dataset ring/);
    expect(await main(['train', '--dataset', 'emoji', '--labels', 'subgroup', '--backend', 'cpu', '--out', join(root, 'bad')])).toBe(1);
    expect(io.err).toMatch(/tfjs-gan: --labels for dataset emoji must be one of \["category", "subcategory"\] or \{ extraClasses: \[\.\.\.\] \}, received "subgroup"/);
    expect(await main(['train', '--dataset', 'emoji', '--labels', '{"extraClasses": [', '--backend', 'cpu', '--out', join(root, 'bad')])).toBe(1);
    expect(io.err).toMatch(/tfjs-gan: --labels must be category, subcategory or a JSON object \{"extraClasses": \[\.\.\.\]\}, received "\{\\"extraClasses\\": \["/);
    // The registry's checks, worded with the CLI's flags (the CLI uses the public entry point only, so
    // it words them itself: src/cli/dataset-by-name.ts).
    expect(await main(['train', '--dataset', 'folder', '--backend', 'cpu', '--out', join(root, 'bad')])).toBe(1);
    expect(io.err).toMatch(/ConfigError: tfjs-gan: --dataset folder needs --data-path, received none\./);
  });

  it('trains on the emoji with classes of its own (--labels JSON), samples one by name, and evals it by category', async () => {
    const labels = '{"extraClasses":[{"name":"hearts","category":"Smileys & Emotion","subcategories":["heart"]}]}';
    const { cli, result } = await emojiRunByCategory('emoji-extra', labels, 'hearts', 20);
    expect(io.out).toMatch(/on emoji-64-extra-classes \(12 samples/);
    expect(cli).toMatchObject({ dataset: 'emoji', labels });
    // The 10-class generator is scored by the 9-category classifier, the hearts as Smileys & Emotion.
    expect(result.dataset).toBe('emoji-64-extra-classes');
    expect(result.classAccuracy.perClass).toHaveLength(9);
    expect(result.classAccuracy.counts[0]).toBe(4); // 2 of Smileys & Emotion and 2 of the hearts
  });

  it('exits 1 with a clear message on bad input', async () => {
    expect(await main(['train', '--dataset', 'cifar', '--backend', 'cpu', '--out', join(root, 'bad')])).toBe(1);
    expect(io.err).toMatch(/ConfigError: tfjs-gan train: '--dataset' must be one of mnist \| fashion-mnist .*, received "cifar"/);
    expect(await main(['train', '--loss', 'nope', '--dataset', 'ring', '--arch', 'mlp', '--backend', 'cpu', '--out', join(root, 'bad')])).toBe(1);
    expect(io.err).toMatch(/'--loss' must be one of .*non-saturating.*, received "nope"/);
    expect(await main(['train', '--arch', 'biggan', '--dataset', 'ring', '--backend', 'cpu', '--out', join(root, 'bad')])).toBe(1);
    expect(io.err).toMatch(/ConfigError: tfjs-gan train: '--arch' must be one of dcgan \| mlp \| resnet \| style, received "biggan"/);
    expect(await main(['sample', '--run', join(root, 'missing'), '--backend', 'cpu'])).toBe(1);
    expect(io.err).toMatch(/CheckpointError: checkpoint: no checkpoint at/);
    expect(await main(['fly'])).toBe(2);
    expect(io.err).toMatch(/unknown command 'fly'/);
  });
});
