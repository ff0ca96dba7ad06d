import * as tf from '@tensorflow/tfjs';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Dataset } from '../../src/data/dataset.js';
import { CheckpointError } from '../../src/errors.js';
import { memoryStore } from '../../src/io/memory-store.js';
import { readCheckpointManifest } from '../../src/io/checkpoint.js';
import { r1 } from '../../src/losses/penalties/index.js';
import { Discriminator, Generator } from '../../src/nets/index.js';
import { Trainer } from '../../src/train/trainer.js';
import { switchBackend } from '../helpers/backends.js';
import { disposeAll, lossPairs } from '../helpers/trainers.js';

function ring(n = 32): Dataset {
  const angles = Array.from({ length: n }, (_, i) => (2 * Math.PI * i) / n);
  const points = tf.tensor2d(angles.flatMap((a) => [0.8 * Math.cos(a), 0.8 * Math.sin(a)]), [n, 2]);
  const data = Dataset.fromTensors(points, undefined, { checkRange: false, name: 'ring' });
  points.dispose();
  return data;
}

function makeTrainer(): Trainer {
  return new Trainer({
    generator: Generator.mlp({ outputShape: [2], latentDim: 4, hiddenUnits: [8], seed: 1 }),
    discriminator: Discriminator.mlp({ inputShape: [2], hiddenUnits: [8], seed: 2 }),
    loss: 'hinge',
    penalties: [r1({ gamma: 0.5 })],
    discriminatorSteps: 2,
    ema: { decay: 0.9 },
    seed: 7,
  });
}


describe('Trainer.getConfig / Trainer.fromConfig (cpu)', () => {
  beforeAll(async () => {
    await switchBackend('cpu');
  });

  it('round-trips through plain JSON: the copy continues exactly as the original does', async () => {
    const data = ring();
    const original = makeTrainer();
    await original.fit(data, { steps: 2, batchSize: 8 });
    const saved = await original.getConfig();
    const json = JSON.parse(JSON.stringify(saved.config)) as typeof saved.config;
    expect(json).toEqual(saved.config);
    expect(json.step).toBe(2);
    expect(json.loss.name).toBe('hinge');
    expect(json.discriminatorSteps).toBe(2);
    expect(json.ema?.decay).toBe(0.9);
    // Every tensor the JSON names is there.
    const named = [json.generator, json.discriminator, json.optimizers.generator, json.optimizers.discriminator, json.ema!].flatMap((r) => r.weights);
    expect(named.map((w) => w.name).sort()).toEqual(Object.keys(saved.tensors).sort());
    const copy = await Trainer.fromConfig(json, saved.tensors);
    saved.dispose();
    expect(copy.step).toBe(2);
    expect(copy.seed).toBe(7);
    const a = await original.fit(data, { steps: 2, batchSize: 8 });
    const b = await copy.fit(data, { steps: 2, batchSize: 8 });
    lossPairs(b.logs).flat().forEach((value, i) => expect(value).toBeCloseTo(lossPairs(a.logs).flat()[i], 5));
    disposeAll(original, copy);
    data.dispose();
  });

  it('getConfig leaves no tensor behind once disposed, and save writes the same JSON as the manifest', async () => {
    const data = ring();
    const trainer = makeTrainer();
    await trainer.fit(data, { steps: 1, batchSize: 8 });
    const before = tf.memory().numTensors;
    const saved = await trainer.getConfig();
    saved.dispose();
    expect(tf.memory().numTensors).toBe(before);
    const store = memoryStore();
    await trainer.save(store);
    const manifest = await readCheckpointManifest(store);
    const again = await trainer.getConfig();
    for (const [key, value] of Object.entries(again.config)) expect(manifest[key as keyof typeof manifest]).toEqual(value);
    again.dispose();
    disposeAll(trainer);
    data.dispose();
  });

  it('fromConfig names what it cannot rebuild', async () => {
    const trainer = makeTrainer();
    const saved = await trainer.getConfig();
    const config = { ...saved.config, loss: { name: 'no-such-loss', config: {} } };
    await expect(Trainer.fromConfig(config, saved.tensors)).rejects.toBeInstanceOf(CheckpointError);
    await expect(Trainer.fromConfig(config, saved.tensors)).rejects.toThrow(/no-such-loss/);
    saved.dispose();
    disposeAll(trainer);
  });
});

describe('layering', () => {
  it('io imports nothing from train (io reads and writes manifests and tensors and knows no Trainer)', () => {
    const dir = join(import.meta.dirname, '../../src/io');
    const offenders = readdirSync(dir)
      .filter((file) => file.endsWith('.ts'))
      .filter((file) => /from '\.\.\/train\//.test(readFileSync(join(dir, file), 'utf8')));
    expect(offenders).toEqual([]);
  });
});
