/**
 * Which npm package provides each backend, and loading it on demand with a dynamic `import()`, so
 * that tfjs-gan depends on none of the optional backend packages.
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs';

import { BackendError } from '../errors.js';
import type { BackendName } from './backend-name.js';

/**
 * The npm packages that provide each backend, in the order they are tried. `cpu` and `webgl` ship in
 * `@tensorflow/tfjs` and need none; `tensorflow` comes from `@tensorflow/tfjs-node-gpu` (CUDA) when it
 * is installed, else from `@tensorflow/tfjs-node`.
 */
export const BACKEND_PACKAGES: Readonly<Record<BackendName, readonly string[]>> = Object.freeze({
  cpu: Object.freeze([]),
  webgl: Object.freeze([]),
  wasm: Object.freeze(['@tensorflow/tfjs-backend-wasm']),
  webgpu: Object.freeze(['@tensorflow/tfjs-backend-webgpu']),
  tensorflow: Object.freeze(['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']),
});

/** The package that users should install for each backend (the first one for `tensorflow` is CPU-only). */
const INSTALL_HINTS: Readonly<Record<BackendName, string>> = {
  cpu: '`npm install @tensorflow/tfjs`',
  webgl: '`npm install @tensorflow/tfjs`',
  wasm: '`npm install @tensorflow/tfjs-backend-wasm`',
  webgpu: '`npm install @tensorflow/tfjs-backend-webgpu`',
  tensorflow: '`npm install @tensorflow/tfjs-node` (or `npm install @tensorflow/tfjs-node-gpu` for CUDA GPUs)',
};

/** The command that installs what `name` needs, for error messages. */
export function installHint(name: BackendName): string {
  return INSTALL_HINTS[name];
}

/** Imports a package by a name that bundlers must not try to resolve at build time. */
export async function importPackage(packageName: string): Promise<unknown> {
  const specifier: string = packageName;
  return import(/* @vite-ignore */ /* webpackIgnore: true */ specifier);
}

/**
 * Whether `error` says that `packageName` itself is not installed, rather than installed but broken
 * (a missing native binding inside the package names a path, not the quoted package name).
 */
function isNotFound(error: unknown, packageName: string): boolean {
  if (!(error instanceof Error)) return false;
  const quoted = [`'${packageName}'`, `"${packageName}"`].some((name) => error.message.includes(name));
  return quoted && /cannot find|could not resolve|failed to (load|resolve)|not found/i.test(error.message);
}

function messageOf(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).replace(/\.\s*$/, '');
}

/**
 * Imports the package of backend `name` unless the backend is registered with tfjs already. A package
 * registers its backend only where the platform supports it (`webgpu` needs `navigator.gpu`), so the
 * caller checks `tf.findBackendFactory(name)` afterwards.
 *
 * @returns the package that was imported, or `undefined` when none was needed (the backend ships in
 *   `@tensorflow/tfjs`, or was registered already).
 * @throws {@link BackendError} naming the package to install when no package could be imported, or
 *   naming the package and the cause when it is installed but fails to load.
 */
export async function loadBackendPackage(name: BackendName): Promise<string | undefined> {
  const packageNames = BACKEND_PACKAGES[name];
  if (packageNames.length === 0 || tf.findBackendFactory(name) != null) return undefined;
  const failures: Array<{ packageName: string; error: unknown; notFound: boolean }> = [];
  for (const packageName of packageNames) {
    try {
      await importPackage(packageName);
    } catch (error) {
      failures.push({ packageName, error, notFound: isNotFound(error, packageName) });
      continue;
    }
    return packageName;
  }
  const broken = failures.find((failure) => !failure.notFound);
  if (broken != null) {
    throw new BackendError(
      `Backend '${name}': the package ${broken.packageName} is installed but failed to load: ` +
        `${messageOf(broken.error)}. Reinstall it with \`npm install ${broken.packageName}\`.`,
      { cause: broken.error },
    );
  }
  throw new BackendError(
    `Backend '${name}' needs a package that is not installed: ${packageNames.join(' or ')}. ` +
      `Install it with ${installHint(name)}.`,
    { cause: failures[failures.length - 1]?.error },
  );
}
