/**
 * Every file name read from a manifest must be a plain name inside the checkpoint: save, load, import
 * and export never touch a file outside it, and their errors say nothing about files outside.
 */
import * as tf from '@tensorflow/tfjs';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CheckpointError } from '../../src/errors.js';
import { MANIFEST_NAME, exportCheckpoint, importCheckpoint } from '../../src/io/checkpoint.js';
import { manifestChecksum } from '../../src/io/checkpoint-manifest.js';
import { checkFileName, unsafeFileNameReason } from '../../src/io/checkpoint-names.js';
import { fileStore } from '../../src/io/file-store.js';
import { memoryStore } from '../../src/io/memory-store.js';
import { fnv1a } from '../../src/util/checksum.js';
import { Discriminator, Generator } from '../../src/nets/index.js';
import { Trainer } from '../../src/train/trainer.js';
import { disposeAll } from '../helpers/trainers.js';

const root = mkdtempSync(join(tmpdir(), 'tfjs-gan-names-'));
let counter = 0;

/** A directory `root/case-N/run` with a file `root/case-N/victim.txt` next to it. */
function sandbox(): { dir: string; victim: string } {
  const base = join(root, `case-${counter++}`);
  mkdirSync(base);
  const victim = join(base, 'victim.txt');
  writeFileSync(victim, 'precious data outside the checkpoint');
  return { dir: join(base, 'run'), victim };
}

function mlpTrainer(): Trainer {
  const generator = Generator.mlp({ outputShape: [2], hiddenUnits: [4], seed: 1 });
  const discriminator = Discriminator.mlp({ inputShape: [2], hiddenUnits: [4], seed: 2 });
  return new Trainer({ generator, discriminator, seed: 3 });
}

/** The manifest in `dir` with `changes`, re-signed (as a deliberate edit would be) or without checksum (as an old manifest). */
function editManifest(dir: string, changes: Record<string, unknown>, sign: boolean): void {
  const manifest = JSON.parse(readFileSync(join(dir, MANIFEST_NAME), 'utf8')) as Record<string, unknown>;
  const { checksum: _old, ...edited } = { ...manifest, ...changes };
  writeFileSync(join(dir, MANIFEST_NAME), JSON.stringify(sign ? { ...edited, checksum: manifestChecksum(edited) } : edited));
}

const UNSAFE_NAMES = ['../victim.txt', '../../escaped.bin', '/etc/passwd', 'a/b.bin', 'a\\b.bin', '..', '.', '', 'weights\u0000.bin', 'C:evil.bin', 'x'.repeat(201)];

describe('checkpoint file names stay inside the checkpoint', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });
  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it('accepts plain names and refuses paths, "..", NUL, drive letters, empty and overlong names', () => {
    for (const name of ['gan.json', 'weights-3-abc.bin', 'my weights (1).bin']) expect(unsafeFileNameReason(name)).toBeUndefined();
    for (const name of UNSAFE_NAMES) {
      expect(unsafeFileNameReason(name), name).toBeDefined();
      expect(() => checkFileName(name, 'weightsFile', 'runs/x')).toThrow(CheckpointError);
    }
    expect(() => checkFileName('../victim.txt', 'weightsFile', 'runs/x')).toThrow(
      /'weightsFile' must be a plain file name inside the checkpoint .*received "..\/victim.txt": it contains a path separator/,
    );
    expect(() => checkFileName(123, 'weightsFile', 'runs/x')).toThrow(/received 123: it is not a string/);
  });

  it.each([
    ['re-signed', true],
    ['without checksum (an older manifest)', false],
  ])('a save into a directory whose manifest names "../victim.txt" (%s) deletes nothing outside it', async (_, sign) => {
    const { dir, victim } = sandbox();
    const trainer = mlpTrainer();
    await trainer.save(dir);
    editManifest(dir, { weightsFile: '../victim.txt' }, sign);
    await trainer.save(dir);
    expect(readFileSync(victim, 'utf8')).toBe('precious data outside the checkpoint');
    // The bad manifest was moved aside, and the directory holds the new checkpoint.
    expect(readdirSync(dir).filter((name) => name.startsWith('gan.json.corrupt-'))).toHaveLength(1);
    const loaded = await Trainer.load(dir);
    disposeAll(trainer, loaded);
  });

  it('load and export refuse a manifest naming a file outside, and say nothing about that file', async () => {
    const { dir, victim } = sandbox();
    const trainer = mlpTrainer();
    await trainer.save(dir);
    const victimBytes = readFileSync(victim);
    for (const sign of [true, false]) {
      editManifest(dir, { weightsFile: '../victim.txt' }, sign);
      for (const attempt of [() => Trainer.load(dir), () => exportCheckpoint(dir)]) {
        const error = await attempt().then(
          () => undefined,
          (e: unknown) => e as Error,
        );
        expect(error).toBeInstanceOf(CheckpointError);
        expect(error?.message).toMatch(/field 'weightsFile' must be a plain file name inside the checkpoint .*received "..\/victim.txt"/);
        // Nothing about the victim's size or checksum; the checkpoint's own (random) path is left out
        // first, since it may contain the size's digits by chance ("tfjs-gan-names-om36jg" against 36 bytes).
        const told = (error?.message ?? '').split(dir).join('<checkpoint>');
        expect(told).toContain('<checkpoint>');
        expect(told).not.toContain(String(victimBytes.byteLength));
        expect(told).not.toContain(fnv1a(victimBytes));
      }
    }
    disposeAll(trainer);
  });

  it.each(UNSAFE_NAMES.filter((name) => name !== ''))('importCheckpoint refuses a weights file named %j and writes nothing', async (name) => {
    const { dir } = sandbox();
    const trainer = mlpTrainer();
    const memory = memoryStore();
    await trainer.save(memory);
    const files = memory.files();
    const weightsName = Object.keys(files).find((file) => file.endsWith('.bin')) as string;
    const manifest = JSON.parse(new TextDecoder().decode(files[MANIFEST_NAME])) as Record<string, unknown>;
    const edited: Record<string, unknown> = { ...manifest, weightsFile: name };
    delete edited.checksum;
    const evil = {
      [MANIFEST_NAME]: new TextEncoder().encode(JSON.stringify({ ...edited, checksum: manifestChecksum(edited) })),
      [name]: files[weightsName],
    };
    await expect(importCheckpoint(evil, dir)).rejects.toThrow(CheckpointError);
    await expect(importCheckpoint(evil, dir)).rejects.toThrow(/'weightsFile' must be a plain file name/);
    expect(existsSync(dir)).toBe(false);
    expect(existsSync(join(root, 'escaped.bin'))).toBe(false);
    disposeAll(trainer);
  });

  it('a file store refuses to read, write or remove a name that is not a plain file name', async () => {
    const { dir, victim } = sandbox();
    const store = await fileStore(dir);
    await expect(store.read('../victim.txt')).rejects.toThrow(/'file name' must be a plain file name/);
    await expect(store.commit({ '../escaped.bin': new Uint8Array(1) }, MANIFEST_NAME, new Uint8Array(1), [])).rejects.toThrow(CheckpointError);
    await expect(store.commit({}, MANIFEST_NAME, new Uint8Array(1), ['../victim.txt'])).rejects.toThrow(/'obsolete file' must be a plain file name/);
    await expect(store.remove?.(['../victim.txt'])).rejects.toThrow(CheckpointError);
    expect(existsSync(victim)).toBe(true);
    expect(existsSync(join(dir, '..', 'escaped.bin'))).toBe(false);
  });
});
