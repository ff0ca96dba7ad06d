import { CheckpointError, describeValue } from '../errors.js';
import { importNodeModule } from '../util/node-module.js';
import type { CheckpointStore } from './checkpoint-store.js';
import { type HeldLock, type LockFs, type LockOptions, acquireLockFile, withLocalMutex } from './checkpoint-lock.js';
import { MANIFEST_NAME, checkFileName, newTemporaryManifestName } from './checkpoint-names.js';

type FsPromises = typeof import('node:fs/promises');

/** The file-system calls a file store makes (a subset of `node:fs/promises`). */
export type FileStoreFs = LockFs & Pick<FsPromises, 'mkdir' | 'readdir'>;

/** Internal options of {@link fileStore}: a file system to use instead of Node's (tests inject faults) and lock timings. */
export interface FileStoreOptions {
  readonly fs?: FileStoreFs;
  readonly lock?: LockOptions;
}

/**
 * A checkpoint in a directory (Node): one file per checkpoint file. A commit writes the new files under
 * names no other save uses, then renames a complete temporary manifest over `gan.json` (the atomic
 * commit point), then removes the old weights. Saves to one directory are exclusive: in this process
 * through a queue, across processes through the lock file `gan.json.lock` (see checkpoint-lock.ts).
 * A commit that fails removes what it wrote. Every file name is checked to be a plain name inside the
 * directory.
 *
 * @param dir - the directory; created on the first save.
 * @param options - internal: a replacement file system and lock timings.
 * @returns the store.
 */
export async function fileStore(dir: string, options: FileStoreOptions = {}): Promise<CheckpointStore> {
  const fs: FileStoreFs = options.fs ?? (await importNodeModule('fs/promises'));
  const path = await importNodeModule('path');
  const os = await importNodeModule('os');
  const fileOf = (name: string, field: string): string => path.join(dir, checkFileName(name, field, dir));
  let held: HeldLock | undefined;
  return {
    location: dir,
    async read(name) {
      const file = fileOf(name, 'file name');
      try {
        return new Uint8Array(await fs.readFile(file));
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' || code === 'ENOTDIR') return null;
        throw new CheckpointError(`checkpoint: cannot read ${describeValue(file)}: ${(error as Error).message}`, { cause: error });
      }
    },
    async list() {
      try {
        return await fs.readdir(dir);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw new CheckpointError(`checkpoint: cannot list ${describeValue(dir)}: ${(error as Error).message}`, { cause: error });
      }
    },
    async remove(names) {
      for (const name of names) await fs.rm(fileOf(name, 'file to remove'), { force: true }).catch(() => undefined);
    },
    async exclusive(task) {
      return withLocalMutex(path.resolve(dir), async () => {
        try {
          await fs.mkdir(dir, { recursive: true });
        } catch (error) {
          throw new CheckpointError(`checkpoint: cannot write to ${describeValue(dir)}: ${(error as Error).message}. The previous checkpoint, if any, is intact.`, { cause: error });
        }
        const lock = await acquireLockFile(fs, path.join(dir, `${MANIFEST_NAME}.lock`), os.hostname(), dir, options.lock);
        held = lock;
        try {
          return await task();
        } finally {
          held = undefined;
          await lock.release();
        }
      });
    },
    async commit(files, manifestName, manifest, obsolete) {
      const targets = Object.keys(files).map((name) => [name, fileOf(name, 'file name')] as const);
      const manifestFile = fileOf(manifestName, 'manifestName');
      const obsoleteFiles = obsolete.filter((name) => !(name in files)).map((name) => fileOf(name, 'obsolete file'));
      const temporary = path.join(dir, newTemporaryManifestName());
      const written: string[] = [];
      try {
        await fs.mkdir(dir, { recursive: true });
        for (const [name, file] of targets) await writeDurably(fs, file, files[name], written);
        await writeDurably(fs, temporary, manifest, written);
        if (held !== undefined && !(await held.stillHeld())) {
          throw new Error(`another save took over the lock ${describeValue(path.join(dir, `${MANIFEST_NAME}.lock`))} (it judged this save stale)`);
        }
        await fs.rename(temporary, manifestFile);
      } catch (error) {
        // Nothing written so far is named by a manifest: remove it all, so a full disk is not left fuller.
        await Promise.all(written.map((file) => fs.rm(file, { force: true }).catch(() => undefined)));
        throw new CheckpointError(`checkpoint: cannot write to ${describeValue(dir)}: ${(error as Error).message}. The previous checkpoint, if any, is intact.`, { cause: error });
      }
      await syncDirectory(fs, dir);
      for (const file of obsoleteFiles) await fs.rm(file, { force: true }).catch(() => undefined);
    },
  };
}

/**
 * Writes a new file (never replacing one: every name a save writes is fresh) and flushes it to disk;
 * once created, the file is added to `written` (to be removed if the commit fails).
 */
async function writeDurably(fs: Pick<FsPromises, 'open'>, file: string, bytes: Uint8Array, written: string[]): Promise<void> {
  const handle = await fs.open(file, 'wx');
  written.push(file);
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Flushes the directory entry of the rename where the platform allows it (not on Windows). */
async function syncDirectory(fs: Pick<FsPromises, 'open'>, dir: string): Promise<void> {
  try {
    const handle = await fs.open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Best effort: the rename is atomic either way; only its durability across a power loss depends on this.
  }
}
