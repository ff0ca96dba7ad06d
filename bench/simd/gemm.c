/*
 * A single-threaded f32 GEMM with WebAssembly SIMD128, for `npm run bench:simd`: how close a plain
 * microkernel gets to the SIMD128 peak (peak.c) on this CPU, next to XNNPACK's convolution of the same
 * GEMM shape. Not used by the library.
 *
 * C[M, N] = A[M, K] * B, B packed in panels of 8 columns (Bp[n / 8][k][8]); M a multiple of 6, N of 8,
 * K of 4. Microkernel: 6 rows x 8 columns (12 accumulators), each A value broadcast from memory
 * (v128.load32_splat), K blocked by `kc` so that a panel stays in L1.
 */
#include <stddef.h>
#include <wasm_simd128.h>

static inline void kernel_6x8(const float* a0, int lda, const float* b, float* c, int ldc, int kc, int first) {
  const float* a1 = a0 + lda;
  const float* a2 = a1 + lda;
  const float* a3 = a2 + lda;
  const float* a4 = a3 + lda;
  const float* a5 = a4 + lda;
  v128_t c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51;
  if (first) {
    c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = c40 = c41 = c50 = c51 = wasm_f32x4_splat(0);
  } else {
    float* p = c;
    c00 = wasm_v128_load(p); c01 = wasm_v128_load(p + 4); p += ldc;
    c10 = wasm_v128_load(p); c11 = wasm_v128_load(p + 4); p += ldc;
    c20 = wasm_v128_load(p); c21 = wasm_v128_load(p + 4); p += ldc;
    c30 = wasm_v128_load(p); c31 = wasm_v128_load(p + 4); p += ldc;
    c40 = wasm_v128_load(p); c41 = wasm_v128_load(p + 4); p += ldc;
    c50 = wasm_v128_load(p); c51 = wasm_v128_load(p + 4);
  }
  /* Unrolled by 4: K (and every block of it) is a multiple of 4. */
#define STEP(l)                                                                                             \
  {                                                                                                         \
    v128_t b0 = wasm_v128_load(b), b1 = wasm_v128_load(b + 4), v;                                           \
    b += 8;                                                                                                 \
    v = wasm_v128_load32_splat(a0 + k + l); c00 = wasm_f32x4_add(c00, wasm_f32x4_mul(v, b0)); c01 = wasm_f32x4_add(c01, wasm_f32x4_mul(v, b1)); \
    v = wasm_v128_load32_splat(a1 + k + l); c10 = wasm_f32x4_add(c10, wasm_f32x4_mul(v, b0)); c11 = wasm_f32x4_add(c11, wasm_f32x4_mul(v, b1)); \
    v = wasm_v128_load32_splat(a2 + k + l); c20 = wasm_f32x4_add(c20, wasm_f32x4_mul(v, b0)); c21 = wasm_f32x4_add(c21, wasm_f32x4_mul(v, b1)); \
    v = wasm_v128_load32_splat(a3 + k + l); c30 = wasm_f32x4_add(c30, wasm_f32x4_mul(v, b0)); c31 = wasm_f32x4_add(c31, wasm_f32x4_mul(v, b1)); \
    v = wasm_v128_load32_splat(a4 + k + l); c40 = wasm_f32x4_add(c40, wasm_f32x4_mul(v, b0)); c41 = wasm_f32x4_add(c41, wasm_f32x4_mul(v, b1)); \
    v = wasm_v128_load32_splat(a5 + k + l); c50 = wasm_f32x4_add(c50, wasm_f32x4_mul(v, b0)); c51 = wasm_f32x4_add(c51, wasm_f32x4_mul(v, b1)); \
  }
  for (int k = 0; k < kc; k += 4) {
    STEP(0) STEP(1) STEP(2) STEP(3)
  }
#undef STEP
  float* p = c;
  wasm_v128_store(p, c00); wasm_v128_store(p + 4, c01); p += ldc;
  wasm_v128_store(p, c10); wasm_v128_store(p + 4, c11); p += ldc;
  wasm_v128_store(p, c20); wasm_v128_store(p + 4, c21); p += ldc;
  wasm_v128_store(p, c30); wasm_v128_store(p + 4, c31); p += ldc;
  wasm_v128_store(p, c40); wasm_v128_store(p + 4, c41); p += ldc;
  wasm_v128_store(p, c50); wasm_v128_store(p + 4, c51);
}

__attribute__((export_name("gemm")))
void gemm(const float* A, const float* Bp, float* C, int M, int K, int N, int kc_max) {
  for (int k0 = 0; k0 < K; k0 += kc_max) {
    int kc = K - k0 < kc_max ? K - k0 : kc_max;
    for (int n0 = 0; n0 < N; n0 += 8) {
      const float* panel = Bp + (size_t)n0 * K + (size_t)k0 * 8;
      for (int m0 = 0; m0 < M; m0 += 6) {
        kernel_6x8(A + (size_t)m0 * K + k0, K, panel, C + (size_t)m0 * N + n0, N, kc, k0 == 0);
      }
    }
  }
}
