/**
 * Gradients of the resize-gradient kernels `ResizeNearestNeighborGrad` and `ResizeBilinearGrad`, which
 * tfjs 4.22 lacks, so that networks with upsampling layers support gradient penalties.
 *
 * Resizing is linear in the image, and its gradient kernel applies the transposed map to `dy`; the
 * transpose of that is the resize itself. So the gradient with respect to `dy` is the forward resize of
 * the upstream gradient (to `dy`'s size, with the same `alignCorners` and `halfPixelCenters`), and the
 * gradient with respect to the original images is zero (the interpolation weights do not depend on them).
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs';
import type { GradConfig, Tensor } from '@tensorflow/tfjs';

function resizeGradGradient(kernelName: string, forwardKernelName: string): GradConfig {
  return {
    kernelName,
    inputsToSave: ['images', 'dy'],
    gradFunc: (upstream, saved, attrs) => {
      const [images, dy] = saved;
      return {
        dy: () =>
          tf.engine().runKernel(forwardKernelName, { images: upstream as Tensor }, {
            alignCorners: attrs.alignCorners,
            halfPixelCenters: attrs.halfPixelCenters,
            size: dy.shape.slice(1, 3),
          }) as Tensor,
        images: () => tf.zeros(images.shape, 'float32'),
      };
    },
  };
}

/** Gradient of `ResizeNearestNeighborGrad` with respect to `dy` and `images`. */
export const resizeNearestNeighborGradGradientConfig: GradConfig = resizeGradGradient(
  'ResizeNearestNeighborGrad',
  'ResizeNearestNeighbor',
);

/** Gradient of `ResizeBilinearGrad` with respect to `dy` and `images`. */
export const resizeBilinearGradGradientConfig: GradConfig = resizeGradGradient('ResizeBilinearGrad', 'ResizeBilinear');
