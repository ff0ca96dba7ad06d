/**
 * One training step: `discriminatorSteps` discriminator updates, then one generator update, then the
 * EMA; all or nothing (a snapshot of everything the step changes, penalties' state included, is
 * restored when it fails). Each update differentiates its objective (see objectives.ts) and reads its
 * scalars back once.
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs';
import { ConfigError, TrainingError } from '../errors.js';
import type { BatchSampling } from '../data/class-balanced-sampler.js';
import type { Dataset, DatasetBatch } from '../data/dataset.js';
import type { GanLoss } from '../losses/gan-loss.js';
import type { Penalty } from '../losses/penalty.js';
import type { Discriminator } from '../nets/discriminator.js';
import type { Generator } from '../nets/generator.js';
import { sampleLabels } from '../nets/labels.js';
import { fakeLabelWeights, fakeLabelsFollowData, type FakeLabels } from './fake-labels.js';
import type { AuxiliaryClassifierBatches } from './auxiliary-classifier-batches.js';
import { sampleLatents } from '../nets/latents.js';
import { hashInts } from '../util/random.js';
import { type AugmentationName, augmentForDiscriminator } from '../augment/diff-augment.js';
import type { StepLogs } from './callback.js';
import type { GeneratorEma } from './ema.js';
import { discriminatorObjective, generatorObjective, inputAugmentation, monitorTensors } from './objectives.js';
import type { ModeSeekingRegularizer } from './mode-seeking.js';
import type { ConditioningTransition } from './conditioning-transition.js';
import type { NetworkLabels } from '../nets/labels.js';
import type { PathLengthRegularizer } from './path-length.js';
import { type ProgressiveSchedule, applyProgressive } from './progressive.js';
import { StepSnapshot, nonFiniteFlag, optimizerStateVariables } from './update-guard.js';
import { type AugmentDraws, augmentGroups } from './augment-draws.js';

/** What a step uses of the Trainer (its public, read-only parts). */
export interface StepParts {
  readonly generator: Generator;
  readonly discriminator: Discriminator;
  readonly loss: GanLoss;
  readonly penalties: readonly Penalty[];
  readonly generatorOptimizer: tf.Optimizer;
  readonly discriminatorOptimizer: tf.Optimizer;
  readonly discriminatorSteps: number;
  readonly seed: number;
  readonly sampling: BatchSampling;
  readonly fakeLabels: FakeLabels;
  readonly auxiliaryClassifierWeight: number;
  readonly auxiliaryClassifierBatches: AuxiliaryClassifierBatches;
  readonly ema: GeneratorEma | undefined;
  readonly augment: readonly AugmentationName[];
  readonly augmentDraws: AugmentDraws;
  readonly pathLength: PathLengthRegularizer | undefined;
  readonly modeSeeking: ModeSeekingRegularizer | undefined;
  readonly progressive: ProgressiveSchedule | undefined;
  readonly conditioningTransition: ConditioningTransition | undefined;
}

/** Purposes of random draws, mixed into the per-step seeds. */
const DRAW = Object.freeze({
  fakeLatents: 1, fakeLabels: 2, generatorLatents: 3, generatorLabels: 4, penalty: 5,
  augmentReal: 6, augmentFake: 7, augmentGeneratorFake: 8, augmentGeneratorReal: 9, pathLength: 10,
});

/** The models whose weights a step changes: both networks and the EMA generator. */
export function stepModels(parts: StepParts): tf.LayersModel[] {
  return [parts.generator.model, parts.discriminator.model, ...(parts.ema ? [parts.ema.generator.model] : [])];
}

/**
 * Trains generator step `step` (0-based). A step is all or nothing: when it fails (a TrainingError for a
 * non-finite loss or update), every weight, the optimizers' state and the EMA are put back as they were.
 * @returns the step's logs, `seconds` 0 (the caller times it).
 */
export async function trainStep(parts: StepParts, data: Dataset, batchSize: number, step: number): Promise<StepLogs> {
  if (parts.progressive !== undefined) applyProgressive(parts.progressive, stepModels(parts), step);
  // Everything the step changes, as after the last good step: put back if the step fails.
  const snapshot = StepSnapshot.take(
    stepModels(parts),
    [parts.generatorOptimizer, parts.discriminatorOptimizer],
    parts.penalties.flatMap((penalty) => (penalty.state ? [penalty.state] : [])),
  );
  let result: StepLogs;
  try {
    result = await guardedStep(parts, data, batchSize, step);
  } catch (error) {
    snapshot.restore();
    throw error;
  }
  snapshot.dispose();
  return result;
}

/**
 * The step itself. Throws a TrainingError when a loss is not finite, or when the updates left a weight,
 * an optimizer's state or the EMA non-finite (checked in the same read as the generator's loss).
 */
async function guardedStep(parts: StepParts, data: Dataset, batchSize: number, step: number): Promise<StepLogs> {
  let dLossSum = 0;
  let last: DiscriminatorUpdate | undefined;
  for (let k = 0; k < parts.discriminatorSteps; k++) {
    last = await discriminatorUpdate(parts, data, batchSize, step, k);
    dLossSum += last.dLoss;
  }
  const { loss: gLoss, classLoss: gClassLoss, modeSeekingRatio } = await generatorUpdate(parts, data, batchSize, step);
  const dClassLoss = last?.classLoss;
  return {
    step: step + 1,
    dLoss: dLossSum / parts.discriminatorSteps,
    gLoss,
    realScore: last?.realScore ?? 0,
    fakeScore: last?.fakeScore ?? 0,
    seconds: 0,
    penalties: last?.penalties ?? {},
    ...(dClassLoss !== undefined && gClassLoss !== undefined ? { dClassLoss, gClassLoss } : {}),
    ...(modeSeekingRatio !== undefined ? { modeSeekingRatio } : {}),
  };
}

/**
 * Samples per group of one class in the batches: a conditional discriminator that packs samples (PacGAN)
 * takes one label per group of `packing`, so its real and fake batches come grouped; else 1.
 */
function classGroupSize(discriminator: Discriminator): number {
  return discriminator.conditional ? discriminator.packing : 1;
}

/** Real batch number `index`, drawn by the Trainer's sampling, in groups of one class when the discriminator needs them. */
function realBatch(parts: StepParts, data: Dataset, index: number, batchSize: number): DatasetBatch {
  return data.batch(index, batchSize, parts.seed, parts.sampling, classGroupSize(parts.discriminator));
}

/**
 * The labels of a batch of fakes for `update`: uniform over the classes, or in the real batches'
 * class shares; one label drawn per group of {@link classGroupSize} samples.
 */
function drawFakeLabels(parts: StepParts, data: Dataset, batchSize: number, seed: number, update: 'discriminator' | 'generator'): tf.Tensor1D {
  const counts = fakeLabelsFollowData(parts.fakeLabels, update) ? fakeLabelWeights(data.classCounts(), parts.sampling) : undefined;
  const group = classGroupSize(parts.discriminator);
  const drawn = sampleLabels(batchSize / group, parts.generator.numClasses, seed, counts);
  if (group === 1) return drawn;
  try {
    return tf.tidy(() => tf.reshape(tf.tile(tf.reshape(drawn, [-1, 1]), [1, group]), [-1]) as tf.Tensor1D);
  } finally {
    drawn.dispose();
  }
}

/**
 * The labels as the networks take them at `step`: the ids, or class weights while a conditioning
 * transition fades the class in (a new tensor: {@link madeLabels} lists it for disposal).
 */
function networkLabels(parts: StepParts, ids: tf.Tensor1D, step: number): NetworkLabels {
  const transition = parts.conditioningTransition;
  return transition === undefined ? ids : transition.labels(ids, parts.generator.numClasses, step);
}

/** The tensors of `labels` that are not their ids (made by {@link networkLabels}), to dispose. */
function madeLabels(pairs: ReadonlyArray<readonly [NetworkLabels | undefined, tf.Tensor | undefined]>): tf.Tensor[] {
  return pairs.flatMap(([labels, ids]) => (labels !== undefined && labels !== ids ? [labels] : []));
}

/** What one discriminator update reports. */
interface DiscriminatorUpdate {
  readonly dLoss: number;
  readonly realScore: number;
  readonly fakeScore: number;
  readonly penalties: Record<string, number>;
  readonly classLoss?: number;
}

async function discriminatorUpdate(parts: StepParts, data: Dataset, batchSize: number, step: number, k: number): Promise<DiscriminatorUpdate> {
  const { generator, discriminator, seed } = parts;
  const batch = realBatch(parts, data, step * parts.discriminatorSteps + k, batchSize);
  // Every tensor this update makes is disposed in the finally, whatever throws (a read a lost backend
  // rejects included); the gradients too when they were not applied.
  const made: Array<tf.Tensor | undefined> = [batch.images, batch.labels];
  let grads: tf.NamedTensorMap | undefined;
  let monitors: ReturnType<typeof discriminatorObjective>['monitors'] | undefined;
  let values: Map<string, number>;
  try {
    // Labels go into the discriminator only when it takes them (not into an ACGAN one, which predicts them).
    const realLabels = discriminator.conditional && batch.labels ? networkLabels(parts, batch.labels, step) : undefined;
    const latents = sampleLatents(batchSize, generator.latentDim, hashInts(seed, step, k, DRAW.fakeLatents));
    const fakeLabels = generator.conditional ? drawFakeLabels(parts, data, batchSize, hashInts(seed, step, k, DRAW.fakeLabels), 'discriminator') : undefined;
    const fakeNetworkLabels = fakeLabels ? networkLabels(parts, fakeLabels, step) : undefined;
    made.push(latents, fakeLabels, ...madeLabels([[realLabels, batch.labels], [fakeNetworkLabels, fakeLabels]]));
    // The fake batch is made outside the gradient tape: no generator gradients are needed here.
    const fakeSamples = tf.tidy(() => generator.generate(latents, fakeNetworkLabels, true));
    made.push(fakeSamples);
    const realGroups = await augmentGroups(parts.augmentDraws, batch.labels);
    const fakeGroups = await augmentGroups(parts.augmentDraws, fakeLabels);
    const realInputs = augmentForDiscriminator(batch.images, parts.augment, hashInts(seed, step, k, DRAW.augmentReal), { groups: realGroups });
    made.push(realInputs);
    const fakeInputs = augmentForDiscriminator(fakeSamples, parts.augment, hashInts(seed, step, k, DRAW.augmentFake), { groups: fakeGroups });
    made.push(fakeInputs);
    const computed = parts.discriminatorOptimizer.computeGradients(() => {
      const objective = discriminatorObjective({
        discriminator,
        loss: parts.loss,
        penalties: parts.penalties,
        auxiliaryClassifierWeight: parts.auxiliaryClassifierWeight,
        auxiliaryClassifierBatches: parts.auxiliaryClassifierBatches,
        realInputs,
        fakeInputs,
        realLabels,
        fakeLabels: discriminator.conditional ? fakeNetworkLabels : undefined,
        realClasses: batch.labels,
        fakeClasses: fakeLabels,
        step,
        penaltySeed: (i) => hashInts(seed, step, k, DRAW.penalty, i),
      });
      monitors = objective.monitors;
      return objective.loss;
    }, discriminator.trainableVariables);
    grads = computed.grads;
    made.push(computed.value, ...(monitors ? monitorTensors(monitors) : []));
    const named = new Map<string, tf.Tensor>([['dLoss', computed.value]]);
    if (monitors) {
      named.set('realScore', monitors.realScore).set('fakeScore', monitors.fakeScore);
      monitors.penalties.forEach(({ value: term }, i) => named.set(`penalty/${i}`, term));
      if (monitors.classLoss) named.set('classLoss', monitors.classLoss);
    }
    values = await readScalars(named);
  } catch (error) {
    tf.dispose(grads);
    throw error;
  } finally {
    tf.dispose(made.filter((t): t is tf.Tensor => t !== undefined));
  }
  const dLoss = values.get('dLoss')!;
  if (!Number.isFinite(dLoss)) {
    tf.dispose(grads);
    throw new TrainingError(
      `Trainer: the discriminator loss became ${dLoss} at step ${step + 1} (discriminator step ${k + 1}); the update was not applied. Lower the learning rates, add a penalty, or check the data.`,
      step + 1,
    );
  }
  parts.discriminatorOptimizer.applyGradients(grads);
  tf.dispose(grads);
  parts.loss.afterDiscriminatorUpdate?.(discriminator.trainableVariables);
  const realScore = values.get('realScore');
  const fakeScore = values.get('fakeScore');
  if (realScore !== undefined && fakeScore !== undefined) {
    for (const penalty of parts.penalties) penalty.state?.observe({ realScore, fakeScore, step });
  }
  const penalties: Record<string, number> = {};
  monitors?.penalties.forEach(({ name }, i) => {
    const term = values.get(`penalty/${i}`)!;
    if (!Number.isNaN(term)) penalties[name] = term;
  });
  const classLoss = values.get('classLoss');
  return {
    dLoss,
    realScore: realScore!,
    fakeScore: fakeScore!,
    penalties,
    ...(classLoss !== undefined ? { classLoss } : {}),
  };
}

/** What the generator update reports. */
interface GeneratorUpdate {
  readonly loss: number;
  readonly classLoss?: number;
  readonly modeSeekingRatio?: number;
}

async function generatorUpdate(parts: StepParts, data: Dataset, batchSize: number, step: number): Promise<GeneratorUpdate> {
  const { generator, seed } = parts;
  // As in the discriminator's update: what is made here is disposed in the finally, whatever throws.
  const made: Array<tf.Tensor | undefined> = [];
  let monitors: ReturnType<typeof generatorObjective>['monitors'] | undefined;
  let values: Map<string, number>;
  try {
    const latents = sampleLatents(batchSize, generator.latentDim, hashInts(seed, step, 0, DRAW.generatorLatents));
    const ids = generator.conditional ? generatorLabels(parts, data, batchSize, hashInts(seed, step, 0, DRAW.generatorLabels)) : undefined;
    const labels = ids ? networkLabels(parts, ids, step) : undefined;
    // Relativistic losses compare with the real batch: reuse the last discriminator step's batch.
    const real = parts.loss.generatorNeedsReal ? realBatch(parts, data, step * parts.discriminatorSteps + parts.discriminatorSteps - 1, batchSize) : undefined;
    const realLabels = real?.labels ? networkLabels(parts, real.labels, step) : undefined;
    made.push(latents, ids, real?.images, real?.labels, ...madeLabels([[labels, ids], [realLabels, real?.labels]]));
    const augment = inputAugmentation(parts.augment);
    const fakeGroups = augment === undefined ? undefined : await augmentGroups(parts.augmentDraws, ids);
    const realGroups = augment === undefined ? undefined : await augmentGroups(parts.augmentDraws, real?.labels);
    const { value, grads } = parts.generatorOptimizer.computeGradients(() => {
      const objective = generatorObjective({
        generator,
        discriminator: parts.discriminator,
        loss: parts.loss,
        auxiliaryClassifierWeight: parts.auxiliaryClassifierWeight,
        latents,
        labels,
        ...(real ? { real: { samples: real.images, labels: realLabels } } : {}),
        augment,
        seeds: {
          augmentFake: hashInts(seed, step, 0, DRAW.augmentGeneratorFake),
          augmentReal: hashInts(seed, step, 0, DRAW.augmentGeneratorReal),
          pathLength: hashInts(seed, step, 0, DRAW.pathLength),
        },
        augmentGroups: { fake: fakeGroups, real: realGroups },
        pathLength: parts.pathLength,
        ...(parts.modeSeeking ? { modeSeeking: parts.modeSeeking } : {}),
        step,
      });
      monitors = objective.monitors;
      return objective.loss;
    }, generator.trainableVariables);
    made.push(value, ...(monitors ? monitorTensors(monitors) : []));
    // Applied before the read: the loss and the finiteness of every updated value come back in one
    // read, and a bad update is undone by the step's snapshot (see trainStep).
    parts.generatorOptimizer.applyGradients(grads);
    tf.dispose(grads);
    parts.ema?.update(generator, step + 1);
    const updated = [
      ...stepModels(parts).flatMap((model) => model.weights.map((weight) => weight.read())),
      ...optimizerStateVariables(parts.generatorOptimizer),
      ...optimizerStateVariables(parts.discriminatorOptimizer),
    ];
    const named = new Map<string, tf.Tensor>([['gLoss', value]]);
    if (monitors?.classLoss) named.set('classLoss', monitors.classLoss);
    if (monitors?.pathLength) named.set('pathLength', monitors.pathLength);
    if (monitors?.modeSeekingRatio) named.set('modeSeekingRatio', monitors.modeSeekingRatio);
    values = await readScalars(named, () => nonFiniteFlag(updated));
  } finally {
    tf.dispose(made.filter((t): t is tf.Tensor => t !== undefined));
  }
  const loss = values.get('gLoss')!;
  if (!Number.isFinite(loss)) {
    throw new TrainingError(
      `Trainer: the generator loss became ${loss} at step ${step + 1}; the update was not applied. Lower the learning rates or check the networks.`,
      step + 1,
    );
  }
  if (!Number.isFinite(values.get(NON_FINITE)!)) {
    throw new TrainingError(
      `Trainer: step ${step + 1} made a weight or an optimizer's state non-finite (NaN or infinite) although its losses were finite; the step was undone (every weight and optimizer state is as after step ${step}). Lower the learning rates.`,
      step + 1,
    );
  }
  const pathLength = values.get('pathLength');
  if (pathLength !== undefined && Number.isFinite(pathLength)) parts.pathLength!.update(pathLength);
  const classLoss = values.get('classLoss');
  const modeSeekingRatio = values.get('modeSeekingRatio');
  return { loss, ...(classLoss !== undefined ? { classLoss } : {}), ...(modeSeekingRatio !== undefined ? { modeSeekingRatio } : {}) };
}

/** The labels of the generator's batch: drawn, then paired (both halves alike) when mode seeking is active. */
function generatorLabels(parts: StepParts, data: Dataset, batchSize: number, seed: number): tf.Tensor1D {
  const group = classGroupSize(parts.discriminator);
  if (parts.modeSeeking?.active === true && group > 1 && Math.floor(batchSize / 2) % group !== 0) {
    throw new ConfigError(
      `Trainer: 'modeSeeking' repeats the first half of the generator's batch as its second, and the discriminator takes groups of ${group} samples of one class, so the batch size must be a multiple of ${2 * group}, received ${batchSize}.`,
    );
  }
  const drawn = drawFakeLabels(parts, data, batchSize, seed, 'generator');
  if (parts.modeSeeking?.active !== true) return drawn;
  try {
    return parts.modeSeeking.pairLabels(drawn);
  } finally {
    drawn.dispose();
  }
}

/** The name under which {@link readScalars} returns the extra flag. */
const NON_FINITE = 'nonFinite';

/**
 * Reads named scalars back in one transfer (one stack, one `data()`): the step's only wait for the
 * backend. `flag`, when given, is made inside the same tidy and read as {@link NON_FINITE}.
 */
async function readScalars(named: ReadonlyMap<string, tf.Tensor>, flag?: () => tf.Scalar): Promise<Map<string, number>> {
  const names = [...named.keys()];
  const scalars = tf.tidy(() => tf.stack([...named.values(), ...(flag ? [flag()] : [])]));
  let data: Float32Array;
  try {
    data = (await scalars.data()) as Float32Array;
  } finally {
    scalars.dispose();
  }
  const values = new Map(names.map((name, i) => [name, data[i]]));
  if (flag) values.set(NON_FINITE, data[names.length]);
  return values;
}
