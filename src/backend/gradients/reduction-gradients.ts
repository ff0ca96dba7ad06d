/**
 * The gradients of `Sum` and `Mean` without a tensor of ones built in JavaScript.
 *
 * tfjs 4.22 computes them as `dy * ones(x.shape)` and `dy * ones(x.shape) / n`, creating the ones as a
 * JavaScript array the size of `x` and uploading it on every call: a batch-normalization statistic over
 * a [64, 14, 14, 64] activation builds and copies 3.2 MB each time (about 3.5 ms of a DCGAN step on wasm).
 * The replacements multiply by `onesLike(x)` instead, which the backend fills itself (`OnesLike`): the
 * same products, so the results are identical, and the gradient stays differentiable for gradient
 * penalties at any rank (a `broadcastTo` would not: tfjs's `Tile` gradient stops at rank 4).
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs';
import type { GradConfig, NamedAttrMap, Tensor } from '@tensorflow/tfjs';

/** `dy` reshaped to `x`'s rank with size 1 on the reduced axes. */
function expandedDy(dy: Tensor, x: Tensor, attrs: NamedAttrMap): Tensor {
  const shape = x.shape.slice();
  for (const axis of tf.util.parseAxisParam(attrs.axis as number | number[], x.shape)) shape[axis] = 1;
  return tf.reshape(dy, shape);
}

/** Gradient of `Sum`: `dy` times ones over the summed axes. */
export const sumGradientConfig: GradConfig = {
  kernelName: 'Sum',
  inputsToSave: ['x'],
  gradFunc: (dy, [x], attrs) => ({ x: () => tf.mul(expandedDy(dy as Tensor, x, attrs), tf.onesLike(x)) }),
};

/**
 * Gradient of `Mean`: `dy` over `n` (the elements averaged) times ones over the averaged axes. tfjs divides
 * after the broadcast; dividing the small `dy` first gives the same values (a product with 1 is exact)
 * with one kernel the size of `x` fewer.
 */
export const meanGradientConfig: GradConfig = {
  kernelName: 'Mean',
  inputsToSave: ['x'],
  gradFunc: (dy, [x], attrs) => ({
    x: () => {
      const expanded = expandedDy(dy as Tensor, x, attrs);
      const count = x.size / Math.max(1, expanded.size);
      return tf.mul(tf.div(expanded, count), tf.onesLike(x));
    },
  }),
};
