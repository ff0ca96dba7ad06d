/*
 * The arithmetic peak of WebAssembly SIMD128 on this CPU, for `npm run bench:simd`: 12 independent
 * f32x4 multiply-add chains (a multiply and an add each; SIMD128 has no fused multiply-add), no memory
 * traffic. Not used by the library.
 */
#include <wasm_simd128.h>
__attribute__((export_name("peak")))
float peak(int iters, float s) {
  v128_t b0 = wasm_f32x4_splat(s), b1 = wasm_f32x4_splat(s * 0.5f), v = wasm_f32x4_splat(1.0001f);
  v128_t c0 = b0, c1 = b1, c2 = b0, c3 = b1, c4 = b0, c5 = b1, c6 = b0, c7 = b1, c8 = b0, c9 = b1, c10 = b0, c11 = b1;
  for (int i = 0; i < iters; i++) {
    c0 = wasm_f32x4_add(c0, wasm_f32x4_mul(v, b0)); c1 = wasm_f32x4_add(c1, wasm_f32x4_mul(v, b1));
    c2 = wasm_f32x4_add(c2, wasm_f32x4_mul(v, b0)); c3 = wasm_f32x4_add(c3, wasm_f32x4_mul(v, b1));
    c4 = wasm_f32x4_add(c4, wasm_f32x4_mul(v, b0)); c5 = wasm_f32x4_add(c5, wasm_f32x4_mul(v, b1));
    c6 = wasm_f32x4_add(c6, wasm_f32x4_mul(v, b0)); c7 = wasm_f32x4_add(c7, wasm_f32x4_mul(v, b1));
    c8 = wasm_f32x4_add(c8, wasm_f32x4_mul(v, b0)); c9 = wasm_f32x4_add(c9, wasm_f32x4_mul(v, b1));
    c10 = wasm_f32x4_add(c10, wasm_f32x4_mul(v, b0)); c11 = wasm_f32x4_add(c11, wasm_f32x4_mul(v, b1));
    __asm__ volatile("" : "+r"(i));
  }
  v128_t t = wasm_f32x4_add(wasm_f32x4_add(wasm_f32x4_add(c0, c1), wasm_f32x4_add(c2, c3)), wasm_f32x4_add(wasm_f32x4_add(c4, c5), wasm_f32x4_add(c6, c7)));
  t = wasm_f32x4_add(t, wasm_f32x4_add(wasm_f32x4_add(c8, c9), wasm_f32x4_add(c10, c11)));
  return wasm_f32x4_extract_lane(t, 0);
}
