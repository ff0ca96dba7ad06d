/**
 * Node file-system helpers shared by the loaders and writers. `node:fs` and `node:path` are loaded
 * by dynamic import on first use, so a browser bundle that never touches files does not pull them in.
 *
 * @packageDocumentation
 */
import { DataError, describeValue } from '../errors.js';
import { importNodeModule } from '../util/node-module.js';

type FsPromises = typeof import('node:fs/promises');
type NodePath = typeof import('node:path');

/**
 * Node's `fs/promises`, or a DataError saying that files need Node.
 *
 * @param owner - the function that needs the file system, for the message.
 * @returns the `node:fs/promises` module.
 * @throws DataError when the module cannot be loaded (e.g. in a browser).
 */
export async function nodeFs(owner: string): Promise<FsPromises> {
  try {
    return await importNodeModule('fs/promises');
  } catch (cause) {
    throw new DataError(
      `${owner}: reading and writing files needs Node's 'node:fs', which this environment lacks. ` +
        'In a browser, fetch the bytes yourself and pass them in.',
      { cause },
    );
  }
}

/**
 * Node's `path` module.
 *
 * @param owner - the function that needs it, for the message.
 * @returns the `node:path` module.
 * @throws DataError when it cannot be loaded (e.g. in a browser).
 */
export async function nodePath(owner: string): Promise<NodePath> {
  try {
    return await importNodeModule('path');
  } catch (cause) {
    throw new DataError(`${owner}: file paths need Node's 'node:path', which this environment lacks.`, { cause });
  }
}

/**
 * Reads a whole file.
 *
 * @param path - the file's path.
 * @param what - what the file is, for messages, e.g. `'imagesPath'`.
 * @param owner - the function reading it, for messages.
 * @returns the file's bytes.
 * @throws DataError naming the argument and the path when the file is missing or unreadable.
 * @example
 * ```ts
 * const bytes = await readFileBytes('digits.png', 'path', 'decode');
 * ```
 */
export async function readFileBytes(path: string, what: string, owner: string): Promise<Uint8Array> {
  if (typeof path !== 'string' || path.length === 0) {
    throw new DataError(`${owner}: '${what}' must be a file path, received ${describeValue(path)}.`);
  }
  const fs = await nodeFs(owner);
  try {
    const buffer = await fs.readFile(path);
    return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  } catch (cause) {
    const code = (cause as { code?: string }).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : String(cause);
    throw new DataError(`${owner}: cannot read '${what}' ${describeValue(path)}: ${reason}.`, { cause });
  }
}

/**
 * Writes a file atomically: the bytes go to `path + '.tmp'`, which is then renamed over `path`, so
 * a crash mid-write leaves the previous file intact. Creates missing parent directories.
 *
 * @param path - the destination file.
 * @param bytes - the content.
 * @returns when the file is in place.
 * @throws the file system's error (permissions, full disk), after removing the temporary file.
 * @example
 * ```ts
 * await writeFileAtomic('runs/mnist/step-100.png', pngBytes);
 * ```
 */
export async function writeFileAtomic(path: string, bytes: Uint8Array): Promise<void> {
  const fs = await nodeFs('writeFileAtomic');
  const { dirname } = await nodePath('writeFileAtomic');
  await fs.mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.tmp`;
  try {
    await fs.writeFile(temporary, bytes);
    await fs.rename(temporary, path);
  } catch (error) {
    await fs.rm(temporary, { force: true }).catch(() => undefined);
    throw error;
  }
}
