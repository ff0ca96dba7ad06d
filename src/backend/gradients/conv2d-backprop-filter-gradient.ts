/**
 * The gradient of `Conv2DBackpropFilter` (the filter gradient of a convolution), which tfjs 4.22 lacks.
 * It is needed when a gradient with respect to convolution weights is differentiated again (a penalty on
 * weight gradients, or third-order terms); gradient penalties on the inputs (R1, R2, WGAN-GP) do not
 * need it, but registering it keeps every convolution gradient differentiable.
 *
 * `dW = Conv2DBackpropFilter(x, dy)` is bilinear in `x` and `dy`: with an upstream gradient `u` shaped
 * like the filter, its gradient is `conv2DBackpropInput(x.shape, dy, u)` for `x` and `conv2d(x, u)` for
 * `dy`, with the same strides and padding.
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs';
import type { GradConfig, NamedAttrMap, Tensor, Tensor4D } from '@tensorflow/tfjs';

type Pad = Parameters<typeof tf.conv2d>[3];
type RoundingMode = 'floor' | 'round' | 'ceil' | undefined;

/** Gradient of `Conv2DBackpropFilter` with respect to its inputs `x` and `dy`. */
export const conv2DBackpropFilterGradientConfig: GradConfig = {
  kernelName: 'Conv2DBackpropFilter',
  inputsToSave: ['x', 'dy'],
  gradFunc: (upstream, saved, attrs) => {
    const [x, dy] = saved as Tensor4D[];
    const u = upstream as Tensor4D;
    const strides = attrs.strides as [number, number] | number;
    const pad = attrs.pad as Pad;
    const dataFormat = (attrs.dataFormat as 'NHWC' | 'NCHW' | undefined) ?? 'NHWC';
    const dimRoundingMode = attrs.dimRoundingMode as RoundingMode;
    return {
      x: () =>
        tf.engine().runKernel('Conv2DBackpropInput', { dy, filter: u }, {
          inputShape: x.shape,
          strides,
          pad,
          dataFormat,
          dimRoundingMode,
        } as unknown as NamedAttrMap) as Tensor,
      dy: () => tf.conv2d(x, u, strides, pad, dataFormat, 1, dimRoundingMode),
    };
  },
};
