/**
 * fast-check arbitraries of calls to every kernel tfjs-gan patches: random shapes, strides, paddings,
 * dilations, channel counts (few, multiples of 4 and 8 where the SIMD paths apply, and odd ones), batch
 * sizes, transposes, axes and dtypes, with NaN and infinities in the inputs of the kernels that must
 * carry them (element-wise ones, copies, reductions). Values are drawn from a seed, so a failing case
 * shrinks to small shapes and prints in full.
 */
import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';

import type { PatchedKernelName } from '../../../src/backend/kernel-patches.js';
import { pseudoRandom } from '../conv-reference.js';
import type { Comparison, KernelCase, TensorSpec } from './differential.js';

const size = (shape: readonly number[]) => shape.reduce((p, s) => p * s, 1);

/** Float values in [-1, 1) from `seed`, with a few NaN and infinities where `special`. */
function floats(shape: number[], seed: number, special = false, scale = 1): TensorSpec {
  const values = pseudoRandom(size(shape), seed).map((v) => v * scale);
  if (special && values.length > 0) {
    const odd = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
    for (let k = 0; k < 1 + (seed % 3); k++) values[(seed * (k + 7)) % values.length] = odd[(seed + k) % 3];
  }
  return { shape, dtype: 'float32', values };
}

/** Int32 values in [0, limit) from `seed`. */
function ints(shape: number[], seed: number, limit: number): TensorSpec {
  const values = Int32Array.from(pseudoRandom(size(shape), seed), (v) => Math.min(limit - 1, Math.floor(((v + 1) / 2) * limit)));
  return { shape, dtype: 'int32', values };
}

function kernelCase(kernel: PatchedKernelName, inputs: Record<string, TensorSpec>, attrs: Record<string, unknown>, comparison: Comparison, special = false): KernelCase {
  return { kernel, inputs, attrs, comparison, special };
}

const seed = fc.integer({ min: 1, max: 2 ** 30 });
/** Channel counts: a few, the SIMD paths' multiples of 4 and 8, and odd ones between. */
const channels = fc.oneof(fc.integer({ min: 1, max: 9 }), fc.constantFrom(8, 12, 16, 24, 32, 40, 64), fc.integer({ min: 10, max: 36 }));
const spatial = fc.integer({ min: 1, max: 12 });
const padding = fc.oneof(
  fc.constantFrom<'same' | 'valid'>('same', 'valid'),
  fc.tuple(fc.nat(2), fc.nat(2), fc.nat(2), fc.nat(2)).map(([t, b, l, r]) => [[0, 0], [t, b], [l, r], [0, 0]] as const),
);

/** A convolution's geometry: shapes that tfjs accepts, with an output of at least one pixel. */
const convolution = fc
  .record({
    batch: fc.integer({ min: 1, max: 3 }),
    height: spatial,
    width: spatial,
    inChannels: channels,
    outChannels: channels,
    filterHeight: fc.integer({ min: 1, max: 5 }),
    filterWidth: fc.integer({ min: 1, max: 5 }),
    strides: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
    dilation: fc.constantFrom(1, 1, 1, 2),
    pad: padding,
    seed,
  })
  .map((c) => {
    const inputShape: [number, number, number, number] = [c.batch, c.height, c.width, c.inChannels];
    const filterShape: [number, number, number, number] = [c.filterHeight, c.filterWidth, c.inChannels, c.outChannels];
    const dilations: [number, number] = c.strides[0] > 1 || c.strides[1] > 1 ? [1, 1] : [c.dilation, c.dilation];
    const pad = typeof c.pad === 'string' ? c.pad : (c.pad.map((p) => [...p]) as [[number, number], [number, number], [number, number], [number, number]]);
    return { ...c, inputShape, filterShape, dilations, pad };
  })
  .filter((c) => {
    try {
      const info = tf.backend_util.computeConv2DInfo(c.inputShape, c.filterShape, c.strides, c.dilations, c.pad, undefined, false, 'channelsLast');
      return info.outHeight > 0 && info.outWidth > 0;
    } catch {
      return false;
    }
  })
  .map((c) => {
    const info = tf.backend_util.computeConv2DInfo(c.inputShape, c.filterShape, c.strides, c.dilations, c.pad, undefined, false, 'channelsLast');
    return { ...c, outShape: [c.batch, info.outHeight, info.outWidth, c.outChannels] };
  });

const conv2d = convolution.map((c) =>
  kernelCase('Conv2D', { x: floats(c.inputShape, c.seed), filter: floats(c.filterShape, c.seed + 1) }, { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', dilations: c.dilations }, 'sum'),
);
const undilated = convolution.filter((c) => c.dilations[0] === 1);
const conv2dBackpropInput = undilated.map((c) =>
  kernelCase('Conv2DBackpropInput', { dy: floats(c.outShape, c.seed), filter: floats(c.filterShape, c.seed + 1) }, { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', inputShape: c.inputShape }, 'sum'),
);
const conv2dBackpropFilter = undilated.map((c) =>
  kernelCase('Conv2DBackpropFilter', { x: floats(c.inputShape, c.seed), dy: floats(c.outShape, c.seed + 1) }, { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', filterShape: c.filterShape }, 'sum'),
);

/** Matrix sizes: small, around the 6x8 tile, and a few large enough for the GEMM's threaded path. */
const matrixSize = fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 1, max: 40 }) }, { weight: 1, arbitrary: fc.integer({ min: 41, max: 160 }) });
const product = fc.record({
  batch: fc.integer({ min: 1, max: 3 }),
  broadcastB: fc.boolean(),
  m: matrixSize,
  k: matrixSize,
  n: matrixSize,
  transposeA: fc.boolean(),
  transposeB: fc.boolean(),
  seed,
});
type Product = typeof product extends fc.Arbitrary<infer T> ? T : never;
function productInputs(p: Product): Record<string, TensorSpec> {
  const aShape = p.transposeA ? [p.batch, p.k, p.m] : [p.batch, p.m, p.k];
  const bBatch = p.broadcastB ? 1 : p.batch;
  const bShape = p.transposeB ? [bBatch, p.n, p.k] : [bBatch, p.k, p.n];
  return { a: floats(aShape, p.seed), b: floats(bShape, p.seed + 1) };
}
const batchMatMul = product.map((p) => kernelCase('BatchMatMul', productInputs(p), { transposeA: p.transposeA, transposeB: p.transposeB }, 'sum'));
const fusedMatMul = fc
  .tuple(product, fc.boolean(), fc.constantFrom('linear', 'linear', 'relu'))
  .map(([p, bias, activation]) => {
    const inputs = productInputs(p);
    return kernelCase(
      '_FusedMatMul',
      bias ? { ...inputs, bias: floats([p.n], p.seed + 2) } : inputs,
      { transposeA: p.transposeA, transposeB: p.transposeB, activation, leakyreluAlpha: 0.2 },
      'sum',
    );
  });

/** Shapes of rank 1 to 4 with sides 1 to 6. */
const shape = fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 4 });
/** Whether to put NaN and infinities into an input (one case in five). */
const special = fc.integer({ min: 0, max: 4 }).map((k) => k === 0);

const tile = fc
  .record({ shape, seed, int: fc.boolean(), special, reps: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 4, maxLength: 4 }) })
  .map((t) =>
    kernelCase(
      'Tile',
      { x: t.int ? ints(t.shape, t.seed, 100) : floats(t.shape, t.seed, t.special) },
      { reps: t.reps.slice(0, t.shape.length) },
      'exact',
      t.special && !t.int,
    ),
  );

const leakyRelu = fc
  // Alphas that float32 holds: a double too small for float32 times -Infinity is -Infinity on cpu, NaN in float32.
  .record({ shape, seed, special, alpha: fc.oneof(fc.constantFrom(0, 0.01, 0.2, 0.3, 1), fc.double({ min: -1, max: 2, noNaN: true }).map(Math.fround)) })
  .map((t) => kernelCase('LeakyRelu', { x: floats(t.shape, t.seed, t.special, 4) }, { alpha: t.alpha }, 'elementwise', t.special));

const tanh = fc
  .record({ shape, seed, special, scale: fc.constantFrom(0.001, 1, 4, 20) })
  .map((t) => kernelCase('Tanh', { x: floats(t.shape, t.seed, t.special, t.scale) }, {}, 'elementwise', t.special));

/** Reductions: random axes of small shapes, and the wide leading-axes reductions of big filters' gradients. */
const reduction = fc.oneof(
  { weight: 4, arbitrary: fc.record({ shape, axes: fc.array(fc.integer({ min: -4, max: 3 }), { minLength: 0, maxLength: 4 }) }) },
  {
    weight: 1,
    arbitrary: fc
      .record({ rows: fc.integer({ min: 2, max: 12 }), columns: fc.oneof(fc.integer({ min: 4000, max: 40000 }), fc.constantFrom(4096, 16384, 16411, 32768)) })
      .map(({ rows, columns }) => ({ shape: [rows, columns], axes: [0] })),
  },
);
const sumOrMean = (kernel: 'Sum' | 'Mean') =>
  fc.record({ reduction, seed, special, keepDims: fc.boolean() }).map((r) => {
    const { shape: s } = r.reduction;
    const axes = [...new Set(r.reduction.axes.filter((a) => a >= -s.length && a < s.length).map((a) => (a + s.length) % s.length))];
    return kernelCase(kernel, { x: floats(s, r.seed, r.special) }, { axis: axes.length === 0 ? null : axes, keepDims: r.keepDims }, 'sum', r.special);
  });

const fusedBatchNorm = fc
  .record({ batch: fc.integer({ min: 1, max: 4 }), space: fc.array(fc.integer({ min: 1, max: 5 }), { maxLength: 2 }), channels, seed, special, offset: fc.boolean(), scale: fc.boolean(), epsilon: fc.constantFrom(1e-3, 1e-5) })
  .map((b) => {
    const c = b.channels;
    const variance = floats([c], b.seed + 2);
    const inputs: Record<string, TensorSpec> = {
      x: floats([b.batch, ...b.space, c], b.seed, b.special, 3),
      mean: floats([c], b.seed + 1),
      variance: { ...variance, values: (variance.values as Float32Array).map((v) => v + 1.01) },
    };
    if (b.offset) inputs.offset = floats([c], b.seed + 3);
    if (b.scale) inputs.scale = floats([c], b.seed + 4, false, 2);
    return kernelCase('FusedBatchNorm', inputs, { varianceEpsilon: b.epsilon }, 'normalized', b.special);
  });

const identity = fc
  .record({ shape, seed, int: fc.boolean(), special })
  .map((t) => kernelCase('Identity', { x: t.int ? ints(t.shape, t.seed, 1000) : floats(t.shape, t.seed, t.special) }, {}, 'exact', t.special && !t.int));

const gather = fc
  .record({ shape, seed, int: fc.boolean(), special, indices: fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 2 }), axis: fc.constantFrom(0, 0, 0, 1, -1) })
  .filter((g) => g.axis === 0 || g.shape.length > 1)
  .map((g) => {
    const axis = g.axis < 0 ? g.shape.length + g.axis : g.axis;
    return kernelCase(
      'GatherV2',
      { x: g.int ? ints(g.shape, g.seed, 1000) : floats(g.shape, g.seed, g.special), indices: ints(g.indices, g.seed + 1, g.shape[axis]) },
      { axis: g.axis, batchDims: 0 },
      'exact',
      g.special && !g.int,
    );
  });

const cast = fc
  .record({ shape, seed, from: fc.constantFrom<'float32' | 'int32'>('float32', 'int32'), to: fc.constantFrom('float32', 'int32', 'bool') })
  .map((t) => kernelCase('Cast', { x: t.from === 'int32' ? ints(t.shape, t.seed, 7) : floats(t.shape, t.seed, false, 50) }, { dtype: t.to }, 'exact'));

const unsortedSegmentSum = fc
  .record({ rows: fc.integer({ min: 1, max: 20 }), inner: fc.array(fc.integer({ min: 1, max: 8 }), { maxLength: 2 }), segments: fc.integer({ min: 1, max: 8 }), seed })
  // No NaN here: tfjs's cpu kernel multiplies every row by a mask, so a NaN row makes every segment NaN.
  .map((u) =>
    kernelCase(
      'UnsortedSegmentSum',
      { x: floats([u.rows, ...u.inner], u.seed), segmentIds: ints([u.rows], u.seed + 1, u.segments) },
      { numSegments: u.segments },
      'sum',
    ),
  );

/**
 * Average-pool gradients: mostly pools whose windows tile the input (window = stride, valid: the SIMD
 * path, with inputs that are not a whole number of windows), and any other window, stride and padding.
 */
const avgPoolGrad = fc
  .record({
    batch: fc.integer({ min: 1, max: 3 }),
    height: spatial,
    width: spatial,
    channels,
    window: fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 })),
    tiled: fc.constantFrom(true, true, true, false),
    strides: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
    pad: fc.constantFrom<'same' | 'valid'>('valid', 'valid', 'same'),
    seed,
    special,
  })
  .map((p) => ({ ...p, height: Math.max(p.height, p.window[0]), width: Math.max(p.width, p.window[1]), strides: p.tiled ? p.window : p.strides, pad: p.tiled ? ('valid' as const) : p.pad }))
  .map((p) => {
    const input: [number, number, number, number] = [p.batch, p.height, p.width, p.channels];
    const info = tf.backend_util.computePool2DInfo(input, p.window, p.strides, 1, p.pad);
    return kernelCase(
      'AvgPoolGrad',
      { dy: floats([p.batch, info.outHeight, info.outWidth, p.channels], p.seed, p.special && p.tiled, 3), input: floats(input, p.seed + 1) },
      { filterSize: p.window, strides: p.strides, pad: p.pad },
      p.tiled ? 'exact' : 'sum',
      p.special && p.tiled,
    );
  });

/** One arbitrary per patched kernel. */
export const KERNEL_CASES: Readonly<Record<PatchedKernelName, fc.Arbitrary<KernelCase>>> = {
  Conv2D: conv2d,
  Conv2DBackpropFilter: conv2dBackpropFilter,
  Conv2DBackpropInput: conv2dBackpropInput,
  UnsortedSegmentSum: unsortedSegmentSum,
  BatchMatMul: batchMatMul,
  Tile: tile,
  LeakyRelu: leakyRelu,
  Sum: sumOrMean('Sum'),
  Mean: sumOrMean('Mean'),
  FusedBatchNorm: fusedBatchNorm,
  Identity: identity,
  GatherV2: gather,
  Tanh: tanh,
  _FusedMatMul: fusedMatMul,
  Cast: cast,
  AvgPoolGrad: avgPoolGrad,
};
