/**
 * The gradient of `FusedBatchNorm` (`tf.batchNorm`, which every batch-normalization layer runs) in three
 * element-wise kernels and two reductions the size of `x`, where tfjs 4.22 runs ten (eight products, a
 * subtraction and a tile) and four.
 *
 * With `r = rsqrt(variance + epsilon)`, `c = x - mean` and `y = c * r * scale + offset`:
 * - `dx = dy * (scale * r)`, one product with a per-channel factor (tfjs tiles `r` to the size of `x`
 *   first and multiplies twice);
 * - where `mean`, `variance` and `scale` share one shape (one value per channel, as batch norm
 *   has), the other four come from two sums over the batch and space: `Σdy` and `Σ(dy * c)`.
 *   `dmean = -scale * r * Σdy`, `dvariance = -scale * r³ / 2 * Σ(dy * c)`, `dscale = r * Σ(dy * c)` and
 *   `doffset = Σdy`, where tfjs computes a product the size of `x` for each before its sum;
 * - for other shapes (statistics broadcast along different axes), each from its own sum of a product
 *   with `dy` or `dy * c`.
 *
 * `dy * c` is computed once for all derivatives that need it, and so are the two sums. The values are
 * tfjs's within float32 rounding (the order of the products differs), and the gradient is built from
 * differentiable kernels, so gradient penalties through batch norm keep working.
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs';
import type { GradConfig, Tensor } from '@tensorflow/tfjs';

/** `t` summed over the axes along which `shape` was broadcast to `t`'s shape, reshaped to `shape`. */
function sumTo(t: Tensor, shape: readonly number[]): Tensor {
  const axes = tf.backend_util.getReductionAxes([...shape], t.shape);
  return tf.reshape(axes.length > 0 ? tf.sum(t, axes) : t, [...shape]);
}

/** Gradient of `FusedBatchNorm` with respect to `x`, `mean`, `variance`, `scale` and `offset`. */
export const fusedBatchNormGradientConfig: GradConfig = {
  kernelName: 'FusedBatchNorm',
  // As tfjs's: `offset` is not saved (its gradient needs only its shape, taken to be the mean's, as tfjs
  // does), and `scale` is, so a batch norm without `scale` cannot be differentiated (tfjs 4.22 neither).
  inputsToSave: ['x', 'mean', 'variance', 'scale'],
  gradFunc: (upstream, saved, attrs) => {
    const dy = upstream as Tensor;
    const [x, mean, variance, scale] = saved as Array<Tensor | undefined> as [Tensor, Tensor, Tensor, Tensor | undefined];
    const { varianceEpsilon } = attrs as unknown as { varianceEpsilon: number };
    // Tensors made here live until the backward pass ends; those made in a derivative's function are
    // freed when it returns, so what two derivatives share is made here (as tfjs's gradient does too).
    const r = tf.rsqrt(tf.add(variance, tf.scalar(varianceEpsilon)));
    const factor = scale ? tf.mul(scale, r) : r;
    const halfRCubed = tf.mul(tf.mul(tf.square(r), r), tf.scalar(-0.5));
    const varianceFactor = scale ? tf.mul(halfRCubed, scale) : halfRCubed;
    const dyCentered = tf.mul(dy, tf.sub(x, mean));
    const dx = (): Tensor => tf.mul(dy, factor);
    if ([variance, scale].every((t) => t == null || tf.util.arraysEqual(t.shape, mean.shape))) {
      const sumDy = sumTo(dy, mean.shape);
      const sumDyCentered = sumTo(dyCentered, mean.shape);
      return {
        x: dx,
        mean: () => tf.neg(tf.mul(factor, sumDy)),
        variance: () => tf.mul(varianceFactor, sumDyCentered),
        scale: () => tf.mul(r, sumDyCentered),
        offset: () => tf.clone(sumDy),
      };
    }
    return {
      x: dx,
      mean: () => tf.neg(sumTo(tf.mul(dy, factor), mean.shape)),
      variance: () => sumTo(tf.mul(dyCentered, varianceFactor), variance.shape),
      scale: () => sumTo(tf.mul(dyCentered, r), (scale ?? r).shape),
      offset: () => sumTo(dy, mean.shape),
    };
  },
};
