/**
 * The kernel fuzz suite as it runs in `npm test`, once per thread count (each in its own test file, so in
 * its own process: the wasm backend's thread count is fixed once it starts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { useBackend } from '../../../src/backend/index.js';
import { setSimdSplitThreshold } from '../../../src/backend/simd/simd-module.js';
import { fuzzKernels } from './fuzz-kernels.js';

/**
 * Checks `runs` random cases of every patched kernel on wasm with `threads` threads against tfjs's cpu
 * kernels. With more than one thread every kernel is split among the threads, however small.
 */
export function defineKernelFuzz(threads: number, runs: number, seed: number): void {
  describe(`patched kernels on wasm with ${threads} thread${threads > 1 ? 's' : ''}, against tfjs's cpu kernels`, () => {
    let threshold: number | undefined;
    beforeAll(async () => {
      await useBackend('cpu');
      await useBackend('wasm', { threads });
      if (threads > 1) threshold = setSimdSplitThreshold(0);
    });
    afterAll(() => {
      if (threshold !== undefined) setSimdSplitThreshold(threshold);
    });

    it(`agree on ${runs} random cases (seed ${seed})`, () => {
      const report = fuzzKernels(runs, seed);
      expect(report.mismatches).toEqual([]);
      expect(report.total).toBeGreaterThanOrEqual(runs - 15);
    });
  });
}
