/**
 * Registering tfjs-gan's gradients of gradients with tfjs. Gradients are global in tfjs (one registry for
 * every backend); `useBackend` registers them on every switch (idempotent), because one replacement is
 * needed only once a backend shows tfjs's defect.
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs';
import type { GradConfig } from '@tensorflow/tfjs';

import { avgPoolGradientConfig, avgPoolGradientIsWrongAtBorders, probeAvgPoolGradientIsWrongAtBorders } from './avg-pool-gradient.js';
import { fusedBatchNormGradientConfig } from './batch-norm-gradient.js';
import { conv2DBackpropFilterGradientConfig } from './conv2d-backprop-filter-gradient.js';
import { eluGradGradientConfig } from './elu-grad-gradient.js';
import { leakyReluGradientConfig, reluGradientConfig } from './activation-gradients.js';
import { avgPoolGradGradientConfig, maxPoolGradGradientConfig } from './pool-grad-gradients.js';
import { meanGradientConfig, sumGradientConfig } from './reduction-gradients.js';
import { resizeBilinearGradGradientConfig, resizeNearestNeighborGradGradientConfig } from './resize-grad-gradients.js';
import {
  SAVED_OUTPUT_GRADIENT_CONFIGS,
  probeSavedOutputsBreakDoubleBackprop,
  readsSavedOutput,
  savedOutputsBreakDoubleBackprop,
} from './saved-output-gradients.js';
import { stepProductGradientConfig } from './step-product.js';
import { zeroGradientConfigs } from './zero-gradients.js';

/** Gradients that tfjs 4.22 lacks; registered only where tfjs still has none. */
const MISSING_GRADIENT_CONFIGS: readonly GradConfig[] = Object.freeze([
  ...zeroGradientConfigs(),
  eluGradGradientConfig,
  avgPoolGradGradientConfig,
  maxPoolGradGradientConfig,
  resizeNearestNeighborGradGradientConfig,
  resizeBilinearGradGradientConfig,
  conv2DBackpropFilterGradientConfig,
  stepProductGradientConfig,
]);

/** A gradient that replaces tfjs's own while tfjs's is wrong. */
interface Replacement {
  readonly config: GradConfig;
  /** Whether the registered gradient (not tfjs-gan's) is one this replaces. */
  readonly replaces: (current: GradConfig) => boolean;
  /** Whether tfjs's gradient is wrong here (a test that runs on the active backend). */
  readonly needed: () => boolean;
}

/**
 * Gradients that tfjs 4.22 gets wrong, registered only while tfjs's is wrong, and ones it computes slowly
 * (`Relu` and `LeakyRelu`, see `activation-gradients.ts`; `FusedBatchNorm`, see `batch-norm-gradient.ts`;
 * `Sum` and `Mean`, see `reduction-gradients.ts`), always replaced.
 */
const REPLACEMENTS: readonly Replacement[] = Object.freeze([
  ...SAVED_OUTPUT_GRADIENT_CONFIGS.map(
    (config): Replacement => ({ config, replaces: readsSavedOutput, needed: savedOutputsBreakDoubleBackprop }),
  ),
  { config: avgPoolGradientConfig, replaces: () => true, needed: avgPoolGradientIsWrongAtBorders },
  { config: leakyReluGradientConfig, replaces: () => true, needed: () => true },
  { config: reluGradientConfig, replaces: () => true, needed: () => true },
  { config: fusedBatchNormGradientConfig, replaces: () => true, needed: () => true },
  { config: sumGradientConfig, replaces: () => true, needed: () => true },
  { config: meanGradientConfig, replaces: () => true, needed: () => true },
]);

/**
 * The kernels for which tfjs-gan can provide a gradient: those tfjs lacks (`'missing'`), and those whose
 * shipped gradient is wrong (`'replaced'`: it breaks double backprop, or is wrong at padded borders) or
 * slow (`Relu`, `LeakyRelu`, `FusedBatchNorm`, `Sum`, `Mean`).
 */
export const SECOND_ORDER_GRADIENT_KERNELS: Readonly<{ missing: readonly string[]; replaced: readonly string[] }> =
  Object.freeze({
    missing: Object.freeze(MISSING_GRADIENT_CONFIGS.map((config) => config.kernelName)),
    replaced: Object.freeze(REPLACEMENTS.map(({ config }) => config.kernelName)),
  });

/** The gradient each replaced kernel had before tfjs-gan's replacement. */
const replacedGradients = new Map<string, GradConfig>();

function isOurs(config: GradConfig): boolean {
  return tf.getGradient(config.kernelName) === config;
}

/**
 * Registers the gradients that gradient penalties (gradients of gradients) need and tfjs 4.22 lacks or
 * gets wrong, so that every activation and layer that tfjs-gan ships supports double backprop on every
 * backend:
 *
 * - zero gradients for comparison and logical kernels (`Greater`, `Less`, `LessEqual`, `Equal`,
 *   `NotEqual`, `LogicalAnd`, `LogicalOr`, `LogicalNot`), used by the gradients of
 *   `leakyRelu`, `prelu`, `selu`, `relu6`, `minimum`, `clipByValue`, `max` and `where`;
 * - gradients of `EluGrad`, `AvgPoolGrad`, `MaxPoolGrad`, `ResizeNearestNeighborGrad`,
 *   `ResizeBilinearGrad`, `Conv2DBackpropFilter` and tfjs-gan's `TfjsGanStepProduct`;
 * - replacements for the gradients of `Tanh`, `Sigmoid`, `Exp`, `Elu` and `Softmax`, whose saved outputs
 *   lose their link to the input on tfjs's tape (see `saved-output-gradients.ts`), only while the engine
 *   has that defect and the registered gradient is still one that reads its output;
 * - a replacement for the gradient of `AvgPool`, which is wrong where windows reach into the padding on
 *   the cpu and wasm backends (see `avg-pool-gradient.ts`), only once a backend shows that defect;
 * - replacements for the gradients of `Relu` and `LeakyRelu` with the same values from one step product
 *   (one pass on wasm) instead of two or three kernels (see `activation-gradients.ts`);
 * - a replacement for the gradient of `FusedBatchNorm` (batch normalization) with the same values from
 *   three element-wise kernels and two sums instead of ten and four (see `batch-norm-gradient.ts`);
 * - replacements for the gradients of `Sum` and `Mean` with the same values broadcast on the backend
 *   instead of multiplied by a tensor of ones built in JavaScript (see `reduction-gradients.ts`).
 *
 * A gradient that tfjs (or anyone else) already registers for a missing kernel is left alone, so a
 * future tfjs that adds one wins. Idempotent; call it after a backend is ready (the defect tests run
 * tiny computations on it), and again after switching backends (`useBackend` does both).
 *
 * @returns the kernels whose gradient is now tfjs-gan's, sorted.
 * @example
 * ```ts
 * registerSecondOrderGradients(); // ['AvgPoolGrad', 'Conv2DBackpropFilter', 'Elu', 'EluGrad', ...]
 * const r1 = tf.grad((x) => tf.sum(tf.square(tf.grad((y) => tf.sum(tf.leakyRelu(tf.square(y))))(x))));
 * ```
 */
export function registerSecondOrderGradients(): string[] {
  for (const config of MISSING_GRADIENT_CONFIGS) {
    if (tf.getGradient(config.kernelName) == null) tf.registerGradient(config);
  }
  for (const { config, replaces, needed } of REPLACEMENTS) {
    const current = tf.getGradient(config.kernelName);
    if (current == null || current === config || !replaces(current) || !needed()) continue;
    replacedGradients.set(config.kernelName, current);
    tf.registerGradient(config);
  }
  return activeSecondOrderGradients();
}

/**
 * Runs the defect tests of {@link registerSecondOrderGradients} on the active backend with asynchronous
 * reads and remembers their verdicts, so that the registration that follows reads nothing from the
 * device. `useBackend` calls it first: WebGPU in a headless browser loses its device on a synchronous
 * read.
 */
export async function probeGradientDefects(): Promise<void> {
  await probeSavedOutputsBreakDoubleBackprop();
  await probeAvgPoolGradientIsWrongAtBorders();
}

/** The kernels whose gradient is tfjs-gan's right now, sorted. */
export function activeSecondOrderGradients(): string[] {
  return [...MISSING_GRADIENT_CONFIGS, ...REPLACEMENTS.map(({ config }) => config)]
    .filter(isOurs)
    .map((config) => config.kernelName)
    .sort();
}

/**
 * Removes tfjs-gan's gradients again and puts back the gradients it replaced (for comparisons and
 * tests). Gradients registered by someone else since are left alone.
 *
 * @returns the kernels whose tfjs-gan gradient was removed, sorted.
 */
export function revertSecondOrderGradients(): string[] {
  const reverted: string[] = [];
  for (const config of MISSING_GRADIENT_CONFIGS) {
    if (!isOurs(config)) continue;
    tf.unregisterGradient(config.kernelName);
    reverted.push(config.kernelName);
  }
  for (const { config } of REPLACEMENTS) {
    if (!isOurs(config)) continue;
    const previous = replacedGradients.get(config.kernelName);
    if (previous != null) tf.registerGradient(previous);
    else tf.unregisterGradient(config.kernelName);
    replacedGradients.delete(config.kernelName);
    reverted.push(config.kernelName);
  }
  return reverted.sort();
}
