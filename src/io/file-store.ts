import { CheckpointError, describeValue } from '../errors.js';
import { importNodeModule } from '../util/node-module.js';
import type { CheckpointStore } from './checkpoint-store.js';

/**
 * A checkpoint in a directory (Node): one file per checkpoint file; the manifest is replaced by a
 * rename, the atomic commit point.
 *
 * @param dir - the directory; created on the first save.
 * @returns the store.
 */
export async function fileStore(dir: string): Promise<CheckpointStore> {
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
