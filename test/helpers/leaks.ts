import * as tf from '@tensorflow/tfjs';
import { expect } from 'vitest';

/**
 * Runs `step` `warmup` times, then `repeats` more times, and asserts that the number of live tensors
 * did not change after the warm-up: the step is leak-free.
 */
export async function expectLeakFree(step: () => unknown | Promise<unknown>, warmup = 2, repeats = 3): Promise<void> {
  for (let i = 0; i < warmup; i++) await step();
  const before = tf.memory().numTensors;
  for (let i = 0; i < repeats; i++) {
    await step();
    expect(tf.memory().numTensors).toBe(before);
  }
}
