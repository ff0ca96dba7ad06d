/**
 * Measuring which backend trains fastest on this device: the same small convolutional training step
 * timed on each backend that starts here.
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs';

import { ConfigError, describeValue } from '../errors.js';
import { checkInt, checkNumber, checkOptions } from '../util/validate.js';
import { type BackendName, assertBackendName } from './backend-name.js';
import { useBackend } from './use-backend.js';

/** Options of {@link measureBackends}. */
export interface MeasureBackendsOptions {
  /**
   * The backends to try, in order. Default: the ones this platform can have, `tensorflow`, `wasm` and
   * `cpu` in Node, and `webgpu`, `webgl`, `wasm` and `cpu` in a browser. A backend whose package is
   * missing or that fails to start is reported with its error, not thrown.
   */
  readonly backends?: readonly BackendName[];
  /** Timed steps per backend, after one untimed warm-up step (shader compilation, kernel set-up); the median is reported. @defaultValue 3 */
  readonly steps?: number;
  /** Images per step, 28x28x1 as MNIST. @defaultValue 32 */
  readonly batchSize?: number;
  /** A backend whose warm-up step takes longer than this many milliseconds is not timed further (its warm-up time is its figure). @defaultValue 20000 */
  readonly maxWarmupMs?: number;
}

/** One backend's figure from {@link measureBackends}. */
export interface BackendMeasurement {
  /** The backend. */
  readonly backend: BackendName;
  /** Median milliseconds of one training step (forward and backward of a small DCGAN discriminator); `Infinity` when it failed. */
  readonly msPerStep: number;
  /** Milliseconds of the untimed first step, which includes compiling shaders and setting kernels up. */
  readonly warmupMs: number;
  /** Why the backend could not be measured (package missing, failed to start, a kernel failed). */
  readonly error?: string;
}

const OWNER = 'measureBackends';

/** The backends a platform can have, fastest first by their kind. */
function candidates(): BackendName[] {
  return tf.env().getBool('IS_NODE') ? ['tensorflow', 'wasm', 'cpu'] : ['webgpu', 'webgl', 'wasm', 'cpu'];
}

/** One step of a small DCGAN discriminator (two 5x5 stride-2 convolutions, leaky ReLU, a dense head): loss, gradients, an SGD update, read back. */
async function makeStep(batchSize: number): Promise<{ run: () => Promise<void>; dispose: () => void }> {
  const weights = tf.tidy(() => [
    tf.variable(tf.randomNormal([5, 5, 1, 32], 0, 0.05, 'float32', 1)),
    tf.variable(tf.randomNormal([5, 5, 32, 64], 0, 0.05, 'float32', 2)),
    tf.variable(tf.randomNormal([7 * 7 * 64, 1], 0, 0.05, 'float32', 3)),
  ]);
  const images = tf.randomUniform([batchSize, 28, 28, 1], -1, 1, 'float32', 4);
  const [w1, w2, w3] = weights;
  const run = async (): Promise<void> => {
    const loss = tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => {
        const h1 = tf.leakyRelu(tf.conv2d(images as tf.Tensor4D, w1 as tf.Tensor4D, 2, 'same'), 0.2);
        const h2 = tf.leakyRelu(tf.conv2d(h1, w2 as tf.Tensor4D, 2, 'same'), 0.2);
        const logits = tf.matMul(tf.reshape(h2, [batchSize, -1]), w3 as tf.Tensor2D);
        return tf.mean(tf.softplus(tf.neg(logits))) as tf.Scalar;
      }, weights);
      for (const w of weights) w.assign(tf.sub(w, tf.mul(grads[w.name], 1e-4)));
      return value;
    });
    await loss.data();
    loss.dispose();
  };
  const dispose = (): void => {
    images.dispose();
    for (const w of weights) w.dispose();
  };
  return { run, dispose };
}

/** The figure of a backend that could not be measured. */
function failed(backend: BackendName, error: unknown): BackendMeasurement {
  return { backend, msPerStep: Infinity, warmupMs: Infinity, error: error instanceof Error ? error.message : String(error) };
}

async function measureOne(backend: BackendName, steps: number, batchSize: number, maxWarmupMs: number): Promise<BackendMeasurement> {
  try {
    await useBackend(backend);
  } catch (error) {
    return failed(backend, error);
  }
  let step: Awaited<ReturnType<typeof makeStep>> | undefined;
  try {
    step = await makeStep(batchSize);
    let start = performance.now();
    await step.run();
    const warmupMs = performance.now() - start;
    if (warmupMs > maxWarmupMs) return { backend, msPerStep: warmupMs, warmupMs };
    const times: number[] = [];
    for (let i = 0; i < steps; i++) {
      start = performance.now();
      await step.run();
      times.push(performance.now() - start);
    }
    times.sort((a, b) => a - b);
    return { backend, msPerStep: times[Math.floor(times.length / 2)], warmupMs };
  } catch (error) {
    return failed(backend, error);
  } finally {
    step?.dispose();
  }
}

/**
 * Times one small training step (a DCGAN discriminator on 28x28 images: two convolutions, a dense head,
 * forward, backward and an update, read back) on each backend that starts here, and returns the figures
 * fastest first. A GPU backend that runs in software (SwiftShader, llvmpipe) measures slower than wasm,
 * so the measurement picks what detection cannot. The backend active before the call is active again
 * after it; nothing is left in memory.
 *
 * The first figure's backend is the one to train on; pass it to `useBackend`. Starting `wasm` here
 * fixes its thread count ({@link UseBackendOptions.threads}) for the process, so call `useBackend('wasm',
 * { threads })` first when you want another.
 *
 * @param options - {@link MeasureBackendsOptions}.
 * @returns a figure per backend tried, fastest first; failed ones last with their error.
 * @throws {@link ConfigError} for an unknown backend name or option, or a step count, batch size or
 *   time limit out of range.
 * @example
 * ```ts
 * const [fastest] = await measureBackends();
 * await useBackend(fastest.backend);
 * ```
 */
export async function measureBackends(options?: MeasureBackendsOptions): Promise<BackendMeasurement[]> {
  const opts = checkOptions(options, ['backends', 'steps', 'batchSize', 'maxWarmupMs'], OWNER);
  const steps = checkInt(opts.steps ?? 3, 'steps', OWNER, 1, 100);
  const batchSize = checkInt(opts.batchSize ?? 32, 'batchSize', OWNER, 1, 1024);
  const maxWarmupMs = checkNumber(opts.maxWarmupMs ?? 20_000, 'maxWarmupMs', OWNER, { min: 0 });
  if (opts.backends !== undefined && (!Array.isArray(opts.backends) || opts.backends.length === 0)) {
    throw new ConfigError(`${OWNER}: option 'backends' must be a non-empty array of backend names; received ${describeValue(opts.backends)}.`);
  }
  const backends = opts.backends ?? candidates();
  backends.forEach((name, i) => assertBackendName(name, `${OWNER}: option 'backends[${i}]'`));
  const before: string | null = tf.engine().backendName;
  const results: BackendMeasurement[] = [];
  try {
    for (const backend of new Set(backends)) results.push(await measureOne(backend, steps, batchSize, maxWarmupMs));
  } finally {
    if (before != null && tf.engine().backendName !== before) await tf.setBackend(before);
  }
  return results.sort((a, b) => (a.msPerStep === b.msPerStep ? 0 : a.msPerStep < b.msPerStep ? -1 : 1));
}
