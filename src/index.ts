/**
 * tfjs-gan: generative adversarial networks for TensorFlow.js.
 *
 * The public API: backends, networks, losses, the trainer and its callbacks, datasets and io. What this
 * module does not export is internal.
 *
 * @example
 * ```ts
 * import { useBackend, Generator, Discriminator, Trainer, losses, datasets, callbacks, io } from 'tfjs-gan';
 * await useBackend('wasm');
 * const data = await datasets.mnist();
 * const generator = Generator.dcgan({ imageShape: [28, 28, 1] });
 * const discriminator = Discriminator.dcgan({ imageShape: [28, 28, 1] });
 * const trainer = new Trainer({ generator, discriminator, loss: losses.nonSaturating(), seed: 42 });
 * await trainer.fit(data, { steps: 1000, callbacks: [callbacks.progress()] });
 * await io.saveImageGrid(generator.sample({ count: 64, seed: 1 }), 'digits.png');
 * ```
 *
 * @packageDocumentation
 */
export {
  CheckpointError,
  ConfigError,
  BackendError,
  DataError,
  describeValue,
  GanError,
  type GanErrorCode,
  ShapeError,
  TrainingError,
} from './errors.js';
export { closestName } from './util/validate.js';
export {
  BACKEND_NAMES,
  type BackendName,
  applyKernelPatches,
  type BackendMeasurement,
  defaultBackend,
  type MeasureBackendsOptions,
  measureBackends,
  registerSecondOrderGradients,
  useBackend,
  type UseBackendOptions,
  useDefaultBackend,
  type WasmSimd,
  type WasmSimdBuild,
  type WasmThreads,
  relaxedSimdSupported,
  wasmSimdInUse,
  wasmThreadsInUse,
} from './backend/index.js';
export * from './nets/index.js';
export * from './layers/index.js';
export * from './train/index.js';
export { type PreflightParts, preflight } from './train/preflight.js';
export type { InputAugmentation } from './train/objectives.js';
export type { Penalty, PenaltyDiscriminator, PenaltyInputs, PenaltyObservation, PenaltyState } from './losses/penalty.js';
export type { GanLoss, GeneratorLossInputs, LossInputs } from './losses/gan-loss.js';
export * as losses from './losses/index.js';
export * as penalties from './losses/penalties/index.js';
export * as augment from './augment/index.js';
export * as callbacks from './train/callbacks/index.js';
export * as datasets from './data/index.js';
export { Dataset, type DatasetBatch } from './data/dataset.js';
export type { BatchSampling } from './data/class-balanced-sampler.js';
export * as io from './io-namespace.js';
export * as metrics from './metrics/index.js';
export * as recipes from './recipes/index.js';
