/**
 * The training step's objectives: the discriminator's and the generator's loss, each with its named
 * monitors, as pure functions of the step's inputs. They are the one definition of a step: the Trainer
 * differentiates them to update the networks, and the preflight differentiates the same functions on a
 * tiny batch to check that the backend can run them.
 *
 * Call them inside a gradient scope (`optimizer.computeGradients`, `tf.variableGrads`): the loss is the
 * scope's result; the monitors are kept (`tf.keep`) so that they outlive the scope, and the caller
 * disposes them. Inputs are logits throughout: higher means "more real".
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs';
import { classCrossEntropy } from '../losses/class-cross-entropy.js';
import type { GanLoss } from '../losses/gan-loss.js';
import type { Penalty } from '../losses/penalty.js';
import type { Discriminator } from '../nets/discriminator.js';
import type { Generator } from '../nets/generator.js';
import type { NetworkLabels } from '../nets/labels.js';
import { firstOfGroups } from '../nets/packing.js';
import type { AuxiliaryClassifierBatches } from './auxiliary-classifier-batches.js';
import type { ModeSeekingRegularizer } from './mode-seeking.js';
import type { PathLengthRegularizer } from './path-length.js';
import { type AugmentationName, augmentForDiscriminator } from '../augment/diff-augment.js';

/**
 * An augmentation of the discriminator's inputs (DiffAugment), differentiable, seeded; samples with one
 * id in `groups` (when given) share their draws.
 */
export type InputAugmentation = (samples: tf.Tensor, seed: number, groups?: ArrayLike<number>) => tf.Tensor;

/** The augmentation of the discriminator's inputs with DiffAugment's `policy`; undefined for an empty policy. */
export function inputAugmentation(policy: readonly AugmentationName[]): InputAugmentation | undefined {
  return policy.length > 0 ? (samples, seed, groups) => augmentForDiscriminator(samples, policy, seed, { groups }) : undefined;
}

/** A loss and its monitors (scalars to log, kept: the caller disposes them). */
export interface Objective<Monitors> {
  readonly loss: tf.Scalar;
  readonly monitors: Monitors;
}

/** Inputs of {@link discriminatorObjective}. */
export interface DiscriminatorObjectiveInputs {
  readonly discriminator: Discriminator;
  readonly loss: GanLoss;
  /** Penalties added to the loss (each may take gradients of gradients). */
  readonly penalties: readonly Penalty[];
  /** Weight of the auxiliary classifier's cross-entropy (ACGAN discriminators only). */
  readonly auxiliaryClassifierWeight: number;
  /** Which batches the auxiliary classifier learns from (ACGAN only): both, or the real batch only. @defaultValue 'real-and-fake' */
  readonly auxiliaryClassifierBatches?: AuxiliaryClassifierBatches;
  /** The real batch as the discriminator sees it (augmented). */
  readonly realInputs: tf.Tensor;
  /** The fake batch as the discriminator sees it (augmented), made outside the gradient scope. */
  readonly fakeInputs: tf.Tensor;
  /** Labels fed to a conditional discriminator with the real batch (ids or class weights); undefined otherwise. */
  readonly realLabels: NetworkLabels | undefined;
  /** Labels fed to a conditional discriminator with the fake batch (ids or class weights); undefined otherwise. */
  readonly fakeLabels: NetworkLabels | undefined;
  /** The real batch's classes, for an ACGAN discriminator's cross-entropy. */
  readonly realClasses: tf.Tensor1D | undefined;
  /** The classes the generator was asked for, for an ACGAN discriminator's cross-entropy. */
  readonly fakeClasses: tf.Tensor1D | undefined;
  /** The generator step (0-based), for lazy penalties. */
  readonly step: number;
  /** The seed of penalty `index`'s random draws. */
  readonly penaltySeed: (index: number) => number;
}

/** Monitors of the discriminator's objective. */
export interface DiscriminatorMonitors {
  /** Mean logit on the real batch. */
  readonly realScore: tf.Scalar;
  /** Mean logit on the fake batch. */
  readonly fakeScore: tf.Scalar;
  /** Each penalty's term, in order, for the penalties that did not skip this step. */
  readonly penalties: ReadonlyArray<{ readonly name: string; readonly value: tf.Scalar }>;
  /** The auxiliary classifier's cross-entropy on the batches it learns from (ACGAN only). */
  readonly classLoss?: tf.Scalar;
}

/**
 * The discriminator's objective: the adversarial loss on the real and fake logits, plus (ACGAN) the
 * weighted cross-entropy of its class predictions on both batches (or the real one only, with
 * `auxiliaryClassifierBatches: 'real'`), plus every penalty's term.
 */
export function discriminatorObjective(inputs: DiscriminatorObjectiveInputs): Objective<DiscriminatorMonitors> {
  return withKept((keep) => discriminatorTerms(inputs, keep));
}

/**
 * The labels as the discriminator takes them: one per group of a conditional packing discriminator
 * (the Trainer's batches come grouped by class, so no read back to check them), else as given.
 */
function discriminatorLabels<T extends NetworkLabels | undefined>(discriminator: Discriminator, labels: T): T {
  return (labels === undefined || !discriminator.conditional ? labels : firstOfGroups(labels, discriminator.packing)) as T;
}

function discriminatorTerms(inputs: DiscriminatorObjectiveInputs, keep: Keep): Objective<DiscriminatorMonitors> {
  const { discriminator, realInputs, fakeInputs } = inputs;
  const realLabels = discriminatorLabels(discriminator, inputs.realLabels);
  const fakeLabels = discriminatorLabels(discriminator, inputs.fakeLabels);
  const real = discriminator.outputs(realInputs, realLabels, true);
  const fake = discriminator.outputs(fakeInputs, fakeLabels, true);
  const realLogits = real.logits;
  const fakeLogits = fake.logits;
  let loss: tf.Scalar = inputs.loss.discriminator({ realLogits, fakeLogits });
  const realScore = keep(tf.mean(realLogits) as tf.Scalar);
  const fakeScore = keep(tf.mean(fakeLogits) as tf.Scalar);
  let classLoss: tf.Scalar | undefined;
  if (discriminator.auxiliaryClassifier) {
    // ACGAN: the discriminator learns to classify real samples and (unless told not to) the generator's.
    const realTerm = classCrossEntropy({ classLogits: real.classLogits!, labels: inputs.realClasses! });
    classLoss = keep(
      inputs.auxiliaryClassifierBatches === 'real'
        ? realTerm
        : (tf.add(realTerm, classCrossEntropy({ classLogits: fake.classLogits!, labels: inputs.fakeClasses! })) as tf.Scalar),
    );
    loss = tf.add(loss, tf.mul(inputs.auxiliaryClassifierWeight, classLoss));
  }
  const penalties: Array<{ name: string; value: tf.Scalar }> = [];
  inputs.penalties.forEach((penalty, i) => {
    const term = penalty.compute({
      discriminator,
      realSamples: realInputs,
      fakeSamples: fakeInputs,
      realLabels,
      fakeLabels,
      realLogits,
      fakeLogits,
      step: inputs.step,
      seed: inputs.penaltySeed(i),
    });
    if (term === null) return;
    penalties.push({ name: penalty.name, value: keep(term) });
    loss = tf.add(loss, term);
  });
  return { loss, monitors: { realScore, fakeScore, penalties, ...(classLoss ? { classLoss } : {}) } };
}

/** Inputs of {@link generatorObjective}. */
export interface GeneratorObjectiveInputs {
  readonly generator: Generator;
  readonly discriminator: Discriminator;
  readonly loss: GanLoss;
  /** Weight of the auxiliary classifier's cross-entropy (ACGAN discriminators only). */
  readonly auxiliaryClassifierWeight: number;
  /** The latents, [batch, latentDim]. */
  readonly latents: tf.Tensor;
  /**
   * The classes asked of a conditional generator, as both networks take them (ids, or class weights
   * during a conditioning transition, which the Trainer combines with neither path length nor an
   * auxiliary classifier); undefined otherwise.
   */
  readonly labels: NetworkLabels | undefined;
  /** The real batch and its labels, for losses that compare with it (`generatorNeedsReal`). */
  readonly real?: { readonly samples: tf.Tensor; readonly labels: NetworkLabels | undefined };
  /** The augmentation of the discriminator's inputs, if any. */
  readonly augment: InputAugmentation | undefined;
  /** Seeds of the step's random draws. */
  readonly seeds: { readonly augmentFake: number; readonly augmentReal: number; readonly pathLength: number };
  /** The augmentation's groups of the fake and real batches (images with one id share draws), if any. */
  readonly augmentGroups?: { readonly fake?: ArrayLike<number> | undefined; readonly real?: ArrayLike<number> | undefined };
  /** The path length regularizer, applied when due at `step`. */
  readonly pathLength: PathLengthRegularizer | undefined;
  /**
   * The mode-seeking regularizer, if any, applied when active (a weight above 0): the latents' and
   * labels' two halves are its pairs, the labels already paired ({@link ModeSeekingRegularizer.pairLabels}).
   */
  readonly modeSeeking?: ModeSeekingRegularizer;
  /** The generator step (0-based). */
  readonly step: number;
}

/** Monitors of the generator's objective. */
export interface GeneratorMonitors {
  /** The auxiliary classifier's cross-entropy on the fake batch (ACGAN only). */
  readonly classLoss?: tf.Scalar;
  /** The batch's mean path length, on the steps that regularize it. */
  readonly pathLength?: tf.Scalar;
  /** The mode-seeking ratio of image to latent distance over the batch's pairs, with `modeSeeking`. */
  readonly modeSeekingRatio?: tf.Scalar;
}

/**
 * The generator's objective: the adversarial loss on the discriminator's logits for its samples (and
 * for the real batch, for relativistic losses), plus the path length penalty when due, plus the
 * mode-seeking term when configured, plus (ACGAN) the weighted cross-entropy of the class it was asked for.
 */
export function generatorObjective(inputs: GeneratorObjectiveInputs): Objective<GeneratorMonitors> {
  return withKept((keep) => generatorTerms(inputs, keep));
}

function generatorTerms(inputs: GeneratorObjectiveInputs, keep: Keep): Objective<GeneratorMonitors> {
  const { generator, discriminator, latents, labels, real, augment, seeds, pathLength, modeSeeking } = inputs;
  const toDiscriminator = (samples: tf.Tensor, seed: number, groups: ArrayLike<number> | undefined) =>
    augment === undefined ? samples : augment(samples, seed, groups);
  const fakeSamples = generator.generate(latents, labels, true);
  const fakeInputs = toDiscriminator(fakeSamples, seeds.augmentFake, inputs.augmentGroups?.fake);
  const fake = discriminator.outputs(fakeInputs, discriminator.conditional ? discriminatorLabels(discriminator, labels) : undefined, true);
  const realLogits = real
    ? discriminator.logits(toDiscriminator(real.samples, seeds.augmentReal, inputs.augmentGroups?.real), discriminator.conditional ? discriminatorLabels(discriminator, real.labels) : undefined, true)
    : undefined;
  let loss = inputs.loss.generator({ fakeLogits: fake.logits, realLogits });
  let meanLength: tf.Scalar | undefined;
  if (pathLength?.due(inputs.step) === true) {
    const regularized = pathLength.penalty(generator, latents, labels as tf.Tensor1D | undefined, seeds.pathLength);
    meanLength = keep(regularized.meanLength);
    loss = tf.add(loss, regularized.penalty) as tf.Scalar;
  }
  let modeSeekingRatio: tf.Scalar | undefined;
  if (modeSeeking?.active === true) {
    const term = modeSeeking.penalty(latents, fakeSamples);
    modeSeekingRatio = keep(term.ratio);
    loss = tf.add(loss, term.penalty) as tf.Scalar;
  }
  let classLoss: tf.Scalar | undefined;
  if (discriminator.auxiliaryClassifier) {
    // ACGAN: the generator also makes its samples classifiable as the class it was asked for.
    classLoss = keep(classCrossEntropy({ classLogits: fake.classLogits!, labels: labels as tf.Tensor1D }));
    loss = tf.add(loss, tf.mul(inputs.auxiliaryClassifierWeight, classLoss)) as tf.Scalar;
  }
  const monitors = {
    ...(classLoss ? { classLoss } : {}),
    ...(meanLength ? { pathLength: meanLength } : {}),
    ...(modeSeekingRatio ? { modeSeekingRatio } : {}),
  };
  return { loss, monitors };
}

/** Keeps a monitor (`tf.keep`) and remembers it, to free it if the objective fails. */
type Keep = <T extends tf.Tensor>(tensor: T) => T;

/** Runs an objective's terms; when they throw, frees the monitors kept so far (nothing leaks). */
function withKept<T>(terms: (keep: Keep) => T): T {
  const kept: tf.Tensor[] = [];
  try {
    return terms((tensor) => {
      kept.push(tf.keep(tensor));
      return tensor;
    });
  } catch (error) {
    tf.dispose(kept);
    throw error;
  }
}

/** Every monitor of an objective, as one list of tensors (to free them). */
export function monitorTensors(monitors: DiscriminatorMonitors | GeneratorMonitors): tf.Tensor[] {
  const out: tf.Tensor[] = [];
  for (const value of Object.values(monitors)) {
    if (value instanceof tf.Tensor) out.push(value);
    else if (Array.isArray(value)) for (const { value: term } of value as DiscriminatorMonitors['penalties']) out.push(term);
  }
  return out;
}
