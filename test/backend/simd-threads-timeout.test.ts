/**
 * tfjs-gan's kernel threads never hang the calling thread: a worker that does not finish its part within
 * the bound becomes a BackendError, the workers are stopped, and later kernels run on one thread.
 */
import { describe, expect, it } from 'vitest';

import { BackendError } from '../../src/errors.js';
import { startKernelThreads } from '../../src/backend/simd/simd-threads.js';

/**
 * A module on a shared memory of one page that exports `spin(part, parts)`: part 0 returns at once, the
 * other parts loop until the first int32 of the memory is non-zero (so the test can release them).
 */
const SPIN_MODULE = Uint8Array.from([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version
  0x01, 0x06, 0x01, 0x60, 0x02, 0x7f, 0x7f, 0x00, // types: (i32, i32) -> ()
  0x02, 0x10, 0x01, 0x03, 0x65, 0x6e, 0x76, 0x06, 0x6d, 0x65, 0x6d, 0x6f, 0x72, 0x79, 0x02, 0x03, 0x01, 0x01, // import env.memory, shared, 1 page
  0x03, 0x02, 0x01, 0x00, // one function of type 0
  0x07, 0x08, 0x01, 0x04, 0x73, 0x70, 0x69, 0x6e, 0x00, 0x00, // export "spin"
  0x0a, 0x19, 0x01, 0x17, 0x00, // code: one body of 23 bytes, no locals
  0x02, 0x40, 0x03, 0x40, // block, loop
  0x20, 0x00, 0x45, 0x0d, 0x01, // part == 0: leave
  0x41, 0x00, 0xfe, 0x10, 0x02, 0x00, 0x0d, 0x01, // atomic load of [0] != 0: leave
  0x0c, 0x00, 0x0b, 0x0b, 0x0b, // again; end loop, block, function
]);

describe('kernel threads', () => {
  it('turn a worker that does not finish in time into a BackendError and go on with one thread', async () => {
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
    const module = new WebAssembly.Module(SPIN_MODULE);
    const local = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as Record<string, (...args: number[]) => unknown>;
    const threads = await startKernelThreads(memory, module, local, ['spin'], 2, { timeoutMs: 300 });
    const flag = new Int32Array(memory.buffer, 0, 1);
    try {
      expect(threads.parts).toBe(2);
      const started = Date.now();
      let error: unknown;
      try {
        threads.run('spin', []);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(BackendError);
      expect((error as Error).message).toMatch(/did not finish spin within 0\.3 s; the workers are stopped/);
      expect(Date.now() - started).toBeLessThan(10_000);
      // The kernels that split their work now run whole on the calling thread.
      expect(threads.parts).toBe(1);
      expect(() => threads.run('spin', [])).toThrow(/stopped after a worker did not finish/);
    } finally {
      Atomics.store(flag, 0, 1); // release the worker if it still runs
    }
  });
});
