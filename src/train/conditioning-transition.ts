/**
 * The conditioning transition of Shahbazi et al. 2023 ("Collapse by Conditioning: Training
 * Class-conditional GANs with Limited Data", arXiv:2201.06578): a conditional GAN trained first without
 * its classes, then with the class faded in.
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs';
import { ConfigError, describeValue } from '../errors.js';
import type { NetworkLabels } from '../nets/labels.js';
import type { Discriminator } from '../nets/discriminator.js';
import type { Generator } from '../nets/generator.js';
import { checkInt, checkKnownOptions, isOptionsObject } from '../util/validate.js';

/** Options of the conditioning transition (`TrainerConfig.conditioningTransition`). */
export interface ConditioningTransitionOptions {
  /** The first step (0-based) at which the class has any weight; before it the run is unconditional. An integer >= 0. */
  readonly start: number;
  /** The step from which the class has its full weight (an integer > `start`); the weight rises linearly in between. */
  readonly end: number;
}

/**
 * Fades the class into a conditional run. At step `t` (0-based) the class has the strength
 * `λ = clamp((t − start) / (end − start), 0, 1)`: both networks take class weights `λ · onehot(label)`
 * in place of the label ({@link NetworkLabels}), so a projection discriminator scores
 * `unconditional + λ · class term`, a label embedding joins the generator's latent scaled by `λ`, and a
 * conditional batch normalization uses `λ` of its class's scale and offset and `1 − λ` of the plain
 * normalization's (scale 1, offset 0). Before `start` both networks are unconditional and learn the
 * data as one distribution; from `end` they take the labels as ids, as without the transition (the same
 * ops, so the same numbers). The paper found that class-conditional GANs trained on little data (a few
 * thousand images) collapse where unconditional ones do not, and that this schedule keeps the
 * unconditional run's variety while the class takes over.
 *
 * An auxiliary classifier (ACGAN) does not combine with it: its cross-entropy needs the class whole.
 * The Trainer builds it from `TrainerConfig.conditioningTransition` and exposes it as
 * `trainer.conditioningTransition`.
 */
export class ConditioningTransition {
  /** The first step at which the class has any weight. */
  readonly start: number;
  /** The step from which the class has its full weight. */
  readonly end: number;

  constructor(options: ConditioningTransitionOptions, owner: string) {
    if (!isOptionsObject(options)) {
      throw new ConfigError(`${owner}: 'conditioningTransition' must be an object { start, end } (steps), received ${describeValue(options)}.`);
    }
    checkKnownOptions(options, ['start', 'end'], owner, 'conditioningTransition.');
    this.start = checkInt(options.start, 'conditioningTransition.start', owner, 0);
    this.end = checkInt(options.end, 'conditioningTransition.end', owner, this.start + 1);
  }

  /** The class's strength λ at step `step` (0-based): 0 before `start`, 1 from `end`, linear between. */
  strength(step: number): number {
    if (step >= this.end) return 1;
    if (step <= this.start) return 0;
    return (step - this.start) / (this.end - this.start);
  }

  /**
   * The labels the networks take at `step`: the ids themselves once the strength is 1, else new class
   * weights `λ · onehot(ids)` `[batch, numClasses]`. The caller disposes what it receives when it is not
   * `ids`.
   */
  labels(ids: tf.Tensor1D, numClasses: number, step: number): NetworkLabels {
    const strength = this.strength(step);
    if (strength === 1) return ids;
    return tf.tidy(() => tf.mul(tf.oneHot(tf.cast(ids, 'int32') as tf.Tensor1D, numClasses), strength) as tf.Tensor2D);
  }

  /** The options it was built from (saved in checkpoints). */
  toJSON(): ConditioningTransitionOptions {
    return { start: this.start, end: this.end };
  }
}

/** What {@link resolveConditioningTransition} checks the transition against. */
export interface TransitionParts {
  readonly generator: Generator;
  readonly discriminator: Discriminator;
  /** Whether the run regularizes path length (which takes class ids only). */
  readonly pathLength: boolean;
}

/**
 * The Trainer's transition from its options: undefined without them; else checked against the run.
 * Both networks are run once on two zero samples with zero class weights, so that a model whose label
 * input feeds a layer that cannot take class weights fails here, not at the first step.
 * @throws ConfigError for bad options, an unconditional run, an auxiliary classifier, path length, or
 *   a network that cannot take class weights.
 */
export function resolveConditioningTransition(
  options: ConditioningTransitionOptions | undefined,
  parts: TransitionParts,
  owner: string,
): ConditioningTransition | undefined {
  if (options === undefined) return undefined;
  const transition = new ConditioningTransition(options, owner);
  const { generator, discriminator } = parts;
  if (generator.numClasses === 0 || !discriminator.conditional) {
    throw new ConfigError(
      `${owner}: 'conditioningTransition' fades the class in, so it needs a conditional generator and a discriminator that takes labels; received numClasses ${generator.numClasses}${discriminator.auxiliaryClassifier ? ' with an ACGAN discriminator' : ''}.`,
    );
  }
  if (discriminator.auxiliaryClassifier) {
    throw new ConfigError(`${owner}: 'conditioningTransition' does not combine with an auxiliary classifier (its cross-entropy needs the class whole); build the discriminator without one.`);
  }
  if (parts.pathLength) {
    throw new ConfigError(`${owner}: 'conditioningTransition' does not combine with 'pathLength' (the path length penalty takes class ids only).`);
  }
  tf.tidy(() => {
    const batch = 2 * discriminator.packing;
    const weights = tf.zeros([batch, generator.numClasses]) as tf.Tensor2D;
    generator.generate(tf.zeros([batch, generator.latentDim]), weights);
    discriminator.logits(tf.zeros([batch, ...discriminator.inputShape]), weights);
  });
  return transition;
}
