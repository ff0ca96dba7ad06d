/**
 * The tfjs backends that tfjs-gan knows how to load.
 *
 * @packageDocumentation
 */
import { ConfigError, describeValue } from '../errors.js';

/**
 * Every backend name that {@link useBackend} accepts, fastest first within each platform:
 * `'tensorflow'` (Node, native TensorFlow on CPU or CUDA), `'webgpu'` and `'webgl'` (browser GPU),
 * `'wasm'` (WebAssembly with XNNPACK, Node and browser) and `'cpu'` (plain JavaScript, everywhere).
 */
export const BACKEND_NAMES = Object.freeze(['cpu', 'wasm', 'webgl', 'webgpu', 'tensorflow'] as const);

/** A tfjs backend that tfjs-gan can load: one of {@link BACKEND_NAMES}. */
export type BackendName = (typeof BACKEND_NAMES)[number];

/** Whether `value` is a {@link BackendName}. */
export function isBackendName(value: unknown): value is BackendName {
  return typeof value === 'string' && (BACKEND_NAMES as readonly string[]).includes(value);
}

/**
 * Checks that `value` is a {@link BackendName}.
 *
 * @param value - the value to check.
 * @param where - the function and argument, for the message (`"useBackend: argument 'name'"`).
 * @throws {@link ConfigError} naming the valid names and the received value.
 */
export function assertBackendName(value: unknown, where: string): asserts value is BackendName {
  if (!isBackendName(value)) {
    throw new ConfigError(
      `${where} must be one of ${BACKEND_NAMES.map((name) => `'${name}'`).join(', ')}; ` +
        `received ${describeValue(value)}`,
    );
  }
}
