/**
 * Which build of tfjs-gan's wasm kernels runs: relaxed SIMD (the GEMM tile multiplies and adds with
 * `f32x4.relaxed_madd`, one fused multiply-add per lane where the CPU has one) or SIMD128 (a multiply and
 * an add). `'auto'` runs relaxed SIMD only where the engine compiles it and it is faster here: on AMD
 * Zen, whose separate add pipes give a multiply and an add the throughput of a fused one, V8's code for
 * the fused tile measured 14% slower than the SIMD128 tile, while CPUs that run multiplies and adds on
 * the same pipes gain from fusing. Relaxed SIMD is on by default in Chromium 114+, Firefox 145+ and Node 22+; Node 20 has it
 * behind a V8 flag (`node --experimental-wasm-relaxed-simd script.js`; Node refuses V8 flags in
 * NODE_OPTIONS). tfjs-gan does not turn the flag on itself: V8 does not support changing flags in a
 * running process.
 *
 * @packageDocumentation
 */
import { BackendError } from '../../errors.js';
import { invalidValue } from '../../util/validate.js';

/** The environment variable that picks the kernels' build in Node: `'auto'`, `'relaxed'` or `'simd128'`. */
export const WASM_SIMD_ENV = 'TFJS_GAN_WASM_SIMD';

/** A build of tfjs-gan's wasm kernels: `'relaxed'` (fused multiply-add) or `'simd128'`. */
export type WasmSimdBuild = 'relaxed' | 'simd128';

/** Which build to run: `'auto'` (relaxed SIMD where the engine has it, else SIMD128) or a build by name. */
export type WasmSimd = 'auto' | WasmSimdBuild;

const CHOICES: readonly WasmSimd[] = ['auto', 'relaxed', 'simd128'];

/**
 * The smallest module that uses relaxed SIMD: one function `(v128, v128, v128) -> v128` returning
 * `f32x4.relaxed_madd` (opcode 0xfd 0x105) of its arguments. An engine without relaxed SIMD rejects it.
 */
const RELAXED_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version 1
  0x01, 0x08, 0x01, 0x60, 0x03, 0x7b, 0x7b, 0x7b, 0x01, 0x7b, // type section: (v128 v128 v128) -> v128
  0x03, 0x02, 0x01, 0x00, // function section: one function of type 0
  0x0a, 0x0d, 0x01, 0x0b, 0x00, 0x20, 0x00, 0x20, 0x01, 0x20, 0x02, 0xfd, 0x85, 0x02, 0x0b, // its code
]);

/** Whether this engine compiles relaxed SIMD (validates a one-instruction module; no flag is changed). */
export function relaxedSimdSupported(): boolean {
  try {
    return typeof WebAssembly === 'object' && WebAssembly.validate(RELAXED_PROBE);
  } catch {
    return false;
  }
}

/** Checks a {@link WasmSimd} value. */
export function checkWasmSimd(value: unknown, owner: string): WasmSimd {
  if (typeof value === 'string' && (CHOICES as readonly string[]).includes(value)) return value as WasmSimd;
  throw invalidValue(owner, 'simd', CHOICES.map((c) => `'${c}'`).join(', '), value);
}

let requested: WasmSimd = 'auto';
/** The outcome of the speed check, once per process. */
let relaxedFaster: boolean | undefined;

/** Minimum speed-up that makes 'auto' pick relaxed SIMD, so that noise does not flip the choice between runs. */
const RELAXED_MIN_GAIN = 1.1;

/**
 * Whether the relaxed build's GEMM tile runs at least 10% faster than the SIMD128 build's here: both
 * modules on a memory of their own, the same 96x256x64 product ten times per round, five rounds taken in
 * turn, best round of each (about 20 ms, once per process).
 */
function relaxedMeasuresFaster(simd128: Uint8Array<ArrayBuffer>, relaxed: Uint8Array<ArrayBuffer>): boolean {
  const [m, k, n] = [96, 256, 64];
  const memory = new WebAssembly.Memory({ initial: Math.ceil(((m + 6) * k + k * n + m * n) * 4 / 65536) + 1 });
  const heap = new Float32Array(memory.buffer);
  const a = 0;
  const b = (m + 6) * k * 4;
  const c = b + k * n * 4;
  for (let i = 0; i < (m + 6) * k + k * n; i++) heap[i] = ((i * 7919) % 1000) / 1000 - 0.5;
  const gemms = [simd128, relaxed].map((bytes) => {
    const exports = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } }).exports as { gemm_packed(...args: number[]): void };
    return () => {
      for (let r = 0; r < 10; r++) exports.gemm_packed(a, k, b, c, n, m, k, n, k);
    };
  });
  const best = [Infinity, Infinity];
  for (let round = 0; round < 6; round++) {
    for (const [i, gemm] of gemms.entries()) {
      const start = performance.now();
      gemm();
      // The first round warms both up (V8 compiles wasm lazily, then optimises).
      if (round > 0) best[i] = Math.min(best[i], performance.now() - start);
    }
  }
  return best[0] >= best[1] * RELAXED_MIN_GAIN;
}

/**
 * Sets the build that wasm heaps get from now on (one that already has its kernels keeps them).
 *
 * @throws {@link BackendError} for `'relaxed'` where the engine has no relaxed SIMD, with how to turn it on.
 */
export function requestWasmSimd(choice: WasmSimd, owner: string): void {
  const checked = checkWasmSimd(choice, owner);
  if (checked === 'relaxed') assertRelaxedSupported(owner);
  requested = checked;
}

/** Throws a {@link BackendError}, with how to turn relaxed SIMD on, where the engine lacks it. */
function assertRelaxedSupported(owner: string): void {
  if (relaxedSimdSupported()) return;
  throw new BackendError(
    `${owner}: relaxed SIMD was asked for ('simd' or ${WASM_SIMD_ENV}=relaxed) but this JavaScript engine does not compile it. ` +
      'It is on by default in Node 22 and later and in Chromium 114 and later; in Node 20 start the script with ' +
      '`node --experimental-wasm-relaxed-simd`. Use simd: \'auto\' to fall back to SIMD128.',
  );
}

/** The two single-threaded modules, for the speed check (decoded only when 'auto' has to measure). */
export interface SimdBuildBytes {
  readonly simd128: Uint8Array<ArrayBuffer>;
  readonly relaxed: Uint8Array<ArrayBuffer>;
}

/**
 * The build asked for: the request, else the environment variable.
 *
 * @throws {@link BackendError} where it names relaxed SIMD and the engine lacks it; {@link ConfigError}
 *   for an unknown name in the environment variable.
 */
export function requestedSimdBuild(): WasmSimd {
  if (requested !== 'auto') return requested;
  const fromEnv = typeof process === 'object' ? process.env?.[WASM_SIMD_ENV] : undefined;
  if (fromEnv === undefined || fromEnv === '') return 'auto';
  const owner = `environment variable ${WASM_SIMD_ENV}`;
  const choice = checkWasmSimd(fromEnv, owner);
  if (choice === 'relaxed') assertRelaxedSupported(owner);
  return choice;
}

/** The build a new heap gets: the one asked for; for `'auto'`, relaxed SIMD where the engine has it and it measures faster here. */
export function chosenSimdBuild(bytes: () => SimdBuildBytes): WasmSimdBuild {
  const choice = requestedSimdBuild();
  if (choice !== 'auto') return choice;
  if (!relaxedSimdSupported()) return 'simd128';
  if (relaxedFaster === undefined) {
    const { simd128, relaxed } = bytes();
    relaxedFaster = relaxedMeasuresFaster(simd128, relaxed);
  }
  return relaxedFaster ? 'relaxed' : 'simd128';
}
