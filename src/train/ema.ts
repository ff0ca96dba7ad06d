/**
 * An exponential moving average of the generator's weights, for sampling.
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs';
import { ConfigError, describeValue } from '../errors.js';
import { Generator } from '../nets/generator.js';
import { checkInt, checkKnownOptions, checkNumber } from '../util/validate.js';

/** Configuration of the generator's EMA (`TrainerConfig.ema`). */
export interface EmaConfig {
  /** Decay per generator step, in [0, 1): the average keeps this much of itself each step. e.g. 0.999. */
  readonly decay: number;
  /**
   * The first step that averages; before it the average copies the weights. @defaultValue 0
   */
  readonly startStep?: number;
}

/**
 * An exponential moving average (EMA) of a generator's weights (Yazıcı et al. 2019,
 * arXiv:1806.04498; used by ProGAN, StyleGAN and BigGAN): a second generator of the same architecture
 * whose trainable weights follow `avg ← d·avg + (1 - d)·w` after each generator step and whose other
 * weights (batch-norm statistics) are copied. Its samples are usually sharper and more stable than the
 * raw generator's.
 *
 * The decay is warmed up as in `tf.train.ExponentialMovingAverage` with `num_updates`:
 * `d = min(decay, (1 + n) / (10 + n))`, n being the number of averaged steps so far, so early weights
 * (random at step 0) are forgotten quickly.
 *
 * @typeParam R - the rank of the generator's samples (see {@link Generator}).
 */
export class GeneratorEma<R extends tf.Rank = tf.Rank> {
  /** The averaged generator; sample from it. */
  readonly generator: Generator<R>;
  /** Decay per generator step: the average keeps this much of itself each step. */
  readonly decay: number;
  /** The first step that averages; before it the average copies the weights. */
  readonly startStep: number;

  private constructor(generator: Generator<R>, decay: number, startStep: number) {
    this.generator = generator;
    this.decay = decay;
    this.startStep = startStep;
  }

  /**
   * Makes the average of `source`: a copy of its architecture and current weights.
   * @throws ConfigError for a decay outside [0, 1) or a bad startStep.
   */
  static create<R extends tf.Rank>(source: Generator<R>, config: EmaConfig): GeneratorEma<R> {
    const owner = 'Trainer';
    if (config == null || typeof config !== 'object') {
      throw new ConfigError(`${owner}: 'ema' must be an object { decay, startStep? }, received ${describeValue(config)}.`);
    }
    checkKnownOptions(config, ['decay', 'startStep'], owner, 'ema.');
    const decay = checkNumber(config.decay, 'ema.decay', owner, { min: 0, max: 1, maxExclusive: true }, { note: ', e.g. 0.999' });
    const startStep = checkInt(config.startStep ?? 0, 'ema.startStep', owner, 0);
    const model = cloneModel(source.model);
    const copy = new Generator<R>(model, source.spec);
    return new GeneratorEma(copy, decay, startStep);
  }

  /** The configuration, plain JSON, as saved in checkpoints. */
  get config(): Required<EmaConfig> {
    return { decay: this.decay, startStep: this.startStep };
  }

  /**
   * Moves the average towards `source`'s weights after generator step `step` (1 after the first step).
   * Steps before `startStep` copy the weights instead. Leaves no tensors behind.
   */
  update(source: Generator, step: number): void {
    const averaged = this.generator.model.weights;
    const current = source.model.weights;
    const n = step - this.startStep;
    const decay = n <= 0 ? 0 : Math.min(this.decay, (1 + n) / (10 + n));
    for (let i = 0; i < averaged.length; i++) {
      const target = averaged[i];
      const value = current[i].read();
      const copyOnly = !target.trainable || decay === 0 || value.dtype !== 'float32';
      const next = tf.tidy(() => (copyOnly ? tf.clone(value) : tf.add(tf.mul(target.read(), decay), tf.mul(value, 1 - decay))));
      target.write(next);
      next.dispose(); // the variable keeps its own reference to the data
    }
  }

  /** Frees the averaged generator's weights. */
  dispose(): void {
    this.generator.dispose();
  }
}

/** A new model with the same architecture and weights (custom layers must be registered). */
function cloneModel(model: tf.LayersModel): tf.LayersModel {
  const config = model.getConfig() as tf.serialization.ConfigDict;
  const copy = tf.LayersModel.fromConfig(tf.LayersModel, config) as tf.LayersModel;
  const weights = model.getWeights();
  copy.setWeights(weights);
  return copy;
}
