/**
 * The gradient of tfjs's `EluGrad` kernel, the first derivative of `elu`, so that `elu` networks support
 * gradient penalties.
 *
 * `EluGrad(dy, y) = dy * (y < 0 ? y + 1 : 1)` where `y = elu(x)` (for x < 0, elu'(x) = exp(x) = y + 1).
 * It is linear in `dy`, so its gradient with respect to `dy` is `EluGrad` of the upstream gradient; with
 * respect to `y` it is `upstream * dy` where `y < 0`, else 0.
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs';
import type { GradConfig, Tensor } from '@tensorflow/tfjs';

/** Gradient of `EluGrad` with respect to its inputs `dy` and `y`. */
export const eluGradGradientConfig: GradConfig = {
  kernelName: 'EluGrad',
  inputsToSave: ['dy', 'y'],
  gradFunc: (upstream, saved) => {
    const [dy, y] = saved;
    const u = upstream as Tensor;
    return {
      dy: () => tf.engine().runKernel('EluGrad', { dy: u, y }) as Tensor,
      y: () => tf.mul(tf.mul(u, dy), tf.cast(tf.less(y, 0), 'float32')),
    };
  },
};
