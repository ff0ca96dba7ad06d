import 'fake-indexeddb/auto';
import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Dataset } from '../../src/data/dataset.js';
import { CheckpointError, ConfigError } from '../../src/errors.js';
import { MANIFEST_NAME, exportCheckpoint, importCheckpoint, readCheckpointManifest } from '../../src/io/checkpoint.js';
import { openCheckpointStore } from '../../src/io/checkpoint-store.js';
import { deleteIndexedDbCheckpoint, listIndexedDbCheckpoints } from '../../src/io/indexeddb-store.js';
import { memoryStore } from '../../src/io/memory-store.js';
import { Discriminator, Generator } from '../../src/nets/index.js';
import { Trainer } from '../../src/train/trainer.js';
import { disposeAll } from '../helpers/trainers.js';

const root = mkdtempSync(join(tmpdir(), 'tfjs-gan-stores-'));

function smallTrainer(): Trainer {
  const generator = Generator.dcgan({ imageShape: [28, 28, 1], latentDim: 8, width: 4, numClasses: 10, seed: 1 });
  const discriminator = Discriminator.dcgan({ imageShape: [28, 28, 1], width: 4, numClasses: 10, seed: 2 });
  return new Trainer({ generator, discriminator, loss: 'hinge', seed: 5, ema: { decay: 0.9 } });
}

/** The manifest without the fields that name the moment of the save (and its checksum, which covers them). */
function timeless(bytes: Uint8Array): Record<string, unknown> {
  const { createdAt, weightsFile, checksum, ...rest } = JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
  expect(typeof createdAt).toBe('string');
  expect(weightsFile).toMatch(/^weights-\d+-[0-9a-z]+\.bin$/);
  expect(checksum).toMatch(/^sha256:[0-9a-f]{64}$/);
  return rest;
}

async function samplesOf(trainer: Trainer): Promise<number[]> {
  const images = trainer.generator.sample({ count: 3, seed: 9, labels: [1, 4, 7] });
  const values = Array.from(await images.data());
  images.dispose();
  return values;
}

describe('checkpoint stores: file://, indexeddb://, memory hold the same files', () => {
  let data: Dataset;
  beforeAll(async () => {
    await tf.setBackend('cpu');
    data = Dataset.fromTensors(tf.randomUniform([8, 28, 28, 1], -1, 1, 'float32', 1), [0, 1, 2, 3, 4, 5, 6, 7], { numClasses: 10 });
  });
  afterAll(() => {
    data.dispose();
    rmSync(root, { recursive: true, force: true });
  });

  it('writes byte-identical weights and the same manifest to every store', async () => {
    const trainer = smallTrainer();
    await trainer.fit(data, { steps: 2, batchSize: 4 });
    const dir = join(root, 'same');
    const memory = memoryStore();
    await trainer.save(`file://${dir}`, { metadata: { from: 'test' } });
    await trainer.save('indexeddb://same', { metadata: { from: 'test' } });
    await trainer.save(memory, { metadata: { from: 'test' } });
    const fromFile = await exportCheckpoint(dir);
    const fromDb = await exportCheckpoint('indexeddb://same');
    const fromMemory = memory.files();
    const weightsOf = (files: Record<string, Uint8Array>): Uint8Array => files[Object.keys(files).find((name) => name.endsWith('.bin')) as string];
    expect(Object.keys(fromFile).sort()).toEqual(readdirSync(dir).sort());
    for (const files of [fromDb, fromMemory]) {
      expect(Object.keys(files)).toHaveLength(2);
      expect(timeless(files[MANIFEST_NAME])).toEqual(timeless(fromFile[MANIFEST_NAME]));
      expect(Buffer.from(weightsOf(files)).equals(Buffer.from(weightsOf(fromFile)))).toBe(true);
    }
    expect(new Uint8Array(readFileSync(join(dir, MANIFEST_NAME)))).toEqual(fromFile[MANIFEST_NAME]);
    disposeAll(trainer);
  });

  it('a run saved in Node continues from IndexedDB, and back, exactly as if it had never moved', async () => {
    // The uninterrupted run: 2 steps, then 2 more.
    const straight = smallTrainer();
    await straight.fit(data, { steps: 2, batchSize: 4 });
    await straight.fit(data, { steps: 2, batchSize: 4 });

    // The moved run: 2 steps in "Node", then its files go to IndexedDB, 1 step there, then back to a directory.
    const first = smallTrainer();
    await first.fit(data, { steps: 2, batchSize: 4 });
    await first.save(join(root, 'node-a'));
    await importCheckpoint(await exportCheckpoint(join(root, 'node-a')), 'indexeddb://moved');
    const inBrowser = await Trainer.load('indexeddb://moved');
    expect(inBrowser.step).toBe(2);
    expect(await samplesOf(inBrowser)).toEqual(await samplesOf(first));
    await inBrowser.fit(data, { steps: 1, batchSize: 4 });
    await inBrowser.save('indexeddb://moved');
    await importCheckpoint(await exportCheckpoint('indexeddb://moved'), `file://${join(root, 'node-b')}`);
    const back = await Trainer.load(join(root, 'node-b'));
    expect(back.step).toBe(3);
    await back.fit(data, { steps: 1, batchSize: 4 });
    expect(back.step).toBe(straight.step);
    const [a, b] = [await samplesOf(back), await samplesOf(straight)];
    a.forEach((value, i) => expect(value).toBeCloseTo(b[i], 5));
    disposeAll(straight, first, inBrowser, back);
  });

  it('IndexedDB saves replace the previous weights, list and delete checkpoints', async () => {
    const trainer = smallTrainer();
    await trainer.save('indexeddb://cycle');
    const firstWeights = (await readCheckpointManifest('indexeddb://cycle')).weightsFile;
    await trainer.fit(data, { steps: 1, batchSize: 4 });
    await trainer.save('indexeddb://cycle');
    const store = await openCheckpointStore('indexeddb://cycle');
    const manifest = await readCheckpointManifest(store);
    expect(manifest.step).toBe(1);
    expect(manifest.weightsFile).not.toBe(firstWeights);
    expect(await store.read(firstWeights)).toBeNull();
    expect(await listIndexedDbCheckpoints()).toContain('cycle');
    await deleteIndexedDbCheckpoint('indexeddb://cycle');
    expect(await listIndexedDbCheckpoints()).not.toContain('cycle');
    await expect(Trainer.load('indexeddb://cycle')).rejects.toThrow(/no checkpoint at "indexeddb:\/\/cycle"/);
    disposeAll(trainer);
  });

  it('names what is wrong with bad locations and incomplete files', async () => {
    await expect(openCheckpointStore('indexeddb://')).rejects.toThrow(ConfigError);
    await expect(openCheckpointStore('indexeddb://')).rejects.toThrow(/'indexeddb:\/\/' needs a name/);
    await expect(openCheckpointStore('s3://bucket')).rejects.toThrow(/Expected 'file:\/\/', 'indexeddb:\/\/', 'downloads:\/\/'/);
    await expect(openCheckpointStore(42 as unknown as string)).rejects.toThrow(/or a CheckpointStore, received 42/);
    const downloads = await openCheckpointStore('downloads://run');
    await expect(downloads.commit({}, MANIFEST_NAME, new Uint8Array(1), [])).rejects.toThrow(/needs a page with a document/);
    const trainer = smallTrainer();
    const memory = memoryStore();
    await trainer.save(memory);
    const manifestOnly = { [MANIFEST_NAME]: memory.files()[MANIFEST_NAME] };
    await expect(importCheckpoint(manifestOnly, 'indexeddb://partial')).rejects.toThrow(CheckpointError);
    await expect(importCheckpoint(manifestOnly, 'indexeddb://partial')).rejects.toThrow(/is incomplete: its weights file 'weights-.*' is missing/);
    expect(await listIndexedDbCheckpoints()).not.toContain('partial');
    disposeAll(trainer);
  });
});
