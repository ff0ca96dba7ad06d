/**
 * Picking the fastest backend that this platform offers.
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs';

import type { BackendName } from './backend-name.js';
import { loadBackendPackage } from './backend-packages.js';
import { useBackend } from './use-backend.js';

/**
 * Whether the backend's package loads here and registers the backend (loading registers it with tfjs,
 * nothing more).
 */
async function canLoad(name: BackendName): Promise<boolean> {
  try {
    await loadBackendPackage(name);
  } catch {
    return false;
  }
  return tf.findBackendFactory(name) != null;
}

/** Whether this page or worker can create a WebGL context. */
function hasWebGL(): boolean {
  try {
    if (typeof OffscreenCanvas !== 'undefined') {
      const canvas = new OffscreenCanvas(1, 1);
      if (canvas.getContext('webgl2') != null || canvas.getContext('webgl') != null) return true;
    }
    if (typeof document !== 'undefined') {
      const canvas = document.createElement('canvas');
      return canvas.getContext('webgl2') != null || canvas.getContext('webgl') != null;
    }
  } catch {
    // No usable canvas: no WebGL.
  }
  return false;
}

/** Whether this browser exposes WebGPU. */
function hasWebGPU(): boolean {
  return typeof navigator !== 'undefined' && (navigator as { gpu?: unknown }).gpu != null;
}

/**
 * The fastest backend available here, without switching to it. In Node: `'tensorflow'` when
 * `@tensorflow/tfjs-node-gpu` or `@tensorflow/tfjs-node` loads, else `'wasm'` when
 * `@tensorflow/tfjs-backend-wasm` loads, else `'cpu'`. In a browser: `'webgpu'` when `navigator.gpu`
 * exists and its package loads, else `'webgl'` when a WebGL context can be created, else `'wasm'`, else
 * `'cpu'`. Packages that load are imported (which registers their backend with tfjs but does not
 * activate it).
 *
 * @returns the name to pass to `useBackend`.
 * @example
 * ```ts
 * await defaultBackend(); // 'wasm' in Node without @tensorflow/tfjs-node
 * ```
 */
export async function defaultBackend(): Promise<BackendName> {
  if (tf.env().getBool('IS_NODE')) {
    if (await canLoad('tensorflow')) return 'tensorflow';
    if (await canLoad('wasm')) return 'wasm';
    return 'cpu';
  }
  if (hasWebGPU() && (await canLoad('webgpu'))) return 'webgpu';
  if (hasWebGL()) return 'webgl';
  if (await canLoad('wasm')) return 'wasm';
  return 'cpu';
}

/**
 * Switches to {@link defaultBackend}'s choice with `useBackend`.
 *
 * @returns the backend now active.
 * @throws {@link BackendError} when the chosen backend fails to initialise.
 */
export async function useDefaultBackend(): Promise<BackendName> {
  return useBackend(await defaultBackend());
}
