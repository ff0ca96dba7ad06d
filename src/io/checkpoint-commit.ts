/**
 * Committing a checkpoint to a store: the one path that `saveTrainer` and `importCheckpoint` take, so
 * both are exclusive, keep the previous checkpoint until the new one is in place, move an unreadable
 * manifest aside instead of failing, and remove what failed or killed saves left behind.
 *
 * @packageDocumentation
 */
import { CheckpointError, describeValue } from '../errors.js';
import { withLocalMutex } from './checkpoint-lock.js';
import { parseManifest } from './checkpoint-manifest.js';
import { MANIFEST_NAME, checkFileName, corruptManifestName, isTemporaryFileName, isWeightsFileName } from './checkpoint-names.js';
import type { CheckpointStore } from './checkpoint-store.js';

/**
 * Writes a checkpoint (its weights file and manifest) to `store`, replacing the one there.
 *
 * Under the store's exclusive lock: reads the current manifest (moving it aside as
 * `gan.json.corrupt-<time>` when it cannot be read, so that a damaged manifest never blocks saves),
 * removes orphans (weights files that the current manifest does not name, temporary files) where the
 * store can list its files, writes the new weights, replaces the manifest atomically, and only then
 * removes the previous weights file: a reader that read the previous manifest finds its weights until
 * the new manifest is in place.
 *
 * @param store - where to write.
 * @param weightsFile - the new weights file's name (a plain file name).
 * @param weights - its bytes.
 * @param manifest - the bytes of the new `gan.json`, which names `weightsFile`.
 * @throws CheckpointError when it cannot be written; the previous checkpoint is then intact.
 */
export async function commitCheckpoint(store: CheckpointStore, weightsFile: string, weights: Uint8Array, manifest: Uint8Array): Promise<void> {
  checkFileName(weightsFile, 'weightsFile', store.location);
  const task = async (): Promise<void> => {
    const files: Record<string, Uint8Array> = {};
    const existing = await store.read(weightsFile);
    if (existing === null) files[weightsFile] = weights;
    else if (!sameBytes(existing, weights)) {
      throw new CheckpointError(
        `checkpoint: cannot write to ${describeValue(store.location)}: it already holds a different file named ${describeValue(weightsFile)}. The previous checkpoint, if any, is intact.`,
      );
    }
    const previousBytes = await store.read(MANIFEST_NAME);
    let live: string | undefined;
    let movedAside = false;
    if (previousBytes !== null) {
      try {
        live = parseManifest(store.location, previousBytes).weightsFile;
      } catch (error) {
        if (!(error instanceof CheckpointError)) throw error;
        files[corruptManifestName()] = previousBytes;
        movedAside = true;
      }
    }
    if (store.list !== undefined && store.remove !== undefined) {
      // Inside the lock no other save is writing: every weights file that no manifest names and every
      // temporary file is left by a save that failed or was killed. Removed first, to free the space.
      // After moving an unreadable manifest aside, the weights it may name are kept until the next save.
      const orphans = (await store.list()).filter(
        (name) => name !== live && name !== weightsFile && (isTemporaryFileName(name) || (!movedAside && isWeightsFileName(name))),
      );
      if (orphans.length > 0) await store.remove(orphans);
    }
    await store.commit(files, MANIFEST_NAME, manifest, live !== undefined && live !== weightsFile ? [live] : []);
  };
  await (store.exclusive !== undefined ? store.exclusive(task) : withLocalMutex(`store:${store.location}`, task));
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
