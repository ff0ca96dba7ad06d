import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { useBackend } from '../../src/backend/index.js';

/** The backends every test suite runs on in Node without native TensorFlow. */
export const TEST_BACKENDS = ['cpu', 'wasm'] as const;

/** Switches to a backend through the library (so kernel patches apply). */
export async function switchBackend(name: (typeof TEST_BACKENDS)[number]): Promise<void> {
  await useBackend(name);
  if (tf.getBackend() !== name) throw new Error(`backend ${name} did not activate`);
}
