import { ConfigError, describeValue } from '../errors.js';
import { downloadStore } from './download-store.js';
import { fileStore } from './file-store.js';
import { indexedDbStore } from './indexeddb-store.js';

export { MANIFEST_NAME } from './checkpoint-names.js';

/**
 * The files of one checkpoint in memory, by file name: `gan.json` and its weights file. Every store
 * reads and writes exactly these bytes, so a checkpoint moves between Node directories, IndexedDB,
 * downloads and memory unchanged (see {@link exportCheckpoint} and {@link importCheckpoint}).
 */
export type CheckpointFiles = Readonly<Record<string, Uint8Array>>;

/**
 * Where a checkpoint lives: a set of named files that can be replaced atomically. A directory in Node
 * (`file://path` or a plain path), an IndexedDB entry in a browser (`indexeddb://name`), browser
 * downloads (`downloads://name`, write-only), or memory ({@link memoryStore}).
 */
export interface CheckpointStore {
  /** A human-readable location for messages. */
  readonly location: string;
  /** Reads one file; resolves to null when it does not exist. */
  read(name: string): Promise<Uint8Array | null>;
  /**
   * Writes `files`, then atomically replaces the manifest with `manifest` (the commit point), then
   * removes `obsolete` files. A failure before the commit point leaves the previous checkpoint intact
   * and removes what it wrote.
   */
  commit(files: CheckpointFiles, manifestName: string, manifest: Uint8Array, obsolete: readonly string[]): Promise<void>;
  /**
   * Optional: runs `task` (which reads, commits and removes) while no other save to this location
   * runs, in this process or another. Without it, saves are exclusive within this process only.
   */
  exclusive?<T>(task: () => Promise<T>): Promise<T>;
  /** Optional: the names of the files at this location (to find what failed or killed saves left behind). */
  list?(): Promise<string[]>;
  /** Optional: removes files (missing ones are ignored). */
  remove?(names: readonly string[]): Promise<void>;
}

/** A checkpoint location: a URL (`file://dir`, a directory path, `indexeddb://name`, `downloads://name`) or a store. */
export type CheckpointLocation = string | CheckpointStore;

/** The URL schemes that {@link openCheckpointStore} understands. */
export const CHECKPOINT_SCHEMES = Object.freeze(['file', 'indexeddb', 'downloads'] as const);

/**
 * Opens the store for a checkpoint location: `file://dir` or a plain directory path (Node),
 * `indexeddb://name` (browser or worker), `downloads://name` (browser page, write-only), or a
 * {@link CheckpointStore} itself.
 *
 * @param location - the URL or store.
 * @returns the store.
 * @throws ConfigError when `location` is neither a non-empty string nor a store, or names an unknown scheme.
 * @example
 * ```ts
 * const store = await openCheckpointStore('indexeddb://mnist');
 * const manifestBytes = await store.read('gan.json');
 * ```
 */
export async function openCheckpointStore(location: CheckpointLocation): Promise<CheckpointStore> {
  if (isCheckpointStore(location)) return location;
  if (typeof location !== 'string' || location.length === 0) {
    throw new ConfigError(
      `checkpoint: 'path' must be a non-empty string such as 'file://runs/mnist' or 'indexeddb://mnist', or a CheckpointStore, received ${describeValue(location)}.`,
    );
  }
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(location)?.[1]?.toLowerCase();
  const rest = scheme === undefined ? location : location.slice(scheme.length + 3);
  switch (scheme) {
    case undefined:
    case 'file':
      return fileStore(rest);
    case 'indexeddb':
      return indexedDbStore(rest);
    case 'downloads':
      return downloadStore(rest);
    default:
      throw new ConfigError(
        `checkpoint: unsupported location scheme '${scheme}://' in ${describeValue(location)}. Expected 'file://', 'indexeddb://', 'downloads://' or a directory path.`,
      );
  }
}

/** Whether `value` is a {@link CheckpointStore}. */
export function isCheckpointStore(value: unknown): value is CheckpointStore {
  const candidate = value as Partial<CheckpointStore> | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.read === 'function' &&
    typeof candidate.commit === 'function' &&
    typeof candidate.location === 'string'
  );
}
