/**
 * Backends: choosing and loading one, the kernel patches that make convolution training fast on `wasm`
 * and `cpu`, and the gradients of gradients that penalties need. (The preflight that checks a training
 * configuration against the active backend is in src/train: it runs the training step's objectives.)
 *
 * @packageDocumentation
 */
export { BACKEND_NAMES, type BackendName, isBackendName } from './backend-name.js';
export { BACKEND_PACKAGES } from './backend-packages.js';
export { type UseBackendOptions, useBackend } from './use-backend.js';
export { MAX_WASM_THREADS, WASM_THREADS_ENV, type WasmThreads, wasmThreadsInUse } from './wasm-threads.js';
export { defaultBackend, useDefaultBackend } from './default-backend.js';
export { WASM_SIMD_ENV, type WasmSimd, type WasmSimdBuild, relaxedSimdSupported, wasmSimdInUse } from './wasm-simd.js';
export { type BackendMeasurement, type MeasureBackendsOptions, measureBackends } from './measure-backends.js';
export {
  KERNEL_PATCHES,
  type PatchedKernelName,
  applyKernelPatches,
  getShippedKernel,
  patchedKernels,
  revertKernelPatches,
} from './kernel-patches.js';
export {
  SECOND_ORDER_GRADIENT_KERNELS,
  activeSecondOrderGradients,
  registerSecondOrderGradients,
  revertSecondOrderGradients,
} from './gradients/index.js';
