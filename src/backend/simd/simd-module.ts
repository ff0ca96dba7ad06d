/**
 * tfjs-gan's SIMD128 kernels (kernels.c) run on tfjs's wasm heap: the module imports the backend's memory
 * and reads and writes tensors where they lie, with no copy. One instance per heap; scratch space comes
 * from tfjs's own allocator.
 *
 * This file is the module's API; the parts are, by concept: the instance on a heap, its threads and how a
 * kernel is split and given scratch space (`heap-kernels.ts`), the convolutions (`conv-kernels.ts`), the
 * matrix product (`gemm-kernels.ts`), the element-wise kernels (`elementwise-kernels.ts`) and the
 * data-movement kernels (`layout-kernels.ts`).
 *
 * @packageDocumentation
 */
export { setSimdSplitThreshold, simdSplitRuns, simdThreadsOf, startSimdThreads } from './heap-kernels.js';
export {
  type ConvGeometry,
  simdConv2D,
  simdConv2DBackpropFilter,
  simdConv2DBackpropInput,
  simdFilterGradientFewChannels,
} from './conv-kernels.js';
export { type MatMulOperands, simdMatMul, simdVectorProduct } from './gemm-kernels.js';
export {
  type AdamConstants,
  simdAdamUpdate,
  simdChannelAffine,
  simdColumnSums,
  simdLeakyRelu,
  simdNonFiniteSum,
  simdStepProduct,
  simdTanh,
} from './elementwise-kernels.js';
export { type PhaseGeometry, type TiledPoolGeometry, simdGatherRows, simdInterleavePhases, simdPoolGradSpread, simdSwapFirstLastAxes } from './layout-kernels.js';
