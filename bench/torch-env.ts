import { realpathSync } from 'node:fs';

/**
 * The environment of a PyTorch baseline's process: this machine's OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE
 * slow PyTorch's BLAS, so they are removed (for the baseline's command only); the thread counts are
 * pinned to the run's.
 */
export function torchEnv(threads: number): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, OMP_NUM_THREADS: String(threads), OPENBLAS_NUM_THREADS: '1' };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  return env;
}

/**
 * Debian's PyTorch uses whichever BLAS the `libblas.so.3` alternative points to; the reference
 * implementation (libblas3 alone) makes it several times slower than with OpenBLAS, which would make
 * any race meaningless. Returns a warning to print, or undefined when an optimised BLAS is selected.
 */
export function referenceBlasWarning(): string | undefined {
  try {
    const target = realpathSync('/usr/lib/x86_64-linux-gnu/libblas.so.3');
    if (target.includes('openblas') || target.includes('blis') || target.includes('mkl')) return undefined;
    return `warning: /usr/lib/x86_64-linux-gnu/libblas.so.3 is ${target}, the reference BLAS: PyTorch will be several times slower than it should. apt-get install libopenblas0-pthread first.`;
  } catch {
    return undefined;
  }
}
