/**
 * Backends: choosing and loading one, and the kernel patches that make convolution training fast on
 * `wasm` and `cpu`.
 *
 * @packageDocumentation
 */
export { BACKEND_NAMES, type BackendName, isBackendName } from './backend-name.js';
export { BACKEND_PACKAGES } from './backend-packages.js';
export { useBackend } from './use-backend.js';
export { defaultBackend, useDefaultBackend } from './default-backend.js';
export {
  KERNEL_PATCHES,
  type PatchedKernelName,
  applyKernelPatches,
  getShippedKernel,
  patchedKernels,
  revertKernelPatches,
} from './kernel-patches.js';
