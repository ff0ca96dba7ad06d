/**
 * Runs the differential checks of every patched kernel on random cases (fast-check properties, seeded):
 * the active wasm backend's thread count and split threshold are the caller's to set.
 */
import fc from 'fast-check';

import { KERNEL_PATCH_LIST, type PatchedKernelName } from '../../../src/backend/kernel-patches.js';
import { checkKernelCase, describeCase } from './differential.js';
import { KERNEL_CASES } from './kernel-cases.js';

/** Kernels whose cases weigh more: the convolutions and products, with the most code paths. */
const WEIGHT: Partial<Record<PatchedKernelName, number>> = { Conv2D: 3, Conv2DBackpropFilter: 3, Conv2DBackpropInput: 3, BatchMatMul: 2, _FusedMatMul: 2, Sum: 2, Mean: 2 };

/** What one fuzzing run found. */
export interface FuzzReport {
  /** Cases checked, per kernel. */
  readonly cases: Readonly<Partial<Record<PatchedKernelName, number>>>;
  /** Cases checked in all. */
  readonly total: number;
  /** One line per kernel that failed: the shrunk case and the mismatch. */
  readonly mismatches: readonly string[];
  /** Cases where tfjs's shipped wasm kernel is wrong and tfjs-gan's is right, per kernel, with one example. */
  readonly shippedDefects: Readonly<Partial<Record<PatchedKernelName, { count: number; example: string }>>>;
}

/**
 * Checks `runs` cases (split among the kernels by weight) against tfjs's cpu kernels.
 *
 * @param seed - fast-check's seed: the same seed checks the same cases.
 */
export function fuzzKernels(runs: number, seed: number, kernels: readonly PatchedKernelName[] = KERNEL_PATCH_LIST.map((patch) => patch.kernelName)): FuzzReport {
  const totalWeight = kernels.reduce((sum, kernel) => sum + (WEIGHT[kernel] ?? 1), 0);
  const cases: Partial<Record<PatchedKernelName, number>> = {};
  const mismatches: string[] = [];
  const shippedDefects: Partial<Record<PatchedKernelName, { count: number; example: string }>> = {};
  for (const kernel of kernels) {
    const numRuns = Math.max(1, Math.round((runs * (WEIGHT[kernel] ?? 1)) / totalWeight));
    let lastMismatch = '';
    const result = fc.check(
      fc.property(KERNEL_CASES[kernel], (c) => {
        const { mismatch, shippedDefect } = checkKernelCase(c);
        if (mismatch !== null) lastMismatch = mismatch;
        else if (shippedDefect !== null) {
          const found = (shippedDefects[kernel] ??= { count: 0, example: `${describeCase(c)}: ${shippedDefect}` });
          found.count++;
        }
        return mismatch === null;
      }),
      { numRuns, seed, endOnFailure: false },
    );
    cases[kernel] = result.numRuns;
    if (result.failed) {
      const example = result.counterexample?.[0];
      mismatches.push(`${kernel} after ${result.numRuns} cases (seed ${seed}, path ${result.counterexamplePath}): ${example ? describeCase(example) : '?'}: ${lastMismatch}`);
    }
  }
  const total = Object.values(cases).reduce((sum, n) => sum + (n ?? 0), 0);
  return { cases, total, mismatches, shippedDefects };
}
