/**
 * Adam with each variable's update in one pass over memory on the `wasm` and `cpu` backends.
 *
 * tfjs's `AdamOptimizer` updates a variable with twelve element-wise kernels (moments, bias corrections,
 * square root, division, the step), each a pass over the variable: on the DCGAN-MNIST reference step,
 * about a million parameters, that is some 130 kernel calls per step, none of them threaded. The fused
 * update computes the same twelve float32 operations per element in one pass: on wasm with tfjs-gan's
 * SIMD128 module (src/backend/simd/kernels.c) on the backend's heap, on cpu in a JavaScript loop. Every
 * intermediate is rounded to float32 exactly where tfjs's kernels round, so the new values and moments are
 * bit-identical to tfjs's Adam. It is saved as `'Adam'` with tfjs's config and weights, and a checkpoint of
 * either restores into either. Other backends (`webgl`, `webgpu`, `tensorflow`) run tfjs's update.
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelFunc, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs';

import { type AdamConstants, simdAdamUpdate } from '../backend/simd/simd-module.js';
import { ConfigError, describeValue } from '../errors.js';

/** The kernel the fused update registers on `wasm` and `cpu`. */
export const ADAM_UPDATE_KERNEL = 'TfjsGanAdamUpdate';

/** The backends whose memory the fused update reads and writes directly. */
const FUSED_BACKENDS = ['wasm', 'cpu'] as const;

/** Attributes of the fused kernel: the hyper-parameters and this step's bias corrections. */
interface AdamUpdateAttrs {
  beta1: number;
  beta2: number;
  epsilon: number;
  learningRate: number;
  /** `1 - beta1^t` as tfjs computes it (float32). */
  oneMinusAccBeta1: number;
  oneMinusAccBeta2: number;
}

/** tfjs's float32 scalars of one update: the JavaScript numbers it turns into float32 tensors. */
function adamConstants(attrs: AdamUpdateAttrs): AdamConstants {
  const f = Math.fround;
  return {
    beta1: f(attrs.beta1),
    keep1: f(1 - attrs.beta1),
    beta2: f(attrs.beta2),
    keep2: f(1 - attrs.beta2),
    correction1: f(attrs.oneMinusAccBeta1),
    correction2: f(attrs.oneMinusAccBeta2),
    epsilon: f(attrs.epsilon),
    step: f(-attrs.learningRate),
  };
}

/**
 * Writes the new value, first and second moment of one variable: tfjs's Adam, operation by operation,
 * each result rounded to float32 where tfjs's kernels round it.
 */
function adamUpdate(
  value: Float32Array,
  gradient: Float32Array,
  m: Float32Array,
  v: Float32Array,
  newValue: Float32Array,
  newM: Float32Array,
  newV: Float32Array,
  c: AdamConstants,
): void {
  const f = Math.fround;
  for (let i = 0; i < value.length; i++) {
    const g = gradient[i];
    const m1 = f(f(m[i] * c.beta1) + f(g * c.keep1));
    const v1 = f(f(v[i] * c.beta2) + f(f(g * g) * c.keep2));
    const mHat = f(m1 / c.correction1);
    const vHat = f(v1 / c.correction2);
    newM[i] = m1;
    newV[i] = v1;
    newValue[i] = f(f(f(mHat / f(f(Math.sqrt(vHat)) + c.epsilon)) * c.step) + value[i]);
  }
}

/** The parts of tfjs's wasm backend the kernel uses. */
interface WasmBackendLike {
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array;
}

/** The parts of tfjs's cpu backend the kernel uses. */
interface CpuBackendLike {
  data: { get(dataId: TensorInfo['dataId']): { values: Float32Array } };
  makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): TensorInfo;
}

function wasmKernel({ inputs, backend, attrs }: { inputs: NamedTensorInfoMap; backend: unknown; attrs?: unknown }): TensorInfo[] {
  const wasm = backend as WasmBackendLike;
  const { value, gradient, m, v } = inputs as Record<'value' | 'gradient' | 'm' | 'v', TensorInfo>;
  const shape = [...value.shape];
  const outputs = [wasm.makeOutput(shape, 'float32'), wasm.makeOutput(shape, 'float32'), wasm.makeOutput(shape, 'float32')];
  const constants = adamConstants(attrs as AdamUpdateAttrs);
  const size = shape.reduce((a, b) => a * b, 1);
  // The SIMD128 module on the heap itself; plain JavaScript where it cannot run.
  if (simdAdamUpdate(backend, [value, gradient, m, v, ...outputs], size, constants)) return outputs;
  // Views after every allocation: an allocation may grow the heap and detach earlier views.
  const [newValue, newM, newV] = outputs.map((o) => wasm.typedArrayFromHeap(o));
  const read = (t: TensorInfo) => wasm.typedArrayFromHeap(t);
  adamUpdate(read(value), read(gradient), read(m), read(v), newValue, newM, newV, constants);
  return outputs;
}

function cpuKernel({ inputs, backend, attrs }: { inputs: NamedTensorInfoMap; backend: unknown; attrs?: unknown }): TensorInfo[] {
  const cpu = backend as CpuBackendLike;
  const { value, gradient, m, v } = inputs as Record<'value' | 'gradient' | 'm' | 'v', TensorInfo>;
  const read = (t: TensorInfo) => cpu.data.get(t.dataId).values;
  const size = value.shape.reduce((a, b) => a * b, 1);
  const [newValue, newM, newV] = [new Float32Array(size), new Float32Array(size), new Float32Array(size)];
  adamUpdate(read(value), read(gradient), read(m), read(v), newValue, newM, newV, adamConstants(attrs as AdamUpdateAttrs));
  const shape = [...value.shape];
  return [cpu.makeTensorInfo(shape, 'float32', newValue), cpu.makeTensorInfo(shape, 'float32', newM), cpu.makeTensorInfo(shape, 'float32', newV)];
}

/** Registers the fused kernel for `backendName` if it is one it supports; whether it is available there. */
function fusedKernelFor(backendName: string): boolean {
  if (!(FUSED_BACKENDS as readonly string[]).includes(backendName)) return false;
  if (tf.getKernel(ADAM_UPDATE_KERNEL, backendName) == null) {
    tf.registerKernel({
      kernelName: ADAM_UPDATE_KERNEL,
      backendName,
      kernelFunc: (backendName === 'wasm' ? wasmKernel : cpuKernel) as unknown as KernelFunc,
    });
  }
  return true;
}

/** The state of tfjs's `AdamOptimizer` that the fused update reads and writes (private in its typings). */
interface AdamState {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: Array<{ originalName: string; variable: tf.Variable } | undefined>;
  accumulatedSecondMoment: Array<{ originalName: string; variable: tf.Variable } | undefined>;
  incrementIterations(): void;
}

/**
 * tfjs's Adam (Kingma & Ba 2015, arXiv:1412.6980) with each variable's update fused into one pass on
 * `wasm` and `cpu`, bit-identical to `tf.train.adam` (see the module comment). The Trainer's default
 * optimizer.
 *
 * @example
 * ```ts
 * const trainer = new Trainer({ generator, discriminator, generatorOptimizer: fusedAdam(2e-4, 0.5, 0.999) });
 * ```
 */
export class FusedAdamOptimizer extends tf.AdamOptimizer {
  /** Applies the gradients as `tf.AdamOptimizer` does, with the fused kernel on `wasm` and `cpu`; other backends use tfjs's own update. */
  override applyGradients(variableGradients: Parameters<tf.AdamOptimizer['applyGradients']>[0]): void {
    const backendName = tf.getBackend();
    if (!fusedKernelFor(backendName)) {
      super.applyGradients(variableGradients);
      return;
    }
    const state = this as unknown as AdamState;
    const names = Array.isArray(variableGradients) ? variableGradients.map((v) => v.name) : Object.keys(variableGradients);
    tf.tidy(() => {
      // As tfjs: 1 - beta^t in float32, read once per step.
      const [accBeta1, accBeta2] = [state.accBeta1.dataSync()[0], state.accBeta2.dataSync()[0]];
      const attrs: AdamUpdateAttrs = {
        beta1: state.beta1,
        beta2: state.beta2,
        epsilon: state.epsilon,
        learningRate: state.learningRate,
        oneMinusAccBeta1: Math.fround(1 - accBeta1),
        oneMinusAccBeta2: Math.fround(1 - accBeta2),
      };
      names.forEach((name, i) => {
        const value = tf.engine().registeredVariables[name];
        state.accumulatedFirstMoment[i] ??= { originalName: `${name}/m`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
        state.accumulatedSecondMoment[i] ??= { originalName: `${name}/v`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
        const gradient: tf.Tensor | undefined = Array.isArray(variableGradients) ? variableGradients[i].tensor : variableGradients[name];
        if (gradient == null) return;
        const m = state.accumulatedFirstMoment[i]!.variable;
        const v = state.accumulatedSecondMoment[i]!.variable;
        if (value.dtype !== 'float32' || gradient.dtype !== 'float32') {
          throw new ConfigError(
            `fusedAdam: variable '${name}' and its gradient must be float32, received ${describeValue(value.dtype)} and ${describeValue(gradient.dtype)}.`,
          );
        }
        const [newValue, newM, newV] = tf.engine().runKernel(
          ADAM_UPDATE_KERNEL,
          { value, gradient, m, v } as unknown as tf.NamedTensorMap,
          attrs as unknown as tf.NamedAttrMap,
        ) as tf.Tensor[];
        m.assign(newM);
        v.assign(newV);
        value.assign(newValue);
      });
      state.accBeta1.assign(tf.mul(state.accBeta1, state.beta1));
      state.accBeta2.assign(tf.mul(state.accBeta2, state.beta2));
    });
    state.incrementIterations();
  }
}

/** A {@link FusedAdamOptimizer}: `tf.train.adam(learningRate, beta1, beta2, epsilon)` with fused updates. */
export function fusedAdam(learningRate = 0.001, beta1 = 0.9, beta2 = 0.999, epsilon?: number): FusedAdamOptimizer {
  return new FusedAdamOptimizer(learningRate, beta1, beta2, epsilon);
}
