/**
 * Naive, obviously-correct NHWC convolution gradients in plain JavaScript, the reference that the
 * patched kernels are checked against. Padding comes from tfjs's own `computeConv2DInfo`, so 'same',
 * 'valid' and explicit padding mean exactly what they mean to tfjs.
 */
import * as tf from '@tensorflow/tfjs';

/** Padding as a tfjs convolution takes it. */
export type ConvPad = 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];

/** One convolution's geometry. */
export interface ConvCase {
  /** `[N, H, W, Cin]`. */
  inputShape: [number, number, number, number];
  /** `[kh, kw, Cin, Cout]`. */
  filterShape: [number, number, number, number];
  strides: [number, number];
  pad: ConvPad;
}

/** The output shape and top/left padding of a convolution, as tfjs computes them. */
export function convGeometry(c: ConvCase): { outShape: [number, number, number, number]; padTop: number; padLeft: number } {
  const info = tf.backend_util.computeConv2DInfo(c.inputShape, c.filterShape, c.strides, 1, c.pad);
  return {
    outShape: [c.inputShape[0], info.outHeight, info.outWidth, c.filterShape[3]],
    padTop: info.padInfo.top,
    padLeft: info.padInfo.left,
  };
}

/** `dw[p, q, ci, co] = sum x[n, i*sh - pt + p, j*sw - pl + q, ci] * dy[n, i, j, co]`. */
export function backpropFilterReference(c: ConvCase, x: Float32Array, dy: Float32Array): Float32Array {
  const [n, h, w, cin] = c.inputShape;
  const [kh, kw, , cout] = c.filterShape;
  const { outShape, padTop, padLeft } = convGeometry(c);
  const [, oh, ow] = outShape;
  const dw = new Float64Array(kh * kw * cin * cout);
  for (let b = 0; b < n; b++)
    for (let i = 0; i < oh; i++)
      for (let j = 0; j < ow; j++)
        for (let p = 0; p < kh; p++) {
          const r = i * c.strides[0] - padTop + p;
          if (r < 0 || r >= h) continue;
          for (let q = 0; q < kw; q++) {
            const col = j * c.strides[1] - padLeft + q;
            if (col < 0 || col >= w) continue;
            for (let ci = 0; ci < cin; ci++) {
              const xv = x[((b * h + r) * w + col) * cin + ci];
              for (let co = 0; co < cout; co++) {
                dw[((p * kw + q) * cin + ci) * cout + co] += xv * dy[((b * oh + i) * ow + j) * cout + co];
              }
            }
          }
        }
  return Float32Array.from(dw);
}

/** `dx[n, i*sh - pt + p, j*sw - pl + q, ci] += dy[n, i, j, co] * w[p, q, ci, co]`. */
export function backpropInputReference(c: ConvCase, dy: Float32Array, filter: Float32Array): Float32Array {
  const [n, h, w, cin] = c.inputShape;
  const [kh, kw, , cout] = c.filterShape;
  const { outShape, padTop, padLeft } = convGeometry(c);
  const [, oh, ow] = outShape;
  const dx = new Float64Array(n * h * w * cin);
  for (let b = 0; b < n; b++)
    for (let i = 0; i < oh; i++)
      for (let j = 0; j < ow; j++)
        for (let p = 0; p < kh; p++) {
          const r = i * c.strides[0] - padTop + p;
          if (r < 0 || r >= h) continue;
          for (let q = 0; q < kw; q++) {
            const col = j * c.strides[1] - padLeft + q;
            if (col < 0 || col >= w) continue;
            for (let ci = 0; ci < cin; ci++) {
              let sum = 0;
              for (let co = 0; co < cout; co++) {
                sum += dy[((b * oh + i) * ow + j) * cout + co] * filter[((p * kw + q) * cin + ci) * cout + co];
              }
              dx[((b * h + r) * w + col) * cin + ci] += sum;
            }
          }
        }
  return Float32Array.from(dx);
}

/** `y[n, i, j, co] = sum of x[n, i*sh - pt + p, j*sw - pl + q, ci] * w[p, q, ci, co]` (zeros outside x). */
export function forwardReference(c: ConvCase, x: Float32Array, filter: Float32Array): Float32Array {
  const [n, h, w, cin] = c.inputShape;
  const [kh, kw, , cout] = c.filterShape;
  const { outShape, padTop, padLeft } = convGeometry(c);
  const [, oh, ow] = outShape;
  const y = new Float32Array(n * oh * ow * cout);
  for (let b = 0; b < n; b++)
    for (let i = 0; i < oh; i++)
      for (let j = 0; j < ow; j++)
        for (let co = 0; co < cout; co++) {
          let sum = 0;
          for (let p = 0; p < kh; p++) {
            const r = i * c.strides[0] - padTop + p;
            if (r < 0 || r >= h) continue;
            for (let q = 0; q < kw; q++) {
              const col = j * c.strides[1] - padLeft + q;
              if (col < 0 || col >= w) continue;
              for (let ci = 0; ci < cin; ci++) sum += x[((b * h + r) * w + col) * cin + ci] * filter[((p * kw + q) * cin + ci) * cout + co];
            }
          }
          y[((b * oh + i) * ow + j) * cout + co] = sum;
        }
  return y;
}

/** Deterministic values in [-1, 1) (a linear congruential generator). */
export function pseudoRandom(size: number, seed: number): Float32Array {
  const out = new Float32Array(size);
  let state = (seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = state / 2 ** 31 - 1;
  }
  return out;
}

/** `max |a - b| / max(max |b|, tiny)`: the error relative to the reference's scale. */
export function relativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) return Number.POSITIVE_INFINITY;
  let maxDiff = 0;
  let maxRef = 0;
  for (let i = 0; i < expected.length; i++) {
    const diff = Math.abs(actual[i] - expected[i]);
    if (!(diff <= maxDiff)) maxDiff = Number.isNaN(diff) ? Number.POSITIVE_INFINITY : diff;
    maxRef = Math.max(maxRef, Math.abs(expected[i]));
  }
  return maxDiff / Math.max(maxRef, 1e-30);
}

/** A short readable name for a case, for test titles. */
export function caseName(c: ConvCase): string {
  const pad = typeof c.pad === 'string' ? c.pad : `explicit ${JSON.stringify(c.pad.slice(1, 3))}`;
  return `x[${c.inputShape}] w[${c.filterShape}] stride ${c.strides[0] === c.strides[1] ? c.strides[0] : `[${c.strides}]`} ${pad}`;
}

/**
 * The geometries the patched kernels are checked on: kernel sizes 3, 4, 5 x strides 1, 2 x 'same',
 * 'valid' x odd and even input sizes, with batch 1 and 3 and channel counts 1 and more (8 and more
 * input channels take the one-convolution-per-phase path of the input gradient), plus non-square
 * strides and sizes, stride 3, and explicit padding.
 */
export function convCases(): ConvCase[] {
  const channelSets: Array<[number, number, number]> = [
    [1, 1, 1],
    [3, 2, 3],
    [1, 3, 1],
    [3, 1, 4],
    [2, 8, 3],
  ];
  const cases: ConvCase[] = [];
  let i = 0;
  for (const k of [3, 4, 5])
    for (const s of [1, 2])
      for (const pad of ['same', 'valid'] as const)
        for (const size of [7, 8]) {
          const [batch, cin, cout] = channelSets[i++ % channelSets.length];
          cases.push({ inputShape: [batch, size, size, cin], filterShape: [k, k, cin, cout], strides: [s, s], pad });
        }
  cases.push(
    { inputShape: [3, 9, 6, 2], filterShape: [5, 3, 2, 3], strides: [2, 1], pad: 'same' },
    { inputShape: [2, 6, 9, 8], filterShape: [4, 5, 8, 2], strides: [1, 2], pad: 'valid' },
    { inputShape: [2, 10, 11, 2], filterShape: [3, 5, 2, 3], strides: [3, 3], pad: 'same' },
    { inputShape: [2, 9, 9, 8], filterShape: [5, 5, 8, 2], strides: [3, 3], pad: 'valid' },
    { inputShape: [2, 8, 7, 2], filterShape: [3, 3, 2, 3], strides: [2, 2], pad: [[0, 0], [1, 2], [0, 1], [0, 0]] },
    { inputShape: [1, 8, 8, 8], filterShape: [4, 4, 8, 2], strides: [2, 2], pad: [[0, 0], [3, 0], [2, 2], [0, 0]] },
    { inputShape: [2, 5, 5, 2], filterShape: [1, 1, 2, 3], strides: [2, 2], pad: 'valid' },
    { inputShape: [1, 14, 14, 16], filterShape: [5, 5, 16, 8], strides: [2, 2], pad: 'same' },
  );
  return cases;
}

/**
 * Convolutions whose input has few channels (1 to 4) and whose output channels are a multiple of 8: the
 * filter gradients tfjs-gan's SIMD128 kernel computes on wasm. Taps and positions that are and are not
 * multiples of its tile sizes (6 and 4), every padding kind, strides 1 to 3.
 */
export function fewChannelCases(): ConvCase[] {
  return [
    { inputShape: [4, 28, 28, 1], filterShape: [5, 5, 1, 64], strides: [2, 2], pad: 'same' }, // a DCGAN's first layer
    { inputShape: [2, 16, 16, 3], filterShape: [4, 4, 3, 32], strides: [2, 2], pad: 'same' },
    { inputShape: [1, 9, 9, 3], filterShape: [4, 4, 3, 8], strides: [2, 2], pad: 'valid' },
    { inputShape: [2, 8, 8, 2], filterShape: [3, 3, 2, 16], strides: [1, 1], pad: 'same' },
    { inputShape: [2, 7, 9, 1], filterShape: [3, 5, 1, 8], strides: [2, 1], pad: [[0, 0], [1, 0], [2, 1], [0, 0]] },
    { inputShape: [1, 10, 10, 4], filterShape: [5, 5, 4, 8], strides: [3, 3], pad: 'same' },
    { inputShape: [3, 5, 5, 1], filterShape: [1, 1, 1, 24], strides: [1, 1], pad: 'valid' },
    { inputShape: [1, 3, 3, 2], filterShape: [3, 3, 2, 8], strides: [1, 1], pad: 'valid' }, // one output pixel: fewer than the threads
  ];
}

/**
 * Convolutions of a GAN's hidden layers, whose channel counts (multiples of 8) tfjs-gan's SIMD128
 * convolutions take on wasm: kernel sizes 1 to 5, strides 1 to 3 (unequal too), every padding kind,
 * batches and pixel counts that are and are not multiples of the kernels' blocks (4 images, 6 pixels).
 */
export function channelRichCases(): ConvCase[] {
  return [
    { inputShape: [5, 14, 14, 16], filterShape: [5, 5, 16, 32], strides: [2, 2], pad: 'same' }, // a DCGAN's hidden layer
    { inputShape: [3, 9, 9, 8], filterShape: [3, 3, 8, 16], strides: [1, 1], pad: 'same' },
    { inputShape: [1, 10, 7, 8], filterShape: [4, 4, 8, 8], strides: [2, 2], pad: 'valid' },
    { inputShape: [2, 8, 9, 8], filterShape: [3, 5, 8, 16], strides: [2, 1], pad: [[0, 0], [1, 2], [2, 0], [0, 0]] },
    { inputShape: [2, 9, 9, 16], filterShape: [5, 5, 16, 24], strides: [3, 3], pad: 'same' },
    { inputShape: [4, 5, 5, 8], filterShape: [1, 1, 8, 8], strides: [1, 1], pad: 'valid' },
    { inputShape: [2, 7, 7, 24], filterShape: [2, 2, 24, 8], strides: [2, 2], pad: 'same' },
    { inputShape: [1, 4, 4, 8], filterShape: [4, 4, 8, 16], strides: [2, 2], pad: 'same' },
  ];
}
