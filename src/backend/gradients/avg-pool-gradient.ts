/**
 * A replacement for tfjs's first-order gradient of `AvgPool` that is right where windows reach into the
 * padding (`'same'` or explicit padding).
 *
 * tfjs's `avgPool` divides each window's sum by the number of pixels inside the input (as TensorFlow
 * does), but the `AvgPoolGrad` kernel of the cpu and wasm backends divides by the full window size, so
 * the gradient of `avgPool` is wrong at the borders (measured: 43% relative error for a 3x3, stride-2,
 * `'same'` pooling of a 5x5 input). Gradient penalties then differentiate a wrong gradient. This
 * gradient scales `dy` by `windowSize / pixelsInside` and runs `AvgPoolGrad` with `'valid'` padding on
 * the zero-padded extent that the windows cover, where every backend agrees, then crops the padding.
 * Windows that lie inside the input keep tfjs's own kernel call.
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs';
import type { GradConfig, NamedAttrMap, Tensor, Tensor4D } from '@tensorflow/tfjs';

import { releaseAbandonedTape } from './abandoned-tape.js';
import { coveredShape, fromCovered, poolCoverage, windowMeans, windowsInside } from './pool-grad-gradients.js';

/** Gradient of `AvgPool` with respect to its input `x`. */
export const avgPoolGradientConfig: GradConfig = {
  kernelName: 'AvgPool',
  inputsToSave: ['x'],
  gradFunc: (dy, saved, attrs) => {
    const [x] = saved as Tensor4D[];
    return {
      x: () => {
        const coverage = poolCoverage(x.shape, attrs);
        if (windowsInside(coverage)) {
          return tf.engine().runKernel('AvgPoolGrad', { dy: dy as Tensor, input: x }, attrs) as Tensor;
        }
        const { filterHeight, filterWidth, strideHeight, strideWidth } = coverage.info;
        // The fraction of each window inside the input: pixelsInside / windowSize, never 0 for a window
        // that tfjs pools (each holds at least one input pixel).
        const inside = windowMeans(tf.ones(x.shape) as Tensor4D, attrs);
        const scaled = tf.div(dy as Tensor, tf.maximum(inside, 1e-12));
        const padded = tf.engine().runKernel('AvgPoolGrad', { dy: scaled, input: tf.zeros(coveredShape(coverage, x.shape)) }, {
          filterSize: [filterHeight, filterWidth],
          strides: [strideHeight, strideWidth],
          pad: 'valid',
        } as unknown as NamedAttrMap) as Tensor4D;
        return fromCovered(padded, coverage, x.shape);
      },
    };
  },
};

/** The verdict of {@link avgPoolGradientIsWrongAtBorders} per backend. */
const verdicts = new Map<string, boolean>();

/**
 * Whether the active backend's gradient of `avgPool` is wrong at padded borders: the gradient of the
 * sum of a 2x2, stride-1, `'same'` pooling of a 2x2 input at its bottom-right pixel must be
 * `1/4 + 1/2 + 1/2 + 1 = 2.25`. Tested once per backend with the registered gradient of `AvgPool` if it
 * is not tfjs-gan's; assumed `true` when that cannot be tested.
 */
export function avgPoolGradientIsWrongAtBorders(): boolean {
  const backendName = tf.getBackend();
  const known = verdicts.get(backendName);
  if (known !== undefined) return known;
  if (tf.getGradient('AvgPool') === avgPoolGradientConfig) return true;
  const gradient = borderGradient();
  const verdict = gradient === undefined ? true : judgeBorderGradient(gradient.dataSync(), gradient);
  verdicts.set(backendName, verdict);
  return verdict;
}

/**
 * {@link avgPoolGradientIsWrongAtBorders}, reading its probe asynchronously and remembering the verdict
 * for the synchronous call (WebGPU: see `probeSavedOutputsBreakDoubleBackprop`).
 */
export async function probeAvgPoolGradientIsWrongAtBorders(): Promise<boolean> {
  const backendName = tf.getBackend();
  const known = verdicts.get(backendName);
  if (known !== undefined) return known;
  if (tf.getGradient('AvgPool') === avgPoolGradientConfig) return true;
  const gradient = borderGradient();
  const verdict = gradient === undefined ? true : judgeBorderGradient(await gradient.data(), gradient);
  verdicts.set(backendName, verdict);
  return verdict;
}

/** The gradient of the probe (see above), or undefined when the registered gradient throws. */
function borderGradient(): Tensor | undefined {
  try {
    return tf.tidy(() => tf.grad((x: Tensor) => tf.sum(tf.avgPool(x as Tensor4D, 2, 1, 'same')))(tf.ones([1, 2, 2, 1])));
  } catch {
    releaseAbandonedTape();
    return undefined;
  }
}

function judgeBorderGradient(values: ArrayLike<number>, gradient: Tensor): boolean {
  gradient.dispose();
  return Math.abs(values[3] - 2.25) > 1e-4;
}
