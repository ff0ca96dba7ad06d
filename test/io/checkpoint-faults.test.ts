/**
 * Saves that fail (a full disk, simulated by a file system whose writes throw) or were killed must not
 * leave their files behind, and a damaged manifest must not block later saves.
 */
import * as tf from '@tensorflow/tfjs';
import * as fsPromises from 'node:fs/promises';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CheckpointError } from '../../src/errors.js';
import { MANIFEST_NAME, importCheckpoint, exportCheckpoint } from '../../src/io/checkpoint.js';
import { type FileStoreFs, fileStore } from '../../src/io/file-store.js';
import { memoryStore } from '../../src/io/memory-store.js';
import { Discriminator, Generator } from '../../src/nets/index.js';
import { Trainer } from '../../src/train/trainer.js';
import { disposeAll } from '../helpers/trainers.js';

const root = mkdtempSync(join(tmpdir(), 'tfjs-gan-faults-'));
let counter = 0;
const freshDir = (): string => join(root, `run-${counter++}`);

function mlpTrainer(hiddenUnits = [16]): Trainer {
  const generator = Generator.mlp({ outputShape: [2], hiddenUnits, seed: 1 });
  const discriminator = Discriminator.mlp({ inputShape: [2], hiddenUnits, seed: 2 });
  return new Trainer({ generator, discriminator, seed: 3 });
}

function enospc(file: string): Error {
  return Object.assign(new Error(`ENOSPC: no space left on device, write '${file}'`), { code: 'ENOSPC' });
}

/**
 * Node's file system, except that new files (opened with 'wx') for which `full(file, bytes)` is true
 * get the first half of their bytes written and then fail with ENOSPC, as on a full disk.
 */
function fullDisk(full: (file: string, bytes: Uint8Array) => Promise<boolean>): FileStoreFs {
  const open = async (file: string, flags?: string) => {
    const handle = await fsPromises.open(file, flags);
    if (flags !== 'wx') return handle;
    return {
      async writeFile(bytes: Uint8Array) {
        if (await full(file, bytes)) {
          await handle.writeFile(bytes.subarray(0, bytes.length >> 1));
          throw enospc(file);
        }
        await handle.writeFile(bytes);
      },
      sync: () => handle.sync(),
      close: () => handle.close(),
    };
  };
  return { ...fsPromises, open: open as unknown as typeof fsPromises.open };
}

/** Bytes of all files in `dir`. */
function usedBytes(dir: string): number {
  return readdirSync(dir).reduce((sum, name) => sum + statSync(join(dir, name)).size, 0);
}

describe('failed and killed saves, damaged manifests', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });
  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it.each([
    ['the weights file', /weights-.*\.bin$/],
    ['the new manifest', /gan\.json\.tmp-/],
  ])('a save whose write of %s fails (disk full) removes what it wrote and leaves the previous checkpoint', async (_, failing) => {
    const dir = freshDir();
    const trainer = mlpTrainer();
    await trainer.save(dir);
    const before = readdirSync(dir).sort();
    const manifest = readFileSync(join(dir, MANIFEST_NAME));
    trainer.restoreStep(5);
    const store = await fileStore(dir, { fs: fullDisk(async (file) => failing.test(file)) });
    await expect(trainer.save(store)).rejects.toThrow(CheckpointError);
    await expect(trainer.save(store)).rejects.toThrow(/cannot write to .*ENOSPC: no space left on device.*The previous checkpoint, if any, is intact/);
    expect(readdirSync(dir).sort()).toEqual(before);
    expect(readFileSync(join(dir, MANIFEST_NAME))).toEqual(manifest);
    const loaded = await Trainer.load(dir);
    expect(loaded.step).toBe(0);
    disposeAll(trainer, loaded);
  });

  it("the next save removes what a killed save left (a partial weights file, a temporary manifest) before it writes, so a full disk does not stay full", async () => {
    const dir = freshDir();
    // Weights (~2 MB) much larger than the manifest, so that the quota below tells one weights file from two.
    const trainer = mlpTrainer([256, 256]);
    await trainer.save(dir);
    const weightsSize = readdirSync(dir).filter((name) => name.endsWith('.bin')).map((name) => statSync(join(dir, name)).size)[0];
    // What a save killed mid-write leaves: a weights file no manifest names, a temporary manifest.
    writeFileSync(join(dir, 'weights-9-killedxyz.bin'), new Uint8Array(weightsSize));
    writeFileSync(join(dir, 'gan.json.tmp-12345'), '{"format": "tfjs-gan-che');
    writeFileSync(join(dir, 'gan.json.lock.stale-abc'), '{}');
    // Room for one more weights file and its manifest, not for two.
    const quota = usedBytes(dir) + weightsSize / 2;
    expect(weightsSize / 2).toBeGreaterThan(4 * statSync(join(dir, MANIFEST_NAME)).size);
    const store = await fileStore(dir, { fs: fullDisk(async (_, bytes) => usedBytes(dir) + bytes.length > quota) });
    trainer.restoreStep(1);
    await trainer.save(store);
    const files = readdirSync(dir).sort();
    expect(files.filter((name) => name.endsWith('.bin'))).toHaveLength(1);
    expect(files.filter((name) => name !== MANIFEST_NAME && !name.endsWith('.bin'))).toEqual([]);
    // User files next to the checkpoint are left alone.
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    writeFileSync(join(dir, 'weights-final.bin'), 'mine too');
    trainer.restoreStep(2);
    await trainer.save(dir);
    expect(readdirSync(dir)).toEqual(expect.arrayContaining(['notes.txt', 'weights-final.bin']));
    const loaded = await Trainer.load(dir);
    expect(loaded.step).toBe(2);
    disposeAll(trainer, loaded);
  });

  it('a corrupt gan.json does not block saves: the save moves it aside and proceeds', async () => {
    const trainer = mlpTrainer();
    for (const garbage of ['{ not json', '{"format": "tfjs-gan-checkpoint", "version": 1, "step": "abc"}', '']) {
      const dir = freshDir();
      mkdirSync(dir);
      writeFileSync(join(dir, MANIFEST_NAME), garbage);
      await expect(Trainer.load(dir)).rejects.toThrow(CheckpointError);
      await trainer.save(dir);
      const aside = readdirSync(dir).filter((name) => name.startsWith('gan.json.corrupt-'));
      expect(aside).toHaveLength(1);
      expect(readFileSync(join(dir, aside[0]), 'utf8')).toBe(garbage);
      const loaded = await Trainer.load(dir);
      disposeAll(loaded);
    }
    // The same in memory (and so in IndexedDB, which commits the same files), and for an import.
    const memory = memoryStore({ [MANIFEST_NAME]: new TextEncoder().encode('{ not json') });
    await trainer.save(memory);
    expect(Object.keys(memory.files()).filter((name) => name.startsWith('gan.json.corrupt-'))).toHaveLength(1);
    disposeAll(await Trainer.load(memory));
    const target = freshDir();
    mkdirSync(target);
    writeFileSync(join(target, MANIFEST_NAME), '{ not json');
    await importCheckpoint(await exportCheckpoint(memory), target);
    disposeAll(await Trainer.load(target));
    disposeAll(trainer);
  });

  it('importing the checkpoint that is already there rewrites nothing but the manifest', async () => {
    const dir = freshDir();
    const trainer = mlpTrainer();
    await trainer.save(dir);
    const files = await exportCheckpoint(dir);
    await importCheckpoint(files, dir);
    await importCheckpoint(files, dir);
    expect(readdirSync(dir).sort()).toEqual(Object.keys(files).sort());
    disposeAll(trainer, await Trainer.load(dir));
  });
});
