import { CheckpointError, describeValue } from '../errors.js';
import type { CheckpointStore } from './checkpoint-store.js';

/**
 * A write-only checkpoint store that hands the files to the browser as downloads (a page, not a
 * worker), under their own names (`gan.json` and `weights-*.bin`): put them in one folder and it is a
 * `file://` checkpoint for Node; load them in a page with
 * `Trainer.load(memoryStore(await filesFromBlobs(input.files)))`.
 *
 * @param name - a label for messages (`downloads://name`).
 * @returns the store; `read` always resolves to null.
 */
export async function downloadStore(name: string): Promise<CheckpointStore> {
  const location = `downloads://${name}`;
  return {
    location,
    async read() {
      return null;
    },
    async commit(files, manifestName, manifest) {
      if (typeof document === 'undefined') {
        throw new CheckpointError(`checkpoint: ${describeValue(location)} needs a page with a document; in a worker, send the files to the page, or use 'indexeddb://'.`);
      }
      for (const [file, bytes] of [...Object.entries(files), [manifestName, manifest] as const]) {
        const url = URL.createObjectURL(new Blob([bytes.slice()], { type: file.endsWith('.json') ? 'application/json' : 'application/octet-stream' }));
        const anchor = document.createElement('a');
        anchor.href = url;
        anchor.download = file;
        anchor.style.display = 'none';
        document.body.appendChild(anchor);
        anchor.click();
        anchor.remove();
        // Give the browser time to start the download before the URL goes.
        setTimeout(() => URL.revokeObjectURL(url), 10_000);
      }
    },
  };
}
