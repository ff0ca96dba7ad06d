import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Dataset } from '../../src/data/dataset.js';
import { CheckpointError } from '../../src/errors.js';
import * as fsPromises from 'node:fs/promises';
import { readCheckpointManifest } from '../../src/io/checkpoint.js';
import { manifestChecksum } from '../../src/io/checkpoint-manifest.js';
import { fileStore } from '../../src/io/file-store.js';
import { Discriminator, Generator } from '../../src/nets/index.js';
import { Trainer } from '../../src/train/trainer.js';

const root = mkdtempSync(join(tmpdir(), 'tfjs-gan-ckpt-'));
let counter = 0;
const freshDir = (): string => join(root, `run-${counter++}`);

/** A hand-edited manifest with its checksum recomputed, as a deliberate edit would (to test what comes after the checksum). */
function resigned(manifest: Record<string, unknown>): Record<string, unknown> {
  return { ...manifest, checksum: manifestChecksum(manifest) };
}

function dcganTrainer(): Trainer {
  const generator = Generator.dcgan({ imageShape: [28, 28, 1], latentDim: 8, width: 4, numClasses: 10, seed: 1 });
  const discriminator = Discriminator.dcgan({ imageShape: [28, 28, 1], width: 4, numClasses: 10, seed: 2 });
  return new Trainer({ generator, discriminator, loss: 'hinge', seed: 5, discriminatorSteps: 1 });
}

describe('checkpoints', () => {
  let data: Dataset;
  beforeAll(async () => {
    await tf.setBackend('cpu');
    const labels = Array.from({ length: 8 }, (_, i) => i);
    data = Dataset.fromTensors(tf.randomUniform([8, 28, 28, 1], -1, 1, 'float32', 1), labels, { numClasses: 10, name: 'noise' });
  });
  afterAll(() => {
    data.dispose();
    rmSync(root, { recursive: true, force: true });
  });

  it('saves and loads the whole state: networks, optimizers, step, seed, loss, metadata', async () => {
    const dir = freshDir();
    const trainer = dcganTrainer();
    await trainer.fit(data, { steps: 1, batchSize: 4 });
    await trainer.save(dir, { metadata: { note: 'hello' } });
    const manifest = await readCheckpointManifest(dir);
    expect(manifest).toMatchObject({ format: 'tfjs-gan-checkpoint', version: 1, step: 1, seed: 5, loss: { name: 'hinge' }, metadata: { note: 'hello' } });
    const loaded = await Trainer.load(`file://${dir}`);
    expect(loaded.step).toBe(1);
    expect(loaded.seed).toBe(5);
    expect(loaded.loss.name).toBe('hinge');
    expect(loaded.generator.numClasses).toBe(10);
    expect(loaded.generator.imageShape).toEqual([28, 28, 1]);
    const a = trainer.generator.sample({ count: 2, seed: 3, labels: [1, 2] });
    const b = loaded.generator.sample({ count: 2, seed: 3, labels: [1, 2] });
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    tf.dispose([a, b]);
    const optimizerWeights = await loaded.discriminatorOptimizer.getWeights();
    expect(optimizerWeights.length).toBe((await trainer.discriminatorOptimizer.getWeights()).length);
    // A second save replaces the first atomically and removes the old weights file.
    await loaded.fit(data, { steps: 1, batchSize: 4 });
    await loaded.save(dir);
    expect(readdirSync(dir).filter((f) => f.endsWith('.bin'))).toHaveLength(1);
    expect((await readCheckpointManifest(dir)).step).toBe(2);
    for (const t of [trainer, loaded]) {
      t.generator.dispose();
      t.discriminator.dispose();
      t.dispose();
    }
  });

  it('saving leaves no tensor behind (Adam and SGD optimizers, EMA)', async () => {
    const generator = Generator.mlp({ outputShape: [2], hiddenUnits: [4], seed: 1 });
    const discriminator = Discriminator.mlp({ inputShape: [2], hiddenUnits: [4], seed: 2 });
    const trainer = new Trainer({ generator, discriminator, discriminatorOptimizer: tf.train.sgd(0.1), seed: 3 });
    const points = Dataset.fromTensors(tf.randomUniform([16, 2], -1, 1, 'float32', 4));
    await trainer.fit(points, { steps: 2, batchSize: 8 });
    const dir = freshDir();
    await trainer.save(`file://${dir}`);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) await trainer.save(`file://${dir}`);
    expect(tf.memory().numTensors).toBe(before);
    [trainer, generator, discriminator, points].forEach((x) => x.dispose());
  });

  it('Trainer.load then dispose leaves no tensor behind (Adam, SGD and RMSProp state, EMA), 3 loads', async () => {
    const generator = Generator.dcgan({ imageShape: [28, 28, 1], latentDim: 8, width: 4, numClasses: 10, seed: 1 });
    const discriminator = Discriminator.dcgan({ imageShape: [28, 28, 1], width: 4, numClasses: 10, seed: 2 });
    const trainer = new Trainer({ generator, discriminator, loss: 'hinge', seed: 5, ema: { decay: 0.9 } });
    await trainer.fit(data, { steps: 1, batchSize: 4 });
    const dir = freshDir();
    await trainer.save(dir);
    const sgd = new Trainer({ generator, discriminator, seed: 6, generatorOptimizer: tf.train.sgd(0.1), discriminatorOptimizer: tf.train.rmsprop(0.01, 0.9, 0.1) });
    await sgd.fit(data, { steps: 1, batchSize: 4 });
    const sgdDir = freshDir();
    await sgd.save(sgdDir);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      for (const source of [dir, sgdDir]) {
        const loaded = await Trainer.load(source);
        // The optimizer state was restored (getWeights makes a fresh step-count scalar: freed as saveTrainer does).
        const state = await loaded.discriminatorOptimizer.getWeights();
        expect(state.length).toBeGreaterThan(1);
        tf.dispose(state.filter((w) => !(w.tensor instanceof tf.Variable)).map((w) => w.tensor));
        loaded.generator.dispose();
        loaded.discriminator.dispose();
        loaded.dispose();
      }
    }
    expect(tf.memory().numTensors).toBe(before);
    [trainer, sgd].forEach((t) => t.dispose());
    generator.dispose();
    discriminator.dispose();
  });

  it('names what is wrong with a missing or corrupt checkpoint', async () => {
    await expect(Trainer.load(join(root, 'nothing-here'))).rejects.toThrow(CheckpointError);
    await expect(Trainer.load(join(root, 'nothing-here'))).rejects.toThrow(/no checkpoint at .*nothing-here.*expected a 'gan.json'/);

    const dir = freshDir();
    const trainer = dcganTrainer();
    await trainer.save(dir);
    const manifestPath = join(dir, 'gan.json');
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
    const weightsPath = join(dir, manifest.weightsFile);
    const weights = readFileSync(weightsPath);

    writeFileSync(weightsPath, weights.subarray(0, weights.length - 8));
    await expect(Trainer.load(dir)).rejects.toThrow(/is corrupt: .* has \d+ bytes and checksum .*, expected \d+ bytes/);
    const flipped = Buffer.from(weights);
    flipped[100] ^= 0xff;
    writeFileSync(weightsPath, flipped);
    await expect(Trainer.load(dir)).rejects.toThrow(/is corrupt/);
    writeFileSync(weightsPath, weights);

    writeFileSync(manifestPath, '{ not json');
    await expect(Trainer.load(dir)).rejects.toThrow(/'gan.json' is not valid JSON/);
    writeFileSync(manifestPath, JSON.stringify({ ...manifest, version: 99 }));
    await expect(Trainer.load(dir)).rejects.toThrow(/format version 99; this tfjs-gan reads versions up to 1/);
    writeFileSync(manifestPath, JSON.stringify({ ...manifest, format: 'other' }));
    await expect(Trainer.load(dir)).rejects.toThrow(/not a tfjs-gan checkpoint/);
    writeFileSync(manifestPath, JSON.stringify(resigned({ ...manifest, weightsFile: 'gone.bin' })));
    await expect(Trainer.load(dir)).rejects.toThrow(/weights file 'gone.bin' is missing/);
    trainer.generator.dispose();
    trainer.discriminator.dispose();
    trainer.dispose();
  });

  it('a failed save leaves the previous checkpoint intact', async () => {
    const dir = freshDir();
    const trainer = dcganTrainer();
    await trainer.save(dir);
    const before = readFileSync(join(dir, 'gan.json'), 'utf8');
    await trainer.fit(data, { steps: 1, batchSize: 4 });
    // Make the next write fail: creating the new weights file fails, as on a read-only or full disk.
    // (Weights names are random now, so the test can no longer block the name with a directory.)
    const failing = { ...fsPromises, open: (async (file: string, flags?: string) => {
      if (/weights-.*\.bin$/.test(String(file))) throw Object.assign(new Error(`EACCES: permission denied, open '${file}'`), { code: 'EACCES' });
      return fsPromises.open(file, flags);
    }) as typeof fsPromises.open };
    await expect(trainer.save(await fileStore(dir, { fs: failing }))).rejects.toThrow(/cannot write to .*The previous checkpoint, if any, is intact/);
    expect(readFileSync(join(dir, 'gan.json'), 'utf8')).toBe(before);
    const loaded = await Trainer.load(dir);
    expect(loaded.step).toBe(0);
    for (const t of [trainer, loaded]) {
      t.generator.dispose();
      t.discriminator.dispose();
      t.dispose();
    }
  });

  it('refuses locations it cannot handle', async () => {
    const trainer = dcganTrainer();
    await expect(trainer.save('s3://bucket/run')).rejects.toThrow(/unsupported location scheme 's3:\/\/'/);
    await expect(trainer.save('')).rejects.toThrow(/'path' must be a non-empty string/);
    trainer.generator.dispose();
    trainer.discriminator.dispose();
    trainer.dispose();
  });
});
