/**
 * The manifest `gan.json` of a checkpoint: its types, its checksum, and reading it from bytes with
 * every field checked against its schema (see manifest-schema.ts).
 *
 * Versions: `version` is 1 since the first release; fields added later are optional (`ema`, `augment`,
 * `checksum`, ...) so that older manifests still load and older readers skip what they do not know. A
 * manifest with a `checksum` must match it; a manifest without one (saved before tfjs-gan wrote
 * checksums) is loaded after the schema check alone.
 *
 * @packageDocumentation
 */
import { CheckpointError, describeValue } from '../errors.js';
import { canonicalJson, sha256 } from '../util/checksum.js';
import { MANIFEST_NAME } from './checkpoint-names.js';
import { validateManifest } from './manifest-schema.js';

/** Format tag and version of the manifest; a newer version is refused. */
export const CHECKPOINT_FORMAT = 'tfjs-gan-checkpoint';
/** The manifest version this release writes and the newest it reads. */
export const CHECKPOINT_VERSION = 1;

/** One tensor in the weights file. */
export interface WeightEntry {
  /** The tensor's name in the weights file, e.g. `generator/0`. */
  readonly name: string;
  /** The tensor's shape. */
  readonly shape: number[];
  /** The tensor's data type. */
  readonly dtype: 'float32' | 'int32' | 'bool';
}

/** A network in the manifest: its spec, topology and weights. */
export interface NetworkRecord {
  /** The network's spec: its {@link GeneratorSpec} or {@link DiscriminatorSpec} as plain JSON. */
  readonly spec: Record<string, unknown>;
  /** The model's topology as `tf.LayersModel.toJSON` writes it. */
  readonly topology: unknown;
  /** The model's weights, in the order of `model.weights`. */
  readonly weights: WeightEntry[];
}

/** An optimizer in the manifest: its class, config, state tensors and extra scalars. */
export interface OptimizerRecord {
  /** The optimizer's registered class name, e.g. `Adam`. */
  readonly className: string;
  /** The optimizer's `getConfig()`. */
  readonly config: Record<string, unknown>;
  /** The optimizer's state tensors (moments and the like). */
  readonly weights: WeightEntry[];
  /** Scalar state that is not a variable (such as Adam's beta powers), by field name. */
  readonly extras: Record<string, number>;
}

/** The manifest `gan.json` of a checkpoint. */
export interface CheckpointManifest {
  /** Always {@link CHECKPOINT_FORMAT}. */
  readonly format: typeof CHECKPOINT_FORMAT;
  /** The manifest's format version, at most {@link CHECKPOINT_VERSION}. */
  readonly version: number;
  /**
   * `sha256:<64 hex digits>` of the manifest's canonical JSON (keys sorted, no whitespace) without this
   * field: detects a manifest changed after it was saved. Absent in manifests saved before it existed.
   */
  readonly checksum?: string;
  /** When the checkpoint was saved, as an ISO 8601 date string. */
  readonly createdAt: string;
  /** The trainer's step count when saved. */
  readonly step: number;
  /** The trainer's seed. */
  readonly seed: number;
  /** How the trainer draws real batches (`TrainerConfig.sampling`); absent for the default `'shuffle'`. */
  readonly sampling?: 'class-balanced' | 'class-sqrt';
  /** How the trainer draws the fakes' labels (`TrainerConfig.fakeLabels`); absent for the default `'uniform'`. */
  readonly fakeLabels?: 'data' | 'data-for-discriminator';
  /** Discriminator updates per generator update. */
  readonly discriminatorSteps: number;
  /** The weight of the auxiliary classifier's loss (ACGAN); absent in checkpoints older than it (then 1). */
  readonly auxiliaryClassifierWeight?: number;
  /** Which batches train the auxiliary classifier (`TrainerConfig.auxiliaryClassifierBatches`); absent for the default `'real-and-fake'`. */
  readonly auxiliaryClassifierBatches?: 'real';
  /** The loss. */
  readonly loss: {
    /** The loss's name (see `losses.lossByName`). */
    readonly name: string;
    /** The loss's options. */
    readonly config: Record<string, unknown>;
  };
  /** The penalties, in the order they are applied. */
  readonly penalties: {
    /** The penalty's name (see `penalties.penaltyByName`). */
    readonly name: string;
    /** The penalty's options. */
    readonly config: Record<string, unknown>;
    /** A stateful penalty's state (`Penalty.state`, e.g. LeCam's moving averages); absent for the others. */
    readonly state?: Record<string, number>;
  }[];
  /** The generator. */
  readonly generator: NetworkRecord;
  /** The discriminator. */
  readonly discriminator: NetworkRecord;
  /** The two optimizers. */
  readonly optimizers: {
    /** The generator's optimizer. */
    readonly generator: OptimizerRecord;
    /** The discriminator's optimizer. */
    readonly discriminator: OptimizerRecord;
  };
  /** The weights file: a plain file name inside the checkpoint. */
  readonly weightsFile: string;
  /** The size of the weights file in bytes. */
  readonly weightsBytes: number;
  /** The FNV-1a hash of the weights file, as 8 hex digits. */
  readonly weightsChecksum: string;
  /** Free-form JSON the caller stored with the checkpoint (the CLI keeps its settings here). */
  readonly metadata: Record<string, unknown>;
  /** The generator's moving average (`TrainerConfig.ema`): its config and weights; absent without EMA. */
  readonly ema?: {
    /** The average's decay per step. */
    readonly decay: number;
    /** The step from which the average is updated. */
    readonly startStep: number;
    /** The averaged generator's weights. */
    readonly weights: WeightEntry[];
  };
  /** The DiffAugment policy (`TrainerConfig.augment`); absent when empty. */
  readonly augment?: string[];
  /** How the augmentation's draws are spread over a batch (`TrainerConfig.augmentDraws`); absent for the default `'sample'`. */
  readonly augmentDraws?: 'class';
  /** The progressive-growing schedule's options (`TrainerConfig.progressive`); absent without one. */
  readonly progressive?: {
    /** The resolution training starts at. */
    readonly startResolution: number;
    /** Steps spent fading in each new resolution. */
    readonly fadeSteps: number;
    /** Steps spent at each resolution once faded in. */
    readonly stableSteps: number;
  };
  /** The path length regularizer's options and its moving average (`TrainerConfig.pathLength`); absent without one. */
  readonly pathLength?: {
    /** The regularizer's weight. */
    readonly weight: number;
    /** Steps between applications of the regularizer. */
    readonly every: number;
    /** Decay of the moving average of path lengths. */
    readonly decay: number;
    /** The moving average of path lengths when saved. */
    readonly mean: number;
  };
  /** The mode-seeking regularizer's options (`TrainerConfig.modeSeeking`); absent without one. */
  readonly modeSeeking?: {
    /** The term's weight. */
    readonly weight: number;
    /** The side of the blocks images are averaged over before they are compared; absent: 1 (pixels). */
    readonly poolSize?: number;
  };
  /** The conditioning transition's steps (`TrainerConfig.conditioningTransition`); absent without one. */
  readonly conditioningTransition?: {
    /** The first step at which the class has any weight. */
    readonly start: number;
    /** The step from which the class has its full weight (> start). */
    readonly end: number;
  };
}

/** A manifest being written, before its checksum is added. */
export type UnsignedManifest = Omit<CheckpointManifest, 'checksum'>;

const CHECKSUM_PATTERN = /^sha256:[0-9a-f]{64}$/;

/**
 * The checksum of a manifest: SHA-256 of its canonical JSON without the `checksum` field.
 *
 * @param manifest - the manifest as parsed from JSON (or about to be written as JSON).
 * @returns `sha256:<64 hex digits>`.
 */
export function manifestChecksum(manifest: Readonly<Record<string, unknown>>): string {
  const { checksum: _ignored, ...content } = manifest;
  return `sha256:${sha256(new TextEncoder().encode(canonicalJson(content)))}`;
}

/**
 * The bytes of `gan.json` for a manifest: its JSON with the checksum of its content added.
 *
 * @param manifest - the manifest without checksum.
 * @returns UTF-8 JSON.
 */
export function encodeManifest(manifest: UnsignedManifest): Uint8Array {
  // The checksum is taken of the JSON as a reader will parse it (undefined fields dropped, numbers as written).
  const parsed = JSON.parse(JSON.stringify(manifest)) as Record<string, unknown>;
  return new TextEncoder().encode(JSON.stringify({ ...parsed, checksum: manifestChecksum(parsed) }, null, 1));
}

/**
 * Reads a manifest from its bytes: parses it, checks its format and version, every field against the
 * schema, and its checksum when it has one.
 *
 * @param location - the checkpoint, for messages.
 * @param bytes - the content of `gan.json`.
 * @returns the manifest.
 * @throws CheckpointError naming the field, what was expected and what was received, or saying that
 *   the manifest was changed after it was saved.
 */
export function parseManifest(location: string, bytes: Uint8Array): CheckpointManifest {
  const where = describeValue(location);
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(bytes));
  } catch (error) {
    throw new CheckpointError(`checkpoint: ${where} is corrupt: '${MANIFEST_NAME}' is not valid JSON (${(error as Error).message}).`, { cause: error });
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new CheckpointError(`checkpoint: ${where} is corrupt: '${MANIFEST_NAME}' must hold a JSON object, received ${describeValue(parsed)}.`);
  }
  const raw = parsed as Record<string, unknown>;
  if (raw.format !== CHECKPOINT_FORMAT) {
    throw new CheckpointError(
      `checkpoint: ${where} is not a tfjs-gan checkpoint: '${MANIFEST_NAME}' has format ${describeValue(raw.format)}, expected ${describeValue(CHECKPOINT_FORMAT)}.`,
    );
  }
  if (typeof raw.version === 'number' && Number.isInteger(raw.version) && raw.version > CHECKPOINT_VERSION) {
    throw new CheckpointError(
      `checkpoint: ${where} has format version ${describeValue(raw.version)}; this tfjs-gan reads versions up to ${CHECKPOINT_VERSION}. Upgrade tfjs-gan.`,
    );
  }
  const manifest = validateManifest(raw, location);
  if (raw.checksum !== undefined) {
    if (typeof raw.checksum !== 'string' || !CHECKSUM_PATTERN.test(raw.checksum)) {
      throw new CheckpointError(
        `checkpoint: ${where} is corrupt: '${MANIFEST_NAME}' field 'checksum' must be 'sha256:' and 64 hex digits, received ${describeValue(raw.checksum)}.`,
      );
    }
    const actual = manifestChecksum(raw);
    if (actual !== raw.checksum) {
      throw new CheckpointError(
        `checkpoint: ${where} is corrupt: '${MANIFEST_NAME}' was changed after it was saved: its content hashes to ${actual}, expected its 'checksum' ${raw.checksum}.`,
      );
    }
  }
  return manifest;
}
