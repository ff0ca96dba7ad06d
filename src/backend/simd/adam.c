/*
 * tfjs-gan's Adam update in WebAssembly SIMD128: one pass over a variable computes tfjs's twelve float32
 * operations per element (moments, bias corrections, square root, division, step) in the same order and
 * with the same rounding, so the results are bit-identical to tf.train.adam.
 *
 * The module owns no memory: it imports tfjs's wasm heap and reads and writes the tensors where they lie.
 * It must therefore use no stack and no data segment (build.sh checks both).
 *
 * Build: src/backend/simd/build.sh (Debian clang and lld).
 */
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
