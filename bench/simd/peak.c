/*
 * The arithmetic peak of WebAssembly SIMD128 on this CPU, for `npm run bench:simd`: 12 independent
 * f32x4 multiply-add chains, no memory traffic: a multiply and an add each in SIMD128 (peak.wasm), one
 * f32x4.relaxed_madd each with relaxed SIMD (peak-relaxed.wasm; a fused multiply-add on CPUs with FMA).
 * Not used by the library.
 */
#include <wasm_simd128.h>
#ifdef __wasm_relaxed_simd__
#define MADD(a, b, acc) wasm_f32x4_relaxed_madd(a, b, acc)
#else
#define MADD(a, b, acc) wasm_f32x4_add(acc, wasm_f32x4_mul(a, b))
#endif
__attribute__((export_name("peak")))
float peak(int iters, float s) {
  v128_t b0 = wasm_f32x4_splat(s), b1 = wasm_f32x4_splat(s * 0.5f), v = wasm_f32x4_splat(1.0001f);
  v128_t c0 = b0, c1 = b1, c2 = b0, c3 = b1, c4 = b0, c5 = b1, c6 = b0, c7 = b1, c8 = b0, c9 = b1, c10 = b0, c11 = b1;
  for (int i = 0; i < iters; i++) {
    c0 = MADD(v, b0, c0); c1 = MADD(v, b1, c1);
    c2 = MADD(v, b0, c2); c3 = MADD(v, b1, c3);
    c4 = MADD(v, b0, c4); c5 = MADD(v, b1, c5);
    c6 = MADD(v, b0, c6); c7 = MADD(v, b1, c7);
    c8 = MADD(v, b0, c8); c9 = MADD(v, b1, c9);
    c10 = MADD(v, b0, c10); c11 = MADD(v, b1, c11);
    __asm__ volatile("" : "+r"(i));
  }
  v128_t t = wasm_f32x4_add(wasm_f32x4_add(wasm_f32x4_add(c0, c1), wasm_f32x4_add(c2, c3)), wasm_f32x4_add(wasm_f32x4_add(c4, c5), wasm_f32x4_add(c6, c7)));
  t = wasm_f32x4_add(t, wasm_f32x4_add(wasm_f32x4_add(c8, c9), wasm_f32x4_add(c10, c11)));
  return wasm_f32x4_extract_lane(t, 0);
}
