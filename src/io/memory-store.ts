import { ConfigError, DataError, describeValue } from '../errors.js';
import type { CheckpointFiles, CheckpointStore } from './checkpoint-store.js';

/** A {@link CheckpointStore} in memory whose files can be read back with {@link MemoryStore.files}. */
export interface MemoryStore extends CheckpointStore {
  /** The checkpoint's files now (a copy of the map; the bytes are shared). */
  files(): CheckpointFiles;
}

/**
 * A checkpoint store in memory: save a trainer to it to get the checkpoint's bytes (to send to a
 * worker, a server or another tab), or fill it with files to load a checkpoint from them.
 *
 * @param files - the initial files, e.g. from {@link exportCheckpoint} or {@link filesFromBlobs}.
 * @param location - a label for messages.
 * @returns the store.
 * @example
 * ```ts
 * const store = memoryStore();
 * await trainer.save(store);
 * const bytes = store.files();   // { 'gan.json': Uint8Array, 'weights-….bin': Uint8Array }
 * ```
 */
export function memoryStore(files: CheckpointFiles = {}, location = 'memory'): MemoryStore {
  if (typeof files !== 'object' || files === null || Object.values(files).some((bytes) => !(bytes instanceof Uint8Array))) {
    throw new ConfigError(`memoryStore: 'files' must map file names to Uint8Arrays, received ${describeValue(files)}.`);
  }
  const contents = new Map<string, Uint8Array>(Object.entries(files));
  return {
    location,
    async read(name) {
      return contents.get(name) ?? null;
    },
    async commit(written, manifestName, manifest, obsolete) {
      for (const [name, bytes] of Object.entries(written)) contents.set(name, bytes);
      contents.set(manifestName, manifest);
      for (const name of obsolete) if (!(name in written)) contents.delete(name);
    },
    files() {
      return Object.fromEntries(contents);
    },
  };
}

/**
 * Reads files that the user picked (an `<input type="file" multiple>` or a folder with
 * `webkitdirectory`, or dropped files) into {@link CheckpointFiles}, keyed by base name, for
 * {@link memoryStore}: `Trainer.load(memoryStore(await filesFromBlobs(input.files)))`.
 *
 * @param files - `File` objects (a `FileList` works); each needs a `name`.
 * @returns the files' bytes by base name.
 * @throws DataError when `files` is empty or holds something that is not a File.
 */
export async function filesFromBlobs(files: ArrayLike<File> | Iterable<File>): Promise<CheckpointFiles> {
  const list = Array.from(files as ArrayLike<File>);
  if (list.length === 0 || !list.every((file) => typeof file?.name === 'string' && typeof file.arrayBuffer === 'function')) {
    throw new DataError(`filesFromBlobs: 'files' must be one or more File objects (gan.json and its weights file), received ${describeValue(files)}.`);
  }
  const out: Record<string, Uint8Array> = {};
  for (const file of list) out[file.name.split('/').pop() as string] = new Uint8Array(await file.arrayBuffer());
  return out;
}
