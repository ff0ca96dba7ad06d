/**
 * The built package (dist/) for the tests that use it (test/consumer, test/bundle): built when missing or
 * older than the sources, so that a test never checks yesterday's build, and built by one test file at a
 * time (tsup's `clean` empties dist/ first, which would break a file that is reading it). CI builds
 * before testing, so there the build is reused.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** The repository root. */
export const REPO = resolve(__dirname, '../..');

/** What `npm run build` writes that the tests read. */
const OUTPUTS = ['index.js', 'index.cjs', 'index.d.ts', 'index.d.cts', 'cli.js'].map((file) => join(REPO, 'dist', file));
/** What the build reads besides src/. */
const INPUTS = ['package.json', 'tsup.config.ts', 'tsconfig.json'].map((file) => join(REPO, file));
const LOCK = join(REPO, 'node_modules', '.cache', 'tfjs-gan-build.lock');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** Whether dist/ is missing a file or older than a source. */
export function distIsStale(): boolean {
  if (!OUTPUTS.every((file) => existsSync(file))) return true;
  const built = Math.min(...OUTPUTS.map((file) => statSync(file).mtimeMs));
  const sources = Math.max(newestMtime(join(REPO, 'src')), ...INPUTS.map((file) => statSync(file).mtimeMs));
  return sources > built;
}

function lockHolderAlive(): boolean {
  try {
    process.kill(Number(readFileSync(join(LOCK, 'pid'), 'utf8')), 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Builds the package (`npm run build`) when dist/ is stale; waits while another test process builds it.
 * @throws when the build fails, or another process holds the build lock for more than `timeoutMs`.
 */
export async function ensureBuilt(timeoutMs = 280_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  mkdirSync(join(LOCK, '..'), { recursive: true });
  for (;;) {
    if (existsSync(LOCK)) {
      // Another test process is building (dist/ is incomplete meanwhile); a lock whose process died goes.
      if (existsSync(join(LOCK, 'pid')) && !lockHolderAlive()) rmSync(LOCK, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`ensureBuilt: ${LOCK} is still held; remove it if no build is running.`);
      await sleep(1000);
      continue;
    }
    if (!distIsStale()) return;
    try {
      mkdirSync(LOCK);
    } catch {
      continue; // another process took it first
    }
    try {
      writeFileSync(join(LOCK, 'pid'), String(process.pid));
      if (distIsStale()) {
        // On a failure the error's message has tsup's output.
        execFileSync('npm', ['run', 'build'], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20, timeout: timeoutMs });
      }
      return;
    } finally {
      rmSync(LOCK, { recursive: true, force: true });
    }
  }
}
