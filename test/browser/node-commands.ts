/**
 * Browser commands of `npm run test:browser` that run in Node (in vitest's process): the Node side of
 * the checkpoint round trip. Files travel as base64 strings.
 */
import * as tf from '@tensorflow/tfjs';
import type { BrowserCommand } from 'vitest/node';
import { Dataset } from '../../src/data/dataset.js';
import { exportCheckpoint, importCheckpoint } from '../../src/io/checkpoint.js';
import { memoryStore } from '../../src/io/memory-store.js';
import { Discriminator, Generator } from '../../src/nets/index.js';
import { Trainer } from '../../src/train/trainer.js';

/** Checkpoint files as base64 strings, by file name. */
export type Base64Files = Record<string, string>;

const toBase64 = (files: Readonly<Record<string, Uint8Array>>): Base64Files =>
  Object.fromEntries(Object.entries(files).map(([name, bytes]) => [name, Buffer.from(bytes).toString('base64')]));
const fromBase64 = (files: Base64Files): Record<string, Uint8Array> =>
  Object.fromEntries(Object.entries(files).map(([name, text]) => [name, new Uint8Array(Buffer.from(text, 'base64'))]));

/** The small conditional DCGAN both sides train, on 8 noise images. */
export function roundTripTrainer(): Trainer {
  const generator = Generator.dcgan({ imageShape: [28, 28, 1], latentDim: 8, width: 4, numClasses: 10, conditioning: 'cbn', seed: 1 });
  const discriminator = Discriminator.dcgan({ imageShape: [28, 28, 1], width: 4, numClasses: 10, conditioning: 'projection', seed: 2 });
  return new Trainer({ generator, discriminator, loss: 'hinge', seed: 5, ema: { decay: 0.9 } });
}

/** The 8 noise images both sides train on (the same values everywhere: a seeded uniform draw). */
export function roundTripData(): Dataset {
  const images = tf.randomUniform([8, 28, 28, 1], -1, 1, 'float32', 1);
  try {
    return Dataset.fromTensors(images, [0, 1, 2, 3, 4, 5, 6, 7], { numClasses: 10 });
  } finally {
    images.dispose();
  }
}

async function withCpu<T>(work: () => Promise<T>): Promise<T> {
  await tf.setBackend('cpu');
  return work();
}

const nodeSaveCheckpoint: BrowserCommand<[steps: number]> = (_context, steps) =>
  withCpu(async () => {
    const trainer = roundTripTrainer();
    const data = roundTripData();
    await trainer.fit(data, { steps, batchSize: 4 });
    const store = memoryStore();
    await trainer.save(store, { metadata: { savedBy: 'node' } });
    // Through a real directory, as `file://`: what a Node user would hand over. Its own directory per
    // call: the webgl and webgpu projects run this command at the same time in this one process.
    const fs = await import('node:fs/promises');
    const dir = await fs.mkdtemp(`${(await import('node:os')).tmpdir()}/tfjs-gan-browser-roundtrip-`);
    try {
      await importCheckpoint(store.files(), `file://${dir}`);
      return toBase64(await exportCheckpoint(`file://${dir}`));
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
      [trainer.generator, trainer.discriminator, trainer, data].forEach((x) => x.dispose());
    }
  });

const nodeLoadCheckpoint: BrowserCommand<[files: Base64Files, steps: number]> = (_context, files, steps) =>
  withCpu(async () => {
    const trainer = await Trainer.load(memoryStore(fromBase64(files)));
    const loadedStep = trainer.step;
    const samples = trainer.generator.sample({ count: 2, seed: 3, labels: [1, 2] });
    const values = Array.from(await samples.data());
    samples.dispose();
    const data = roundTripData();
    const history = await trainer.fit(data, { steps, batchSize: 4 });
    const result = { loadedStep, step: trainer.step, samples: values, losses: history.logs.map((l) => [l.dLoss, l.gLoss]).flat() };
    [trainer.generator, trainer.discriminator, trainer, data].forEach((x) => x.dispose());
    return result;
  });

/** The commands, for `browser.commands` in vitest.browser.config.ts. */
export const nodeCheckpointCommands = { nodeSaveCheckpoint, nodeLoadCheckpoint };
