/** Helpers shared by the kernel tests: run one kernel on the active backend and read its output. */
import * as tf from '@tensorflow/tfjs';

import { type PatchedKernelName, getShippedKernel } from '../../src/backend/kernel-patches.js';
import { type ConvCase, convGeometry, pseudoRandom } from './conv-reference.js';

/** Runs `kernelName` on the active backend and returns its output values (read outside any tidy). */
export function runKernel(kernelName: string, inputs: Record<string, tf.Tensor>, attrs: object): Float32Array {
  const out = tf.engine().runKernel(kernelName, inputs, attrs as unknown as tf.NamedAttrMap) as tf.Tensor;
  const values = out.dataSync() as Float32Array;
  out.dispose();
  return values;
}

/** Runs the kernel tfjs ships for `kernelName` on wasm (whether or not tfjs-gan replaced it) and returns its output. */
export function runShippedWasm(kernelName: PatchedKernelName, inputs: Record<string, tf.Tensor>, attrs: object): tf.Tensor {
  const shipped = getShippedKernel(kernelName, 'wasm');
  if (!shipped) throw new Error(`no shipped ${kernelName}`);
  const info = shipped.kernelFunc({ inputs, backend: tf.backend(), attrs: attrs as tf.NamedAttrMap }) as tf.TensorInfo;
  return tf.engine().makeTensorFromTensorInfo(info);
}

/** The output values of {@link runShippedWasm} (the output disposed). */
export function shippedWasmValues(kernelName: PatchedKernelName, inputs: Record<string, tf.Tensor>, attrs: object): Float32Array {
  const out = runShippedWasm(kernelName, inputs, attrs);
  const values = out.dataSync() as Float32Array;
  out.dispose();
  return values;
}

/** Deterministic input, filter and output-gradient values for a case. */
export function caseValues(c: ConvCase, seed = 1): { x: Float32Array; filter: Float32Array; dy: Float32Array; dyShape: number[] } {
  const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
  const { outShape } = convGeometry(c);
  return {
    x: pseudoRandom(size(c.inputShape), seed),
    filter: pseudoRandom(size(c.filterShape), seed + 1),
    dy: pseudoRandom(size(outShape), seed + 2),
    dyShape: outShape,
  };
}

/** The attributes of `Conv2DBackpropFilter` for a case. */
export function filterAttrs(c: ConvCase): object {
  return { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', filterShape: c.filterShape };
}

/** The attributes of `Conv2DBackpropInput` for a case. */
export function inputAttrs(c: ConvCase): { strides: [number, number]; pad: ConvCase['pad']; dataFormat: 'NHWC'; inputShape: [number, number, number, number] } {
  return { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', inputShape: c.inputShape };
}

/** Tensors and data buffers alive on the active backend, to check that kernels free their intermediates. */
export function liveCounts(): { tensors: number; dataIds: number } {
  return { tensors: tf.memory().numTensors, dataIds: tf.engine().backend.numDataIds() };
}

/**
 * Counts the calls of the backend kernels `names` (made directly by other kernels too, which
 * `tf.profile` does not list) while `run` runs.
 */
export function kernelCallsDuring(backendName: string, names: readonly string[], run: () => void): number {
  const configs = names.map((name) => {
    const config = tf.getKernel(name, backendName);
    if (config == null) throw new Error(`no ${name} kernel on ${backendName}`);
    return config;
  });
  let calls = 0;
  for (const config of configs) {
    tf.unregisterKernel(config.kernelName, backendName);
    tf.registerKernel({ ...config, kernelFunc: (args) => (calls++, config.kernelFunc(args)) });
  }
  try {
    run();
  } finally {
    for (const config of configs) {
      tf.unregisterKernel(config.kernelName, backendName);
      tf.registerKernel(config);
    }
  }
  return calls;
}
