/**
 * Progressive growing as a training schedule (Karras et al. 2018, arXiv:1710.10196).
 *
 * @packageDocumentation
 */
import type * as tf from '@tensorflow/tfjs';
import { ConfigError, describeValue } from '../errors.js';
import { checkInt, checkPositiveInt } from '../util/validate.js';
import { FadeIn } from '../layers/fade-in.js';

/** Options of {@link progressiveSchedule}. */
export interface ProgressiveScheduleOptions {
  /** The resolution training starts at: fade-ins at or below it are fully on from step 0. @defaultValue 8 */
  readonly startResolution?: number;
  /** Steps over which each new resolution fades in (alpha from 0 to 1), >= 1. */
  readonly fadeSteps: number;
  /** Steps at the start resolution, and after each fade-in, before the next one begins, >= 0. */
  readonly stableSteps: number;
}

/** A progressive-growing schedule: the fade-in alpha of every resolution at every step. */
export interface ProgressiveSchedule {
  /** The options it was made from (saved in checkpoints). */
  readonly options: Required<ProgressiveScheduleOptions>;
  /** The alpha of the resolution `resolution` at step `step` (0-based), in [0, 1]. */
  alpha(resolution: number, step: number): number;
}

/**
 * A progressive-growing schedule for the Trainer (`TrainerConfig.progressive`): training starts at
 * `startResolution` for `stableSteps` steps; then each doubling of the resolution fades in over
 * `fadeSteps` steps (its alpha rising linearly from 0 to 1) and trains `stableSteps` more before the
 * next one. Resolution `r = startResolution · 2^j` (j >= 1) fades in from step
 * `stableSteps + (j − 1)(fadeSteps + stableSteps)`.
 *
 * Networks grow by {@link FadeIn} layers (built by `Generator.style` and `Discriminator.resnet` with
 * `progressive: true`): the networks keep their full size, and a fade-in at alpha 0 makes each one
 * exactly its lower-resolution self (the generator's output is its low-resolution image upsampled; the
 * discriminator reads the average-pooled image), so no layer is added or removed during training.
 *
 * @throws ConfigError for bad options.
 * @example
 * ```ts
 * const trainer = new Trainer({ generator, discriminator, progressive: progressiveSchedule({ fadeSteps: 500, stableSteps: 500 }) });
 * ```
 */
export function progressiveSchedule(options: ProgressiveScheduleOptions): ProgressiveSchedule {
  const owner = 'progressiveSchedule';
  if (options == null || typeof options !== 'object') {
    throw new ConfigError(`${owner}: options must be an object with 'fadeSteps' and 'stableSteps', received ${describeValue(options)}.`);
  }
  const startResolution = options.startResolution ?? 8;
  if (!Number.isInteger(startResolution) || startResolution < 1 || !Number.isInteger(Math.log2(startResolution))) {
    throw new ConfigError(`${owner}: 'startResolution' must be a power of 2, received ${describeValue(options.startResolution)}.`);
  }
  const fadeSteps = checkPositiveInt(options.fadeSteps, 'fadeSteps', owner);
  const stableSteps = checkInt(options.stableSteps, 'stableSteps', owner, 0);
  return {
    options: Object.freeze({ startResolution, fadeSteps, stableSteps }),
    alpha(resolution: number, step: number): number {
      if (resolution <= startResolution) return 1;
      const j = Math.log2(resolution / startResolution);
      const begin = stableSteps + (Math.ceil(j) - 1) * (fadeSteps + stableSteps);
      return Math.min(1, Math.max(0, (step - begin) / fadeSteps));
    },
  };
}

/** Sets every {@link FadeIn} of the models to the schedule's alpha at `step`. @internal */
export function applyProgressive(schedule: ProgressiveSchedule, models: readonly tf.LayersModel[], step: number): void {
  for (const model of models) {
    for (const layer of model.layers) {
      if (layer instanceof FadeIn) layer.setAlpha(schedule.alpha(layer.resolution, step));
    }
  }
}

/** Whether a model has any {@link FadeIn} layer. @internal */
export function hasFadeIn(model: tf.LayersModel): boolean {
  return model.layers.some((layer) => layer instanceof FadeIn);
}
