import { CheckpointError, ConfigError, describeValue } from '../errors.js';
import type { CheckpointStore } from './checkpoint-store.js';

/** The IndexedDB database and object store that hold checkpoints (keys: `[checkpointName, fileName]`). */
export const INDEXEDDB_CHECKPOINTS = Object.freeze({
  /** Name of the database. */
  database: 'tfjs-gan',
  /** Name of the object store. */
  objectStore: 'checkpoint-files',
  /** Version of the database's schema. */
  version: 1,
});

/**
 * A checkpoint in the browser's IndexedDB (pages and workers), under `name`: each file is one record
 * keyed `[name, fileName]`. A save is one IndexedDB transaction, atomic by IndexedDB's guarantee: it
 * either writes the new weights and manifest and deletes the old weights, or changes nothing.
 *
 * @param name - the checkpoint's name, e.g. `'mnist'` for `indexeddb://mnist`.
 * @returns the store.
 * @throws ConfigError on an empty name; CheckpointError where IndexedDB is missing (Node without a polyfill).
 */
export async function indexedDbStore(name: string): Promise<CheckpointStore> {
  if (name.length === 0) {
    throw new ConfigError(`checkpoint: 'indexeddb://' needs a name, e.g. 'indexeddb://mnist', received ${describeValue(`indexeddb://${name}`)}.`);
  }
  const location = `indexeddb://${name}`;
  return {
    location,
    async read(file) {
      const db = await openDatabase(location);
      try {
        const value = await request(db.transaction(INDEXEDDB_CHECKPOINTS.objectStore, 'readonly').objectStore(INDEXEDDB_CHECKPOINTS.objectStore).get([name, file]), location);
        return value === undefined ? null : toBytes(value);
      } finally {
        db.close();
      }
    },
    async commit(files, manifestName, manifest, obsolete) {
      const db = await openDatabase(location);
      try {
        const transaction = db.transaction(INDEXEDDB_CHECKPOINTS.objectStore, 'readwrite');
        const store = transaction.objectStore(INDEXEDDB_CHECKPOINTS.objectStore);
        for (const [file, bytes] of Object.entries(files)) store.put(bytes.slice(), [name, file]);
        store.put(manifest.slice(), [name, manifestName]);
        for (const file of obsolete) if (!(file in files)) store.delete([name, file]);
        await new Promise<void>((resolve, reject) => {
          transaction.oncomplete = () => resolve();
          transaction.onerror = () => reject(transaction.error);
          transaction.onabort = () => reject(transaction.error ?? new Error('the transaction was aborted'));
        });
      } catch (error) {
        throw new CheckpointError(
          `checkpoint: cannot write to ${describeValue(location)}: ${(error as Error)?.message ?? String(error)}. The previous checkpoint, if any, is intact.`,
          { cause: error },
        );
      } finally {
        db.close();
      }
    },
  };
}

/**
 * Names of the checkpoints saved in IndexedDB, sorted (for `indexeddb://<name>`).
 *
 * @returns the names, e.g. `['mnist', 'ring']`.
 * @throws CheckpointError where IndexedDB is missing.
 * @example
 * ```ts
 * const names = await listIndexedDbCheckpoints();
 * ```
 */
export async function listIndexedDbCheckpoints(): Promise<string[]> {
  const db = await openDatabase('indexeddb://');
  try {
    const keys = await request(db.transaction(INDEXEDDB_CHECKPOINTS.objectStore, 'readonly').objectStore(INDEXEDDB_CHECKPOINTS.objectStore).getAllKeys(), 'indexeddb://');
    return [...new Set(keys.map((key) => String((key as [string, string])[0])))].sort();
  } finally {
    db.close();
  }
}

/**
 * Deletes a checkpoint saved in IndexedDB (all its files); deleting one that does not exist does nothing.
 *
 * @param url - `indexeddb://name`.
 * @throws ConfigError when `url` is not an `indexeddb://` URL with a name; CheckpointError where IndexedDB is missing.
 */
export async function deleteIndexedDbCheckpoint(url: string): Promise<void> {
  const match = typeof url === 'string' ? /^indexeddb:\/\/(.+)$/i.exec(url) : null;
  if (match === null) {
    throw new ConfigError(`deleteIndexedDbCheckpoint: 'url' must be 'indexeddb://<name>', received ${describeValue(url)}.`);
  }
  const name = match[1];
  const db = await openDatabase(url);
  try {
    const transaction = db.transaction(INDEXEDDB_CHECKPOINTS.objectStore, 'readwrite');
    transaction.objectStore(INDEXEDDB_CHECKPOINTS.objectStore).delete(IDBKeyRange.bound([name, ''], [name, '\uffff']));
    await new Promise<void>((resolve, reject) => {
      transaction.oncomplete = () => resolve();
      transaction.onerror = () => reject(transaction.error);
    });
  } finally {
    db.close();
  }
}

function openDatabase(location: string): Promise<IDBDatabase> {
  const factory = (globalThis as { indexedDB?: IDBFactory }).indexedDB;
  if (factory === undefined) {
    return Promise.reject(
      new CheckpointError(`checkpoint: ${describeValue(location)} needs IndexedDB, which this environment lacks (in Node, use 'file://').`),
    );
  }
  return new Promise((resolve, reject) => {
    const opening = factory.open(INDEXEDDB_CHECKPOINTS.database, INDEXEDDB_CHECKPOINTS.version);
    opening.onupgradeneeded = () => {
      if (!opening.result.objectStoreNames.contains(INDEXEDDB_CHECKPOINTS.objectStore)) {
        opening.result.createObjectStore(INDEXEDDB_CHECKPOINTS.objectStore);
      }
    };
    opening.onsuccess = () => resolve(opening.result);
    opening.onerror = () =>
      reject(new CheckpointError(`checkpoint: cannot open IndexedDB for ${describeValue(location)}: ${opening.error?.message ?? 'unknown error'}.`, { cause: opening.error }));
    opening.onblocked = () =>
      reject(new CheckpointError(`checkpoint: IndexedDB for ${describeValue(location)} is blocked by another tab holding an older version open.`));
  });
}

function request<T>(req: IDBRequest<T>, location: string): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () =>
      reject(new CheckpointError(`checkpoint: cannot read ${describeValue(location)} from IndexedDB: ${req.error?.message ?? 'unknown error'}.`, { cause: req.error }));
  });
}

function toBytes(value: unknown): Uint8Array {
  if (value instanceof Uint8Array) return value;
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  throw new CheckpointError(`checkpoint: IndexedDB holds ${describeValue(value)} where bytes were expected.`);
}
