import type * as tf from '@tensorflow/tfjs';
import { ConfigError, describeValue } from '../../errors.js';
import type { Callback, TrainingContext } from '../callback.js';
import { checkCallbackOptions } from '../trainer-options.js';

/** Options of {@link learningRateSchedule}. */
export interface LearningRateScheduleOptions {
  /**
   * The multiplier of the base learning rates for the step about to run, given the trainer's step
   * count before it (0 for the first step of a fresh run). A finite number > 0.
   */
  readonly schedule: (step: number) => number;
  /**
   * The learning rates that the multiplier scales. @defaultValue the two optimizers' rates when a run
   * begins at step 0; when a `fit` begins later (a resumed run, or a second `fit`), their rates divided
   * by the multiplier of that step, which recovers the base rates of a run saved under the same schedule
   */
  readonly baseRates?: {
    /** Base learning rate of the generator's optimizer. */
    readonly generator: number;
    /** Base learning rate of the discriminator's optimizer. */
    readonly discriminator: number;
  };
}

/**
 * The optimizers of tfjs keep their learning rate in a field that their update step reads every time;
 * SGD and momentum also cache it in a tensor, which their `setLearningRate` replaces.
 */
interface HasLearningRate {
  learningRate: number;
  setLearningRate?(rate: number): void;
}

function setRate(optimizer: tf.Optimizer, rate: number): void {
  const o = optimizer as unknown as HasLearningRate;
  if (typeof o.setLearningRate === 'function') o.setLearningRate(rate);
  else o.learningRate = rate;
}

function rateOf(optimizer: tf.Optimizer, which: string): number {
  const rate = (optimizer as unknown as Partial<HasLearningRate>).learningRate;
  if (typeof rate !== 'number' || !Number.isFinite(rate)) {
    throw new ConfigError(
      `callbacks.learningRateSchedule: the ${which} optimizer (${optimizer.getClassName()}) has no numeric 'learningRate' field ` +
        `to schedule, received ${describeValue(rate)}.`,
    );
  }
  return rate;
}

/**
 * Scales both optimizers' learning rates by `schedule(step)` before every step: step decay, warm-up,
 * cosine or any function of the step. Works with every tfjs optimizer that keeps a `learningRate`
 * (SGD, momentum, Adam, Adamax, RMSProp, Adagrad, Adadelta).
 *
 * ```ts
 * // Divide the learning rates by 10 after 8,000 steps.
 * callbacks.learningRateSchedule({ schedule: (step) => (step < 8000 ? 1 : 0.1) })
 * ```
 */
export function learningRateSchedule(options: LearningRateScheduleOptions): Callback {
  const owner = 'callbacks.learningRateSchedule';
  checkCallbackOptions(options, ['schedule', 'baseRates'], owner);
  if (typeof options?.schedule !== 'function') {
    throw new ConfigError(`${owner}: 'schedule' must be a function of the step returning a multiplier, received ${describeValue(options?.schedule)}.`);
  }
  if (options.baseRates !== undefined) {
    for (const key of ['generator', 'discriminator'] as const) {
      const rate = options.baseRates[key];
      if (typeof rate !== 'number' || !Number.isFinite(rate) || rate <= 0) {
        throw new ConfigError(`${owner}: 'baseRates.${key}' must be a finite number > 0, received ${describeValue(rate)}.`);
      }
    }
  }
  const multiplier = (step: number): number => {
    const m = options.schedule(step);
    if (typeof m !== 'number' || !Number.isFinite(m) || m <= 0) {
      throw new ConfigError(`${owner}: 'schedule(${step})' must return a finite number > 0, received ${describeValue(m)}.`);
    }
    return m;
  };
  let base: { generator: number; discriminator: number } | undefined;
  const apply = (context: TrainingContext, step: number): void => {
    if (base === undefined) return;
    const m = multiplier(step);
    setRate(context.trainer.generatorOptimizer, base.generator * m);
    setRate(context.trainer.discriminatorOptimizer, base.discriminator * m);
  };
  return {
    onTrainBegin(context) {
      const { generatorOptimizer, discriminatorOptimizer } = context.trainer;
      if (options.baseRates !== undefined) {
        base = { ...options.baseRates };
      } else {
        // A fresh run starts from the optimizers' own rates; a resumed one from the rates the schedule had set.
        const m = context.startStep === 0 ? 1 : multiplier(context.startStep);
        base = {
          generator: rateOf(generatorOptimizer, 'generator') / m,
          discriminator: rateOf(discriminatorOptimizer, 'discriminator') / m,
        };
      }
      apply(context, context.startStep);
    },
    onStepEnd(logs, context) {
      apply(context, logs.step);
    },
  };
}
