import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { inject } from 'vitest';
import { type BackendName, useBackend } from '../../src/backend/index.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The backend of an in-page run of `npm run test:browser` (vitest.browser.config.ts); absent in Node. */
    browserBackend?: 'webgl' | 'webgpu';
  }
}

const browserBackend = inject('browserBackend');

/**
 * The backends every test suite runs on: cpu and wasm in Node without native TensorFlow; in the page
 * runs of `npm run test:browser`, the project's GPU backend (webgl or webgpu).
 */
export const TEST_BACKENDS: readonly BackendName[] = browserBackend !== undefined ? [browserBackend] : ['cpu', 'wasm'];

/** Switches to a backend through the library (so kernel patches apply). */
export async function switchBackend(name: BackendName): Promise<void> {
  await useBackend(name);
  if (tf.getBackend() !== name) throw new Error(`backend ${name} did not activate`);
}
