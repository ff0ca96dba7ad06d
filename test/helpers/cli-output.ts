import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeEach, vi } from 'vitest';

/** What the CLI wrote to stdout and stderr during the current test (reset before each test). */
export interface CliOutput {
  out: string;
  err: string;
}

/**
 * For the tests of the enclosing `describe`: captures `process.stdout` and `process.stderr` writes into
 * the returned object, and after each test restores the mocks and disposes the variables the CLI made.
 */
export function captureCliOutput(): CliOutput {
  const output: CliOutput = { out: '', err: '' };
  beforeEach(() => {
    output.out = '';
    output.err = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((output.out += String(chunk)), true));
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((output.err += String(chunk)), true));
  });
  afterEach(() => {
    vi.restoreAllMocks();
    tf.disposeVariables();
  });
  return output;
}
