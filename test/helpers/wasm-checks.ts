/**
 * Checks of the threaded wasm build that the Node suite (test/backend/wasm-threads.test.ts) and the
 * cross-origin isolated page (test/browser/isolated) share: the same computations, sized by the caller.
 */
import * as tf from '@tensorflow/tfjs';

import { pseudoRandom } from '../backend/conv-reference.js';

/** Runs `f` on `backend` and returns its results as plain arrays. */
export async function on(backend: 'cpu' | 'wasm', f: () => tf.Tensor[]): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const outputs = tf.tidy(f);
  const values = await Promise.all(outputs.map(async (t) => (await t.data()) as Float32Array));
  tf.dispose(outputs);
  return values;
}

/**
 * A stride-2 5x5 convolution of `[batch, 14, 14, inChannels]` to `outChannels`: its valid stride-1
 * output, input and filter gradients and transposed convolution, and a `[rows, 300] x [300, 200]`
 * matrix product, from fixed pseudo-random values (compare them across backends with {@link on}).
 */
export function convolutionsAndProduct(batch: number, inChannels: number, outChannels: number, rows: number): () => tf.Tensor[] {
  const x = pseudoRandom(batch * 14 * 14 * inChannels, 1);
  const w = pseudoRandom(5 * 5 * inChannels * outChannels, 2);
  const a = pseudoRandom(rows * 300, 3);
  const b = pseudoRandom(300 * 200, 4);
  return () => {
    const input = tf.tensor4d(x, [batch, 14, 14, inChannels]);
    const filter = tf.tensor4d(w, [5, 5, inChannels, outChannels]);
    const loss = (i: tf.Tensor, f: tf.Tensor): tf.Scalar => tf.conv2d(i as tf.Tensor4D, f as tf.Tensor4D, 2, 'same').square().mean();
    const [dInput, dFilter] = tf.grads(loss)([input, filter]);
    const transposed = tf.conv2dTranspose(tf.conv2d(input, filter, 2, 'same'), filter, [batch, 14, 14, inChannels], 2, 'same');
    return [tf.conv2d(input, filter, 1, 'valid'), dInput, dFilter, transposed, tf.matMul(tf.tensor2d(a, [rows, 300]), tf.tensor2d(b, [300, 200]))];
  };
}

/**
 * `steps` updates of `optimizer` on `sum((w - target)^2)` for a variable of `size` pseudo-random values;
 * returns the final values and disposes the optimizer.
 */
export function trainVector(optimizer: tf.Optimizer, size: number, steps: number, target: number, seed: number): number[] {
  const w = tf.variable(tf.tensor1d(pseudoRandom(size, seed)));
  for (let i = 0; i < steps; i++) optimizer.minimize(() => tf.sum(tf.square(tf.sub(w, target))));
  const values = Array.from(w.dataSync());
  w.dispose();
  optimizer.dispose();
  return values;
}
