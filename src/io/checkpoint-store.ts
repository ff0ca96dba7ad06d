import { CheckpointError, ConfigError, describeValue } from '../errors.js';
import { importNodeModule } from '../util/node-module.js';

/**
 * Where a checkpoint lives: a set of named files that can be replaced atomically. In Node this is a
 * directory (`file://path` or a plain path).
 */
export interface CheckpointStore {
  /** A human-readable location for messages. */
  readonly location: string;
  /** Reads one file; resolves to null when it does not exist. */
  read(name: string): Promise<Uint8Array | null>;
  /**
   * Writes `files`, then atomically replaces the manifest with `manifest` (the commit point), then
   * removes `obsolete` files. A failure before the commit point leaves the previous checkpoint intact.
   */
  commit(files: Readonly<Record<string, Uint8Array>>, manifestName: string, manifest: Uint8Array, obsolete: readonly string[]): Promise<void>;
}

/** Opens the store for a checkpoint URL: `file://dir` or a plain directory path (Node). */
export async function openCheckpointStore(url: string): Promise<CheckpointStore> {
  if (typeof url !== 'string' || url.length === 0) {
    throw new ConfigError(`checkpoint: 'path' must be a non-empty string such as 'file://runs/mnist', received ${describeValue(url)}.`);
  }
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url)?.[1]?.toLowerCase();
  if (scheme !== undefined && scheme !== 'file') {
    throw new ConfigError(`checkpoint: unsupported location scheme '${scheme}://' in ${describeValue(url)}. Expected 'file://' or a directory path.`);
  }
  const dir = scheme === 'file' ? url.slice('file://'.length) : url;
  return fileStore(dir);
}

async function fileStore(dir: string): Promise<CheckpointStore> {
  const fs = await importNodeModule('fs/promises');
  const path = await importNodeModule('path');
  return {
    location: dir,
    async read(name) {
      try {
        return new Uint8Array(await fs.readFile(path.join(dir, name)));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return null;
        throw new CheckpointError(`checkpoint: cannot read ${describeValue(path.join(dir, name))}: ${(error as Error).message}`, { cause: error });
      }
    },
    async commit(files, manifestName, manifest, obsolete) {
      try {
        await fs.mkdir(dir, { recursive: true });
        for (const [name, bytes] of Object.entries(files)) await writeDurably(fs, path.join(dir, name), bytes);
        const tmp = path.join(dir, `${manifestName}.tmp-${process.pid}`);
        await writeDurably(fs, tmp, manifest);
        await fs.rename(tmp, path.join(dir, manifestName));
      } catch (error) {
        throw new CheckpointError(`checkpoint: cannot write to ${describeValue(dir)}: ${(error as Error).message}. The previous checkpoint, if any, is intact.`, { cause: error });
      }
      for (const name of obsolete) await fs.rm(path.join(dir, name), { force: true });
    },
  };
}

async function writeDurably(fs: typeof import('node:fs/promises'), file: string, bytes: Uint8Array): Promise<void> {
  const handle = await fs.open(file, 'w');
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
}
