/**
 * The manifest is checked field by field against its schema and against its checksum: malformed
 * fields give a CheckpointError naming the field, what was expected and what was received, and an
 * edit of one bit is refused.
 */
import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CheckpointError } from '../../src/errors.js';
import { MANIFEST_NAME, readCheckpointManifest } from '../../src/io/checkpoint.js';
import { manifestChecksum, parseManifest } from '../../src/io/checkpoint-manifest.js';
import { canonicalJson, sha256 } from '../../src/util/checksum.js';
import { Discriminator, Generator } from '../../src/nets/index.js';
import { Trainer } from '../../src/train/trainer.js';
import { disposeAll } from '../helpers/trainers.js';

const root = mkdtempSync(join(tmpdir(), 'tfjs-gan-schema-'));
let counter = 0;
const freshDir = (): string => join(root, `run-${counter++}`);

type Json = Record<string, unknown>;

/** Sets `path` (dotted, e.g. 'optimizers.generator.config.learningRate') in a deep copy of `manifest`. */
function withField(manifest: Json, path: string, value: unknown): Json {
  const copy = structuredClone(manifest);
  const keys = path.split('.');
  let target = copy as Json;
  for (const key of keys.slice(0, -1)) target = target[key] as Json;
  if (value === undefined) delete target[keys.at(-1) as string];
  else target[keys.at(-1) as string] = value;
  return copy;
}

/** The manifest as bytes, its checksum recomputed (so that only the schema can refuse it). */
function signed(manifest: Json): Uint8Array {
  const { checksum: _old, ...content } = manifest;
  return new TextEncoder().encode(JSON.stringify({ ...content, checksum: manifestChecksum(content) }));
}

describe('manifest schema and checksum', () => {
  let dir: string;
  let manifest: Json;
  let trainer: Trainer;
  beforeAll(async () => {
    await tf.setBackend('cpu');
    const generator = Generator.mlp({ outputShape: [2], hiddenUnits: [4], seed: 1 });
    const discriminator = Discriminator.mlp({ inputShape: [2], hiddenUnits: [4], seed: 2 });
    // Adam with beta1 0 (the vector-data default), EMA on: every optional record is present.
    trainer = new Trainer({ generator, discriminator, seed: 3, generatorOptimizer: tf.train.adam(1e-3, 0, 0.99) });
    trainer.restoreStep(3);
    dir = freshDir();
    await trainer.save(dir);
    manifest = JSON.parse(readFileSync(join(dir, MANIFEST_NAME), 'utf8')) as Json;
  });
  afterAll(() => {
    disposeAll(trainer);
    rmSync(root, { recursive: true, force: true });
  });

  it('sha256 and canonical JSON match their definitions', () => {
    const text = (s: string): Uint8Array => new TextEncoder().encode(s);
    expect(sha256(text(''))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(sha256(text('abc'))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256(text('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq'))).toBe(
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    );
    expect(sha256(new Uint8Array(1_000_000).fill(0x61))).toBe('cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0');
    expect(canonicalJson({ b: [1, { d: 2, c: null }], a: 'x', u: undefined })).toBe('{"a":"x","b":[1,{"c":null,"d":2}]}');
  });

  it('a saved manifest carries a checksum of its content and loads', async () => {
    expect(manifest.checksum).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(manifest.checksum).toBe(manifestChecksum(manifest));
    expect((await readCheckpointManifest(dir)).step).toBe(3);
    // Formatting and key order do not matter: the checksum is of the canonical JSON.
    const reordered = Object.fromEntries(Object.entries(manifest).reverse());
    expect(parseManifest('x', new TextEncoder().encode(JSON.stringify(reordered))).step).toBe(3);
  });

  it('refuses one-bit edits of the file: step 3 to 2, beta1 0 to 1', async () => {
    const original = readFileSync(join(dir, MANIFEST_NAME));
    const flipOneBit = (pattern: RegExp, from: string, to: string): Buffer => {
      const text = original.toString('latin1');
      const match = pattern.exec(text);
      expect(match).not.toBeNull();
      const at = (match?.index as number) + (match?.[0].length as number) - 1;
      expect(text[at]).toBe(from);
      const edited = Buffer.from(original);
      edited[at] ^= from.charCodeAt(0) ^ to.charCodeAt(0);
      // One bit: '3' (0x33) -> '2' (0x32), '0' (0x30) -> '1' (0x31).
      expect((original[at] ^ edited[at]).toString(2).replace(/0/g, '')).toBe('1');
      return edited;
    };
    try {
      writeFileSync(join(dir, MANIFEST_NAME), flipOneBit(/"step": 3/, '3', '2'));
      await expect(Trainer.load(dir)).rejects.toThrow(CheckpointError);
      await expect(Trainer.load(dir)).rejects.toThrow(/'gan.json' was changed after it was saved: its content hashes to sha256:[0-9a-f]{64}, expected its 'checksum' sha256:/);
      writeFileSync(join(dir, MANIFEST_NAME), flipOneBit(/"generator": \{\n\s*"className": "Adam",\n\s*"config": \{\n\s*"learningRate": [0-9.e-]+,\n\s*"beta1": 0/, '0', '1'));
      // A beta1 of 1 is out of the schema's range [0, 1): refused before the checksum is even compared.
      await expect(Trainer.load(dir)).rejects.toThrow(/field 'optimizers.generator.config.beta1' must be a number in \[0, 1\), received 1\./);
    } finally {
      writeFileSync(join(dir, MANIFEST_NAME), original);
    }
    const loaded = await Trainer.load(dir);
    expect(loaded.step).toBe(3);
    disposeAll(loaded);
  });

  it.each([
    ['step', 'abc', 'an integer >= 0'],
    ['step', -5, 'an integer >= 0'],
    ['step', 1.5, 'an integer >= 0'],
    ['step', undefined, 'an integer >= 0'],
    ['version', -1, 'an integer >= 1'],
    ['version', '1', 'an integer >= 1'],
    ['seed', 0.5, 'an integer'],
    ['discriminatorSteps', 0, 'an integer >= 1'],
    ['createdAt', 5, 'a date string'],
    ['auxiliaryClassifierWeight', -1, 'a finite number >= 0'],
    ['loss', 'hinge', 'an object { name, config }'],
    ['loss.name', '', 'a non-empty string'],
    ['penalties', {}, 'an array of { name, config }'],
    ['generator', 5, 'a network record { spec, topology, weights }'],
    ['generator.topology', null, 'a Keras model topology'],
    ['generator.weights', 'all', 'an array of { name, shape, dtype }'],
    ['generator.weights.0.shape', [2, -1], 'an integer >= 0'],
    ['generator.weights.0.dtype', 'float64', 'one of ["float32", "int32", "bool"]'],
    ['discriminator.spec', [], 'an object'],
    ['optimizers', {}, 'an optimizer record { className, config, weights, extras }'],
    ['optimizers', 7, 'an object { generator, discriminator }'],
    ['optimizers.generator.className', 3, 'a non-empty string'],
    ['optimizers.generator.config.learningRate', 'x', 'a finite number >= 0'],
    ['optimizers.generator.config.learningRate', -0.1, 'a finite number >= 0'],
    ['optimizers.generator.config.beta1', 1, 'a number in [0, 1)'],
    ['optimizers.generator.config.beta2', -0.5, 'a number in [0, 1)'],
    ['optimizers.generator.config.epsilon', 'tiny', 'a finite number >= 0'],
    ['optimizers.generator.extras.accBeta1', 'one', 'a number in [0, 1]'],
    ['optimizers.generator.extras.iterations', 1, 'an object with keys among ["accBeta1", "accBeta2"]'],
    ['weightsFile', 123, 'a plain file name inside the checkpoint'],
    ['weightsFile', '../x.bin', 'a plain file name inside the checkpoint'],
    ['weightsBytes', -1, 'an integer >= 0'],
    ['weightsBytes', 12, '(the size of the weights it lists)'],
    ['weightsChecksum', 'zz', '8 hex digits'],
    ['metadata', null, 'an object'],
    ['ema', 1, 'an object { decay, startStep, weights }'],
    ['ema.decay', 1, 'a number in [0, 1)'],
    ['ema.startStep', -1, 'an integer >= 0'],
    ['augment', 'translation', 'an array of augmentation names'],
    ['sampling', 'shuffle', "'class-balanced' or 'class-sqrt' (the samplings other than the default 'shuffle')"],
    ['sampling', 3, "'class-balanced' or 'class-sqrt'"],
    ['fakeLabels', 'uniform', "'data' or 'data-for-discriminator' (the ways to draw them other than the default 'uniform')"],
    ['fakeLabels', null, "'data' or 'data-for-discriminator'"],
    ['auxiliaryClassifierBatches', 'real-and-fake', "'real' (the only choice other than the default 'real-and-fake')"],
    ['progressive', { startResolution: 8, fadeSteps: 0, stableSteps: 1 }, 'an integer >= 1'],
    ['pathLength', { weight: 2, every: 4, decay: 2, mean: 0 }, 'a number in (0, 1]'],
  ])("'%s' = %j: CheckpointError naming the field, expected %s and the received value", async (field, value, expected) => {
    const bytes = signed(withField(manifest, field, value));
    const parse = (): unknown => parseManifest('runs/x', bytes);
    expect(parse).toThrow(CheckpointError);
    const message = (() => {
      try {
        parse();
      } catch (error) {
        return (error as Error).message;
      }
      return '';
    })();
    expect(message).toContain(`'gan.json' field '${field.split('.')[0]}`);
    expect(message).toContain(expected);
    expect(message).toMatch(/, received /);
    // The same through the public reader, with the file on disk.
    const target = freshDir();
    (await import('node:fs')).mkdirSync(target);
    writeFileSync(join(target, MANIFEST_NAME), bytes);
    await expect(Trainer.load(target)).rejects.toThrow(CheckpointError);
  });

  it('names the exact field of the issue examples', () => {
    const message = (path: string, value: unknown): string => {
      try {
        parseManifest('runs/x', signed(withField(manifest, path, value)));
      } catch (error) {
        return (error as Error).message;
      }
      return '';
    };
    expect(message('generator', 5)).toBe(`checkpoint: "runs/x" is corrupt: 'gan.json' field 'generator' must be a network record { spec, topology, weights }, received 5.`);
    expect(message('optimizers', {})).toMatch(/field 'optimizers.generator' must be an optimizer record \{ className, config, weights, extras \}, received undefined\./);
    expect(message('weightsFile', 123)).toMatch(/field 'weightsFile' must be a plain file name inside the checkpoint .*received 123\./);
    expect(message('step', 'abc')).toMatch(/field 'step' must be an integer >= 0, received "abc"\./);
    expect(message('optimizers.generator.config.learningRate', 'x')).toMatch(/field 'optimizers.generator.config.learningRate' must be a finite number >= 0, received "x"\./);
    expect(message('generator.weights.0.shape', [2, -1])).toMatch(/field 'generator.weights\[0\].shape\[1\]' must be an integer >= 0, received -1\./);
  });

  it('loads a manifest saved before checksums (none), after the schema check; refuses a malformed checksum', async () => {
    const { checksum: _none, ...legacy } = manifest;
    const target = freshDir();
    (await import('node:fs')).mkdirSync(target);
    writeFileSync(join(target, MANIFEST_NAME), JSON.stringify(legacy, null, 1));
    const weightsFile = manifest.weightsFile as string;
    writeFileSync(join(target, weightsFile), readFileSync(join(dir, weightsFile)));
    const loaded = await Trainer.load(target);
    expect(loaded.step).toBe(3);
    disposeAll(loaded);
    writeFileSync(join(target, MANIFEST_NAME), JSON.stringify({ ...legacy, step: -5 }));
    await expect(Trainer.load(target)).rejects.toThrow(/field 'step' must be an integer >= 0, received -5/);
    writeFileSync(join(target, MANIFEST_NAME), JSON.stringify({ ...legacy, checksum: 'crc32:1234' }));
    await expect(Trainer.load(target)).rejects.toThrow(/field 'checksum' must be 'sha256:' and 64 hex digits, received "crc32:1234"/);
    writeFileSync(join(target, MANIFEST_NAME), '[1, 2]');
    await expect(Trainer.load(target)).rejects.toThrow(/'gan.json' must hold a JSON object, received \[1, 2\]/);
  });
});
