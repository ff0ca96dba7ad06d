/**
 * Zero gradients for comparison and logical kernels. Their outputs are piecewise constant (booleans), so
 * their gradient with respect to every input is zero. tfjs 4.22 registers one only for `GreaterEqual`
 * (and `ZerosLike`); the others make double backprop fail, because the gradients of `leakyRelu`, `prelu`,
 * `selu`, `relu6`, `minimum`, `clipByValue`, `max` and `where` compute a mask with them. The list keeps
 * `GreaterEqual` and `ZerosLike` so that a tfjs without them still works; tfjs's own stay registered.
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs';
import type { GradConfig, Tensor } from '@tensorflow/tfjs';

/** Comparison and logical kernels with two inputs, `a` and `b`. */
export const BINARY_ZERO_GRADIENT_KERNELS = Object.freeze([
  'Greater',
  'GreaterEqual',
  'Less',
  'LessEqual',
  'Equal',
  'NotEqual',
  'LogicalAnd',
  'LogicalOr',
] as const);

/** Kernels with one input, `x`, whose gradient is zero. */
export const UNARY_ZERO_GRADIENT_KERNELS = Object.freeze(['LogicalNot', 'ZerosLike'] as const);

/**
 * A gradient that is zero for every input. The zeros are float32 whatever the input's dtype (tfjs
 * requires float32 gradients) and have the input's shape (the inputs are saved for their shapes only).
 */
function zeroGradient(kernelName: string, inputNames: readonly string[]): GradConfig {
  return {
    kernelName,
    inputsToSave: [...inputNames],
    gradFunc: (_dy, saved) => {
      const gradients: Record<string, () => Tensor> = {};
      inputNames.forEach((name, i) => {
        gradients[name] = () => tf.zeros(saved[i].shape, 'float32');
      });
      return gradients;
    },
  };
}

/** The zero-gradient configurations, one per kernel of {@link BINARY_ZERO_GRADIENT_KERNELS} and {@link UNARY_ZERO_GRADIENT_KERNELS}. */
export function zeroGradientConfigs(): GradConfig[] {
  return [
    ...BINARY_ZERO_GRADIENT_KERNELS.map((name) => zeroGradient(name, ['a', 'b'])),
    ...UNARY_ZERO_GRADIENT_KERNELS.map((name) => zeroGradient(name, ['x'])),
  ];
}
