/**
 * Which build of tfjs-gan's wasm kernels runs: relaxed SIMD (the GEMM tile multiplies and adds with
 * `f32x4.relaxed_madd`, one fused multiply-add per lane where the CPU has one) or SIMD128 (a multiply and
 * an add). Relaxed SIMD is on by default in Chromium 114+, Firefox 145+ and Node 22+; Node 20 has it
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

/**
 * Sets the build that wasm heaps get from now on (one that already has its kernels keeps them).
 *
 * @throws {@link BackendError} for `'relaxed'` where the engine has no relaxed SIMD, with how to turn it on.
 */
export function requestWasmSimd(choice: WasmSimd, owner: string): void {
  const checked = checkWasmSimd(choice, owner);
  if (checked === 'relaxed' && !relaxedSimdSupported()) {
    throw new BackendError(
      `${owner}: relaxed SIMD was asked for ('simd' or ${WASM_SIMD_ENV}=relaxed) but this JavaScript engine does not compile it. ` +
        'It is on by default in Node 22 and later and in Chromium 114 and later; in Node 20 start the script with ' +
        '`node --experimental-wasm-relaxed-simd`. Use simd: \'auto\' to fall back to SIMD128.',
    );
  }
  requested = checked;
}

/** The build a new heap gets: the request, else the environment variable, resolved against what the engine has. */
export function chosenSimdBuild(): WasmSimdBuild {
  let choice = requested;
  if (choice === 'auto') {
    const fromEnv = typeof process === 'object' ? process.env?.[WASM_SIMD_ENV] : undefined;
    if (fromEnv !== undefined && fromEnv !== '') choice = checkWasmSimd(fromEnv, `environment variable ${WASM_SIMD_ENV}`);
  }
  if (choice === 'simd128') return 'simd128';
  const supported = relaxedSimdSupported();
  if (choice === 'relaxed' && !supported) requestWasmSimd('relaxed', `environment variable ${WASM_SIMD_ENV}`);
  return supported ? 'relaxed' : 'simd128';
}
