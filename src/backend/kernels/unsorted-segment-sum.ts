/**
 * `UnsortedSegmentSum` for backends that lack it (wasm): the gradient of `gather`, hence of every
 * `tf.layers.embedding`, the label embeddings of conditional GANs included.
 *
 *     out[s, ...] = sum over i with segmentIds[i] = s of x[i, ...]
 *
 * is a scatter with accumulation: the backend's `ScatterNd` (which sums the updates of repeated indices)
 * with the ids as indices, linear in the size of x. Ids outside [0, numSegments), which the sum drops,
 * and backends without `ScatterNd` take the matrix product `oneHot(segmentIds, numSegments)ᵀ · x` (x viewed
 * as `[N, D]`), whose cost grows with N x numSegments: with DiffAugment's translation (a gather over every
 * pixel) that product took 4 s per training step. Every kernel used is the backend's own.
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelBackend, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs';

import { BackendError, describeValue } from '../../errors.js';
import { withKernelCalls } from './kernel-calls.js';
import type { KernelPatch } from './kernel-patch.js';

/**
 * Makes the `UnsortedSegmentSum` kernel of `backendName`; uses the shipped kernel when there is one.
 */
export function makeUnsortedSegmentSumKernel(backendName: string, fallback: () => KernelFunc | undefined): KernelFunc {
  return (args) => {
    const shipped = fallback();
    if (shipped != null) return shipped(args);
    const { x, segmentIds } = args.inputs as { x: TensorInfo; segmentIds: TensorInfo };
    const { numSegments } = args.attrs as unknown as { numSegments: number };
    if (x.dtype !== 'float32') {
      throw new BackendError(
        `UnsortedSegmentSum on '${backendName}': argument 'x' must have dtype "float32", received ${describeValue(x.dtype)}.`,
      );
    }
    const ids = tf.util.sizeFromShape(segmentIds.shape);
    const rest = x.shape.slice(segmentIds.shape.length);
    const width = tf.util.sizeFromShape(rest);
    return withKernelCalls(args.backend as KernelBackend, backendName, (calls) => {
      const flatIds = calls.reshape(segmentIds, [ids]);
      const intIds = flatIds.dtype === 'int32' ? flatIds : calls.run('Cast', { x: flatIds }, { dtype: 'int32' });
      if (tf.getKernel('ScatterNd', backendName) != null) {
        const values = calls.backend.readSync(intIds.dataId) as Int32Array;
        let inRange = true;
        for (let i = 0; i < values.length; i++) {
          if (values[i] < 0 || values[i] >= numSegments) {
            inRange = false;
            break;
          }
        }
        if (inRange) {
          return calls.run(
            'ScatterNd',
            { indices: calls.reshape(intIds, [ids, 1]), updates: calls.reshape(x, [ids, ...rest]) },
            { shape: [numSegments, ...rest] } as unknown as NamedAttrMap,
          );
        }
      }
      // wasm's OneHot writes int32 whatever dtype it is asked for: make it int32 and cast.
      const oneHotInt = calls.run('OneHot', { indices: intIds }, {
        dtype: 'int32',
        depth: numSegments,
        onValue: 1,
        offValue: 0,
      } as unknown as NamedAttrMap);
      const oneHot = calls.run('Cast', { x: oneHotInt }, { dtype: 'float32' });
      const product = calls.run(
        'BatchMatMul',
        { a: calls.reshape(oneHot, [1, ids, numSegments]), b: calls.reshape(x, [1, ids, width]) },
        { transposeA: true, transposeB: false },
      );
      return calls.reshape(product, [numSegments, ...rest]);
    });
  };
}

/**
 * wasm lacks `UnsortedSegmentSum`, the gradient of `gather` (embeddings): it is added from the
 * backend's `ScatterNd`, or `OneHot` and `BatchMatMul`.
 */
export const unsortedSegmentSumPatch = { kernelName: 'UnsortedSegmentSum', backends: ['wasm'], makeKernel: makeUnsortedSegmentSumKernel } as const satisfies KernelPatch;
