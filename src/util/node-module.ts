/**
 * Node's built-in modules, loaded on first use by a dynamic `import()` whose specifier bundlers cannot
 * see, so that a browser bundle of tfjs-gan contains no Node built-in (not even an empty stand-in).
 *
 * @packageDocumentation
 */

/** The Node built-ins that tfjs-gan uses, by name, with their types. */
export interface NodeModules {
  'fs/promises': typeof import('node:fs/promises');
  path: typeof import('node:path');
  os: typeof import('node:os');
  zlib: typeof import('node:zlib');
  module: typeof import('node:module');
  worker_threads: typeof import('node:worker_threads');
}

/**
 * Imports the Node built-in `node:<name>`. The specifier is built at run time and marked for Vite and
 * webpack to leave alone, so bundles neither include nor stub it.
 *
 * @param name - the module's name without the `node:` prefix.
 * @returns the module.
 * @throws the platform's import error where the module does not exist (in a browser).
 */
export async function importNodeModule<Name extends keyof NodeModules>(name: Name): Promise<NodeModules[Name]> {
  const specifier = `node:${name}`;
  return (await import(/* @vite-ignore */ /* webpackIgnore: true */ specifier)) as NodeModules[Name];
}
