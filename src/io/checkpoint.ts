import * as tf from '@tensorflow/tfjs';
import { CheckpointError, describeValue } from '../errors.js';
import type { GanLoss } from '../losses/gan-loss.js';
import { lossByName } from '../losses/loss-by-name.js';
import type { Penalty } from '../losses/penalty.js';
import { penaltyByName } from '../losses/penalties/penalty-by-name.js';
import { Discriminator } from '../nets/discriminator.js';
import { Generator } from '../nets/generator.js';
import { Trainer } from '../train/trainer.js';
import { fnv1a } from '../util/checksum.js';
// Registers the custom layers (SpectralNormalization, ...) that saved topologies may name.
import '../layers/index.js';
import { type CheckpointFiles, type CheckpointLocation, type CheckpointStore, openCheckpointStore } from './checkpoint-store.js';
import { commitCheckpoint } from './checkpoint-commit.js';
import {
  type CheckpointManifest,
  type NetworkRecord,
  type OptimizerRecord,
  type UnsignedManifest,
  type WeightEntry,
  CHECKPOINT_FORMAT,
  CHECKPOINT_VERSION,
  encodeManifest,
  parseManifest,
} from './checkpoint-manifest.js';
import { MANIFEST_NAME, newWeightsFileName } from './checkpoint-names.js';
import { FusedAdamOptimizer } from '../train/fused-adam.js';

export { MANIFEST_NAME } from './checkpoint-names.js';
export {
  CHECKPOINT_FORMAT,
  CHECKPOINT_VERSION,
  type CheckpointManifest,
  type NetworkRecord,
  type OptimizerRecord,
  type WeightEntry,
} from './checkpoint-manifest.js';

/** A tensor with the name it is saved under. */
type NamedTensor = { name: string; tensor: tf.Tensor };

/** Optimizer fields that carry state outside getWeights() (Adam's running beta powers). */
const OPTIMIZER_EXTRA_SCALARS = ['accBeta1', 'accBeta2'] as const;

/** How many times a reader reads the manifest again when the weights it names were replaced meanwhile. */
const READ_ATTEMPTS = 4;

/** Options of {@link saveTrainer}. */
export interface SaveOptions {
  /** JSON-serialisable data stored in the manifest and returned by {@link readCheckpointManifest}. */
  readonly metadata?: Record<string, unknown>;
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

/**
 * Saves the whole training state: both networks (topology and weights, batch-norm statistics included),
 * both optimizers' state, the step, the seed and the configuration. The write is atomic: the new
 * manifest replaces the old one in a single rename, so a crash mid-save leaves the previous checkpoint
 * intact. Saves to one location are exclusive (across processes for directories), a save that fails
 * removes what it wrote, and a manifest that cannot be read is moved aside (`gan.json.corrupt-<time>`)
 * instead of blocking the save (see {@link commitCheckpoint}).
 *
 * @param trainer - the trainer to save.
 * @param url - `file://dir` or a directory path (Node), `indexeddb://name` or `downloads://name`
 *   (browser), or a {@link CheckpointStore} such as {@link memoryStore}. Every location holds the same
 *   files with the same bytes.
 * @throws CheckpointError when the files cannot be written.
 */
export async function saveTrainer(trainer: Trainer, url: CheckpointLocation, options: SaveOptions = {}): Promise<void> {
  const store = await openCheckpointStore(url);
  const tensors: NamedTensor[] = [];
  // Tensors made for this save (optimizers return their step count as a new scalar), freed after encoding.
  const fresh: tf.Tensor[] = [];
  // The specs carry the class names and the auxiliary-classifier flag; older checkpoints lack them
  // and load with the defaults (no names, no auxiliary classifier).
  const generator = networkRecord('generator', trainer.generator.model, tensors, { ...trainer.generator.spec });
  const discriminator = networkRecord('discriminator', trainer.discriminator.model, tensors, { ...trainer.discriminator.spec });
  const optimizers = {
    generator: await optimizerRecord('generatorOptimizer', trainer.generatorOptimizer, tensors, fresh),
    discriminator: await optimizerRecord('discriminatorOptimizer', trainer.discriminatorOptimizer, tensors, fresh),
  };
  // After the optimizers: the weights file holds the tensors in the order that loadTrainer decodes them.
  const ema = trainer.ema && { ...trainer.ema.config, weights: networkRecord('ema', trainer.ema.generator.model, tensors, {}).weights };
  let data: ArrayBuffer;
  try {
    ({ data } = await tf.io.encodeWeights(tensors));
  } finally {
    tf.dispose(fresh);
  }
  const bytes = new Uint8Array(data);
  const weightsFile = newWeightsFileName(trainer.step);
  const manifest: UnsignedManifest = {
    format: CHECKPOINT_FORMAT,
    version: CHECKPOINT_VERSION,
    createdAt: new Date().toISOString(),
    step: trainer.step,
    seed: trainer.seed,
    discriminatorSteps: trainer.discriminatorSteps,
    auxiliaryClassifierWeight: trainer.auxiliaryClassifierWeight,
    loss: { name: trainer.loss.name, config: { ...trainer.loss.config } },
    penalties: trainer.penalties.map((p) => ({ name: p.name, config: { ...p.config } })),
    generator,
    discriminator,
    optimizers,
    weightsFile,
    weightsBytes: bytes.byteLength,
    weightsChecksum: fnv1a(bytes),
    metadata: options.metadata ?? {},
    ...(ema ? { ema } : {}),
    ...(trainer.augment.length > 0 ? { augment: [...trainer.augment] } : {}),
    ...(trainer.progressive ? { progressive: { ...trainer.progressive.options } } : {}),
    ...(trainer.pathLength
      ? { pathLength: { weight: trainer.pathLength.weight, every: trainer.pathLength.every, decay: trainer.pathLength.decay, mean: trainer.pathLength.mean } }
      : {}),
  };
  await commitCheckpoint(store, weightsFile, bytes, encodeManifest(manifest));
}

/**
 * Reads and checks a checkpoint's manifest without loading any weights.
 * @throws CheckpointError when missing, unreadable, corrupt or of an unsupported version.
 */
export async function readCheckpointManifest(url: CheckpointLocation): Promise<CheckpointManifest> {
  const store = await openCheckpointStore(url);
  return parseManifest(store.location, await readManifestBytes(store));
}

/** The bytes of a store's `gan.json`. */
async function readManifestBytes(store: CheckpointStore): Promise<Uint8Array> {
  const bytes = await store.read(MANIFEST_NAME);
  if (bytes === null) {
    throw new CheckpointError(`checkpoint: no checkpoint at ${describeValue(store.location)}: expected a '${MANIFEST_NAME}' file there, found none.`);
  }
  return bytes;
}

/** A whole checkpoint as read: its manifest (bytes and parsed) and its checked weights. */
interface CheckpointRead {
  readonly manifestBytes: Uint8Array;
  readonly manifest: CheckpointManifest;
  readonly weights: Uint8Array;
}

/**
 * Reads the manifest and the weights it names. A save that commits between the two reads removes the
 * weights the first manifest named: then the manifest is read again (it names the new weights).
 */
async function readCheckpoint(store: CheckpointStore): Promise<CheckpointRead> {
  for (let attempt = 1; ; attempt++) {
    const manifestBytes = await readManifestBytes(store);
    const manifest = parseManifest(store.location, manifestBytes);
    const weights = await store.read(manifest.weightsFile);
    if (weights === null && attempt < READ_ATTEMPTS) {
      const now = await store.read(MANIFEST_NAME);
      if (now !== null && !sameBytes(now, manifestBytes)) continue;
    }
    return { manifestBytes, manifest, weights: checkWeights(store, manifest, weights) };
  }
}

/**
 * Loads a trainer saved by {@link saveTrainer}, ready to continue exactly where it stopped.
 * @throws CheckpointError when the checkpoint is missing or corrupt.
 */
export async function loadTrainer(url: CheckpointLocation, overrides: LoadOverrides = {}): Promise<Trainer> {
  const store = await openCheckpointStore(url);
  const { manifest, weights: bytes } = await readCheckpoint(store);
  const where = describeValue(store.location);
  const penalties = overrides.penalties ?? restorePenalties(manifest.penalties, where);
  const allSpecs = [manifest.generator, manifest.discriminator, manifest.optimizers.generator, manifest.optimizers.discriminator, ...(manifest.ema ? [manifest.ema] : [])]
    .flatMap((record) => record.weights)
    .map((w) => ({ name: w.name, shape: w.shape, dtype: w.dtype }));
  let tensors: tf.NamedTensorMap;
  try {
    tensors = tf.io.decodeWeights(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer, allSpecs);
  } catch (error) {
    throw new CheckpointError(`checkpoint: ${where} is corrupt: its weights do not match the manifest (${(error as Error).message}).`, { cause: error });
  }
  const created: tf.LayersModel[] = [];
  try {
    const generatorModel = await restoreModel(manifest.generator, tensors, where, 'generator');
    created.push(generatorModel);
    const discriminatorModel = await restoreModel(manifest.discriminator, tensors, where, 'discriminator');
    created.push(discriminatorModel);
    const generator = new Generator(generatorModel, manifest.generator.spec as never);
    const discriminator = new Discriminator(discriminatorModel, manifest.discriminator.spec as never);
    const trainer = new Trainer({
      generator,
      discriminator,
      loss: overrides.loss ?? lossByName(manifest.loss.name, manifest.loss.config),
      penalties,
      generatorOptimizer: await restoreOptimizer(manifest.optimizers.generator, tensors, where),
      discriminatorOptimizer: await restoreOptimizer(manifest.optimizers.discriminator, tensors, where),
      discriminatorSteps: manifest.discriminatorSteps,
      seed: manifest.seed,
      auxiliaryClassifierWeight: manifest.auxiliaryClassifierWeight,
      ema: manifest.ema ? { decay: manifest.ema.decay, startStep: manifest.ema.startStep } : false,
      augment: manifest.augment as never,
      ...(manifest.progressive ? { progressive: manifest.progressive } : {}),
      ...(manifest.pathLength
        ? { pathLength: { weight: manifest.pathLength.weight, every: manifest.pathLength.every, decay: manifest.pathLength.decay } }
        : {}),
    });
    if (manifest.pathLength && trainer.pathLength) trainer.pathLength.mean = manifest.pathLength.mean;
    if (manifest.ema && trainer.ema) restoreEma(trainer.ema.generator.model, manifest.ema.weights, tensors, where);
    trainer.restoreStep(manifest.step);
    return trainer;
  } catch (error) {
    created.forEach((model) => model.dispose());
    if (error instanceof CheckpointError) throw error;
    throw new CheckpointError(`checkpoint: cannot restore ${where}: ${(error as Error).message}`, { cause: error });
  } finally {
    tf.dispose(Object.values(tensors));
  }
}

/**
 * Reads a checkpoint's files (the manifest and its weights file) from any location into memory, after
 * checking that the weights match the manifest: the in-memory form that every store writes, to move a
 * checkpoint between Node and a browser, or between stores.
 *
 * @param url - the checkpoint's location (`file://`, `indexeddb://`, a store).
 * @returns `{ 'gan.json': bytes, [weightsFile]: bytes }`.
 * @throws CheckpointError when the checkpoint is missing or corrupt.
 * @example
 * ```ts
 * const files = await exportCheckpoint('file://runs/ring');   // in Node
 * await importCheckpoint(files, 'indexeddb://ring');           // in a page, after sending the bytes
 * ```
 */
export async function exportCheckpoint(url: CheckpointLocation): Promise<CheckpointFiles> {
  const store = await openCheckpointStore(url);
  const { manifestBytes, manifest, weights } = await readCheckpoint(store);
  return { [MANIFEST_NAME]: manifestBytes, [manifest.weightsFile]: weights };
}

/**
 * Writes a checkpoint's files (from {@link exportCheckpoint}, a download or another machine) to a
 * location, atomically, replacing the checkpoint there. The files are checked first.
 *
 * @param files - the manifest `gan.json` and the weights file it names; other files are ignored.
 * @param url - where to write (`file://`, `indexeddb://`, a store).
 * @throws CheckpointError when the files are not a whole, valid checkpoint or cannot be written.
 */
export async function importCheckpoint(files: CheckpointFiles, url: CheckpointLocation): Promise<void> {
  const source = memoryStoreOf(files);
  const { manifestBytes, manifest, weights } = await readCheckpoint(source);
  const target = await openCheckpointStore(url);
  await commitCheckpoint(target, manifest.weightsFile, weights, manifestBytes);
}

/** A read-only view of in-memory files as a store (for checking them with the readers above). */
function memoryStoreOf(files: CheckpointFiles): Pick<CheckpointStore, 'location' | 'read'> & CheckpointStore {
  return {
    location: 'the given files',
    read: async (name) => (files !== null && typeof files === 'object' && files[name] instanceof Uint8Array ? files[name] : null),
    commit: async () => {
      throw new CheckpointError('checkpoint: the given files are read-only.');
    },
  };
}

/** The weights file of `manifest` (null when missing), checked against its size and checksum. */
function checkWeights(store: Pick<CheckpointStore, 'location'>, manifest: CheckpointManifest, bytes: Uint8Array | null): Uint8Array {
  const where = describeValue(store.location);
  if (bytes === null) {
    throw new CheckpointError(`checkpoint: ${where} is incomplete: its weights file '${manifest.weightsFile}' is missing.`);
  }
  if (bytes.byteLength !== manifest.weightsBytes || fnv1a(bytes) !== manifest.weightsChecksum) {
    throw new CheckpointError(
      `checkpoint: ${where} is corrupt: '${manifest.weightsFile}' has ${bytes.byteLength} bytes and checksum ${fnv1a(bytes)}, expected ${manifest.weightsBytes} bytes and checksum ${manifest.weightsChecksum}.`,
    );
  }
  return bytes;
}

function networkRecord(prefix: string, model: tf.LayersModel, out: NamedTensor[], spec: Record<string, unknown>): NetworkRecord {
  const weights = model.weights.map((weight, i) => {
    const tensor = weight.read();
    const name = `${prefix}/${i}`;
    out.push({ name, tensor });
    return { name, shape: [...tensor.shape], dtype: tensor.dtype as WeightEntry['dtype'] };
  });
  return { spec, topology: model.toJSON(null, false), weights };
}

async function optimizerRecord(prefix: string, optimizer: tf.Optimizer, out: NamedTensor[], fresh: tf.Tensor[]): Promise<OptimizerRecord> {
  const named = await optimizer.getWeights();
  // The optimizer's state lives in variables it owns; anything else (the step count) was made for us.
  for (const entry of named) if (!(entry.tensor instanceof tf.Variable)) fresh.push(entry.tensor);
  const weights = named.map((entry, i) => {
    const name = `${prefix}/${i}`;
    out.push({ name, tensor: entry.tensor });
    return { name, shape: [...entry.tensor.shape], dtype: entry.tensor.dtype as WeightEntry['dtype'] };
  });
  const extras: Record<string, number> = {};
  const fields = optimizer as unknown as Record<string, unknown>;
  for (const key of OPTIMIZER_EXTRA_SCALARS) {
    const value = fields[key];
    if (value instanceof tf.Tensor && value.size === 1) extras[key] = (await value.data())[0];
  }
  return { className: optimizer.getClassName(), config: optimizer.getConfig() as Record<string, unknown>, weights, extras };
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
  if (model.weights.length !== record.weights.length) {
    model.dispose();
    throw new CheckpointError(`checkpoint: ${where}: the ${what} has ${model.weights.length} weights but the checkpoint holds ${record.weights.length}.`);
  }
  model.setWeights(record.weights.map((w) => tensors[w.name]));
  return model;
}

function restorePenalties(saved: CheckpointManifest['penalties'], where: string): Penalty[] {
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

function restoreEma(model: tf.LayersModel, weights: WeightEntry[], tensors: tf.NamedTensorMap, where: string): void {
  if (model.weights.length !== weights.length) {
    throw new CheckpointError(`checkpoint: ${where}: the EMA generator has ${model.weights.length} weights but the checkpoint holds ${weights.length}.`);
  }
  model.setWeights(weights.map((w) => tensors[w.name]));
}

async function restoreOptimizer(record: OptimizerRecord, tensors: tf.NamedTensorMap, where: string): Promise<tf.Optimizer> {
  const entry = tf.serialization.SerializationMap.getMap().classNameMap[record.className];
  if (entry === undefined) {
    throw new CheckpointError(`checkpoint: ${where}: unknown optimizer class ${describeValue(record.className)}; register it with tf.serialization.registerClass.`);
  }
  // tfjs's Adam restores as the fused one, which computes it bit for bit, only faster (see fused-adam.ts).
  const [cls, fromConfig] = record.className === 'Adam' ? [FusedAdamOptimizer as unknown as typeof entry[0], entry[1]] : entry;
  const optimizer = fromConfig(cls, record.config as tf.serialization.ConfigDict) as unknown as tf.Optimizer;
  // setWeights makes new variables from the tensors it is given (sharing their data); give it copies so
  // the decoded map can be freed, and free the copies after: the variables keep the data alive.
  const copies = record.weights.map((w) => ({ name: w.name, tensor: tf.clone(tensors[w.name]) }));
  try {
    await optimizer.setWeights(copies);
  } finally {
    tf.dispose(copies.map((copy) => copy.tensor));
  }
  const fields = optimizer as unknown as Record<string, unknown>;
  for (const [key, value] of Object.entries(record.extras)) {
    const variable = fields[key];
    if (variable instanceof tf.Variable) {
      const scalar = tf.scalar(value, variable.dtype);
      variable.assign(scalar);
      scalar.dispose();
    }
  }
  return optimizer;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === b.byteLength && a.every((value, i) => value === b[i]);
}
