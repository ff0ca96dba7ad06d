/**
 * The two builds of tfjs-gan's wasm kernels: relaxed SIMD (fused multiply-add in the GEMM tile), which
 * 'auto' runs where the engine has it and it measures faster, and SIMD128. Each build runs in a child process (a process binds one build to its
 * wasm heap) on random shapes and 1 and 2 threads, against the cpu backend within the bound that
 * fixtures/simd-build-check.ts states.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';

import { relaxedSimdSupported, useBackend, wasmSimdInUse } from '../../src/backend/index.js';
import { BackendError, ConfigError } from '../../src/errors.js';

const script = fileURLToPath(new URL('./fixtures/simd-build-check.ts', import.meta.url));
const tsx = new URL('../../node_modules/tsx/dist/esm/index.mjs', import.meta.url).href;
const major = Number(process.versions.node.split('.')[0]);
const RELAXED_FLAG = '--experimental-wasm-relaxed-simd';
/** Whether this process was started with V8's relaxed-SIMD flag (Node 20). */
const flagged = process.execArgv.includes(RELAXED_FLAG);
/** Whether the CPU has fused multiply-add, so that relaxed_madd rounds once (V8 uses a multiply and an add without it). */
const cpuHasFma = (() => {
  try {
    return /\bfma\b/.test(readFileSync('/proc/cpuinfo', 'utf8'));
  } catch {
    return false;
  }
})();

interface CheckResult {
  build: string;
  threads: number;
  worst: number;
  checksum: number;
}

function check(build: 'relaxed' | 'simd128', threads: number): CheckResult {
  // Node 20 has relaxed SIMD behind a V8 flag, which node takes on its command line (not in NODE_OPTIONS);
  // tsx is loaded with --import so that the script runs in this same node process, with the flag.
  const flags = build === 'relaxed' && major < 22 ? [RELAXED_FLAG] : [];
  const run = spawnSync(process.execPath, [...flags, '--import', tsx, script, String(threads), '11'], {
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, TFJS_GAN_WASM_SIMD: build, TFJS_GAN_WASM_THREADS: '' },
  });
  expect(run.error, 'the check did not finish within 120 s').toBeUndefined();
  expect(run.status, run.stderr).toBe(0);
  const line = run.stdout.split('\n').find((l) => l.startsWith('{'));
  expect(line, run.stdout).toBeDefined();
  return JSON.parse(line as string) as CheckResult;
}

describe('the builds of tfjs-gan wasm kernels', () => {
  it('detects relaxed SIMD as the engine has it: Node 22 and later, Node 20 with the V8 flag', () => {
    expect(relaxedSimdSupported()).toBe(major >= 22 || flagged);
  });

  it("runs SIMD128 where the engine lacks relaxed SIMD, and 'auto' keeps one build for the process", async () => {
    await useBackend('wasm');
    const build = wasmSimdInUse();
    if (process.env.TFJS_GAN_WASM_SIMD === 'simd128' || !relaxedSimdSupported()) expect(build).toBe('simd128');
    else expect(['relaxed', 'simd128']).toContain(build);
    await useBackend('wasm');
    expect(wasmSimdInUse()).toBe(build);
  });

  it('refuses a build name it does not know and the option on other backends', async () => {
    await expect(useBackend('wasm', { simd: 'fma' as never })).rejects.toThrow(ConfigError);
    await expect(useBackend('wasm', { simd: 'fma' as never })).rejects.toThrow(/'simd' must be 'auto', 'relaxed', 'simd128', received "fma"/);
    await expect(useBackend('cpu', { simd: 'relaxed' })).rejects.toThrow(/option 'simd' applies to 'wasm' only/);
    if (!relaxedSimdSupported()) {
      await expect(useBackend('wasm', { simd: 'relaxed' })).rejects.toThrow(BackendError);
      await expect(useBackend('wasm', { simd: 'relaxed' })).rejects.toThrow(/node --experimental-wasm-relaxed-simd/);
    }
    expect(tf.getBackend()).toBeDefined();
  });

  it('matches the cpu backend within the stated bound in both builds, on 1 and 2 threads', () => {
    const simd128 = [check('simd128', 1), check('simd128', 2)];
    const relaxed = [check('relaxed', 1), check('relaxed', 2)];
    for (const r of simd128) expect(r.build).toBe('simd128');
    for (const r of relaxed) expect(r.build).toBe('relaxed');
    for (const r of [...simd128, ...relaxed]) expect(r.worst, JSON.stringify(r)).toBeLessThanOrEqual(1);
    // Threads split the work, never the sums: the same build gives the same bits on 1 and 2 threads.
    expect(simd128[1].checksum).toBe(simd128[0].checksum);
    expect(relaxed[1].checksum).toBe(relaxed[0].checksum);
    // With fused multiply-add the products round once, so the bits differ from SIMD128's (Node 20 with
    // the flag fuses too).
    if (cpuHasFma) expect(relaxed[0].checksum).not.toBe(simd128[0].checksum);
  }, 300_000);
});
