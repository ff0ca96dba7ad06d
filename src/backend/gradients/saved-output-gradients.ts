/**
 * Replacements for the gradients of `Tanh`, `Sigmoid`, `Exp`, `Elu` and `Softmax` that keep gradients of
 * gradients correct.
 *
 * tfjs 4.22's gradients of these kernels read the kernel's saved OUTPUT. The engine saves it through a
 * clone whose tape entry is recorded before the kernel's own entry, so when the gradient is itself
 * differentiated, the tape does not see that the saved output depends on the input: the terms through it
 * are silently dropped (`tf.grad(tf.grad(tf.tanh))` throws, and a gradient penalty through a `tanh` or
 * `elu` network gets a wrong gradient without any error). These replacements save the INPUT and
 * recompute the output from it inside the gradient, which the tape records correctly. They cost one
 * extra element-wise kernel per backward pass.
 *
 * {@link savedOutputsBreakDoubleBackprop} tests the engine, so a tfjs that fixes this keeps its own
 * gradients.
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs';
import type { GradConfig, Tensor } from '@tensorflow/tfjs';

import { releaseAbandonedTape } from './abandoned-tape.js';

/** The kernels whose shipped gradient reads the saved output and that tfjs-gan replaces. */
export const SAVED_OUTPUT_KERNELS = Object.freeze(['Tanh', 'Sigmoid', 'Exp', 'Elu', 'Softmax'] as const);

/** Gradient of `Tanh`: `dy * (1 - tanh(x)^2)`. */
const tanhGradientConfig: GradConfig = {
  kernelName: 'Tanh',
  inputsToSave: ['x'],
  gradFunc: (dy, [x]) => ({ x: () => tf.mul(dy as Tensor, tf.sub(1, tf.square(tf.tanh(x)))) }),
};

/** Gradient of `Sigmoid`: `dy * s * (1 - s)` with `s = sigmoid(x)`. */
const sigmoidGradientConfig: GradConfig = {
  kernelName: 'Sigmoid',
  inputsToSave: ['x'],
  gradFunc: (dy, [x]) => ({
    x: () => {
      const y = tf.sigmoid(x);
      return tf.mul(dy as Tensor, tf.mul(y, tf.sub(1, y)));
    },
  }),
};

/** Gradient of `Exp`: `dy * exp(x)`. */
const expGradientConfig: GradConfig = {
  kernelName: 'Exp',
  inputsToSave: ['x'],
  gradFunc: (dy, [x]) => ({ x: () => tf.mul(dy as Tensor, tf.exp(x)) }),
};

/** Gradient of `Elu`: `EluGrad(dy, elu(x))`; the gradient of `EluGrad` is in `elu-grad-gradient.ts`. */
const eluGradientConfig: GradConfig = {
  kernelName: 'Elu',
  inputsToSave: ['x'],
  gradFunc: (dy, [x]) => ({ x: () => tf.engine().runKernel('EluGrad', { dy: dy as Tensor, y: tf.elu(x) }) as Tensor }),
};

/** Gradient of `Softmax` along `dim`: `(dy - sum(dy * y, dim)) * y` with `y = softmax(x)`. */
const softmaxGradientConfig: GradConfig = {
  kernelName: 'Softmax',
  inputsToSave: ['logits'],
  gradFunc: (dy, [logits], attrs) => ({
    logits: () => {
      const dim = attrs.dim as number;
      const y = tf.engine().runKernel('Softmax', { logits }, { dim }) as Tensor;
      const dyTimesY = tf.mul(dy as Tensor, y);
      return tf.sub(dyTimesY, tf.mul(tf.sum(dyTimesY, [dim], true), y));
    },
  }),
};

/** tfjs-gan's gradient for each kernel of {@link SAVED_OUTPUT_KERNELS}. */
export const SAVED_OUTPUT_GRADIENT_CONFIGS: readonly GradConfig[] = Object.freeze([
  tanhGradientConfig,
  sigmoidGradientConfig,
  expGradientConfig,
  eluGradientConfig,
  softmaxGradientConfig,
]);

/** Whether a gradient configuration reads its kernel's saved output. */
export function readsSavedOutput(config: GradConfig | null | undefined): boolean {
  return config?.outputsToSave?.some(Boolean) ?? false;
}

let engineVerdict: boolean | undefined;

/**
 * Whether this tfjs engine drops the dependence of saved outputs on the kernel's inputs when a gradient
 * is differentiated again. Tested once, on the active backend, with the current gradient of `Exp` if it
 * reads its saved output (d²/dx² exp(x) at 0 must be 1); assumed `true` when that cannot be tested.
 */
export function savedOutputsBreakDoubleBackprop(): boolean {
  if (engineVerdict !== undefined) return engineVerdict;
  if (!readsSavedOutput(tf.getGradient('Exp'))) return true;
  const result = secondDerivativeOfExp();
  if (result === undefined) return (engineVerdict = true);
  const second = result.dataSync()[0];
  result.dispose();
  return (engineVerdict = Math.abs(second - 1) > 1e-3);
}

/**
 * {@link savedOutputsBreakDoubleBackprop}, reading its probe asynchronously, and remembering the verdict
 * for the synchronous call. WebGPU needs it: a synchronous read from its GPU fails where the browser
 * cannot hand WebGPU canvases to the page (headless Chromium on SwiftShader loses the device).
 */
export async function probeSavedOutputsBreakDoubleBackprop(): Promise<boolean> {
  if (engineVerdict !== undefined) return engineVerdict;
  if (!readsSavedOutput(tf.getGradient('Exp'))) return true;
  const result = secondDerivativeOfExp();
  if (result === undefined) return (engineVerdict = true);
  const second = (await result.data())[0];
  result.dispose();
  return (engineVerdict = Math.abs(second - 1) > 1e-3);
}

/** d²/dx² exp(x) at 0 through the registered gradients (1 when they are right), or undefined when it throws. */
function secondDerivativeOfExp(): Tensor | undefined {
  try {
    return tf.tidy(() => tf.grad((x: Tensor) => tf.grad((t: Tensor) => tf.exp(t))(x))(tf.scalar(0)));
  } catch {
    releaseAbandonedTape();
    return undefined;
  }
}
