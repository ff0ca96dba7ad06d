import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { captureCliOutput } from '../helpers/cli-output.js';
import { main } from '../../src/cli/main.js';
import { parseConditioning } from '../../src/cli/train-command.js';
import { readCheckpointManifest } from '../../src/io/checkpoint.js';
import { decodePng } from '../../src/io/png.js';
import { Trainer } from '../../src/train/trainer.js';
import { FASHION_MNIST, skipWithout } from '../helpers/debian.js';

const root = mkdtempSync(join(tmpdir(), 'tfjs-gan-cli-cond-'));
const hasFashionMnist = !skipWithout(FASHION_MNIST);

describe('--conditioning', () => {
  it('maps one kind to the network that has it, or generator+discriminator to both', () => {
    expect(parseConditioning(undefined)).toEqual({ generator: 'concat', discriminator: 'concat' });
    expect(parseConditioning('cbn')).toEqual({ generator: 'cbn', discriminator: 'concat' });
    expect(parseConditioning('projection')).toEqual({ generator: 'concat', discriminator: 'projection' });
    expect(parseConditioning('acgan')).toEqual({ generator: 'concat', discriminator: 'acgan' });
    expect(parseConditioning('cbn+projection')).toEqual({ generator: 'cbn', discriminator: 'projection' });
    expect(parseConditioning('concat-cbn')).toEqual({ generator: 'concat-cbn', discriminator: 'concat' });
    expect(parseConditioning('concat-cbn+projection')).toEqual({ generator: 'concat-cbn', discriminator: 'projection' });
    expect(() => parseConditioning('projection+cbn')).toThrow(/'--conditioning' must be one of \["concat", "cbn", "concat-cbn", "projection", "acgan"\] or generator\+discriminator/);
  });
});

describe('tfjs-gan train --conditioning / sample --label, --labels', () => {
  const io = captureCliOutput();
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it.skipIf(!hasFashionMnist)('trains cbn+acgan on Fashion-MNIST and samples sneakers by name and a row per class', async () => {
    const run = join(root, 'fashion');
    const args = ['train', '--dataset', 'fashion-mnist', '--count', '64', '--conditioning', 'cbn+acgan', '--width', '4', '--steps', '2', '--batch-size', '8'];
    expect(await main([...args, '--backend', 'wasm', '--out', run, '--sample-every', '2', '--checkpoint-every', '2'])).toBe(0);
    const manifest = await readCheckpointManifest(run);
    expect(manifest.generator.spec).toMatchObject({ numClasses: 10, classNames: expect.arrayContaining(['sneaker', 'ankle-boot']) });
    expect(manifest.discriminator.spec).toMatchObject({ numClasses: 10, auxiliaryClassifier: true });
    expect(manifest.auxiliaryClassifierWeight).toBe(1);

    const sneakers = join(root, 'sneakers.png');
    expect(await main(['sample', '--run', run, '--out', sneakers, '--count', '4', '--label', 'sneaker', '--backend', 'wasm'])).toBe(0);
    expect(decodePng(new Uint8Array(readFileSync(sneakers))).width).toBe(2 * 28 + 3 * 2);
    const grid = join(root, 'all.png');
    expect(await main(['sample', '--run', run, '--out', grid, '--count', '3', '--labels', 'all', '--backend', 'wasm'])).toBe(0);
    const image = decodePng(new Uint8Array(readFileSync(grid)));
    expect([image.width, image.height]).toEqual([3 * 28 + 4 * 2, 10 * 28 + 11 * 2]);
    expect(io.out).toMatch(/wrote 30 samples/);
    const two = join(root, 'two.png');
    expect(await main(['sample', '--run', run, '--out', two, '--count', '5', '--labels', 'sneaker,7', '--backend', 'wasm'])).toBe(0);
    const rows = decodePng(new Uint8Array(readFileSync(two)));
    expect([rows.width, rows.height]).toEqual([5 * 28 + 6 * 2, 2 * 28 + 3 * 2]);

    expect(await main(['sample', '--run', run, '--label', 'sandals', '--backend', 'wasm', '--out', join(root, 'x.png')])).toBe(1);
    expect(io.err).toMatch(/ConfigError: 'label': unknown class name "sandals". Expected one of \["t-shirt", .*"sandal",/);
    expect(await main(['sample', '--run', run, '--label', '10', '--backend', 'wasm', '--out', join(root, 'x.png')])).toBe(1);
    expect(io.err).toMatch(/'label' must be integer class ids in \[0, 9\] or class names, received 10/);
  });

  it('trains an ACGAN discriminator whose classifier learns from the real batch only; a resume keeps the choice', async () => {
    const run = join(root, 'acgan-real');
    const args = ['train', '--dataset', 'mnist', '--count', '32', '--conditioning', 'cbn+acgan', '--width', '4', '--steps', '1', '--batch-size', '8'];
    expect(await main([...args, '--auxiliary-classifier-batches', 'real', '--backend', 'cpu', '--out', run])).toBe(0);
    const manifest = await readCheckpointManifest(run);
    expect(manifest.discriminator.spec).toMatchObject({ numClasses: 10, auxiliaryClassifier: true });
    expect(manifest.auxiliaryClassifierBatches).toBe('real');
    expect(await main(['train', '--resume', '--auxiliary-classifier-batches', 'real-and-fake', '--out', run, '--backend', 'cpu'])).toBe(1);
    expect(io.err).toMatch(/--auxiliary-classifier-batches real-and-fake \(saved: "real"\)/);
    expect(await main(['train', '--resume', '--steps', '1', '--out', run, '--backend', 'cpu'])).toBe(0);
    expect((await readCheckpointManifest(run)).auxiliaryClassifierBatches).toBe('real');
    // Without an auxiliary classifier there is nothing to train on the real batch alone.
    const projection = ['train', '--dataset', 'mnist', '--count', '32', '--conditioning', 'cbn+projection', '--auxiliary-classifier-batches', 'real'];
    expect(await main([...projection, '--backend', 'cpu', '--out', join(root, 'projection-real')])).toBe(1);
    expect(io.err).toMatch(/'auxiliaryClassifierBatches' "real" needs a discriminator with an auxiliary classifier/);
  });

  it('--auxiliary-classifier adds a classifier beside the projection head; a resume keeps it and samples take labels', async () => {
    const run = join(root, 'hybrid');
    const args = ['train', '--dataset', 'mnist', '--count', '32', '--conditioning', 'cbn+projection', '--auxiliary-classifier', '--width', '4', '--steps', '1', '--batch-size', '8'];
    expect(await main([...args, '--auxiliary-classifier-batches', 'real', '--backend', 'cpu', '--out', run])).toBe(0);
    const manifest = await readCheckpointManifest(run);
    expect(manifest.discriminator.spec).toMatchObject({ numClasses: 10, auxiliaryClassifier: true });
    expect(manifest.auxiliaryClassifierBatches).toBe('real');
    expect(await main(['train', '--resume', '--steps', '1', '--out', run, '--backend', 'cpu'])).toBe(0);
    expect((await readCheckpointManifest(run)).discriminator.spec).toMatchObject({ auxiliaryClassifier: true });
    expect(await main(['sample', '--run', run, '--out', join(root, 'hybrid.png'), '--count', '2', '--label', '3', '--backend', 'cpu'])).toBe(0);
    // The class head needs the projection discriminator: a concat discriminator's features hold the label.
    const concat = ['train', '--dataset', 'mnist', '--count', '32', '--conditioning', 'cbn', '--auxiliary-classifier', '--width', '4', '--steps', '1'];
    expect(await main([...concat, '--backend', 'cpu', '--out', join(root, 'concat-classifier')])).toBe(1);
    expect(io.err).toMatch(/'auxiliaryClassifier' true needs conditioning 'projection'.*received conditioning "concat"/);
  });

  it('--mode-seeking (and --mode-seeking-pool) adds the generator’s mode-seeking term; a resume keeps it and refuses another weight or pool', async () => {
    const run = join(root, 'mode-seeking');
    const args = ['train', '--dataset', 'mnist', '--count', '32', '--conditioning', 'cbn+projection', '--width', '4', '--steps', '1', '--batch-size', '8'];
    expect(await main([...args, '--mode-seeking', '0.5', '--backend', 'cpu', '--out', run])).toBe(0);
    expect((await readCheckpointManifest(run)).modeSeeking).toEqual({ weight: 0.5 });
    expect(await main(['train', '--resume', '--mode-seeking', '2', '--out', run, '--backend', 'cpu'])).toBe(1);
    expect(io.err).toMatch(/--mode-seeking 2 \(saved: 0\.5\)/);
    expect(await main(['train', '--resume', '--steps', '1', '--out', run, '--backend', 'cpu'])).toBe(0);
    const resumed = await readCheckpointManifest(run);
    expect(resumed.step).toBe(2);
    expect(resumed.modeSeeking).toEqual({ weight: 0.5 });
    expect(await main([...args, '--mode-seeking', '-1', '--backend', 'cpu', '--out', join(root, 'mode-seeking-bad')])).toBe(1);
    expect(io.err).toMatch(/--mode-seeking/);
    // --mode-seeking-pool compares the pairs on blocks; it is fixed on resume, and needs --mode-seeking.
    const pooled = join(root, 'mode-seeking-pool');
    expect(await main([...args, '--mode-seeking', '1', '--mode-seeking-pool', '2', '--backend', 'cpu', '--out', pooled])).toBe(0);
    expect((await readCheckpointManifest(pooled)).modeSeeking).toEqual({ weight: 1, poolSize: 2 });
    expect(await main(['train', '--resume', '--mode-seeking-pool', '4', '--out', pooled, '--backend', 'cpu'])).toBe(1);
    expect(io.err).toMatch(/--mode-seeking-pool 4 \(saved: 2\)/);
    expect(await main(['train', '--resume', '--steps', '1', '--out', pooled, '--backend', 'cpu'])).toBe(0);
    expect((await readCheckpointManifest(pooled)).modeSeeking).toEqual({ weight: 1, poolSize: 2 });
    expect(await main([...args, '--mode-seeking-pool', '2', '--backend', 'cpu', '--out', join(root, 'pool-alone')])).toBe(1);
    expect(io.err).toMatch(/'--mode-seeking-pool' needs '--mode-seeking'/);
    expect(await main([...args, '--mode-seeking', '1', '--mode-seeking-pool', '3', '--backend', 'cpu', '--out', join(root, 'pool-3')])).toBe(1);
    expect(io.err).toMatch(/'modeSeeking\.poolSize' must divide the height and width.*received 3 for samples of shape \[28, 28, 1\]/);
  });

  it('--class-minibatch-std-dev adds the per-class feature to a conditional discriminator; a resume keeps it, and a run saved without it refuses it', async () => {
    const run = join(root, 'class-std');
    const args = ['train', '--dataset', 'mnist', '--count', '32', '--conditioning', 'cbn+projection', '--width', '4', '--steps', '1', '--batch-size', '8'];
    expect(await main([...args, '--minibatch-std-dev', '--class-minibatch-std-dev', '--backend', 'cpu', '--out', run])).toBe(0);
    const hasLayer = async (dir: string): Promise<boolean> => {
      const trainer = await Trainer.load(dir);
      const found = trainer.discriminator.model.layers.some((layer) => layer.getClassName() === 'ClassMinibatchStdDev');
      trainer.generator.dispose();
      trainer.discriminator.dispose();
      trainer.dispose();
      return found;
    };
    expect(await hasLayer(run)).toBe(true);
    expect(JSON.parse(readFileSync(join(run, 'config.json'), 'utf8')).flags['class-minibatch-std-dev']).toBe(true);
    expect(await main(['train', '--resume', '--steps', '1', '--out', run, '--backend', 'cpu'])).toBe(0);
    expect(await hasLayer(run)).toBe(true);
    // A run saved without it cannot take it on resume: the discriminator's graph is fixed.
    const plain = join(root, 'class-std-plain');
    expect(await main([...args, '--backend', 'cpu', '--out', plain])).toBe(0);
    expect(await hasLayer(plain)).toBe(false);
    expect(await main(['train', '--resume', '--class-minibatch-std-dev', '--out', plain, '--backend', 'cpu'])).toBe(1);
    expect(io.err).toMatch(/--class-minibatch-std-dev true \(saved: not given\)/);
    const unconditional = ['train', '--dataset', 'mnist', '--count', '32', '--width', '4', '--steps', '1', '--class-minibatch-std-dev'];
    expect(await main([...unconditional, '--backend', 'cpu', '--out', join(root, 'class-std-unconditional')])).toBe(1);
    expect(io.err).toMatch(/'classMinibatchStdDev' needs a conditional discriminator \('numClasses' >= 2\), received numClasses 0/);
    expect(existsSync(join(root, 'class-std-unconditional'))).toBe(false);
  });

  it('--augment-draws class shares the augmentation within a class: saved in the checkpoint and config.json, fixed on resume, refused where it cannot apply', async () => {
    const run = join(root, 'draws');
    const args = ['train', '--dataset', 'mnist', '--count', '32', '--conditioning', 'cbn+projection', '--width', '4', '--steps', '1', '--batch-size', '8'];
    expect(await main([...args, '--augment', 'translation,cutout', '--augment-draws', 'class', '--backend', 'cpu', '--out', run])).toBe(0);
    expect((await readCheckpointManifest(run)).augmentDraws).toBe('class');
    expect(JSON.parse(readFileSync(join(run, 'config.json'), 'utf8')).flags['augment-draws']).toBe('class');
    expect(await main(['train', '--resume', '--augment-draws', 'sample', '--out', run, '--backend', 'cpu'])).toBe(1);
    expect(io.err).toMatch(/--augment-draws sample \(saved: "class"\)/);
    expect(await main(['train', '--resume', '--steps', '1', '--out', run, '--backend', 'cpu'])).toBe(0);
    expect((await readCheckpointManifest(run)).augmentDraws).toBe('class');
    // Per-image draws are the default, left out of the checkpoint.
    const plain = join(root, 'draws-plain');
    expect(await main([...args, '--augment', 'translation', '--backend', 'cpu', '--out', plain])).toBe(0);
    expect((await readCheckpointManifest(plain)).augmentDraws).toBeUndefined();
    for (const [extra, message] of [
      [['--augment-draws', 'class'], /'--augment-draws class' shares the augmentation's draws within a class, so it needs '--augment' \(e\.g\. --augment translation,cutout\), received none/],
      [['--augment', 'cutout', '--augment-draws', 'batch'], /'--augment-draws' must be one of sample \| class, received "batch"/],
    ] as const) {
      expect(await main([...args, ...extra, '--backend', 'cpu', '--out', join(root, 'draws-bad')])).toBe(1);
      expect(io.err).toMatch(message);
    }
    const unconditional = ['train', '--dataset', 'mnist', '--count', '32', '--width', '4', '--steps', '1', '--augment', 'cutout', '--augment-draws', 'class'];
    expect(await main([...unconditional, '--backend', 'cpu', '--out', join(root, 'draws-bad')])).toBe(1);
    expect(io.err).toMatch(/'augmentDraws' 'class' groups a batch by its classes and needs a conditional generator/);
    expect(existsSync(join(root, 'draws-bad'))).toBe(false);
  });

  it('--conditioning-transition START:END fades the class in; a resume keeps it and refuses another', async () => {
    const run = join(root, 'transition');
    const args = ['train', '--dataset', 'mnist', '--count', '32', '--conditioning', 'cbn+projection', '--width', '4', '--steps', '1', '--batch-size', '8'];
    expect(await main([...args, '--conditioning-transition', '1:3', '--backend', 'cpu', '--out', run])).toBe(0);
    expect((await readCheckpointManifest(run)).conditioningTransition).toEqual({ start: 1, end: 3 });
    expect(await main(['train', '--resume', '--conditioning-transition', '0:3', '--out', run, '--backend', 'cpu'])).toBe(1);
    expect(io.err).toMatch(/--conditioning-transition 0:3 \(saved: "1:3"\)/);
    expect(await main(['train', '--resume', '--steps', '1', '--out', run, '--backend', 'cpu'])).toBe(0);
    expect((await readCheckpointManifest(run)).conditioningTransition).toEqual({ start: 1, end: 3 });
    for (const [bad, message] of [
      ['1200', /'--conditioning-transition' must be START:END, two step numbers such as 1200:3600, received "1200"/],
      ['5:5', /'conditioningTransition\.end' must be an integer >= 6, received 5/],
    ] as const) {
      expect(await main([...args, '--conditioning-transition', bad, '--backend', 'cpu', '--out', join(root, 'transition-bad')])).toBe(1);
      expect(io.err).toMatch(message);
    }
    expect(existsSync(join(root, 'transition-bad'))).toBe(false);
    const acgan = ['train', '--dataset', 'mnist', '--count', '32', '--conditioning', 'acgan', '--width', '4', '--steps', '1', '--batch-size', '8'];
    expect(await main([...acgan, '--conditioning-transition', '0:2', '--backend', 'cpu', '--out', join(root, 'transition-acgan')])).toBe(1);
    expect(io.err).toMatch(/'conditioningTransition' fades the class in, so it needs .* with an ACGAN discriminator/);
  });

  it('refuses a conditional run on unlabelled data and labels for an unconditional run', async () => {
    // An IDX images file without a labels file: 16 blank 28x28 images.
    const images = join(root, 'images-idx3-ubyte');
    const header = new DataView(new ArrayBuffer(16));
    [0x803, 16, 28, 28].forEach((value, i) => header.setUint32(4 * i, value));
    writeFileSync(images, Buffer.concat([Buffer.from(header.buffer), Buffer.alloc(16 * 28 * 28)]));
    const unlabelled = ['train', '--dataset', 'idx', '--data-path', images, '--conditional', '--backend', 'cpu', '--out', join(root, 'idx')];
    expect(await main(unlabelled)).toBe(1);
    expect(io.err).toMatch(/DataError: tfjs-gan train: --conditional needs a dataset with labels, but "[^"]*" has none/);
    expect(await main(['train', '--dataset', 'mnist', '--count', '32', '--conditioning', 'film', '--backend', 'cpu', '--out', join(root, 'film')])).toBe(1);
    expect(io.err).toMatch(/'--conditioning' must be one of/);
    const run = join(root, 'plain');
    expect(await main(['train', '--dataset', 'mnist', '--count', '32', '--width', '4', '--steps', '1', '--batch-size', '8', '--backend', 'cpu', '--out', run])).toBe(0);
    expect(await main(['sample', '--run', run, '--label', '3', '--backend', 'cpu', '--out', join(root, 'y.png')])).toBe(1);
    expect(io.err).toMatch(/is unconditional \(numClasses 0\); expected no --label or --labels, received "3"/);
  });
});
