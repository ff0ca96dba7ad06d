/**
 * Saves that overlap (in one process and across processes), readers during saves, and writers that are
 * killed or leave their lock behind: the directory must always hold a loadable checkpoint.
 *
 * The two-process test runs CHECKPOINT_ROUNDS saves per process (default 40); the full check is
 *   CHECKPOINT_ROUNDS=400 npx vitest run test/io/checkpoint-concurrency.test.ts
 */
import * as tf from '@tensorflow/tfjs';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CheckpointError } from '../../src/errors.js';
import { exportCheckpoint, readCheckpointManifest } from '../../src/io/checkpoint.js';
import { fileStore } from '../../src/io/file-store.js';
import { Discriminator, Generator } from '../../src/nets/index.js';
import { Trainer } from '../../src/train/trainer.js';
import { disposeAll } from '../helpers/trainers.js';

const root = mkdtempSync(join(tmpdir(), 'tfjs-gan-concurrent-'));
let counter = 0;
const freshDir = (): string => join(root, `run-${counter++}`);
const ROUNDS = Number(process.env.CHECKPOINT_ROUNDS ?? 40);
const SAVE_LOOP = join(import.meta.dirname, 'fixtures', 'save-loop.ts');
const REPO = join(import.meta.dirname, '..', '..');
const children = new Set<ChildProcess>();

function mlpTrainer(seed: number): Trainer {
  const generator = Generator.mlp({ outputShape: [2], hiddenUnits: [8], seed });
  const discriminator = Discriminator.mlp({ inputShape: [2], hiddenUnits: [8], seed: seed + 1 });
  return new Trainer({ generator, discriminator, seed });
}

/** Loads the checkpoint (whole trainer) and frees it; its step. */
async function loadStep(dir: string): Promise<number> {
  const loaded = await Trainer.load(dir);
  const step = loaded.step;
  disposeAll(loaded);
  return step;
}

/** The directory holds one manifest, one weights file, and no temporary, lock or orphan file. */
function expectTidy(dir: string): void {
  const files = readdirSync(dir).sort();
  expect(files.filter((name) => name.endsWith('.bin'))).toHaveLength(1);
  expect(files.filter((name) => name !== 'gan.json' && !name.endsWith('.bin'))).toEqual([]);
}

function runChild(args: string[]): { child: ChildProcess; done: Promise<{ code: number | null; stdout: string; stderr: string }> } {
  // node itself with tsx's loader (not the tsx command, which runs node as a grandchild that a kill would miss).
  const child = spawn(process.execPath, ['--import', 'tsx', SAVE_LOOP, ...args], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  child.on('exit', () => children.delete(child));
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk) => (stdout += chunk));
  child.stderr?.on('data', (chunk) => (stderr += chunk));
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
  return { child, done };
}

describe('concurrent checkpoint saves', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });
  afterAll(() => {
    for (const child of children) child.kill('SIGKILL');
    rmSync(root, { recursive: true, force: true });
  });

  it('two saves at once in one process, 50 rounds: both succeed and the directory always loads', async () => {
    const dir = freshDir();
    const [a, b] = [mlpTrainer(1), mlpTrainer(2)];
    for (let round = 0; round < 50; round++) {
      a.restoreStep(2 * round);
      b.restoreStep(2 * round + 1);
      const results = await Promise.allSettled([a.save(dir), b.save(dir)]);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled']);
      // The saves run one after the other, in the order they were called.
      expect(await loadStep(dir)).toBe(2 * round + 1);
    }
    expectTidy(dir);
    disposeAll(a, b);
  });

  it('a reader during 100 saves always sees a complete checkpoint', async () => {
    const dir = freshDir();
    const trainer = mlpTrainer(3);
    await trainer.save(dir);
    let saving = true;
    const failures: string[] = [];
    let reads = 0;
    const reader = (async () => {
      while (saving) {
        try {
          const files = await exportCheckpoint(dir);
          expect(Object.keys(files)).toHaveLength(2);
          if (reads % 25 === 0) await loadStep(dir);
          reads++;
        } catch (error) {
          failures.push((error as Error).message);
        }
      }
    })();
    for (let i = 1; i <= 100; i++) {
      trainer.restoreStep(i);
      await trainer.save(dir);
    }
    saving = false;
    await reader;
    expect(failures).toEqual([]);
    expect(reads).toBeGreaterThan(10);
    expect((await readCheckpointManifest(dir)).step).toBe(100);
    expectTidy(dir);
    disposeAll(trainer);
  });

  it(`two processes saving ${ROUNDS} times each into one directory: it loads after every save`, async () => {
    const dir = freshDir();
    const runs = [runChild([dir, String(ROUNDS), '1']), runChild([dir, String(ROUNDS), '2'])];
    const results = await Promise.all(runs.map((run) => run.done));
    for (const { code, stdout, stderr } of results) {
      expect(code, stderr).toBe(0);
      const report = JSON.parse(stdout.trim().split('\n').at(-1) as string) as { saves: number; reads: number; failures: string[] };
      expect(report.failures).toEqual([]);
      expect(report.saves).toBe(ROUNDS);
      expect(report.reads).toBe(ROUNDS);
    }
    const step = await loadStep(dir);
    expect([100_000 + ROUNDS - 1, 200_000 + ROUNDS - 1]).toContain(step);
    expectTidy(dir);
  }, 600_000);

  it('a writer killed mid-save (kill -9) leaves neither a stuck lock nor files that the next save keeps', async () => {
    const dir = freshDir();
    const trainer = mlpTrainer(4);
    await trainer.save(dir);
    for (let kill = 0; kill < 4; kill++) {
      const { child, done } = runChild([dir, '0', String(5 + kill), '--loop-forever']);
      // Let it start and save for a while (tsx and tfjs take ~2 s to start), then kill it mid-loop.
      await new Promise((resolve) => setTimeout(resolve, 2500 + 150 * kill));
      child.kill('SIGKILL');
      await done;
      // Whatever it was doing, the previous or its latest checkpoint loads...
      await loadStep(dir);
      // ...and the next save neither waits for its lock nor keeps what it left.
      trainer.restoreStep(kill + 1);
      const started = Date.now();
      await trainer.save(dir);
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(await loadStep(dir)).toBe(kill + 1);
      expectTidy(dir);
    }
    disposeAll(trainer);
  }, 120_000);
});

describe('the save lock', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it("breaks a lock whose writer is dead (this host) or that was not refreshed; waits for a live one and says whose it is", async () => {
    const trainer = mlpTrainer(5);
    const lockOf = (dir: string): string => join(dir, 'gan.json.lock');
    const deadPid = await new Promise<number>((resolve) => {
      const child = spawn(process.execPath, ['-e', '0']);
      child.on('exit', () => resolve(child.pid as number));
    });

    const dead = freshDir();
    await trainer.save(dead);
    writeFileSync(lockOf(dead), JSON.stringify({ pid: deadPid, hostname: hostname(), startedAt: Date.now(), token: 'dead' }));
    await trainer.save(dead);
    expect(existsSync(lockOf(dead))).toBe(false);

    // A live process (the test runner's parent) holds a fresh lock: the save waits, then fails, naming it.
    const live = freshDir();
    await trainer.save(live);
    writeFileSync(lockOf(live), JSON.stringify({ pid: process.ppid, hostname: hostname(), startedAt: Date.now(), token: 'live' }));
    const store = await fileStore(live, { lock: { timeoutMs: 300 } });
    await expect(trainer.save(store)).rejects.toThrow(CheckpointError);
    await expect(trainer.save(store)).rejects.toThrow(new RegExp(`another save \\(pid ${process.ppid} on "${hostname()}"\\) has held its lock`));
    // The same lock, not refreshed for longer than staleMs (a hung writer, or one on another host), is broken.
    const old = new Date(Date.now() - 60_000);
    utimesSync(lockOf(live), old, old);
    trainer.restoreStep(7);
    await trainer.save(store);
    expect((await readCheckpointManifest(live)).step).toBe(7);
    expect(existsSync(lockOf(live))).toBe(false);
    // A lock file on another host is never judged by its pid, only by its age.
    writeFileSync(lockOf(live), JSON.stringify({ pid: deadPid, hostname: `not-${hostname()}`, startedAt: Date.now(), token: 'remote' }));
    await expect(trainer.save(store)).rejects.toThrow(/another save .* has held its lock/);
    rmSync(lockOf(live));
    disposeAll(trainer);
  });
});
