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
