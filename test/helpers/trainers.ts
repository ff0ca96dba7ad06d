import type * as tf from '@tensorflow/tfjs';
import { expect } from 'vitest';
import type { Dataset } from '../../src/data/dataset.js';
import { CheckpointError } from '../../src/errors.js';
import { manifestChecksum } from '../../src/io/checkpoint-manifest.js';
import { memoryStore } from '../../src/io/memory-store.js';
import type { TrainerJson } from '../../src/train/trainer-serialization.js';
import { Discriminator, Generator } from '../../src/nets/index.js';
import { Trainer } from '../../src/train/trainer.js';

/** Disposes each trainer with the networks it trains (the trainer disposes only its own state). */
export function disposeAll(...trainers: Trainer[]): void {
  for (const trainer of trainers) {
    trainer.generator.dispose();
    trainer.discriminator.dispose();
    trainer.dispose();
  }
}

/**
 * The 2-D ring's small MLP GAN (4 weight tensors a network) with an EMA generator and the given
 * optimizers: the update guard's tests poison or overdrive those optimizers.
 */
export function ringTrainer(generatorOptimizer: tf.Optimizer, discriminatorOptimizer: tf.Optimizer): Trainer {
  return new Trainer({
    generator: Generator.mlp({ outputShape: [2], latentDim: 4, hiddenUnits: [16], seed: 1 }),
    discriminator: Discriminator.mlp({ inputShape: [2], hiddenUnits: [16], seed: 2 }),
    generatorOptimizer,
    discriminatorOptimizer,
    ema: { decay: 0.9 },
    seed: 3,
  });
}

/** The [dLoss, gLoss] pair of every step's logs, to compare two runs step by step. */
export function lossPairs(logs: readonly { dLoss: number; gLoss: number }[]): number[][] {
  return logs.map((l) => [l.dLoss, l.gLoss]);
}

/** A copy of the trainer through a checkpoint in memory: `save`, then `Trainer.load`. */
export async function loadedCopy(trainer: Trainer): Promise<Trainer> {
  const store = memoryStore();
  await trainer.save(store);
  return Trainer.load(store);
}

/** The trainer's checkpoint config as `save` would write it (the tensors it comes with are disposed). */
export async function savedConfig(trainer: Trainer): Promise<TrainerJson> {
  const saved = await trainer.getConfig();
  saved.dispose();
  return saved.config;
}

/**
 * Checks that a trainer setting survives a checkpoint: `original` trains 2 steps, its saved JSON and its
 * loaded copy both hold `value` under `key`, and the two then train 3 more steps with equal losses. The
 * copy is disposed; the caller keeps `original`.
 */
export async function expectSettingResumes<K extends keyof Trainer & keyof TrainerJson>(
  original: Trainer,
  data: Dataset,
  batchSize: number,
  key: K,
  value: Trainer[K],
): Promise<void> {
  await original.fit(data, { steps: 2, batchSize });
  const copy = await loadedCopy(original);
  try {
    expect(copy[key]).toBe(value);
    expect((await savedConfig(original))[key]).toBe(value);
    const a = await original.fit(data, { steps: 3, batchSize });
    const b = await copy.fit(data, { steps: 3, batchSize });
    expect(lossPairs(b.logs)).toEqual(lossPairs(a.logs));
  } finally {
    disposeAll(copy);
  }
}

/**
 * Checks that `Trainer.load` refuses a checkpoint of `trainer` whose manifest field `field` holds a bad
 * value (the manifest's checksum redone, so only the field is wrong): a CheckpointError matching the
 * case's message, for every case.
 */
export async function expectCorruptFieldRefused(trainer: Trainer, field: string, cases: ReadonlyArray<readonly [unknown, RegExp]>): Promise<void> {
  const saved = memoryStore();
  await trainer.save(saved);
  const files = saved.files();
  const manifest = JSON.parse(new TextDecoder().decode(files['gan.json'])) as Record<string, unknown>;
  for (const [bad, message] of cases) {
    const { checksum: _old, ...content }: Record<string, unknown> = { ...manifest, [field]: bad };
    const store = memoryStore({ ...files, 'gan.json': new TextEncoder().encode(JSON.stringify({ ...content, checksum: manifestChecksum(content) })) });
    await expect(Trainer.load(store)).rejects.toThrow(CheckpointError);
    await expect(Trainer.load(store)).rejects.toThrow(message);
  }
}
