/**
 * The Trainer's serialisation: its configuration and state as JSON (the fields of a checkpoint's
 * manifest) with the tensors that JSON names, and a trainer rebuilt from them. `Trainer.getConfig`,
 * `Trainer.fromConfig`, `Trainer.save` and `Trainer.load` are built on it; io only writes and reads it.
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs';
import { CheckpointError, describeValue } from '../errors.js';
import type { CheckpointContent } from '../io/checkpoint.js';
import type { NetworkRecord, WeightEntry } from '../io/checkpoint-manifest.js';
import type { GanLoss } from '../losses/gan-loss.js';
import { lossByName } from '../losses/loss-by-name.js';
import type { Penalty } from '../losses/penalty.js';
import { penaltyByName } from '../losses/penalties/penalty-by-name.js';
import { Discriminator } from '../nets/discriminator.js';
import { Generator } from '../nets/generator.js';
// Registers the custom layers (SpectralNormalization, ...) that saved topologies may name.
import '../layers/index.js';
import { optimizerRecord, restoreOptimizer } from './optimizer-state.js';
import type { Trainer } from './trainer.js';
import type { TrainerConfig } from './trainer-options.js';

/**
 * A trainer's configuration and state as plain JSON: seed, step, loss, penalties, options, both
 * networks (spec, topology, weight entries), both optimizers (class, config, state entries) and the EMA.
 * Its weight entries name the tensors of a {@link SerializedTrainer}. It is what a checkpoint's manifest
 * holds besides its envelope (format, files, checksums, metadata).
 */
export type TrainerJson = CheckpointContent;

/** What {@link Trainer.getConfig} returns: the JSON and the tensors it names. */
export interface SerializedTrainer {
  /** The configuration and state, JSON-serialisable. */
  readonly config: TrainerJson;
  /**
   * The tensors by the names in `config`: the trainer's own weights and optimizer state (do not dispose
   * those) and the few made for this call (the optimizers' step counts), which `dispose` frees.
   */
  readonly tensors: tf.NamedTensorMap;
  /** Frees the tensors made for this call; the trainer's own stay. */
  dispose(): void;
}

/** Parts to use instead of the saved ones when loading (needed for custom losses and penalties). */
export interface LoadOverrides {
  /** The loss to use; by default the saved loss name and config are looked up among the shipped losses. */
  readonly loss?: GanLoss;
  /**
   * The penalties to use; by default the saved names and configs are looked up among the shipped
   * penalties (`penalties.penaltyByName`). Required when the checkpoint holds a custom penalty.
   */
  readonly penalties?: readonly Penalty[];
}

/** The trainer's configuration and state, and the tensors it names (see {@link SerializedTrainer}). */
export async function serializeTrainer(trainer: Trainer): Promise<SerializedTrainer> {
  const tensors: tf.NamedTensorMap = {};
  // Tensors made for this call (optimizers return their step count as a new scalar).
  const fresh: tf.Tensor[] = [];
  try {
    // The specs carry the class names and the auxiliary-classifier flag; older checkpoints lack them
    // and load with the defaults (no names, no auxiliary classifier).
    const generator = networkRecord('generator', trainer.generator.model, tensors, { ...trainer.generator.spec });
    const discriminator = networkRecord('discriminator', trainer.discriminator.model, tensors, { ...trainer.discriminator.spec });
    const optimizers = {
      generator: await optimizerRecord('generatorOptimizer', trainer.generatorOptimizer, tensors, fresh),
      discriminator: await optimizerRecord('discriminatorOptimizer', trainer.discriminatorOptimizer, tensors, fresh),
    };
    const ema = trainer.ema && { ...trainer.ema.config, weights: networkRecord('ema', trainer.ema.generator.model, tensors, {}).weights };
    const { pathLength } = trainer;
    const config: TrainerJson = {
      step: trainer.step,
      seed: trainer.seed,
      ...(trainer.sampling !== 'shuffle' ? { sampling: trainer.sampling } : {}),
      ...(trainer.fakeLabels !== 'uniform' ? { fakeLabels: trainer.fakeLabels } : {}),
      discriminatorSteps: trainer.discriminatorSteps,
      auxiliaryClassifierWeight: trainer.auxiliaryClassifierWeight,
      ...(trainer.auxiliaryClassifierBatches !== 'real-and-fake' ? { auxiliaryClassifierBatches: trainer.auxiliaryClassifierBatches } : {}),
      loss: { name: trainer.loss.name, config: { ...trainer.loss.config } },
      penalties: trainer.penalties.map((p) => ({ name: p.name, config: { ...p.config }, ...(p.state ? { state: { ...p.state.get() } } : {}) })),
      generator,
      discriminator,
      optimizers,
      ...(ema ? { ema } : {}),
      ...(trainer.augment.length > 0 ? { augment: [...trainer.augment] } : {}),
      ...(trainer.augmentDraws !== 'sample' ? { augmentDraws: trainer.augmentDraws } : {}),
      ...(trainer.progressive ? { progressive: { ...trainer.progressive.options } } : {}),
      ...(pathLength ? { pathLength: { weight: pathLength.weight, every: pathLength.every, decay: pathLength.decay, mean: pathLength.mean } } : {}),
      ...(trainer.modeSeeking
        ? { modeSeeking: { weight: trainer.modeSeeking.weight, ...(trainer.modeSeeking.poolSize !== 1 ? { poolSize: trainer.modeSeeking.poolSize } : {}) } }
        : {}),
      ...(trainer.conditioningTransition ? { conditioningTransition: trainer.conditioningTransition.toJSON() } : {}),
    };
    return { config, tensors, dispose: () => tf.dispose(fresh) };
  } catch (error) {
    tf.dispose(fresh);
    throw error;
  }
}

/**
 * A trainer rebuilt from its JSON and tensors, ready to continue exactly where it stopped. The tensors
 * are not taken over: the caller may dispose them after.
 *
 * @param construct - makes the Trainer from its configuration (the Trainer's constructor).
 * @param where - what is restored, quoted, for messages (the checkpoint's location).
 * @throws CheckpointError when a part cannot be rebuilt; what was built is freed.
 */
export async function restoreTrainer(
  json: TrainerJson,
  tensors: tf.NamedTensorMap,
  overrides: LoadOverrides,
  where: string,
  construct: (config: TrainerConfig) => Trainer,
): Promise<Trainer> {
  const penalties = overrides.penalties ?? restorePenalties(json.penalties, where);
  restorePenaltyStates(json.penalties, penalties, where);
  const created: tf.LayersModel[] = [];
  try {
    const generatorModel = await restoreModel(json.generator, tensors, where, 'generator');
    created.push(generatorModel);
    const discriminatorModel = await restoreModel(json.discriminator, tensors, where, 'discriminator');
    created.push(discriminatorModel);
    const trainer = construct({
      generator: new Generator(generatorModel, json.generator.spec as never),
      discriminator: new Discriminator(discriminatorModel, json.discriminator.spec as never),
      loss: overrides.loss ?? lossByName(json.loss.name, json.loss.config),
      penalties,
      generatorOptimizer: await restoreOptimizer(json.optimizers.generator, tensors, where),
      discriminatorOptimizer: await restoreOptimizer(json.optimizers.discriminator, tensors, where),
      discriminatorSteps: json.discriminatorSteps,
      seed: json.seed,
      ...(json.sampling !== undefined ? { sampling: json.sampling } : {}),
      ...(json.fakeLabels !== undefined ? { fakeLabels: json.fakeLabels } : {}),
      auxiliaryClassifierWeight: json.auxiliaryClassifierWeight,
      ...(json.auxiliaryClassifierBatches !== undefined ? { auxiliaryClassifierBatches: json.auxiliaryClassifierBatches } : {}),
      ema: json.ema ? { decay: json.ema.decay, startStep: json.ema.startStep } : false,
      augment: json.augment as never,
      ...(json.augmentDraws !== undefined ? { augmentDraws: json.augmentDraws } : {}),
      ...(json.progressive ? { progressive: json.progressive } : {}),
      ...(json.pathLength ? { pathLength: { weight: json.pathLength.weight, every: json.pathLength.every, decay: json.pathLength.decay } } : {}),
      ...(json.modeSeeking ? { modeSeeking: { ...json.modeSeeking } } : {}),
      ...(json.conditioningTransition ? { conditioningTransition: { ...json.conditioningTransition } } : {}),
    });
    if (json.pathLength && trainer.pathLength) trainer.pathLength.mean = json.pathLength.mean;
    if (json.ema && trainer.ema) setWeights(trainer.ema.generator.model, json.ema.weights, tensors, where, 'the EMA generator');
    trainer.restoreStep(json.step);
    return trainer;
  } catch (error) {
    created.forEach((model) => model.dispose());
    if (error instanceof CheckpointError) throw error;
    throw new CheckpointError(`checkpoint: cannot restore ${where}: ${(error as Error).message}`, { cause: error });
  }
}

function networkRecord(prefix: string, model: tf.LayersModel, out: tf.NamedTensorMap, spec: Record<string, unknown>): NetworkRecord {
  const weights = model.weights.map((weight, i) => {
    const tensor = weight.read();
    const name = `${prefix}/${i}`;
    out[name] = tensor;
    return { name, shape: [...tensor.shape], dtype: tensor.dtype as WeightEntry['dtype'] };
  });
  return { spec, topology: model.toJSON(null, false), weights };
}

async function restoreModel(record: NetworkRecord, tensors: tf.NamedTensorMap, where: string, what: string): Promise<tf.LayersModel> {
  let model: tf.LayersModel;
  try {
    model = await tf.models.modelFromJSON({ modelTopology: record.topology as tf.io.ModelJSON['modelTopology'] });
  } catch (error) {
    throw new CheckpointError(
      `checkpoint: ${where}: cannot rebuild the ${what} from its topology (${(error as Error).message}). Custom layers must be registered with tf.serialization.registerClass before loading.`,
      { cause: error },
    );
  }
  try {
    setWeights(model, record.weights, tensors, where, `the ${what}`);
  } catch (error) {
    model.dispose();
    throw error;
  }
  return model;
}

function setWeights(model: tf.LayersModel, weights: readonly WeightEntry[], tensors: tf.NamedTensorMap, where: string, what: string): void {
  if (model.weights.length !== weights.length) {
    throw new CheckpointError(`checkpoint: ${where}: ${what} has ${model.weights.length} weights but the checkpoint holds ${weights.length}.`);
  }
  model.setWeights(weights.map((w) => tensors[w.name]));
}

function restorePenalties(saved: TrainerJson['penalties'], where: string): Penalty[] {
  return saved.map(({ name, config }) => {
    try {
      return penaltyByName(name, config);
    } catch (error) {
      throw new CheckpointError(
        `checkpoint: ${where} was saved with the penalty ${describeValue(name)}, which cannot be restored by name (${(error as Error).message}); pass the penalties as 'penalties' to Trainer.load.`,
        { cause: error },
      );
    }
  });
}

/**
 * Puts the saved state of each stateful penalty back: into the penalty at the same position, when it has
 * the saved name (penalties passed to `Trainer.load` in place of the saved ones included). A penalty
 * without a saved state (a checkpoint older than it, or one added at load) starts fresh.
 */
function restorePenaltyStates(saved: TrainerJson['penalties'], penalties: readonly Penalty[], where: string): void {
  saved.forEach(({ name, state }, i) => {
    const penalty = penalties[i];
    if (state === undefined || penalty?.state === undefined || penalty.name !== name) return;
    try {
      penalty.state.set(state);
    } catch (error) {
      throw new CheckpointError(`checkpoint: ${where}: the state of penalty ${describeValue(name)} cannot be restored: ${(error as Error).message}`, {
        cause: error,
      });
    }
  });
}
