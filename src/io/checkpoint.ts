/**
 * Checkpoints: a versioned manifest `gan.json` and one weights file, written atomically through a
 * {@link CheckpointStore}. This module reads and writes manifests and tensors; what they hold (a
 * trainer's configuration and state) is the business of whoever saves them (see `Trainer.getConfig`).
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs';
import { CheckpointError, describeValue } from '../errors.js';
import { fnv1a } from '../util/checksum.js';
import { type CheckpointFiles, type CheckpointLocation, type CheckpointStore, openCheckpointStore } from './checkpoint-store.js';
import { commitCheckpoint } from './checkpoint-commit.js';
import {
  type CheckpointManifest,
  type UnsignedManifest,
  type WeightEntry,
  CHECKPOINT_FORMAT,
  CHECKPOINT_VERSION,
  encodeManifest,
  parseManifest,
} from './checkpoint-manifest.js';
import { MANIFEST_NAME, newWeightsFileName } from './checkpoint-names.js';

export { MANIFEST_NAME } from './checkpoint-names.js';

/** How many times a reader reads the manifest again when the weights it names were replaced meanwhile. */
const READ_ATTEMPTS = 4;

/** Options of a save. */
export interface SaveOptions {
  /** JSON-serialisable data stored in the manifest and returned by {@link readCheckpointManifest}. */
  readonly metadata?: Record<string, unknown>;
}

/** The fields of the manifest that this module writes itself (format, files, checksums, metadata). @inline */
type EnvelopeField = 'format' | 'version' | 'createdAt' | 'weightsFile' | 'weightsBytes' | 'weightsChecksum' | 'metadata';

/**
 * What the saved object puts in the manifest (a trainer's configuration and state, see
 * `Trainer.getConfig`): every field but the envelope. Its weight entries name the tensors to save.
 */
export type CheckpointContent = Omit<UnsignedManifest, EnvelopeField>;

/** A checkpoint as read: where it is, its manifest and its decoded tensors (the caller disposes them). */
export interface LoadedCheckpoint {
  /** The location, quoted, for messages. */
  readonly where: string;
  readonly manifest: CheckpointManifest;
  /** Every tensor the manifest names, by name. */
  readonly tensors: tf.NamedTensorMap;
}

/**
 * Every weight entry of a manifest, in the order of the weights file: generator, discriminator, the
 * generator's and the discriminator's optimizer, then the EMA generator.
 */
export function checkpointWeightEntries(content: CheckpointContent): WeightEntry[] {
  return [content.generator, content.discriminator, content.optimizers.generator, content.optimizers.discriminator, ...(content.ema ? [content.ema] : [])]
    .flatMap((record) => record.weights);
}

/**
 * Writes a checkpoint: the manifest (the content, with the format, the weights file, its size and
 * checksum, the metadata and the manifest's checksum added) and the tensors its weight entries name.
 * The write is atomic: the new manifest replaces the old one in a single rename, so a crash mid-save
 * leaves the previous checkpoint intact. Saves to one location are exclusive (across processes for
 * directories), a save that fails removes what it wrote, and a manifest that cannot be read is moved
 * aside (`gan.json.corrupt-<time>`) instead of blocking the save (see {@link commitCheckpoint}).
 *
 * @param url - `file://dir` or a directory path (Node), `indexeddb://name` or `downloads://name`
 *   (browser), or a {@link CheckpointStore} such as {@link memoryStore}. Every location holds the same
 *   files with the same bytes.
 * @param content - the manifest's fields besides the envelope.
 * @param tensors - the tensors, by the names in the content's weight entries (not disposed).
 * @throws CheckpointError when the files cannot be written.
 */
export async function writeCheckpoint(
  url: CheckpointLocation,
  content: CheckpointContent,
  tensors: tf.NamedTensorMap,
  options: SaveOptions = {},
): Promise<void> {
  const store = await openCheckpointStore(url);
  const named = checkpointWeightEntries(content).map(({ name }) => {
    const tensor = tensors[name];
    if (tensor === undefined) throw new CheckpointError(`checkpoint: no tensor named ${describeValue(name)} to save.`);
    return { name, tensor };
  });
  const { data } = await tf.io.encodeWeights(named);
  const bytes = new Uint8Array(data);
  const weightsFile = newWeightsFileName(content.step);
  // The manifest's fields in the order that tfjs-gan has always written them.
  const { ema, augment, progressive, pathLength, ...head } = content;
  const manifest: UnsignedManifest = {
    format: CHECKPOINT_FORMAT,
    version: CHECKPOINT_VERSION,
    createdAt: new Date().toISOString(),
    ...head,
    weightsFile,
    weightsBytes: bytes.byteLength,
    weightsChecksum: fnv1a(bytes),
    metadata: options.metadata ?? {},
    ...(ema ? { ema } : {}),
    ...(augment ? { augment } : {}),
    ...(progressive ? { progressive } : {}),
    ...(pathLength ? { pathLength } : {}),
  };
  await commitCheckpoint(store, weightsFile, bytes, encodeManifest(manifest));
}

/**
 * Reads and checks a checkpoint's manifest without loading any weights.
 * @throws CheckpointError when missing, unreadable, corrupt or of an unsupported version.
 */
export async function readCheckpointManifest(url: CheckpointLocation): Promise<CheckpointManifest> {
  const store = await openCheckpointStore(url);
  return parseManifest(store.location, await readManifestBytes(store));
}

/** The bytes of a store's `gan.json`. */
async function readManifestBytes(store: CheckpointStore): Promise<Uint8Array> {
  const bytes = await store.read(MANIFEST_NAME);
  if (bytes === null) {
    throw new CheckpointError(`checkpoint: no checkpoint at ${describeValue(store.location)}: expected a '${MANIFEST_NAME}' file there, found none.`);
  }
  return bytes;
}

/** A whole checkpoint as read: its manifest (bytes and parsed) and its checked weights. */
interface CheckpointRead {
  readonly manifestBytes: Uint8Array;
  readonly manifest: CheckpointManifest;
  readonly weights: Uint8Array;
}

/**
 * Reads the manifest and the weights it names. A save that commits between the two reads removes the
 * weights the first manifest named: then the manifest is read again (it names the new weights).
 */
async function readCheckpoint(store: CheckpointStore): Promise<CheckpointRead> {
  for (let attempt = 1; ; attempt++) {
    const manifestBytes = await readManifestBytes(store);
    const manifest = parseManifest(store.location, manifestBytes);
    const weights = await store.read(manifest.weightsFile);
    if (weights === null && attempt < READ_ATTEMPTS) {
      const now = await store.read(MANIFEST_NAME);
      if (now !== null && !sameBytes(now, manifestBytes)) continue;
    }
    return { manifestBytes, manifest, weights: checkWeights(store, manifest, weights) };
  }
}

/**
 * Reads a checkpoint: its manifest, checked, and its weights, checked against the manifest's size and
 * checksum and decoded.
 *
 * @param url - the checkpoint's location (`file://`, `indexeddb://`, a store).
 * @returns the manifest and every tensor it names; dispose the tensors when done.
 * @throws CheckpointError when the checkpoint is missing or corrupt.
 */
export async function loadCheckpoint(url: CheckpointLocation): Promise<LoadedCheckpoint> {
  const store = await openCheckpointStore(url);
  const { manifest, weights: bytes } = await readCheckpoint(store);
  const where = describeValue(store.location);
  const specs = checkpointWeightEntries(manifest).map((w) => ({ name: w.name, shape: w.shape, dtype: w.dtype }));
  try {
    const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    return { where, manifest, tensors: tf.io.decodeWeights(buffer, specs) };
  } catch (error) {
    throw new CheckpointError(`checkpoint: ${where} is corrupt: its weights do not match the manifest (${(error as Error).message}).`, { cause: error });
  }
}

/**
 * Reads a checkpoint's files (the manifest and its weights file) from any location into memory, after
 * checking that the weights match the manifest: the in-memory form that every store writes, to move a
 * checkpoint between Node and a browser, or between stores.
 *
 * @param url - the checkpoint's location (`file://`, `indexeddb://`, a store).
 * @returns `{ 'gan.json': bytes, [weightsFile]: bytes }`.
 * @throws CheckpointError when the checkpoint is missing or corrupt.
 * @example
 * ```ts
 * const files = await exportCheckpoint('file://runs/ring');   // in Node
 * await importCheckpoint(files, 'indexeddb://ring');           // in a page, after sending the bytes
 * ```
 */
export async function exportCheckpoint(url: CheckpointLocation): Promise<CheckpointFiles> {
  const store = await openCheckpointStore(url);
  const { manifestBytes, manifest, weights } = await readCheckpoint(store);
  return { [MANIFEST_NAME]: manifestBytes, [manifest.weightsFile]: weights };
}

/**
 * Writes a checkpoint's files (from {@link exportCheckpoint}, a download or another machine) to a
 * location, atomically, replacing the checkpoint there. The files are checked first.
 *
 * @param files - the manifest `gan.json` and the weights file it names; other files are ignored.
 * @param url - where to write (`file://`, `indexeddb://`, a store).
 * @throws CheckpointError when the files are not a whole, valid checkpoint or cannot be written.
 */
export async function importCheckpoint(files: CheckpointFiles, url: CheckpointLocation): Promise<void> {
  const source = memoryStoreOf(files);
  const { manifestBytes, manifest, weights } = await readCheckpoint(source);
  const target = await openCheckpointStore(url);
  await commitCheckpoint(target, manifest.weightsFile, weights, manifestBytes);
}

/** A read-only view of in-memory files as a store (for checking them with the readers above). */
function memoryStoreOf(files: CheckpointFiles): Pick<CheckpointStore, 'location' | 'read'> & CheckpointStore {
  return {
    location: 'the given files',
    read: async (name) => (files !== null && typeof files === 'object' && files[name] instanceof Uint8Array ? files[name] : null),
    commit: async () => {
      throw new CheckpointError('checkpoint: the given files are read-only.');
    },
  };
}

/** The weights file of `manifest` (null when missing), checked against its size and checksum. */
function checkWeights(store: Pick<CheckpointStore, 'location'>, manifest: CheckpointManifest, bytes: Uint8Array | null): Uint8Array {
  const where = describeValue(store.location);
  if (bytes === null) {
    throw new CheckpointError(`checkpoint: ${where} is incomplete: its weights file '${manifest.weightsFile}' is missing.`);
  }
  if (bytes.byteLength !== manifest.weightsBytes || fnv1a(bytes) !== manifest.weightsChecksum) {
    throw new CheckpointError(
      `checkpoint: ${where} is corrupt: '${manifest.weightsFile}' has ${bytes.byteLength} bytes and checksum ${fnv1a(bytes)}, expected ${manifest.weightsBytes} bytes and checksum ${manifest.weightsChecksum}.`,
    );
  }
  return bytes;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === b.byteLength && a.every((value, i) => value === b[i]);
}
