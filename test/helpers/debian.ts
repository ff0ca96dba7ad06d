/**
 * Tests that need a Debian package: on a machine with only Node they skip, with a message naming the
 * package to install; under `CI=true`, where .ci/run installs every one, a missing package fails them.
 */
import { existsSync } from 'node:fs';

/** A Debian package, known by a file it installs. */
export interface DebianPackage {
  readonly name: string;
  readonly file: string;
}

export const CLANG: DebianPackage = { name: 'clang', file: '/usr/bin/clang' };
export const LLD: DebianPackage = { name: 'lld', file: '/usr/bin/wasm-ld' };
/** clang 19, its lld and llvm tools: the relaxed-SIMD build of the kernels (clang 14 has no relaxed SIMD). */
export const CLANG_19: DebianPackage = { name: 'clang-19', file: '/usr/bin/clang-19' };
export const LLD_19: DebianPackage = { name: 'lld-19', file: '/usr/bin/wasm-ld-19' };
export const LLVM_19: DebianPackage = { name: 'llvm-19', file: '/usr/bin/llvm-objdump-19' };
export const FASHION_MNIST: DebianPackage = { name: 'dataset-fashion-mnist', file: '/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz' };
export const OXYGEN_ICONS: DebianPackage = { name: 'oxygen-icon-theme', file: '/usr/share/icons/oxygen/base/64x64' };
export const CHROMIUM: DebianPackage = { name: 'chromium', file: '/usr/bin/chromium' };

/** Whether this run is CI's (`CI=true`, as .ci/run sets it), where no test may skip for a package. */
export const IN_CI = process.env.CI === 'true' || process.env.CI === '1';

const warned = new Set<string>();

/**
 * Whether to skip the tests that need `packages`: true only outside CI when one is missing (a message
 * names the packages to install, once per set). Under CI it is false, and {@link assertPackages} fails.
 *
 * @example
 * ```ts
 * it.skipIf(skipWithout(CLANG, LLD))('rebuilds kernels.c', () => { assertPackages(CLANG, LLD); ... });
 * ```
 */
export function skipWithout(...packages: DebianPackage[]): boolean {
  const missing = packages.filter((p) => !existsSync(p.file));
  if (missing.length === 0 || IN_CI) return false;
  const names = missing.map((p) => p.name).join(' ');
  if (!warned.has(names)) {
    warned.add(names);
    console.warn(`tfjs-gan tests: skipping the tests that need Debian's ${names} (apt-get install ${names}; CI installs it and runs them).`);
  }
  return true;
}

/** Throws, naming the packages, where one is missing (under CI: .ci/run should have installed it). */
export function assertPackages(...packages: DebianPackage[]): void {
  const missing = packages.filter((p) => !existsSync(p.file)).map((p) => p.name);
  if (missing.length > 0) {
    // Reached only where skipWithout did not skip: under CI=true, or in a test that checks this message.
    const install = `apt-get install ${missing.join(' ')}`;
    throw new Error(`missing Debian package${missing.length > 1 ? 's' : ''} ${missing.join(', ')}: ${install} (.ci/run installs it under CI=true)`);
  }
}
