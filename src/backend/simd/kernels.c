/*
 * tfjs-gan's own kernels in WebAssembly SIMD128, for the wasm backend:
 * - adam_update: tfjs's Adam update of one variable in one pass, bit-identical to tf.train.adam (split
 *   among threads by elements);
 * - filter_grad_few_channels: the filter gradient of a convolution whose input has few channels (an
 *   image's 1 or 3), where XNNPACK runs at a fraction of its speed.
 * - gemm_packed: the 6x8 SIMD128 GEMM that filter gradient runs on (also what `npm run bench:simd`
 *   measures);
 * - conv2d_forward, conv2d_backprop_input, conv2d_filter_grad: a convolution, its input gradient and its
 *   filter gradient for channel counts that are multiples of 4 and 8, each one GEMM on the same tile,
 *   split among threads (each thread runs its part on its own instance of this module);
 * - interleave_phases, swap_first_last_axes: data movement around XNNPACK's convolutions;
 * - nonfinite_sum: whether any of a tensor's values is NaN or infinite, in one read-only pass;
 * - leaky_relu, tanh_f32, channel_affine, step_product (an activation's gradient), column_sums (sums and
 *   means over leading axes): element-wise work and reductions in one pass each.
 *
 * The module owns no memory: it imports tfjs's wasm heap and reads and writes the tensors where they lie
 * (scratch space comes from tfjs's allocator). It must therefore use no stack and no data segment
 * (build.sh checks both).
 *
 * Build: src/backend/simd/build.sh (Debian clang and lld).
 */
#include <stddef.h>
#include <wasm_simd128.h>

/* The first item of share `part` of `count` items split into `parts`. */
static int share_start(int count, int part, int parts) { return (int)((long long)count * part / parts); }

/*
 * The threaded kernels hand out their work dynamically: each part takes the next chunk of items from a
 * counter in the first WORK_COUNTERS ints of `work` (zeroed by the caller), so that a part that starts late
 * or runs on a busier core takes fewer chunks. In the single-threaded build these are plain additions.
 */
#define WORK_COUNTERS 16
static int take(int* counter, int chunk) { return __atomic_fetch_add(counter, chunk, __ATOMIC_RELAXED); }

__attribute__((export_name("adam_update")))
void adam_update(const float* value, const float* gradient, const float* m, const float* v,
                 float* new_value, float* new_m, float* new_v, int n,
                 float beta1, float keep1, float beta2, float keep2,
                 float correction1, float correction2, float epsilon, float step, int part, int parts) {
  /* This part's elements: shares of whole vectors, the scalar tail with the last part. */
  const int vectors = n / 4;
  const int first = share_start(vectors, part, parts) * 4;
  const int end = part == parts - 1 ? n : share_start(vectors, part + 1, parts) * 4;
  value += first; gradient += first; m += first; v += first; new_value += first; new_m += first; new_v += first;
  n = end - first;
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
 * acc + a * b, four lanes. The relaxed-SIMD build (-mrelaxed-simd) uses f32x4.relaxed_madd, which the
 * engine compiles to a fused multiply-add where the CPU has one (rounding once, not twice) and to a
 * multiply and an add elsewhere; the SIMD128 build always multiplies, rounds and adds.
 */
#ifdef __wasm_relaxed_simd__
#define MADD(a, b, acc) wasm_f32x4_relaxed_madd(a, b, acc)
#else
#define MADD(a, b, acc) wasm_f32x4_add(acc, wasm_f32x4_mul(a, b))
#endif

/*
 * C[6 x 8 tile] (+)= A[6 rows, K] * Bp (one packed panel of 8 columns, K x 8). A rows are `lda` apart; K a
 * multiple of 4. The tile is written to c (rows `ldc` apart), only its first `rows` rows; with
 * `accumulate`, added to what those rows hold.
 *
 * Kept a function of its own (noinline): inlined into the convolutions' loops, V8 compiles its loop
 * with less registers and it runs at 36 instead of 50 GFLOP/s (measured, one core).
 */
static __attribute__((noinline)) void tile_6x8(const float* a0, int lda, const float* b, int k_count, float* c, int ldc, int rows, int accumulate) {
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
    s = wasm_v128_load32_splat(a0 + k + l); c00 = MADD(s, b0, c00); c01 = MADD(s, b1, c01); \
    s = wasm_v128_load32_splat(a1 + k + l); c10 = MADD(s, b0, c10); c11 = MADD(s, b1, c11); \
    s = wasm_v128_load32_splat(a2 + k + l); c20 = MADD(s, b0, c20); c21 = MADD(s, b1, c21); \
    s = wasm_v128_load32_splat(a3 + k + l); c30 = MADD(s, b0, c30); c31 = MADD(s, b1, c31); \
    s = wasm_v128_load32_splat(a4 + k + l); c40 = MADD(s, b0, c40); c41 = MADD(s, b1, c41); \
    s = wasm_v128_load32_splat(a5 + k + l); c50 = MADD(s, b0, c50); c51 = MADD(s, b1, c51); \
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

/* Positions one part of filter_grad_few_channels takes at most, padded to the GEMM's K step. */
static int few_channels_positions(int positions, int parts) { return padded_positions((positions + parts - 1) / parts); }

/* Floats of one part's scratch space in filter_grad_few_channels: A, B and its partial gradient. */
static size_t few_channels_part(int taps, int positions, int out_channels, int parts) {
  return (size_t)(padded_taps(taps) + out_channels) * few_channels_positions(positions, parts) + (size_t)taps * out_channels;
}

/* Floats of scratch space filter_grad_few_channels needs for `parts` parts. */
__attribute__((export_name("filter_grad_few_channels_workspace")))
int filter_grad_few_channels_workspace(int taps, int positions, int out_channels, int parts) {
  return WORK_COUNTERS + (int)few_channels_part(taps, positions, out_channels, parts) * parts;
}

/*
 * dw[i, j, c, o] = sum over n, y, x of in[n, y*sh - pt + i, x*sw - pl + j, c] * dy[n, y, x, o]
 * for an NHWC convolution: in [n, h, w, cin], dy [n, oh, ow, cout], dw [kh, kw, cin, cout].
 * As a GEMM: dw [taps = kh*kw*cin, cout] = A [taps, positions] * B [positions, cout] with A the input's
 * patches (zero outside the image) and B = dy; both are laid out in `work`, then multiplied tile by tile.
 * cout must be a multiple of 8. A fixed share of the positions (dy's pixels) per part: part 0 writes its
 * sum into dw, every other part into its own partial gradient in `work`, which sum_few_channels_parts
 * then adds to dw.
 */
__attribute__((export_name("filter_grad_few_channels")))
void filter_grad_few_channels(const float* in, const float* dy, float* dw, float* work,
                              int n, int h, int w, int cin, int oh, int ow, int cout,
                              int kh, int kw, int sh, int sw, int pt, int pl, int part, int parts) {
  const int taps = kh * kw * cin;
  const int positions = n * oh * ow;
  const int p0 = share_start(positions, part, parts), p1 = share_start(positions, part + 1, parts);
  const int k_count = padded_positions(p1 - p0);
  const int k_stride = few_channels_positions(positions, parts);
  const int rows = padded_taps(taps);
  float* a = work + WORK_COUNTERS + few_channels_part(taps, positions, cout, parts) * part;
  float* b = a + (size_t)rows * k_stride;
  float* out = part == 0 ? dw : b + (size_t)cout * k_stride;
  if (k_count == 0) {
    __builtin_memset(out, 0, (size_t)taps * cout * sizeof(float));
    return;
  }
  /* A: one row per tap (i, j, c), one column per output position (b, y, x) of this part. */
  for (int t = 0; t < rows; t++) {
    float* row = a + (size_t)t * k_count;
    if (t >= taps) {
      for (int p = 0; p < k_count; p++) row[p] = 0;
      continue;
    }
    const int i = t / (kw * cin), j = (t / cin) % kw, c = t % cin;
    int bi = p0 / (oh * ow), y = (p0 / ow) % oh, x = p0 % ow;
    for (int p = 0; p < p1 - p0; p++) {
      const int iy = y * sh - pt + i, ix = x * sw - pl + j;
      row[p] = (iy >= 0 && iy < h && ix >= 0 && ix < w) ? in[(((size_t)bi * h + iy) * w + ix) * cin + c] : 0.0f;
      if (++x == ow) {
        x = 0;
        if (++y == oh) y = 0, bi++;
      }
    }
    for (int p = p1 - p0; p < k_count; p++) row[p] = 0;
  }
  /* B: this part's rows of dy packed in panels of 8 output channels, [cout / 8][k_count][8]. */
  for (int o0 = 0; o0 < cout; o0 += 8) {
    float* panel = b + (size_t)o0 * k_count;
    for (int p = p0; p < p1; p++) {
      wasm_v128_store(panel + (size_t)(p - p0) * 8, wasm_v128_load(dy + (size_t)p * cout + o0));
      wasm_v128_store(panel + (size_t)(p - p0) * 8 + 4, wasm_v128_load(dy + (size_t)p * cout + o0 + 4));
    }
    for (int p = p1 - p0; p < k_count; p++) {
      wasm_v128_store(panel + (size_t)p * 8, wasm_f32x4_splat(0));
      wasm_v128_store(panel + (size_t)p * 8 + 4, wasm_f32x4_splat(0));
    }
  }
  gemm_packed(a, k_count, b, out, cout, taps, k_count, cout, k_count);
}

/* Adds the partial gradients of parts 1 .. parts - 1 of filter_grad_few_channels to dw. */
__attribute__((export_name("sum_few_channels_parts")))
void sum_few_channels_parts(float* dw, const float* work, int taps, int positions, int cout, int parts) {
  const size_t part_size = few_channels_part(taps, positions, cout, parts);
  const size_t partial = (size_t)(padded_taps(taps) + cout) * few_channels_positions(positions, parts);
  for (int part = 1; part < parts; part++) {
    const float* src = work + WORK_COUNTERS + part_size * part + partial;
    for (int i = 0; i < taps * cout; i++) dw[i] += src[i];
  }
}

/*
 * The sum of x - x over n floats: +0 when every one is finite, NaN when any is NaN or +-Infinity (an
 * infinity minus itself is NaN, and NaN survives every addition). Reads only, writes nothing, and cannot
 * overflow as a sum of the values could. The training step's check that an update left every weight and
 * optimizer state finite: one pass instead of a subtraction and a sum kernel per tensor.
 */
__attribute__((export_name("nonfinite_sum")))
float nonfinite_sum(const float* x, int n) {
  v128_t a0 = wasm_f32x4_splat(0), a1 = a0, a2 = a0, a3 = a0;
  int i = 0;
  for (; i + 16 <= n; i += 16) {
    const v128_t v0 = wasm_v128_load(x + i), v1 = wasm_v128_load(x + i + 4);
    const v128_t v2 = wasm_v128_load(x + i + 8), v3 = wasm_v128_load(x + i + 12);
    a0 = wasm_f32x4_add(a0, wasm_f32x4_sub(v0, v0));
    a1 = wasm_f32x4_add(a1, wasm_f32x4_sub(v1, v1));
    a2 = wasm_f32x4_add(a2, wasm_f32x4_sub(v2, v2));
    a3 = wasm_f32x4_add(a3, wasm_f32x4_sub(v3, v3));
  }
  for (; i + 4 <= n; i += 4) {
    const v128_t v = wasm_v128_load(x + i);
    a0 = wasm_f32x4_add(a0, wasm_f32x4_sub(v, v));
  }
  a0 = wasm_f32x4_add(wasm_f32x4_add(a0, a1), wasm_f32x4_add(a2, a3));
  float sum = wasm_f32x4_extract_lane(a0, 0) + wasm_f32x4_extract_lane(a0, 1) + wasm_f32x4_extract_lane(a0, 2) + wasm_f32x4_extract_lane(a0, 3);
  for (; i < n; i++) sum += x[i] - x[i];
  return sum;
}

/* out = x * (x > 0 ? 1 : alpha): tfjs's leaky ReLU as x * step(x, alpha), bit for bit, in one pass. */
__attribute__((export_name("leaky_relu")))
void leaky_relu(const float* x, float* out, int n, float alpha) {
  const v128_t zero = wasm_f32x4_splat(0), one = wasm_f32x4_splat(1), slope = wasm_f32x4_splat(alpha);
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    const v128_t v = wasm_v128_load(x + i);
    wasm_v128_store(out + i, wasm_f32x4_mul(v, wasm_v128_bitselect(one, slope, wasm_f32x4_gt(v, zero))));
  }
  for (; i < n; i++) out[i] = x[i] * (x[i] > 0 ? 1.0f : alpha);
}

/*
 * out = dy * (x > 0 ? 1 : alpha), NaN where x is NaN: the gradient of ReLU (alpha 0) and of leaky ReLU as
 * tfjs computes it, dy * step(x, alpha), in one pass instead of a step kernel and a product. Split among
 * threads by elements, as adam_update is.
 */
__attribute__((export_name("step_product")))
void step_product(const float* dy, const float* x, float* out, int n, float alpha, int part, int parts) {
  const int vectors = n / 4;
  const int first = share_start(vectors, part, parts) * 4;
  const int end = part == parts - 1 ? n : share_start(vectors, part + 1, parts) * 4;
  const v128_t zero = wasm_f32x4_splat(0), one = wasm_f32x4_splat(1), slope = wasm_f32x4_splat(alpha);
  int i = first;
  for (; i + 4 <= end; i += 4) {
    const v128_t v = wasm_v128_load(x + i);
    /* 1 where x > 0, alpha where x <= 0, and x itself (NaN) where it is NaN, as tfjs's step keeps NaN. */
    const v128_t step = wasm_v128_bitselect(wasm_v128_bitselect(one, slope, wasm_f32x4_gt(v, zero)), v, wasm_f32x4_eq(v, v));
    wasm_v128_store(out + i, wasm_f32x4_mul(wasm_v128_load(dy + i), step));
  }
  for (; i < end; i++) out[i] = dy[i] * (x[i] != x[i] ? x[i] : x[i] > 0 ? 1.0f : alpha);
}

/*
 * out[c] = (sum over r of x[r, c]) / divisor for `rows` rows of `channels`: a sum (divisor 1) or mean
 * (divisor rows) over the leading axes, as every batch-normalization statistic and bias gradient is. The
 * rows are added in three levels: blocks of COLUMN_BLOCK rows into a partial sum, COLUMN_BLOCK partials
 * into a second, and those into the total, so a result has at most 2 COLUMN_BLOCK + rows / COLUMN_BLOCK^2
 * roundings in any one chain where a running sum has `rows`. NaN and infinities propagate as in any sum.
 * Columns are taken 16 at a time, then one at a time, all rows each. Not split among threads: in a
 * training step, handing a reduction to a kernel thread between XNNPACK's element-wise kernels measured
 * 2-6 times slower than running it whole (0.13 against 0.8 ms for [64, 6272]).
 */
#define COLUMN_BLOCK 64
#define COLUMN_SUPER (COLUMN_BLOCK * COLUMN_BLOCK)

/* The end of the block of at most `block` rows that starts at `start`, in rows that end at `end`. */
static int block_end(int start, int block, int end) { return end - start < block ? end : start + block; }

static void column_sums_16(const float* x, float* out, int rows, int channels, v128_t divisor) {
  const v128_t zero = wasm_f32x4_splat(0);
  v128_t t0 = zero, t1 = zero, t2 = zero, t3 = zero;
  for (int s0 = 0; s0 < rows; s0 += COLUMN_SUPER) {
    const int s1 = block_end(s0, COLUMN_SUPER, rows);
    v128_t q0 = zero, q1 = zero, q2 = zero, q3 = zero;
    for (int r0 = s0; r0 < s1; r0 += COLUMN_BLOCK) {
      const int r1 = block_end(r0, COLUMN_BLOCK, s1);
      v128_t p0 = zero, p1 = zero, p2 = zero, p3 = zero;
      for (int r = r0; r < r1; r++) {
        const float* row = x + (size_t)r * channels;
        p0 = wasm_f32x4_add(p0, wasm_v128_load(row));
        p1 = wasm_f32x4_add(p1, wasm_v128_load(row + 4));
        p2 = wasm_f32x4_add(p2, wasm_v128_load(row + 8));
        p3 = wasm_f32x4_add(p3, wasm_v128_load(row + 12));
      }
      q0 = wasm_f32x4_add(q0, p0), q1 = wasm_f32x4_add(q1, p1), q2 = wasm_f32x4_add(q2, p2), q3 = wasm_f32x4_add(q3, p3);
    }
    t0 = wasm_f32x4_add(t0, q0), t1 = wasm_f32x4_add(t1, q1), t2 = wasm_f32x4_add(t2, q2), t3 = wasm_f32x4_add(t3, q3);
  }
  wasm_v128_store(out, wasm_f32x4_div(t0, divisor));
  wasm_v128_store(out + 4, wasm_f32x4_div(t1, divisor));
  wasm_v128_store(out + 8, wasm_f32x4_div(t2, divisor));
  wasm_v128_store(out + 12, wasm_f32x4_div(t3, divisor));
}

static float column_sum_1(const float* x, int rows, int channels) {
  float t = 0;
  for (int s0 = 0; s0 < rows; s0 += COLUMN_SUPER) {
    const int s1 = block_end(s0, COLUMN_SUPER, rows);
    float q = 0;
    for (int r0 = s0; r0 < s1; r0 += COLUMN_BLOCK) {
      const int r1 = block_end(r0, COLUMN_BLOCK, s1);
      float p = 0;
      for (int r = r0; r < r1; r++) p += x[(size_t)r * channels];
      q += p;
    }
    t += q;
  }
  return t;
}

__attribute__((export_name("column_sums")))
void column_sums(const float* x, float* out, int rows, int channels, float divisor) {
  int c = 0;
  for (; c + 16 <= channels; c += 16) column_sums_16(x + c, out + c, rows, channels, wasm_f32x4_splat(divisor));
  for (; c < channels; c++) out[c] = column_sum_1(x + c, rows, channels) / divisor;
}

/*
 * tanh of 4 floats: an odd polynomial below |x| = 0.625, else sign(x) * (1 - 2 / (e^(2|x|) + 1)) with
 * e^y from a polynomial and a power of two (Cephes' single-precision coefficients); |x| is capped at 10,
 * where tanh rounds to 1. Within a few units in the last place of libm's tanhf; NaN stays NaN, -0 stays -0.
 */
static inline __attribute__((always_inline)) v128_t tanh4(v128_t x) {
  const v128_t ax = wasm_f32x4_abs(x);
  /* Small |x|. */
  const v128_t z = wasm_f32x4_mul(x, x);
  v128_t p = wasm_f32x4_splat(-5.70498872745e-3f);
  p = wasm_f32x4_add(wasm_f32x4_mul(p, z), wasm_f32x4_splat(2.06390887954e-2f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, z), wasm_f32x4_splat(-5.37397155531e-2f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, z), wasm_f32x4_splat(1.33314422036e-1f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, z), wasm_f32x4_splat(-3.33332819422e-1f));
  const v128_t small = wasm_f32x4_add(wasm_f32x4_mul(wasm_f32x4_mul(p, z), x), x);
  /* e^y for y = 2 min(|x|, 9): y = n ln 2 + r, e^y = 2^n e^r. */
  const v128_t y = wasm_f32x4_mul(wasm_f32x4_min(ax, wasm_f32x4_splat(10.0f)), wasm_f32x4_splat(2.0f));
  const v128_t n = wasm_f32x4_floor(wasm_f32x4_add(wasm_f32x4_mul(y, wasm_f32x4_splat(1.44269504088896341f)), wasm_f32x4_splat(0.5f)));
  v128_t r = wasm_f32x4_sub(y, wasm_f32x4_mul(n, wasm_f32x4_splat(0.693359375f)));
  r = wasm_f32x4_sub(r, wasm_f32x4_mul(n, wasm_f32x4_splat(-2.12194440e-4f)));
  v128_t e = wasm_f32x4_splat(1.9875691500e-4f);
  e = wasm_f32x4_add(wasm_f32x4_mul(e, r), wasm_f32x4_splat(1.3981999507e-3f));
  e = wasm_f32x4_add(wasm_f32x4_mul(e, r), wasm_f32x4_splat(8.3334519073e-3f));
  e = wasm_f32x4_add(wasm_f32x4_mul(e, r), wasm_f32x4_splat(4.1665795894e-2f));
  e = wasm_f32x4_add(wasm_f32x4_mul(e, r), wasm_f32x4_splat(1.6666665459e-1f));
  e = wasm_f32x4_add(wasm_f32x4_mul(e, r), wasm_f32x4_splat(5.0000001201e-1f));
  e = wasm_f32x4_add(wasm_f32x4_add(wasm_f32x4_mul(wasm_f32x4_mul(e, r), r), r), wasm_f32x4_splat(1.0f));
  const v128_t two_n = wasm_i32x4_shl(wasm_i32x4_add(wasm_i32x4_trunc_sat_f32x4(n), wasm_i32x4_splat(127)), 23);
  e = wasm_f32x4_mul(e, two_n);
  const v128_t one = wasm_f32x4_splat(1.0f);
  const v128_t large = wasm_f32x4_sub(one, wasm_f32x4_div(wasm_f32x4_splat(2.0f), wasm_f32x4_add(e, one)));
  /* x's sign on either result (the polynomial's already has it, except at -0); NaN stays NaN. */
  const v128_t sign = wasm_v128_and(x, wasm_i32x4_splat((int)0x80000000));
  return wasm_v128_or(wasm_v128_bitselect(small, large, wasm_f32x4_lt(ax, wasm_f32x4_splat(0.625f))), sign);
}

/* out = tanh(x), n floats. */
__attribute__((export_name("tanh_f32")))
void tanh_f32(const float* x, float* out, int n) {
  int i = 0;
  for (; i + 4 <= n; i += 4) wasm_v128_store(out + i, tanh4(wasm_v128_load(x + i)));
  for (; i < n; i++) out[i] = wasm_f32x4_extract_lane(tanh4(wasm_v128_load32_zero(x + i)), 0);
}

/*
 * out[r, c] = (x[r, c] - mean[c]) * factor[c] (+ offset[c] where offset is not 0) for `rows` rows of
 * `channels`: a batch normalization with its per-channel factor already computed, in the order (and with
 * the roundings) of a subtraction, a multiplication and an addition. Split among threads by rows.
 */
__attribute__((export_name("channel_affine")))
void channel_affine(const float* x, const float* mean, const float* factor, const float* offset, float* out, int rows, int channels,
                    int part, int parts) {
  const int c4 = channels & ~3;
  const int end = share_start(rows, part + 1, parts);
  for (int r = share_start(rows, part, parts); r < end; r++) {
    const float* in = x + (size_t)r * channels;
    float* dst = out + (size_t)r * channels;
    int c = 0;
    for (; c < c4; c += 4) {
      v128_t v = wasm_f32x4_mul(wasm_f32x4_sub(wasm_v128_load(in + c), wasm_v128_load(mean + c)), wasm_v128_load(factor + c));
      if (offset != 0) v = wasm_f32x4_add(v, wasm_v128_load(offset + c));
      wasm_v128_store(dst + c, v);
    }
    for (; c < channels; c++) {
      const float v = (in[c] - mean[c]) * factor[c];
      dst[c] = offset != 0 ? v + offset[c] : v;
    }
  }
}

/*
 * The gradient of an average pool whose windows tile the input (window = stride, no padding): every input
 * pixel (y, x) of window (i, j) gets dy[i, j] * scale (scale = 1 / window size, in double precision and
 * rounded once, as tfjs's cpu kernel rounds it: 4 at a time in single precision where the scale is a power
 * of two and both round alike); the rows and columns past the last whole window (y >= oh * kh,
 * x >= ow * kw) get 0. dy [n, oh, ow, ch], dx [n, h, w, ch].
 */
__attribute__((export_name("pool_grad_spread")))
void pool_grad_spread(const float* dy, float* dx, int n, int h, int w, int ch, int oh, int ow, int kh, int kw, double scale) {
  const float single = (float)scale;
  const int c4 = (double)single == scale ? ch & ~3 : 0;
  const v128_t s4 = wasm_f32x4_splat(single);
  for (int b = 0; b < n; b++) {
    for (int y = 0; y < h; y++) {
      float* row = dx + ((size_t)b * h + y) * w * ch;
      const int i = y / kh;
      if (i >= oh) {
        __builtin_memset(row, 0, (size_t)w * ch * sizeof(float));
        continue;
      }
      for (int x = 0; x < w; x++) {
        float* out = row + (size_t)x * ch;
        const int j = x / kw;
        if (j >= ow) {
          __builtin_memset(out, 0, (size_t)ch * sizeof(float));
          continue;
        }
        const float* in = dy + (((size_t)b * oh + i) * ow + j) * ch;
        int c = 0;
        for (; c < c4; c += 4) wasm_v128_store(out + c, wasm_f32x4_mul(wasm_v128_load(in + c), s4));
        for (; c < ch; c++) out[c] = (float)((double)in[c] * scale);
      }
    }
  }
}

/* out[r] = x[indices[r]] for rows of `row` 4-byte elements (indices already checked). */
__attribute__((export_name("gather_rows")))
void gather_rows(float* out, const float* x, const int* indices, int count, int row) {
  for (int r = 0; r < count; r++) __builtin_memcpy(out + (size_t)r * row, x + (size_t)indices[r] * row, (size_t)row * sizeof(float));
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

/* dst[j * dst_stride + i] = src[i * src_stride + j] for a 4 x 4 block, through SIMD lane shuffles. */
static inline __attribute__((always_inline)) void transpose_4x4(const float* src, size_t src_stride, float* dst, size_t dst_stride) {
  const v128_t r0 = wasm_v128_load(src), r1 = wasm_v128_load(src + src_stride);
  const v128_t r2 = wasm_v128_load(src + 2 * src_stride), r3 = wasm_v128_load(src + 3 * src_stride);
  const v128_t t0 = wasm_i32x4_shuffle(r0, r1, 0, 4, 1, 5), t1 = wasm_i32x4_shuffle(r0, r1, 2, 6, 3, 7);
  const v128_t t2 = wasm_i32x4_shuffle(r2, r3, 0, 4, 1, 5), t3 = wasm_i32x4_shuffle(r2, r3, 2, 6, 3, 7);
  wasm_v128_store(dst, wasm_i64x2_shuffle(t0, t2, 0, 2));
  wasm_v128_store(dst + dst_stride, wasm_i64x2_shuffle(t0, t2, 1, 3));
  wasm_v128_store(dst + 2 * dst_stride, wasm_i64x2_shuffle(t1, t3, 0, 2));
  wasm_v128_store(dst + 3 * dst_stride, wasm_i64x2_shuffle(t1, t3, 1, 3));
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
          transpose_4x4(src + c, step, out + ((size_t)c * inner + s) * n + b, (size_t)inner * n);
        }
      }
    }
    return;
  }
  for (int b = 0; b < n; b++)
    for (int s = 0; s < inner; s++)
      for (int c = 0; c < ch; c++) out[((size_t)c * inner + s) * n + b] = in[((size_t)b * inner + s) * ch + c];
}

/*
 * Convolutions and products as GEMMs on the 6x8 tile above, for tfjs's threaded build: every function
 * below takes `part` and `parts` last, so that `parts` threads running it together (each on its own
 * instance of this module over the one shared heap) do the whole. The parts take their work from the
 * counters at the start of `work` (or, where noted, a fixed share); each writes only the output it took
 * and its own region of `work`, so there is one call per part and no other synchronisation. Each part
 * packs the operands its tiles read (pixels outside the image read as zeros): that costs a few percent of
 * the arithmetic and lets the tile read A rows a fixed distance apart, the form it runs fastest in.
 */

static int round_up(int value, int multiple) { return (value + multiple - 1) / multiple * multiple; }

/* Filter taps of one phase along one axis: taps first, first + stride, ... below `kernel`. */
static int phase_taps(int first, int kernel, int stride) { return first < kernel ? (kernel - 1 - first) / stride + 1 : 0; }

/*
 * Where the GEMM rows of conv_gemm come from and go: row m = (b, y, x), y < rows_h, x < rows_w, reads
 * taps (ti, tj) at source pixel (b, y * row_step + row_off + ti * tap_dir, x * col_step + col_off + tj *
 * tap_dir) of an image [n, src_h, src_w, src_c] (zeros outside it) and writes output pixel (b, y *
 * out_row_step + out_row_off, x * out_col_step + out_col_off) of an image [n, out_h, out_w, out_c].
 */
typedef struct {
  int rows_h, rows_w, taps_h, taps_w, tap_dir;
  int src_h, src_w, src_c, row_step, row_off, col_step, col_off;
  int out_h, out_w, out_c, out_row_step, out_row_off, out_col_step, out_col_off;
} ConvRows;

/*
 * How conv_gemm blocks its K (taps_h rows of taps_w taps of src_c channels): one row of taps per block
 * where a row is long and a multiple of 4 (the tile's K step), else all taps in one block; every block
 * is padded with zeros to a multiple of 4.
 */
static int k_rows_per_block(int taps_h, int k_row) { return k_row % 4 == 0 && k_row >= 32 ? 1 : taps_h; }
static int k_block(int taps_h, int k_row) { return round_up(k_rows_per_block(taps_h, k_row) * k_row, 4); }
static int k_blocks(int taps_h, int k_row) {
  const int per_block = k_rows_per_block(taps_h, k_row);
  return per_block > 0 ? (taps_h + per_block - 1) / per_block : 0;
}
static int k_packed(int taps_h, int k_row) { return k_blocks(taps_h, k_row) * k_block(taps_h, k_row); }

/*
 * Packs a filter as conv_gemm's B: panels of 8 of the out_c columns (zeros past out_c), each [K][8] in
 * conv_gemm's K order (taps (ti, tj), then src_c channels, blocks padded with zero rows). Tap (ti, tj),
 * channel ch, column col is w[(i0 + ti * di) * tap_stride_h + (j0 + tj * dj) * tap_stride_w + ch *
 * ch_stride + col * col_stride].
 */
static void pack_filter(float* bp, const float* w, int taps_h, int taps_w, int i0, int di, int j0, int dj, int tap_stride_h,
                        int tap_stride_w, int src_c, int ch_stride, int out_c, int col_stride) {
  const int k_row = taps_w * src_c;
  const int per_block = k_rows_per_block(taps_h, k_row), block = k_block(taps_h, k_row);
  float* dst = bp;
  for (int p = 0; p < (out_c + 7) / 8; p++) {
    for (int ti0 = 0; ti0 < taps_h; ti0 += per_block) {
      float* block_end = dst + (size_t)block * 8;
      for (int ti = ti0; ti < ti0 + per_block && ti < taps_h; ti++) {
        for (int tj = 0; tj < taps_w; tj++) {
          const float* tap = w + (size_t)(i0 + ti * di) * tap_stride_h + (size_t)(j0 + tj * dj) * tap_stride_w;
          for (int ch = 0; ch < src_c; ch++, dst += 8) {
            for (int l = 0; l < 8; l++) {
              const int col = p * 8 + l;
              dst[l] = col < out_c ? tap[(size_t)ch * ch_stride + (size_t)col * col_stride] : 0.0f;
            }
          }
        }
      }
      for (; dst < block_end; dst += 8) {
        wasm_v128_store(dst, wasm_f32x4_splat(0));
        wasm_v128_store(dst + 4, wasm_f32x4_splat(0));
      }
    }
  }
}

/* Tiles of 6 rows a part takes at a time in conv_gemm. */
#define GEMM_CHUNK 4

/* The part's scratch space of conv_gemm, in floats: packed filter, one tile's A rows, one tile's output. */
static size_t conv_gemm_work(int taps_h, int k_row, int out_c) {
  const int out_pad = round_up(out_c, 8);
  return (size_t)k_packed(taps_h, k_row) * out_pad + (size_t)TILE_ROWS * k_block(taps_h, k_row) + (size_t)TILE_ROWS * out_pad;
}

/*
 * The GEMM of a convolution: for every row of `g` (n images), output pixel [0, out_c) = sum over taps
 * (ti, tj) and source channels of source values times the filter, packed by pack_filter into `bp`. The
 * parts take chunks of GEMM_CHUNK tiles of 6 rows from `counter`. For each tile and block of K, the six rows' taps are copied side by side into `a`
 * (zeros outside the image and past the block); the tile's output rows gather in `c` and are scattered to
 * their pixels at the end.
 */
static inline __attribute__((always_inline)) void conv_gemm(const float* src, const float* bp, float* out, int n,
                                                            const ConvRows* g, float* a, float* c, int* counter) {
  const int m = n * g->rows_h * g->rows_w;
  const int per_image = g->rows_h * g->rows_w;
  const int tiles = (m + TILE_ROWS - 1) / TILE_ROWS;
  const int src_c = g->src_c, out_c = g->out_c, out_pad = round_up(g->out_c, 8);
  const int k_row = g->taps_w * src_c;
  const int per_block = k_rows_per_block(g->taps_h, k_row), block = k_block(g->taps_h, k_row);
  const int blocks = k_blocks(g->taps_h, k_row), packed = blocks * block;
  for (int chunk = take(counter, GEMM_CHUNK); chunk < tiles; chunk = take(counter, GEMM_CHUNK))
  for (int t = chunk; t < chunk + GEMM_CHUNK && t < tiles; t++) {
    const int m0 = t * TILE_ROWS;
    const int rows = m - m0 < TILE_ROWS ? m - m0 : TILE_ROWS;
    if (blocks == 0) __builtin_memset(c, 0, (size_t)TILE_ROWS * out_pad * sizeof(float));
    for (int blk = 0; blk < blocks; blk++) {
      for (int r = 0; r < TILE_ROWS; r++) {
        /* Rows past m repeat the last row: computed, not stored. */
        const int row = m0 + r < m ? m0 + r : m - 1;
        const int b = row / per_image, y = (row % per_image) / g->rows_w, x = row % g->rows_w;
        float* dst = a + (size_t)r * block;
        for (int ti = blk * per_block; ti < (blk + 1) * per_block && ti < g->taps_h; ti++, dst += k_row) {
          const int sy = y * g->row_step + g->row_off + ti * g->tap_dir;
          if (sy < 0 || sy >= g->src_h) {
            __builtin_memset(dst, 0, (size_t)k_row * sizeof(float));
            continue;
          }
          const float* line = src + ((size_t)b * g->src_h + sy) * g->src_w * src_c;
          for (int tj = 0; tj < g->taps_w; tj++) {
            const int sx = x * g->col_step + g->col_off + tj * g->tap_dir;
            if (sx < 0 || sx >= g->src_w) __builtin_memset(dst + (size_t)tj * src_c, 0, (size_t)src_c * sizeof(float));
            else __builtin_memcpy(dst + (size_t)tj * src_c, line + (size_t)sx * src_c, (size_t)src_c * sizeof(float));
          }
        }
        for (float* end = a + (size_t)(r + 1) * block; dst < end; dst++) *dst = 0.0f;
      }
      for (int n0 = 0; n0 < out_pad; n0 += 8) {
        tile_6x8(a, block, bp + (size_t)n0 * packed + (size_t)blk * block * 8, block, c + n0, out_pad, TILE_ROWS, blk > 0);
      }
    }
    for (int r = 0; r < rows; r++) {
      const int row = m0 + r;
      const int b = row / per_image, y = (row % per_image) / g->rows_w, x = row % g->rows_w;
      float* dst = out + (((size_t)b * g->out_h + y * g->out_row_step + g->out_row_off) * g->out_w + x * g->out_col_step + g->out_col_off) * out_c;
      __builtin_memcpy(dst, c + (size_t)r * out_pad, (size_t)out_c * sizeof(float));
    }
  }
}

/* Floats of scratch space conv2d_forward needs for `parts` parts. */
__attribute__((export_name("conv2d_forward_workspace")))
int conv2d_forward_workspace(int kh, int kw, int cin, int cout, int parts) {
  return WORK_COUNTERS + (int)conv_gemm_work(kh, kw * cin, cout) * parts;
}

/*
 * y [n, oh, ow, cout] = conv2d(x [n, h, w, cin], w [kh, kw, cin, cout]) with strides (sh, sw) and leading
 * padding (pt, pl) (no dilation). Any channel counts (the GEMM pads K to a multiple of 4 and cout to one
 * of 8, which wastes work below 4 and 8). The parts take tiles of output pixels from the first counter.
 */
__attribute__((export_name("conv2d_forward")))
void conv2d_forward(const float* x, const float* w, float* y, float* work, int n, int h, int wd, int cin, int oh, int ow,
                    int cout, int kh, int kw, int sh, int sw, int pt, int pl, int part, int parts) {
  ConvRows g;
  g.rows_h = oh; g.rows_w = ow; g.taps_h = kh; g.taps_w = kw; g.tap_dir = 1;
  g.src_h = h; g.src_w = wd; g.src_c = cin; g.row_step = sh; g.row_off = -pt; g.col_step = sw; g.col_off = -pl;
  g.out_h = oh; g.out_w = ow; g.out_c = cout; g.out_row_step = 1; g.out_row_off = 0; g.out_col_step = 1; g.out_col_off = 0;
  const int k_row = kw * cin;
  float* bp = work + WORK_COUNTERS + conv_gemm_work(kh, k_row, cout) * part;
  float* a = bp + (size_t)k_packed(kh, k_row) * round_up(cout, 8);
  pack_filter(bp, w, kh, kw, 0, 1, 0, 1, kw * cin * cout, cin * cout, cin, cout, cout, 1);
  conv_gemm(x, bp, y, n, &g, a, a + (size_t)TILE_ROWS * k_block(kh, k_row), (int*)work);
}

/* Floats of scratch space conv2d_backprop_input needs for `parts` parts: the most any phase needs. */
__attribute__((export_name("conv2d_backprop_input_workspace")))
int conv2d_backprop_input_workspace(int kh, int kw, int cin, int cout, int sh, int sw, int pt, int pl, int parts) {
  size_t most = 0;
  for (int ph = 0; ph < sh; ph++) {
    for (int pw = 0; pw < sw; pw++) {
      const size_t need = conv_gemm_work(phase_taps((ph + pt) % sh, kh, sh), phase_taps((pw + pl) % sw, kw, sw) * cout, cin);
      if (need > most) most = need;
    }
  }
  return WORK_COUNTERS + (int)most * parts;
}

/*
 * dx [n, h, w, cin] = the input gradient of a convolution with filter w [kh, kw, cin, cout], strides (sh,
 * sw) and leading padding (pt, pl) >= 0, from dy [n, oh, ow, cout]. Each phase (a, d) of the output
 * (pixels a + sh * r, d + sw * q) is a stride-1 GEMM over its own taps i = i0 + ti * sh, j = j0 + tj * sw
 * (i0 = (a + pt) % sh), reading dy pixel (r + (a + pt) / sh - ti, q + (d + pl) / sw - tj), written straight
 * into place. Any channel counts (cin pads to a multiple of 8: few input channels waste work, see
 * conv2d_backprop_input_narrow). The parts take tiles of each phase's pixels from that phase's counter
 * (at most WORK_COUNTERS phases).
 */
__attribute__((export_name("conv2d_backprop_input")))
void conv2d_backprop_input(const float* dy, const float* w, float* dx, float* work, int n, int oh, int ow, int cout, int h,
                           int wd, int cin, int kh, int kw, int sh, int sw, int pt, int pl, int part, int parts) {
  float* part_work = work + WORK_COUNTERS + (size_t)(conv2d_backprop_input_workspace(kh, kw, cin, cout, sh, sw, pt, pl, parts) - WORK_COUNTERS) / parts * part;
  for (int ph = 0; ph < sh; ph++) {
    const int i0 = (ph + pt) % sh;
    for (int pw = 0; pw < sw; pw++) {
      const int j0 = (pw + pl) % sw;
      ConvRows g;
      g.rows_h = h > ph ? (h - 1 - ph) / sh + 1 : 0; g.rows_w = wd > pw ? (wd - 1 - pw) / sw + 1 : 0;
      g.taps_h = phase_taps(i0, kh, sh); g.taps_w = phase_taps(j0, kw, sw); g.tap_dir = -1;
      g.src_h = oh; g.src_w = ow; g.src_c = cout;
      g.row_step = 1; g.row_off = (ph + pt) / sh; g.col_step = 1; g.col_off = (pw + pl) / sw;
      g.out_h = h; g.out_w = wd; g.out_c = cin;
      g.out_row_step = sh; g.out_row_off = ph; g.out_col_step = sw; g.out_col_off = pw;
      const int k_row = g.taps_w * cout;
      float* bp = part_work;
      float* a = bp + (size_t)k_packed(g.taps_h, k_row) * round_up(cin, 8);
      /* This phase's taps of w: tap (ti, tj), channel o, column c is w[i0 + ti * sh, j0 + tj * sw, c, o]. */
      pack_filter(bp, w, g.taps_h, g.taps_w, i0, sh, j0, sw, kw * cin * cout, cin * cout, cout, 1, cin, cout);
      conv_gemm(dy, bp, dx, n, &g, a, a + (size_t)TILE_ROWS * k_block(g.taps_h, k_row), (int*)work + ph * sw + pw);
    }
  }
}

/* Floats of one part's scratch space in conv2d_backprop_input_narrow: the packed filter, one tile of A and of C. */
static size_t narrow_part(int kh, int kw, int cin, int cout) {
  const int cols = round_up(kh * kw * cin, 8);
  return (size_t)cols * cout + (size_t)TILE_ROWS * cout + (size_t)TILE_ROWS * cols;
}

/* Floats of scratch space conv2d_backprop_input_narrow needs for `parts` parts. */
__attribute__((export_name("conv2d_backprop_input_narrow_workspace")))
int conv2d_backprop_input_narrow_workspace(int kh, int kw, int cin, int cout, int parts) {
  return WORK_COUNTERS + (int)narrow_part(kh, kw, cin, cout) * parts;
}

/*
 * conv2d_backprop_input for few input channels (an image's 1 to 4: a generator's last layer), where
 * the phase GEMMs would have fewer columns than the tile: the columns of every dy pixel, cols[pixel][(i,
 * j, c)] = sum over o of dy[pixel, o] * w[i, j, c, o] (a GEMM of dy, read where it lies, by the filter
 * packed in panels of 8 taps), each added to the dx pixel its tap lands on (col2im). cout a multiple of 4.
 * The parts take whole batch images from the counter, so that no two parts add to one pixel.
 */
__attribute__((export_name("conv2d_backprop_input_narrow")))
void conv2d_backprop_input_narrow(const float* dy, const float* w, float* dx, float* work, int n, int oh, int ow, int cout,
                                  int h, int wd, int cin, int kh, int kw, int sh, int sw, int pt, int pl, int part, int parts) {
  const int taps = kh * kw * cin, cols = round_up(taps, 8);
  float* bp = work + WORK_COUNTERS + narrow_part(kh, kw, cin, cout) * part;
  float* a = bp + (size_t)cols * cout;
  float* c = a + (size_t)TILE_ROWS * cout;
  /* The filter as [cout][taps], in panels of 8 taps: bp[panel][o][8] = w[tap][o] (zeros past the taps). */
  for (int p = 0; p < cols / 8; p++) {
    for (int o = 0; o < cout; o++) {
      float* dst = bp + ((size_t)p * cout + o) * 8;
      for (int l = 0; l < 8; l++) dst[l] = p * 8 + l < taps ? w[(size_t)(p * 8 + l) * cout + o] : 0.0f;
    }
  }
  const int per_image = oh * ow;
  for (int b = take((int*)work, 1); b < n; b = take((int*)work, 1)) {
    float* image = dx + (size_t)b * h * wd * cin;
    __builtin_memset(image, 0, (size_t)h * wd * cin * sizeof(float));
    for (int q0 = 0; q0 < per_image; q0 += TILE_ROWS) {
      const int rows = per_image - q0 < TILE_ROWS ? per_image - q0 : TILE_ROWS;
      const float* rows_at = dy + ((size_t)b * per_image + q0) * cout;
      if (rows < TILE_ROWS) {
        /* The image's last tile: its rows and zeros, so that the tile reads nothing past dy. */
        __builtin_memcpy(a, rows_at, (size_t)rows * cout * sizeof(float));
        __builtin_memset(a + (size_t)rows * cout, 0, (size_t)(TILE_ROWS - rows) * cout * sizeof(float));
        rows_at = a;
      }
      for (int n0 = 0; n0 < cols; n0 += 8) tile_6x8(rows_at, cout, bp + (size_t)n0 * cout, cout, c + n0, cols, TILE_ROWS, 0);
      for (int r = 0; r < rows; r++) {
        const int y = (q0 + r) / ow, x = (q0 + r) % ow;
        const float* col = c + (size_t)r * cols;
        for (int i = 0; i < kh; i++) {
          const int sy = y * sh - pt + i;
          if (sy < 0 || sy >= h) continue;
          for (int j = 0; j < kw; j++) {
            const int sx = x * sw - pl + j;
            if (sx < 0 || sx >= wd) continue;
            float* dst = image + ((size_t)sy * wd + sx) * cin;
            const float* src = col + (size_t)(i * kw + j) * cin;
            for (int ch = 0; ch < cin; ch++) dst[ch] += src[ch];
          }
        }
      }
    }
  }
}

/* Floats of one part's scratch space in matmul: B's panels, one tile of A and of C. */
static size_t matmul_part(int m, int k, int n) {
  const int kp = round_up(k, 4);
  return (size_t)round_up(n, 8) * kp + (size_t)round_up(m, TILE_ROWS) * kp + (size_t)TILE_ROWS * 8;
}

/*
 * Products where one operand is a vector, which a GEMM tile would mostly pad (and XNNPACK packs the
 * weights of again after every update): out [rows] = a [rows, cols] * v [cols] (matvec), out [cols] =
 * v [rows] * a [rows, cols] (vecmat), out [m, n] = u [m] * v [n] (outer_product, an inner dimension of 1).
 */
__attribute__((export_name("matvec")))
void matvec(const float* a, const float* v, float* out, int rows, int cols) {
  for (int r = 0; r < rows; r++) {
    const float* row = a + (size_t)r * cols;
    v128_t s0 = wasm_f32x4_splat(0), s1 = s0, s2 = s0, s3 = s0;
    int k = 0;
    for (; k + 16 <= cols; k += 16) {
      s0 = wasm_f32x4_add(s0, wasm_f32x4_mul(wasm_v128_load(row + k), wasm_v128_load(v + k)));
      s1 = wasm_f32x4_add(s1, wasm_f32x4_mul(wasm_v128_load(row + k + 4), wasm_v128_load(v + k + 4)));
      s2 = wasm_f32x4_add(s2, wasm_f32x4_mul(wasm_v128_load(row + k + 8), wasm_v128_load(v + k + 8)));
      s3 = wasm_f32x4_add(s3, wasm_f32x4_mul(wasm_v128_load(row + k + 12), wasm_v128_load(v + k + 12)));
    }
    for (; k + 4 <= cols; k += 4) s0 = wasm_f32x4_add(s0, wasm_f32x4_mul(wasm_v128_load(row + k), wasm_v128_load(v + k)));
    const v128_t s = wasm_f32x4_add(wasm_f32x4_add(s0, s1), wasm_f32x4_add(s2, s3));
    float sum = (wasm_f32x4_extract_lane(s, 0) + wasm_f32x4_extract_lane(s, 1)) + (wasm_f32x4_extract_lane(s, 2) + wasm_f32x4_extract_lane(s, 3));
    for (; k < cols; k++) sum += row[k] * v[k];
    out[r] = sum;
  }
}

__attribute__((export_name("vecmat")))
void vecmat(const float* v, const float* a, float* out, int rows, int cols) {
  const int c4 = cols & ~3;
  for (int c = 0; c < cols; c++) out[c] = 0;
  for (int r = 0; r < rows; r++) {
    const float* row = a + (size_t)r * cols;
    const v128_t w = wasm_f32x4_splat(v[r]);
    int c = 0;
    for (; c < c4; c += 4) wasm_v128_store(out + c, wasm_f32x4_add(wasm_v128_load(out + c), wasm_f32x4_mul(wasm_v128_load(row + c), w)));
    for (; c < cols; c++) out[c] += row[c] * v[r];
  }
}

__attribute__((export_name("outer_product")))
void outer_product(const float* u, const float* v, float* out, int m, int n) {
  const int n4 = n & ~3;
  for (int r = 0; r < m; r++) {
    float* row = out + (size_t)r * n;
    const v128_t w = wasm_f32x4_splat(u[r]);
    int c = 0;
    for (; c < n4; c += 4) wasm_v128_store(row + c, wasm_f32x4_mul(wasm_v128_load(v + c), w));
    for (; c < n; c++) row[c] = v[c] * u[r];
  }
}

/* Floats of scratch space matmul needs for `parts` parts. */
__attribute__((export_name("matmul_workspace")))
int matmul_workspace(int m, int k, int n, int parts) { return WORK_COUNTERS + (int)matmul_part(m, k, n) * parts; }

/*
 * c [m, n] = a [m, k] * b [k, n], a stored transposed ([k, m]) where trans_a, b where trans_b ([n, k]).
 * Each part packs the panels of 8 columns of B it multiplies and the tiles of 6 rows of A it multiplies
 * (K padded with zeros to a multiple of 4), then runs panel by panel (one panel and the part's A stay in
 * cache). Each part takes a fixed share of the panels of B where there are enough, else of the tiles of
 * rows of A.
 */
__attribute__((export_name("matmul")))
void matmul(const float* a, const float* b, float* c, float* work, int m, int k, int n, int trans_a,
            int trans_b, int part, int parts) {
  const int kp = round_up(k, 4), panels = (n + 7) / 8, tiles = (m + TILE_ROWS - 1) / TILE_ROWS;
  const int by_panels = panels >= 2 * parts;
  const int p0 = by_panels ? share_start(panels, part, parts) : 0, p1 = by_panels ? share_start(panels, part + 1, parts) : panels;
  const int t0 = by_panels ? 0 : share_start(tiles, part, parts), t1 = by_panels ? tiles : share_start(tiles, part + 1, parts);
  if (t0 >= t1 || p0 >= p1) return;
  float* bp = work + WORK_COUNTERS + matmul_part(m, k, n) * part;
  float* at = bp + (size_t)panels * 8 * kp;
  float* ct = at + (size_t)tiles * TILE_ROWS * kp;
  for (int p = p0; p < p1; p++) {
    float* dst = bp + (size_t)p * kp * 8;
    const int n0 = p * 8;
    if (!trans_b && n0 + 8 <= n) {
      for (int kk = 0; kk < k; kk++) {
        wasm_v128_store(dst + (size_t)kk * 8, wasm_v128_load(b + (size_t)kk * n + n0));
        wasm_v128_store(dst + (size_t)kk * 8 + 4, wasm_v128_load(b + (size_t)kk * n + n0 + 4));
      }
    } else {
      for (int kk = 0; kk < k; kk++) {
        for (int l = 0; l < 8; l++) dst[(size_t)kk * 8 + l] = n0 + l < n ? (trans_b ? b[(size_t)(n0 + l) * k + kk] : b[(size_t)kk * n + n0 + l]) : 0.0f;
      }
    }
    __builtin_memset(dst + (size_t)k * 8, 0, (size_t)(kp - k) * 8 * sizeof(float));
  }
  /* A: rows t0 * 6 .. t1 * 6 (past m, the last row again: computed, not stored), K padded with zeros. */
  for (int row6 = t0 * TILE_ROWS; row6 < t1 * TILE_ROWS; row6++) {
    const int row = row6 < m ? row6 : m - 1;
    float* dst = at + (size_t)row6 * kp;
    if (trans_a) {
      for (int kk = 0; kk < k; kk++) dst[kk] = a[(size_t)kk * m + row];
    } else {
      __builtin_memcpy(dst, a + (size_t)row * k, (size_t)k * sizeof(float));
    }
    for (int kk = k; kk < kp; kk++) dst[kk] = 0.0f;
  }
  for (int p = p0; p < p1; p++) {
    const int n0 = p * 8;
    const float* panel = bp + (size_t)p * kp * 8;
    for (int t = t0; t < t1; t++) {
      const int m0 = t * TILE_ROWS;
      const int rows = m - m0 < TILE_ROWS ? m - m0 : TILE_ROWS;
      if (rows == TILE_ROWS && n0 + 8 <= n) {
        tile_6x8(at + (size_t)m0 * kp, kp, panel, kp, c + (size_t)m0 * n + n0, n, TILE_ROWS, 0);
        continue;
      }
      tile_6x8(at + (size_t)m0 * kp, kp, panel, kp, ct, 8, TILE_ROWS, 0);
      for (int r = 0; r < rows; r++) {
        for (int l = 0; l < 8 && n0 + l < n; l++) c[(size_t)(m0 + r) * n + n0 + l] = ct[r * 8 + l];
      }
    }
  }
}

/* Batch images whose pixels one pass of conv2d_filter_grad packs (they stay in cache). */
#define IMAGE_BLOCK 4

/* Pixels of dy one pass of conv2d_filter_grad packs, rounded up to the tile's K step. */
static int filter_grad_block(int n, int oh, int ow) { return round_up((n < IMAGE_BLOCK ? n : IMAGE_BLOCK) * oh * ow, 4); }

/* Floats of one part's scratch space in conv2d_filter_grad: dy transposed, one panel, one task's sums. */
static size_t filter_grad_part(int n, int oh, int ow, int cout) {
  const int block = filter_grad_block(n, oh, ow), rows = round_up(cout, TILE_ROWS);
  const int blocks = (n + IMAGE_BLOCK - 1) / IMAGE_BLOCK;
  return (size_t)blocks * rows * block + (size_t)block * 8 + (size_t)rows * 8;
}

/* Floats of scratch space conv2d_filter_grad needs for `parts` parts. */
__attribute__((export_name("conv2d_filter_grad_workspace")))
int conv2d_filter_grad_workspace(int n, int oh, int ow, int cin, int cout, int kh, int kw, int parts) {
  return WORK_COUNTERS + (int)filter_grad_part(n, oh, ow, cout) * parts;
}

/*
 * dw [kh, kw, cin, cout] = the filter gradient of a convolution with strides (sh, sw) and leading padding
 * (pt, pl): sum over pixels (b, y, x) of dy [n, oh, ow, cout] of x[b, y * sh - pt + i, x * sw - pl + j, c] *
 * dy[b, y, x, o], for x [n, h, w, cin]. As GEMMs dw[i, j, 8 channels]^T = dy^T [cout, pixels] * the 8
 * channels' values at those pixels [pixels, 8], K blocked by IMAGE_BLOCK images. Each part transposes all
 * of dy (in rows of 6 channels, block by block), then takes tasks (one tap, 8 input channels) from the
 * counter: per block, the task's pixels in one panel, multiplied by every row of dy^T. cin a multiple of 8.
 */
__attribute__((export_name("conv2d_filter_grad")))
void conv2d_filter_grad(const float* x, const float* dy, float* dw, float* work, int n, int h, int wd, int cin, int oh,
                        int ow, int cout, int kh, int kw, int sh, int sw, int pt, int pl, int part, int parts) {
  const int block = filter_grad_block(n, oh, ow), rows = round_up(cout, TILE_ROWS);
  const int tasks = kh * kw * (cin / 8);
  float* a = work + WORK_COUNTERS + filter_grad_part(n, oh, ow, cout) * part;
  const int blocks = (n + IMAGE_BLOCK - 1) / IMAGE_BLOCK;
  float* panel = a + (size_t)blocks * rows * block;
  float* acc = panel + (size_t)block * 8; /* [rows][8]: the task's dw, transposed */
  const int per_image = oh * ow;
  /* dy^T, block by block: a[blk][o][p], zeros past the block's pixels and past cout. */
  __builtin_memset(a, 0, (size_t)blocks * rows * block * sizeof(float));
  for (int blk = 0; blk < blocks; blk++) {
    const int b0 = blk * IMAGE_BLOCK;
    const int pixels = ((n - b0 < IMAGE_BLOCK) ? n - b0 : IMAGE_BLOCK) * per_image;
    float* at = a + (size_t)blk * rows * block;
    const float* dy_block = dy + (size_t)b0 * per_image * cout;
    const int p4 = pixels & ~3, o4 = cout & ~3;
    for (int p = 0; p < p4; p += 4) {
      const float* src = dy_block + (size_t)p * cout;
      for (int o = 0; o < o4; o += 4) {
        transpose_4x4(src + o, cout, at + (size_t)o * block + p, block);
      }
      for (int o = o4; o < cout; o++) {
        for (int q = p; q < p + 4; q++) at[(size_t)o * block + q] = dy_block[(size_t)q * cout + o];
      }
    }
    for (int p = p4; p < pixels; p++) {
      for (int o = 0; o < cout; o++) at[(size_t)o * block + p] = dy_block[(size_t)p * cout + o];
    }
  }
  for (int task = take((int*)work, 1); task < tasks; task = take((int*)work, 1)) {
    const int tap = task / (cin / 8), c0 = (task % (cin / 8)) * 8;
    const int i = tap / kw, j = tap % kw;
    for (int blk = 0; blk < blocks; blk++) {
      const int b0 = blk * IMAGE_BLOCK;
      const int images = n - b0 < IMAGE_BLOCK ? n - b0 : IMAGE_BLOCK;
      /* The 8 channels at this tap of every pixel of the block, zeros outside the image and past it. */
      float* dst = panel;
      for (int b = b0; b < b0 + images; b++) {
        for (int y = 0; y < oh; y++) {
          const int sy = y * sh - pt + i;
          for (int xo = 0; xo < ow; xo++, dst += 8) {
            const int sx = xo * sw - pl + j;
            if (sy < 0 || sy >= h || sx < 0 || sx >= wd) {
              wasm_v128_store(dst, wasm_f32x4_splat(0));
              wasm_v128_store(dst + 4, wasm_f32x4_splat(0));
            } else {
              const float* src = x + (((size_t)b * h + sy) * wd + sx) * cin + c0;
              wasm_v128_store(dst, wasm_v128_load(src));
              wasm_v128_store(dst + 4, wasm_v128_load(src + 4));
            }
          }
        }
      }
      for (; dst < panel + (size_t)block * 8; dst += 8) {
        wasm_v128_store(dst, wasm_f32x4_splat(0));
        wasm_v128_store(dst + 4, wasm_f32x4_splat(0));
      }
      const float* at = a + (size_t)blk * rows * block;
      for (int o0 = 0; o0 < rows; o0 += TILE_ROWS) {
        tile_6x8(at + (size_t)o0 * block, block, panel, block, acc + (size_t)o0 * 8, 8, TILE_ROWS, blk > 0);
      }
    }
    /* dw[tap, c0 + l, o] = acc[o][l]. */
    for (int l = 0; l < 8; l++) {
      float* out = dw + ((size_t)tap * cin + c0 + l) * cout;
      for (int o = 0; o < cout; o++) out[o] = acc[(size_t)o * 8 + l];
    }
  }
}
