/**
 * The directory of the disk cache of reference features (Node): one per user under the temporary
 * directory, created private (0700), and refused when another user owns it or others can write to it,
 * so that no other account can plant features that a metric would then trust. Internal.
 *
 * @packageDocumentation
 */
import { importNodeModule } from '../util/node-module.js';

/** The default cache directory's name under `os.tmpdir()`, followed by `-<uid>` (or `-<user name>` on Windows). */
export const CACHE_DIR_PREFIX = 'tfjs-gan-cache';

/** The current user's id where the platform has one (POSIX), else undefined (Windows). */
function currentUid(): number | undefined {
  return typeof process.getuid === 'function' ? process.getuid() : undefined;
}

/** The default per-user cache directory: `<os.tmpdir()>/tfjs-gan-cache-<uid>` (`-<user name>` on Windows). */
export async function defaultCacheDir(): Promise<string> {
  const os = await importNodeModule('os');
  const path = await importNodeModule('path');
  const uid = currentUid();
  let user: string;
  if (uid !== undefined) user = String(uid);
  else {
    try {
      user = os.userInfo().username.replace(/[^A-Za-z0-9._-]+/g, '_') || 'user';
    } catch {
      user = 'user';
    }
  }
  return path.join(os.tmpdir(), `${CACHE_DIR_PREFIX}-${user}`);
}

/**
 * Makes sure that `dir` is a directory that only the current user can write: creates it (0700) when
 * missing, and refuses a symbolic link, a directory another user owns, or one that others can write to.
 * The default directory's read bits for others are removed (0700).
 *
 * @param dir - the cache directory.
 * @param isDefault - whether it is the default per-user directory (created alone, 0700; a given directory's parents are created too).
 * @returns undefined when the directory can be used, else the reason it cannot (for a warning).
 */
export async function prepareCacheDir(dir: string, isDefault: boolean): Promise<string | undefined> {
  const fs = await importNodeModule('fs/promises');
  let stats: import('node:fs').Stats;
  try {
    stats = await fs.lstat(dir);
  } catch (cause) {
    if ((cause as { code?: string }).code !== 'ENOENT') return `it cannot be read (${String(cause)})`;
    try {
      await fs.mkdir(dir, { recursive: !isDefault, mode: 0o700 });
    } catch (error) {
      if ((error as { code?: string }).code !== 'EEXIST') return `it cannot be created (${String(error)})`;
    }
    try {
      stats = await fs.lstat(dir);
    } catch (error) {
      return `it cannot be read (${String(error)})`;
    }
  }
  if (stats.isSymbolicLink()) return 'it is a symbolic link';
  if (!stats.isDirectory()) return 'it is not a directory';
  const uid = currentUid();
  if (uid === undefined) return undefined; // Windows: the temp directory is per user already.
  if (stats.uid !== uid) return `it is owned by user id ${stats.uid}, not by this user (${uid})`;
  // Files planted while others could write here would pass their checksums: such a directory is not used.
  if ((stats.mode & 0o022) !== 0) return `others can write to it (mode ${(stats.mode & 0o777).toString(8)})`;
  if (isDefault && (stats.mode & 0o077) !== 0) await fs.chmod(dir, 0o700).catch(() => undefined);
  return undefined;
}

/**
 * Whether a cache file may be read: a regular file (not a link) owned by the current user.
 * @returns undefined when it may, else the reason.
 */
export function checkCacheFile(stats: import('node:fs').Stats): string | undefined {
  if (!stats.isFile()) return 'it is not a regular file';
  const uid = currentUid();
  if (uid !== undefined && stats.uid !== uid) return `it is owned by user id ${stats.uid}, not by this user (${uid})`;
  return undefined;
}
