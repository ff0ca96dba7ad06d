/**
 * Exclusive saves: one save at a time per checkpoint, in one process (a promise chain per location)
 * and across processes (a lock file created with O_EXCL next to the manifest).
 *
 * The lock file holds the writer's pid, host name, start time and a random token. A writer that was
 * killed cannot leave it stuck: the lock is stale when its pid is dead on this host, or when it has not
 * been refreshed for `staleMs` (a live writer touches it every `heartbeatMs`). A stale lock is broken by
 * renaming it to a unique name first, so two waiting writers cannot both break it and then both write;
 * the holder checks before its commit point that the lock is still its own.
 *
 * @packageDocumentation
 */
import { CheckpointError, describeValue } from '../errors.js';
import { randomSuffix } from './checkpoint-names.js';

type FsPromises = typeof import('node:fs/promises');

/** The file-system calls the lock uses (a subset of `node:fs/promises`, replaceable in tests). */
export type LockFs = Pick<FsPromises, 'open' | 'readFile' | 'rename' | 'rm' | 'stat' | 'utimes' | 'link'>;

/** Timings of the lock file. */
export interface LockOptions {
  /** A lock not refreshed for this long is stale (its writer hung or died on another host). @defaultValue 30000 */
  readonly staleMs?: number;
  /** How often the holder refreshes the lock's time. @defaultValue 5000 */
  readonly heartbeatMs?: number;
  /** How long a save waits for another one before it fails. @defaultValue 120000 */
  readonly timeoutMs?: number;
}

/** The defaults of {@link LockOptions}. */
export const LOCK_DEFAULTS = Object.freeze({ staleMs: 30_000, heartbeatMs: 5_000, timeoutMs: 120_000 });

/** What a lock file holds. */
interface LockOwner {
  readonly pid: number;
  readonly hostname: string;
  readonly startedAt: number;
  readonly token: string;
}

/** A held lock file. */
export interface HeldLock {
  /** Whether the lock file is still this holder's (false if another writer broke it as stale). */
  stillHeld(): Promise<boolean>;
  /** Removes the lock file if it is still this holder's. */
  release(): Promise<void>;
}

const localQueues = new Map<string, Promise<unknown>>();

/**
 * Runs `task` after every task queued before it under the same `key` has finished (in this process).
 *
 * @param key - the location, e.g. a resolved directory path.
 * @param task - the work.
 * @returns what `task` returns.
 */
export function withLocalMutex<T>(key: string, task: () => Promise<T>): Promise<T> {
  const previous = localQueues.get(key) ?? Promise.resolve();
  const run = previous.then(task, task);
  const settled = run.then(
    () => undefined,
    () => undefined,
  );
  localQueues.set(key, settled);
  void settled.then(() => {
    if (localQueues.get(key) === settled) localQueues.delete(key);
  });
  return run;
}

/**
 * Takes the lock file `lockPath`, waiting for a live holder and breaking a stale one.
 *
 * @param fs - the file system.
 * @param lockPath - the lock file, e.g. `dir/gan.json.lock`.
 * @param hostname - this machine's name.
 * @param location - the checkpoint, for messages.
 * @param options - timings.
 * @returns the held lock.
 * @throws CheckpointError when another live save holds it for longer than `timeoutMs`, or it cannot be created.
 */
export async function acquireLockFile(fs: LockFs, lockPath: string, hostname: string, location: string, options: LockOptions = {}): Promise<HeldLock> {
  const { staleMs, heartbeatMs, timeoutMs } = { ...LOCK_DEFAULTS, ...options };
  const owner: LockOwner = { pid: process.pid, hostname, startedAt: Date.now(), token: randomSuffix(16) };
  const content = JSON.stringify(owner);
  const deadline = Date.now() + timeoutMs;
  let delay = 5;
  for (;;) {
    try {
      const handle = await fs.open(lockPath, 'wx');
      try {
        await handle.writeFile(content);
      } finally {
        await handle.close();
      }
      return heldLock(fs, lockPath, owner.token, heartbeatMs);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new CheckpointError(`checkpoint: cannot save to ${describeValue(location)}: cannot create its lock file ${describeValue(lockPath)}: ${(error as Error).message}.`, {
          cause: error,
        });
      }
    }
    const holder = await inspect(fs, lockPath);
    if (holder === null) continue; // released meanwhile
    if (isStale(holder, hostname, staleMs)) {
      await breakStaleLock(fs, lockPath, holder.raw);
      continue;
    }
    if (Date.now() > deadline) {
      const who = holder.owner ? `pid ${holder.owner.pid} on ${describeValue(holder.owner.hostname)}` : 'an unknown writer';
      throw new CheckpointError(
        `checkpoint: cannot save to ${describeValue(location)}: another save (${who}) has held its lock ${describeValue(lockPath)} for more than ${Math.round(timeoutMs / 1000)} s. Expected it to finish; if no save is running, remove the lock file.`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, delay * (0.5 + Math.random())));
    delay = Math.min(delay * 2, 100);
  }
}

interface LockState {
  readonly raw: string;
  readonly owner: LockOwner | undefined;
  readonly ageMs: number;
}

async function inspect(fs: LockFs, lockPath: string): Promise<LockState | null> {
  try {
    const [raw, stat] = await Promise.all([fs.readFile(lockPath, 'utf8'), fs.stat(lockPath)]);
    return { raw, owner: parseOwner(raw), ageMs: Date.now() - stat.mtimeMs };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

function parseOwner(raw: string): LockOwner | undefined {
  try {
    const value = JSON.parse(raw) as Partial<LockOwner>;
    const ok = Number.isInteger(value.pid) && typeof value.hostname === 'string' && typeof value.token === 'string';
    return ok ? (value as LockOwner) : undefined;
  } catch {
    return undefined;
  }
}

/** Stale: its pid is dead on this host, it was not refreshed for `staleMs`, or it is unreadable for a while. */
function isStale(state: LockState, hostname: string, staleMs: number): boolean {
  if (state.ageMs > staleMs) return true;
  // A lock file is written right after it is created: one without a readable owner after a second was left by a crash.
  if (state.owner === undefined) return state.ageMs > 1_000;
  return state.owner.hostname === hostname && !isAlive(state.owner.pid);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Moves a stale lock away under a unique name (only one breaker's rename can succeed), then deletes it
 * if it is the stale one that was judged; if a fresh lock was moved by mistake (it replaced the stale one
 * in between), it is put back with link(), which never replaces an existing file.
 */
async function breakStaleLock(fs: LockFs, lockPath: string, staleRaw: string): Promise<void> {
  const aside = `${lockPath}.stale-${randomSuffix(10)}`;
  try {
    await fs.rename(lockPath, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  const moved = await fs.readFile(aside, 'utf8').catch(() => staleRaw);
  if (moved !== staleRaw) await fs.link(aside, lockPath).catch(() => undefined);
  await fs.rm(aside, { force: true });
}

function heldLock(fs: LockFs, lockPath: string, token: string, heartbeatMs: number): HeldLock {
  const timer = setInterval(() => {
    const now = new Date();
    fs.utimes(lockPath, now, now).catch(() => undefined);
  }, heartbeatMs);
  (timer as { unref?: () => void }).unref?.();
  const stillHeld = async (): Promise<boolean> => {
    const raw = await fs.readFile(lockPath, 'utf8').catch(() => '');
    return parseOwner(raw)?.token === token;
  };
  return {
    stillHeld,
    async release() {
      clearInterval(timer);
      if (await stillHeld()) await fs.rm(lockPath, { force: true });
    },
  };
}
