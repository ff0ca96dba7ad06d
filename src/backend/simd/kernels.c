/*
 * tfjs-gan's own kernels in WebAssembly SIMD128, for the wasm backend:
 * - adam_update: tfjs's Adam update of one variable in one pass, bit-identical to tf.train.adam;
 * - filter_grad_few_channels: the filter gradient of a convolution whose input has few channels (an
 *   image's 1 or 3), where XNNPACK runs at a fraction of its speed.
 * - gemm_packed: the 6x8 SIMD128 GEMM that filter gradient runs on (also what `npm run bench:simd`
 *   measures);
 * - interleave_phases, swap_first_last_axes: data movement around XNNPACK's convolutions.
 *
 * The module owns no memory: it imports tfjs's wasm heap and reads and writes the tensors where they lie
 * (scratch space comes from tfjs's allocator). It must therefore use no stack and no data segment
 * (build.sh checks both).
 *
 * Build: src/backend/simd/build.sh (Debian clang and lld).
 */
#include <stddef.h>
#include <wasm_simd128.h>

__attribute__((export_name("adam_update")))
void adam_update(const float* value, const float* gradient, const float* m, const float* v,
                 float* new_value, float* new_m, float* new_v, int n,
                 float beta1, float keep1, float beta2, float keep2,
                 float correction1, float correction2, float epsilon, float step) {
  const v128_t vb1 = wasm_f32x4_splat(beta1), vk1 = wasm_f32x4_splat(keep1);
  const v128_t vb2 = wasm_f32x4_splat(beta2), vk2 = wasm_f32x4_splat(keep2);
  const v128_t vc1 = wasm_f32x4_splat(correction1), vc2 = wasm_f32x4_splat(correction2);
  const v128_t veps = wasm_f32x4_splat(epsilon), vstep = wasm_f32x4_splat(step);
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    const v128_t g = wasm_v128_load(gradient + i);
    const v128_t m1 = wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(m + i), vb1), wasm_f32x4_mul(g, vk1));
    const v128_t v1 = wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(v + i), vb2), wasm_f32x4_mul(wasm_f32x4_mul(g, g), vk2));
    const v128_t m_hat = wasm_f32x4_div(m1, vc1);
    const v128_t v_hat = wasm_f32x4_div(v1, vc2);
    const v128_t update = wasm_f32x4_mul(wasm_f32x4_div(m_hat, wasm_f32x4_add(wasm_f32x4_sqrt(v_hat), veps)), vstep);
    wasm_v128_store(new_m + i, m1);
    wasm_v128_store(new_v + i, v1);
    wasm_v128_store(new_value + i, wasm_f32x4_add(update, wasm_v128_load(value + i)));
  }
  for (; i < n; i++) {
    const float g = gradient[i];
    const float m1 = m[i] * beta1 + g * keep1;
    const float v1 = v[i] * beta2 + (g * g) * keep2;
    const float m_hat = m1 / correction1;
    const float v_hat = v1 / correction2;
    new_m[i] = m1;
    new_v[i] = v1;
    new_value[i] = (m_hat / (__builtin_sqrtf(v_hat) + epsilon)) * step + value[i];
  }
}

/*
 * C[6 x 8 tile] (+)= A[6 rows, K] * Bp (one packed panel of 8 columns, K x 8). A rows are `lda` apart; K a
 * multiple of 4. The tile is written to c (rows `ldc` apart), only its first `rows` rows; with
 * `accumulate`, added to what those rows hold.
 */
static void tile_6x8(const float* a0, int lda, const float* b, int k_count, float* c, int ldc, int rows, int accumulate) {
  const float* a1 = a0 + lda;
  const float* a2 = a1 + lda;
  const float* a3 = a2 + lda;
  const float* a4 = a3 + lda;
  const float* a5 = a4 + lda;
  v128_t c00 = wasm_f32x4_splat(0), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
  v128_t c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
  if (accumulate) {
    const float* p = c;
    c00 = wasm_v128_load(p); c01 = wasm_v128_load(p + 4);
    if (rows > 1) { p += ldc; c10 = wasm_v128_load(p); c11 = wasm_v128_load(p + 4); }
    if (rows > 2) { p += ldc; c20 = wasm_v128_load(p); c21 = wasm_v128_load(p + 4); }
    if (rows > 3) { p += ldc; c30 = wasm_v128_load(p); c31 = wasm_v128_load(p + 4); }
    if (rows > 4) { p += ldc; c40 = wasm_v128_load(p); c41 = wasm_v128_load(p + 4); }
    if (rows > 5) { p += ldc; c50 = wasm_v128_load(p); c51 = wasm_v128_load(p + 4); }
  }
#define STEP(l)                                                                                          \
  {                                                                                                      \
    const v128_t b0 = wasm_v128_load(b), b1 = wasm_v128_load(b + 4);                                     \
    v128_t s;                                                                                            \
    b += 8;                                                                                              \
    s = wasm_v128_load32_splat(a0 + k + l); c00 = wasm_f32x4_add(c00, wasm_f32x4_mul(s, b0)); c01 = wasm_f32x4_add(c01, wasm_f32x4_mul(s, b1)); \
    s = wasm_v128_load32_splat(a1 + k + l); c10 = wasm_f32x4_add(c10, wasm_f32x4_mul(s, b0)); c11 = wasm_f32x4_add(c11, wasm_f32x4_mul(s, b1)); \
    s = wasm_v128_load32_splat(a2 + k + l); c20 = wasm_f32x4_add(c20, wasm_f32x4_mul(s, b0)); c21 = wasm_f32x4_add(c21, wasm_f32x4_mul(s, b1)); \
    s = wasm_v128_load32_splat(a3 + k + l); c30 = wasm_f32x4_add(c30, wasm_f32x4_mul(s, b0)); c31 = wasm_f32x4_add(c31, wasm_f32x4_mul(s, b1)); \
    s = wasm_v128_load32_splat(a4 + k + l); c40 = wasm_f32x4_add(c40, wasm_f32x4_mul(s, b0)); c41 = wasm_f32x4_add(c41, wasm_f32x4_mul(s, b1)); \
    s = wasm_v128_load32_splat(a5 + k + l); c50 = wasm_f32x4_add(c50, wasm_f32x4_mul(s, b0)); c51 = wasm_f32x4_add(c51, wasm_f32x4_mul(s, b1)); \
  }
  for (int k = 0; k < k_count; k += 4) {
    STEP(0) STEP(1) STEP(2) STEP(3)
  }
#undef STEP
  /* Unrolled: an indexed array of tiles would live on the stack, which this module must not use. */
  wasm_v128_store(c, c00); wasm_v128_store(c + 4, c01);
  if (rows > 1) { c += ldc; wasm_v128_store(c, c10); wasm_v128_store(c + 4, c11); }
  if (rows > 2) { c += ldc; wasm_v128_store(c, c20); wasm_v128_store(c + 4, c21); }
  if (rows > 3) { c += ldc; wasm_v128_store(c, c30); wasm_v128_store(c + 4, c31); }
  if (rows > 4) { c += ldc; wasm_v128_store(c, c40); wasm_v128_store(c + 4, c41); }
  if (rows > 5) { c += ldc; wasm_v128_store(c, c50); wasm_v128_store(c + 4, c51); }
}

/* Rows of A per tile, and the A rows the workspace holds for `taps` filter taps. */
#define TILE_ROWS 6

/*
 * C[m, n] = A[m, k] * B[k, n], B packed in panels of 8 columns (Bp[n / 8][k][8]); A rows `lda` apart, C
 * rows `ldc` apart. k a multiple of 4, n of 8, kc (the block of k kept in cache) of 4. A must hold rows up
 * to the next multiple of 6 (rows past m are computed and not stored).
 */
__attribute__((export_name("gemm_packed")))
void gemm_packed(const float* a, int lda, const float* bp, float* c, int ldc, int m, int k, int n, int kc) {
  for (int k0 = 0; k0 < k; k0 += kc) {
    const int k_count = k - k0 < kc ? k - k0 : kc;
    for (int n0 = 0; n0 < n; n0 += 8) {
      for (int m0 = 0; m0 < m; m0 += TILE_ROWS) {
        const int rows = m - m0 < TILE_ROWS ? m - m0 : TILE_ROWS;
        tile_6x8(a + (size_t)m0 * lda + k0, lda, bp + (size_t)n0 * k + (size_t)k0 * 8, k_count, c + (size_t)m0 * ldc + n0, ldc, rows, k0 > 0);
      }
    }
  }
}
static int padded_taps(int taps) { return (taps + TILE_ROWS - 1) / TILE_ROWS * TILE_ROWS; }
static int padded_positions(int positions) { return (positions + 3) & ~3; }

/* Floats of scratch space filter_grad_few_channels needs. */
__attribute__((export_name("filter_grad_few_channels_workspace")))
int filter_grad_few_channels_workspace(int taps, int positions, int out_channels) {
  return (padded_taps(taps) + out_channels) * padded_positions(positions);
}

/*
 * dw[i, j, c, o] = sum over n, y, x of in[n, y*sh - pt + i, x*sw - pl + j, c] * dy[n, y, x, o]
 * for an NHWC convolution: in [n, h, w, cin], dy [n, oh, ow, cout], dw [kh, kw, cin, cout].
 * As a GEMM: dw [taps = kh*kw*cin, cout] = A [taps, positions] * B [positions, cout] with A the input's
 * patches (zero outside the image) and B = dy; both are laid out in `work` (see
 * filter_grad_few_channels_workspace), then multiplied tile by tile. cout must be a multiple of 8.
 */
__attribute__((export_name("filter_grad_few_channels")))
void filter_grad_few_channels(const float* in, const float* dy, float* dw, float* work,
                              int n, int h, int w, int cin, int oh, int ow, int cout,
                              int kh, int kw, int sh, int sw, int pt, int pl) {
  const int taps = kh * kw * cin;
  const int positions = n * oh * ow;
  const int k_count = padded_positions(positions);
  const int rows = padded_taps(taps);
  float* a = work;
  float* b = work + (size_t)rows * k_count;
  /* A: one row per tap (i, j, c), one column per output position (b, y, x). */
  for (int t = 0; t < rows; t++) {
    float* row = a + (size_t)t * k_count;
    if (t >= taps) {
      for (int p = 0; p < k_count; p++) row[p] = 0;
      continue;
    }
    const int i = t / (kw * cin), j = (t / cin) % kw, c = t % cin;
    int p = 0;
    for (int bi = 0; bi < n; bi++) {
      for (int y = 0; y < oh; y++) {
        const int iy = y * sh - pt + i;
        for (int x = 0; x < ow; x++, p++) {
          const int ix = x * sw - pl + j;
          row[p] = (iy >= 0 && iy < h && ix >= 0 && ix < w) ? in[(((size_t)bi * h + iy) * w + ix) * cin + c] : 0.0f;
        }
      }
    }
    for (; p < k_count; p++) row[p] = 0;
  }
  /* B: dy packed in panels of 8 output channels, [cout / 8][k_count][8]. */
  for (int o0 = 0; o0 < cout; o0 += 8) {
    float* panel = b + (size_t)o0 * k_count;
    for (int p = 0; p < positions; p++) {
      wasm_v128_store(panel + (size_t)p * 8, wasm_v128_load(dy + (size_t)p * cout + o0));
      wasm_v128_store(panel + (size_t)p * 8 + 4, wasm_v128_load(dy + (size_t)p * cout + o0 + 4));
    }
    for (int p = positions; p < k_count; p++) {
      wasm_v128_store(panel + (size_t)p * 8, wasm_f32x4_splat(0));
      wasm_v128_store(panel + (size_t)p * 8 + 4, wasm_f32x4_splat(0));
    }
  }
  gemm_packed(a, k_count, b, dw, cout, taps, k_count, cout, k_count);
}

/*
 * The pixel shuffle of a strided transposed convolution: `sh * sw` phase images, phase (a, d) holding
 * the output pixels (r * sh + a, c * sw + d), become one image [n, out_h, out_w, ch] (pixels past
 * out_h / out_w are cropped). Phase k = a * sw + d starts at `phases[k]`, its pixels `stride` floats
 * apart ([n, rows, cols] pixels of `ch` floats each; stride = ch for separate phase images, sh * sw * ch
 * for phases stacked along the channels of one image). At most 4 phases (p0..p3).
 */
__attribute__((export_name("interleave_phases")))
void interleave_phases(float* out, const float* p0, const float* p1, const float* p2, const float* p3, int stride,
                       int n, int rows, int cols, int ch, int sh, int sw, int out_h, int out_w) {
  /* No array of the four pointers: it would live on the stack, which this module must not use. */
  for (int b = 0; b < n; b++) {
    for (int r = 0; r < rows; r++) {
      for (int a = 0; a < sh; a++) {
        const int y = r * sh + a;
        if (y >= out_h) continue;
        for (int c = 0; c < cols; c++) {
          for (int d = 0; d < sw; d++) {
            const int x = c * sw + d;
            if (x >= out_w) continue;
            const int k = a * sw + d;
            const float* phase = k == 0 ? p0 : k == 1 ? p1 : k == 2 ? p2 : p3;
            const float* src = phase + (((size_t)b * rows + r) * cols + c) * stride;
            __builtin_memcpy(out + (((size_t)b * out_h + y) * out_w + x) * ch, src, (size_t)ch * sizeof(float));
          }
        }
      }
    }
  }
}

/*
 * out[c, s, b] = in[b, s, c] for in [n, inner, ch]: the first and last axes swapped (an NHWC batch as a
 * [C, H, W, N] one). 4 x 4 blocks through SIMD lane shuffles where n and ch are multiples of 4, one
 * element at a time elsewhere.
 */
__attribute__((export_name("swap_first_last_axes")))
void swap_first_last_axes(float* out, const float* in, int n, int inner, int ch) {
  if (n % 4 == 0 && ch % 4 == 0) {
    for (int s = 0; s < inner; s++) {
      for (int b = 0; b < n; b += 4) {
        const float* src = in + ((size_t)b * inner + s) * ch;
        const size_t step = (size_t)inner * ch;
        for (int c = 0; c < ch; c += 4) {
          const v128_t r0 = wasm_v128_load(src + c), r1 = wasm_v128_load(src + step + c);
          const v128_t r2 = wasm_v128_load(src + 2 * step + c), r3 = wasm_v128_load(src + 3 * step + c);
          const v128_t t0 = wasm_i32x4_shuffle(r0, r1, 0, 4, 1, 5), t1 = wasm_i32x4_shuffle(r0, r1, 2, 6, 3, 7);
          const v128_t t2 = wasm_i32x4_shuffle(r2, r3, 0, 4, 1, 5), t3 = wasm_i32x4_shuffle(r2, r3, 2, 6, 3, 7);
          float* dst = out + ((size_t)c * inner + s) * n + b;
          const size_t out_step = (size_t)inner * n;
          wasm_v128_store(dst, wasm_i64x2_shuffle(t0, t2, 0, 2));
          wasm_v128_store(dst + out_step, wasm_i64x2_shuffle(t0, t2, 1, 3));
          wasm_v128_store(dst + 2 * out_step, wasm_i64x2_shuffle(t1, t3, 0, 2));
          wasm_v128_store(dst + 3 * out_step, wasm_i64x2_shuffle(t1, t3, 1, 3));
        }
      }
    }
    return;
  }
  for (int b = 0; b < n; b++)
    for (int s = 0; s < inner; s++)
      for (int c = 0; c < ch; c++) out[((size_t)c * inner + s) * n + b] = in[((size_t)b * inner + s) * ch + c];
}
