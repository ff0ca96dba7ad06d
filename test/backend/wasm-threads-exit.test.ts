/**
 * A Node script that used the threaded wasm build exits when it ends. XNNPACK's pool threads live for the
 * whole process, and Emscripten keeps a worker referenced while a thread runs on it: without tfjs-gan's
 * release of the pool's workers, such a script trains and then never exits.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const script = fileURLToPath(new URL('./fixtures/threaded-script.ts', import.meta.url));
const tsx = fileURLToPath(new URL('../../node_modules/tsx/dist/cli.mjs', import.meta.url));

describe('the threaded wasm build in a Node script', () => {
  it('lets the process exit once the script ends', () => {
    const run = spawnSync(process.execPath, [tsx, script], {
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, TFJS_GAN_WASM_THREADS: '' },
    });
    expect(run.error, 'the script did not exit within 60 s').toBeUndefined();
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('threads 2');
  }, 90_000);
});
