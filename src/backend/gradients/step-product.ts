/**
 * `dy * step(x, alpha)`, the gradient of ReLU (alpha 0) and of leaky ReLU, as one kernel of tfjs-gan's
 * (`TfjsGanStepProduct`) on wasm: tfjs computes it as a `Step` kernel and a `Multiply`, two passes over
 * the activation and a tensor in between (measured on [64, 14, 14, 64]: 0.27 ms each), where tfjs-gan's
 * SIMD128 module reads `dy` and `x` once and writes the product (`step_product` in `simd/kernels.c`). The
 * products are the same, NaN where `x` is NaN as tfjs's `Step` keeps it. Other backends, and wasm where
 * the module cannot run, compute `Step` and `Multiply`.
 *
 * The kernel has a gradient (`dy * step(x, alpha)` is linear in `dy`, and `step` is flat in `x`), so the
 * activations' gradients stay differentiable for gradient penalties.
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs';
import type { GradConfig, KernelBackend, KernelFunc, NamedAttrMap, Tensor, TensorInfo } from '@tensorflow/tfjs';

import { simdStepProduct } from '../simd/simd-module.js';
import { withKernelCalls } from '../kernels/kernel-calls.js';

/** The kernel's name in tfjs's registry. */
export const STEP_PRODUCT_KERNEL = 'TfjsGanStepProduct';

/** The kernel's attributes. */
interface StepProductAttrs {
  readonly alpha: number;
}

/** The wasm kernel: one SIMD128 pass, or the backend's own `Step` and `Multiply`. */
const wasmStepProduct: KernelFunc = ({ inputs, backend, attrs }) => {
  const { dy, x } = inputs as { dy: TensorInfo; x: TensorInfo };
  const { alpha } = attrs as unknown as StepProductAttrs;
  return withKernelCalls(backend as KernelBackend, 'wasm', (calls) => {
    const out = calls.allocate([...x.shape]);
    if (out !== undefined && simdStepProduct(calls.backend, dy, x, out, alpha)) return out;
    return calls.run('Multiply', { a: dy, b: calls.run('Step', { x }, { alpha }) });
  });
};

/** Registers the kernel on wasm once; whether it runs on the active backend. */
function kernelRunsHere(): boolean {
  if (tf.getBackend() !== 'wasm') return false;
  if (tf.getKernel(STEP_PRODUCT_KERNEL, 'wasm') == null) tf.registerKernel({ kernelName: STEP_PRODUCT_KERNEL, backendName: 'wasm', kernelFunc: wasmStepProduct });
  return true;
}

/**
 * `dy * step(x, alpha)`: `dy` where `x > 0`, `alpha * dy` where `x <= 0`, NaN where `x` is NaN. One pass on
 * wasm for float32 tensors of one shape; `tf.mul(dy, tf.step(x, alpha))` otherwise. Differentiable.
 */
export function stepProduct(dy: Tensor, x: Tensor, alpha: number): Tensor {
  const fused = dy.dtype === 'float32' && x.dtype === 'float32' && tf.util.arraysEqual(dy.shape, x.shape);
  if (fused && kernelRunsHere()) {
    return tf.engine().runKernel(STEP_PRODUCT_KERNEL, { dy, x }, { alpha } as unknown as NamedAttrMap) as Tensor;
  }
  return tf.mul(dy, tf.step(x, alpha));
}

/** The gradient of the kernel: `ddy * step(x, alpha)` for `dy`, zero for `x`. */
export const stepProductGradientConfig: GradConfig = {
  kernelName: STEP_PRODUCT_KERNEL,
  inputsToSave: ['x'],
  gradFunc: (upstream, [x], attrs) => {
    const { alpha } = attrs as unknown as StepProductAttrs;
    return { dy: () => stepProduct(upstream as Tensor, x, alpha), x: () => tf.zerosLike(x) };
  },
};
