/**
 * Validation of the Trainer's configuration and of `fit`'s options: unknown names are refused (with the
 * close known name), and values of the wrong kind are ConfigErrors naming the option, what was expected
 * and what was received, never a TypeError from deep inside a step.
 *
 * @packageDocumentation
 */
import type * as tf from '@tensorflow/tfjs';
import { ConfigError, describeValue } from '../errors.js';
import { checkKnownOptions, closestName } from '../nets/build-helpers.js';
import type { Callback } from './callback.js';
import type { FitOptions, TrainerConfig } from './trainer.js';

/** Every option of {@link TrainerConfig}; the record type makes the compiler keep the list complete. */
const TRAINER_CONFIG_KEYS = Object.freeze(
  Object.keys({
    generator: true,
    discriminator: true,
    loss: true,
    penalties: true,
    generatorOptimizer: true,
    discriminatorOptimizer: true,
    generatorLearningRate: true,
    discriminatorLearningRate: true,
    discriminatorSteps: true,
    seed: true,
    auxiliaryClassifierWeight: true,
    ema: true,
    augment: true,
    progressive: true,
    pathLength: true,
  } satisfies Record<keyof TrainerConfig, true>),
);

/** Every option of {@link FitOptions}. */
const FIT_OPTION_KEYS = Object.freeze(
  Object.keys({ steps: true, epochs: true, batchSize: true, signal: true, callbacks: true } satisfies Record<keyof FitOptions, true>),
);

/** The hooks a {@link Callback} may have. */
const CALLBACK_HOOKS = Object.freeze(
  Object.keys({ onTrainBegin: true, onStepEnd: true, onTrainEnd: true } satisfies Record<keyof Callback, true>),
);

/** Whether `value` is a plain options object (not null, not an array). */
function isOptionsObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** An optimizer as the Trainer uses it: tfjs's `computeGradients`, `applyGradients` and `dispose`. */
function isOptimizer(value: unknown): value is tf.Optimizer {
  const o = value as Partial<tf.Optimizer> | null;
  return (
    o !== null &&
    typeof o === 'object' &&
    typeof o.computeGradients === 'function' &&
    typeof o.applyGradients === 'function' &&
    typeof o.dispose === 'function'
  );
}

/**
 * Checks the shape of a {@link TrainerConfig} before the Trainer reads it: an object, known option
 * names, `penalties` an array, the optimizers tfjs optimizers, `ema` and `progressive` objects.
 * The values themselves (ranges, networks that fit together) are checked where they are used.
 * @throws ConfigError naming the option, what was expected and what was received.
 */
export function checkTrainerConfig(config: unknown, owner: string): asserts config is TrainerConfig {
  if (!isOptionsObject(config)) {
    throw new ConfigError(`${owner}: config must be an object { generator, discriminator, ... }, received ${describeValue(config)}.`);
  }
  checkKnownOptions(config, TRAINER_CONFIG_KEYS, owner);
  if (config.penalties !== undefined && !Array.isArray(config.penalties)) {
    throw new ConfigError(
      `${owner}: 'penalties' must be an array of penalties (e.g. [penalties.r1({ gamma: 1 })]), received ${describeValue(config.penalties)}.`,
    );
  }
  for (const name of ['generatorOptimizer', 'discriminatorOptimizer'] as const) {
    const optimizer = config[name];
    if (optimizer !== undefined && !isOptimizer(optimizer)) {
      throw new ConfigError(
        `${owner}: '${name}' must be a tf.Optimizer (e.g. tf.train.adam(2e-4, 0.5, 0.999)), received ${describeValue(optimizer)}.`,
      );
    }
  }
  if (config.ema !== undefined && config.ema !== false && !isOptionsObject(config.ema)) {
    throw new ConfigError(`${owner}: 'ema' must be an object { decay, startStep? } or false, received ${describeValue(config.ema)}.`);
  }
  if (config.progressive !== undefined && !isOptionsObject(config.progressive)) {
    throw new ConfigError(
      `${owner}: 'progressive' must be a progressive schedule or its options (see progressiveSchedule), received ${describeValue(config.progressive)}.`,
    );
  }
}

/**
 * Checks the shape of {@link FitOptions}: an object, known option names, `callbacks` an array of
 * callbacks, `signal` an AbortSignal. Steps, epochs and batch size are checked against the data by `fit`.
 * @throws ConfigError naming the option, what was expected and what was received.
 */
export function checkFitOptions(options: unknown, owner: string): asserts options is FitOptions {
  if (!isOptionsObject(options)) {
    throw new ConfigError(`${owner}: 'options' must be an object { steps, batchSize, ... }, received ${describeValue(options)}.`);
  }
  checkKnownOptions(options, FIT_OPTION_KEYS, owner);
  const { callbacks, signal } = options;
  if (callbacks !== undefined) {
    if (!Array.isArray(callbacks)) {
      throw new ConfigError(
        `${owner}: 'callbacks' must be an array of callbacks (e.g. [callbacks.progress()]), received ${describeValue(callbacks)}.`,
      );
    }
    callbacks.forEach((callback: unknown, i) => checkCallback(callback, `${owner}: 'callbacks[${i}]'`));
  }
  if (signal !== undefined && !(isOptionsObject(signal) && typeof signal.aborted === 'boolean')) {
    throw new ConfigError(`${owner}: 'signal' must be an AbortSignal (AbortController.signal), received ${describeValue(signal)}.`);
  }
}

/**
 * A callback is an object with at least one hook, each a function. A function under a name close to a
 * hook's (`onStepend`) is a typo that would never be called: refused, naming the hook.
 */
function checkCallback(callback: unknown, where: string): void {
  if (!isOptionsObject(callback)) {
    throw new ConfigError(`${where} must be a callback, an object with ${CALLBACK_HOOKS.join(', ')} (any of them), received ${describeValue(callback)}.`);
  }
  // Own and inherited members: a callback may be a class instance.
  const members = new Set<string>();
  for (let o: object | null = callback; o !== null && o !== Object.prototype; o = Object.getPrototypeOf(o) as object | null) {
    Object.getOwnPropertyNames(o).forEach((name) => members.add(name));
  }
  for (const name of members) {
    if (CALLBACK_HOOKS.includes(name) || name === 'constructor' || typeof callback[name] !== 'function') continue;
    const hook = closestName(name, CALLBACK_HOOKS);
    if (hook !== undefined) {
      throw new ConfigError(`${where} has a method '${name}' that is not a hook; did you mean '${hook}'? Expected hooks ${describeValue(CALLBACK_HOOKS)}.`);
    }
  }
  for (const hook of CALLBACK_HOOKS) {
    const value = callback[hook];
    if (value !== undefined && typeof value !== 'function') {
      throw new ConfigError(`${where}.${hook} must be a function, received ${describeValue(value)}.`);
    }
  }
  if (!CALLBACK_HOOKS.some((hook) => typeof callback[hook] === 'function')) {
    throw new ConfigError(`${where} has no hook: expected at least one of ${describeValue(CALLBACK_HOOKS)}, received ${describeValue(callback)}.`);
  }
}

/**
 * Checks a callback factory's options: an object (or undefined when `optional`) with known names only.
 * @throws ConfigError naming the owner, what was expected and what was received.
 */
export function checkCallbackOptions(options: unknown, known: readonly string[], owner: string, optional = false): void {
  if (options === undefined && optional) return;
  if (!isOptionsObject(options)) {
    throw new ConfigError(`${owner}: options must be an object with ${known.map((k) => `'${k}'`).join(', ')}, received ${describeValue(options)}.`);
  }
  checkKnownOptions(options, known, owner);
}
