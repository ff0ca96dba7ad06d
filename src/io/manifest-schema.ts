/**
 * The schema of a checkpoint's manifest: every field's type and range, checked before anything is
 * built from it, so that a damaged or hand-edited `gan.json` gives a CheckpointError that names the
 * field, what was expected and what was received, never a TypeError from deep inside the loader.
 *
 * @packageDocumentation
 */
import { CheckpointError, describeValue } from '../errors.js';
import { MANIFEST_NAME, unsafeFileNameReason } from './checkpoint-names.js';
import type { CheckpointManifest, NetworkRecord, OptimizerRecord, WeightEntry } from './checkpoint-manifest.js';

type Json = Record<string, unknown>;

/** Bytes per element of each dtype in the weights file (tf.io.encodeWeights). */
const DTYPE_BYTES = Object.freeze({ float32: 4, int32: 4, bool: 1 } as const);

/** Scalars an optimizer record may carry besides its weights (Adam's running beta powers), each in [0, 1]. */
const OPTIMIZER_EXTRAS = Object.freeze(['accBeta1', 'accBeta2'] as const);

/** Optimizer config fields of tfjs's optimizers, with their ranges; other fields are left to the class. */
const OPTIMIZER_CONFIG_NUMBERS: Readonly<Record<string, { readonly min: number; readonly below?: number; readonly text: string }>> = Object.freeze({
  learningRate: { min: 0, text: 'a finite number >= 0' },
  beta1: { min: 0, below: 1, text: 'a number in [0, 1)' },
  beta2: { min: 0, below: 1, text: 'a number in [0, 1)' },
  epsilon: { min: 0, text: 'a finite number >= 0' },
  decay: { min: 0, text: 'a finite number >= 0' },
  rho: { min: 0, text: 'a finite number >= 0' },
  momentum: { min: 0, text: 'a finite number >= 0' },
  initialAccumulatorValue: { min: 0, text: 'a finite number >= 0' },
});
const OPTIMIZER_CONFIG_BOOLEANS = Object.freeze(['useNesterov', 'centered']);

/** Checks fields of one manifest and throws a CheckpointError naming the first bad one. */
class FieldReader {
  constructor(private readonly location: string) {}

  fail(field: string, expected: string, received: unknown): never {
    let text = describeValue(received);
    if (text.length > 120) text = `${text.slice(0, 117)}...`;
    throw new CheckpointError(
      `checkpoint: ${describeValue(this.location)} is corrupt: '${MANIFEST_NAME}' field '${field}' must be ${expected}, received ${text}.`,
    );
  }

  object(value: unknown, field: string, expected = 'an object'): Json {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) this.fail(field, expected, value);
    return value as Json;
  }

  /** A setting saved only when it is not its default, so its saved value is one of the other choices. */
  nonDefault<const T extends string>(value: unknown, field: string, choices: readonly T[], expected: string): T {
    if (!choices.includes(value as T)) this.fail(field, expected, value);
    return value as T;
  }

  array(value: unknown, field: string, expected: string): unknown[] {
    if (!Array.isArray(value)) this.fail(field, expected, value);
    return value;
  }

  string(value: unknown, field: string, pattern?: RegExp, expected = 'a non-empty string'): string {
    if (typeof value !== 'string' || value.length === 0 || (pattern !== undefined && !pattern.test(value))) this.fail(field, expected, value);
    return value;
  }

  integer(value: unknown, field: string, min: number): number {
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) this.fail(field, `an integer >= ${min}`, value);
    return value;
  }

  number(value: unknown, field: string, min: number | undefined, below: number | undefined, expected: string): number {
    const ok = typeof value === 'number' && Number.isFinite(value) && (min === undefined || value >= min) && (below === undefined || value < below);
    if (!ok) this.fail(field, expected, value);
    return value as number;
  }

  optional<T>(value: unknown, read: (present: unknown) => T): T | undefined {
    return value === undefined ? undefined : read(value);
  }

  weights(value: unknown, field: string, seen: Set<string>): WeightEntry[] {
    return this.array(value, field, 'an array of { name, shape, dtype }').map((item, i) => {
      const entry = this.object(item, `${field}[${i}]`, 'a weight entry { name, shape, dtype }');
      const name = this.string(entry.name, `${field}[${i}].name`);
      if (seen.has(name)) this.fail(`${field}[${i}].name`, 'a name used by no other weight', name);
      seen.add(name);
      const shape = this.array(entry.shape, `${field}[${i}].shape`, 'an array of integers >= 0').map((d, j) =>
        this.integer(d, `${field}[${i}].shape[${j}]`, 0),
      );
      if (!(typeof entry.dtype === 'string' && entry.dtype in DTYPE_BYTES)) {
        this.fail(`${field}[${i}].dtype`, `one of ${describeValue(Object.keys(DTYPE_BYTES))}`, entry.dtype);
      }
      return { name, shape, dtype: entry.dtype as WeightEntry['dtype'] };
    });
  }

  named(value: unknown, field: string): { name: string; config: Json } {
    const record = this.object(value, field, 'an object { name, config }');
    return { name: this.string(record.name, `${field}.name`), config: this.object(record.config, `${field}.config`) };
  }

  network(value: unknown, field: string, seen: Set<string>): NetworkRecord {
    const record = this.object(value, field, 'a network record { spec, topology, weights }');
    return {
      spec: this.object(record.spec, `${field}.spec`),
      topology: this.object(record.topology, `${field}.topology`, 'a Keras model topology (an object)'),
      weights: this.weights(record.weights, `${field}.weights`, seen),
    };
  }

  optimizer(value: unknown, field: string, seen: Set<string>): OptimizerRecord {
    const record = this.object(value, field, 'an optimizer record { className, config, weights, extras }');
    const className = this.string(record.className, `${field}.className`);
    const config = this.object(record.config, `${field}.config`);
    for (const [key, range] of Object.entries(OPTIMIZER_CONFIG_NUMBERS)) {
      if (config[key] !== undefined) this.number(config[key], `${field}.config.${key}`, range.min, range.below, range.text);
    }
    for (const key of OPTIMIZER_CONFIG_BOOLEANS) {
      if (config[key] !== undefined && typeof config[key] !== 'boolean') this.fail(`${field}.config.${key}`, 'true or false', config[key]);
    }
    const extras = this.object(record.extras ?? {}, `${field}.extras`, `an object of numbers with keys among ${describeValue([...OPTIMIZER_EXTRAS])}`);
    for (const [key, extra] of Object.entries(extras)) {
      if (!(OPTIMIZER_EXTRAS as readonly string[]).includes(key)) {
        this.fail(`${field}.extras`, `an object with keys among ${describeValue([...OPTIMIZER_EXTRAS])}`, key);
      }
      this.number(extra, `${field}.extras.${key}`, 0, undefined, 'a number in [0, 1]');
      if ((extra as number) > 1) this.fail(`${field}.extras.${key}`, 'a number in [0, 1]', extra);
    }
    return { className, config, weights: this.weights(record.weights, `${field}.weights`, seen), extras: extras as Record<string, number> };
  }
}

/**
 * Checks every field of a parsed manifest (whose `format` was checked) against the schema.
 *
 * @param raw - the parsed JSON object.
 * @param location - the checkpoint, for messages.
 * @returns the manifest, typed.
 * @throws CheckpointError naming the first bad field, what was expected and what was received.
 */
export function validateManifest(raw: Json, location: string): CheckpointManifest {
  const read = new FieldReader(location);
  const version = read.integer(raw.version, 'version', 1);
  const createdAt = read.string(raw.createdAt, 'createdAt', undefined, 'a date string');
  const step = read.integer(raw.step, 'step', 0);
  if (typeof raw.seed !== 'number' || !Number.isSafeInteger(raw.seed)) read.fail('seed', 'an integer', raw.seed);
  const seed = raw.seed as number;
  const sampling = read.optional(raw.sampling, (v) =>
    read.nonDefault(v, 'sampling', ['class-balanced', 'class-sqrt'], "'class-balanced' or 'class-sqrt' (the samplings other than the default 'shuffle')"),
  );
  const fakeLabels = read.optional(raw.fakeLabels, (v) =>
    read.nonDefault(v, 'fakeLabels', ['data', 'data-for-discriminator'], "'data' or 'data-for-discriminator' (the ways to draw them other than the default 'uniform')"),
  );
  const discriminatorSteps = read.integer(raw.discriminatorSteps, 'discriminatorSteps', 1);
  const auxiliaryClassifierWeight = read.optional(raw.auxiliaryClassifierWeight, (v) =>
    read.number(v, 'auxiliaryClassifierWeight', 0, undefined, 'a finite number >= 0'),
  );
  const auxiliaryClassifierBatches = read.optional(raw.auxiliaryClassifierBatches, (v) =>
    read.nonDefault(v, 'auxiliaryClassifierBatches', ['real'], "'real' (the only choice other than the default 'real-and-fake')"),
  );
  const loss = read.named(raw.loss, 'loss');
  const penalties = read.array(raw.penalties, 'penalties', 'an array of { name, config }').map((p, i) => {
    const named = read.named(p, `penalties[${i}]`);
    const state = read.optional((p as Record<string, unknown>).state, (v) => {
      const record = read.object(v, `penalties[${i}].state`, 'an object of finite numbers');
      for (const [key, value] of Object.entries(record)) read.number(value, `penalties[${i}].state.${key}`, undefined, undefined, 'a finite number');
      return record as Record<string, number>;
    });
    return { ...named, ...(state ? { state } : {}) };
  });
  const seen = new Set<string>();
  const generator = read.network(raw.generator, 'generator', seen);
  const discriminator = read.network(raw.discriminator, 'discriminator', seen);
  const optimizersRecord = read.object(raw.optimizers, 'optimizers', 'an object { generator, discriminator } of optimizer records');
  const optimizers = {
    generator: read.optimizer(optimizersRecord.generator, 'optimizers.generator', seen),
    discriminator: read.optimizer(optimizersRecord.discriminator, 'optimizers.discriminator', seen),
  };
  const ema = read.optional(raw.ema, (v) => {
    const record = read.object(v, 'ema', 'an object { decay, startStep, weights }');
    return {
      decay: read.number(record.decay, 'ema.decay', 0, 1, 'a number in [0, 1)'),
      startStep: read.integer(record.startStep, 'ema.startStep', 0),
      weights: read.weights(record.weights, 'ema.weights', seen),
    };
  });
  const weightsFile = raw.weightsFile;
  const unsafe = unsafeFileNameReason(weightsFile);
  if (unsafe !== undefined) {
    read.fail('weightsFile', `a plain file name inside the checkpoint (no '/', '\\', '..', NUL or absolute path; ${unsafe})`, weightsFile);
  }
  const weightsBytes = read.integer(raw.weightsBytes, 'weightsBytes', 0);
  const weightsChecksum = read.string(raw.weightsChecksum, 'weightsChecksum', /^[0-9a-f]{8}$/, '8 hex digits (FNV-1a)');
  const expectedBytes = [generator, discriminator, optimizers.generator, optimizers.discriminator, ...(ema ? [ema] : [])]
    .flatMap((record) => record.weights)
    .reduce((sum, w) => sum + w.shape.reduce((a, b) => a * b, 1) * DTYPE_BYTES[w.dtype], 0);
  if (expectedBytes !== weightsBytes) read.fail('weightsBytes', `${expectedBytes} (the size of the weights it lists)`, weightsBytes);
  const metadata = read.object(raw.metadata, 'metadata');
  const augment = read.optional(raw.augment, (v) => read.array(v, 'augment', 'an array of augmentation names').map((name, i) => read.string(name, `augment[${i}]`)));
  const augmentDraws = read.optional(raw.augmentDraws, (v) =>
    read.nonDefault(v, 'augmentDraws', ['class'], "'class' (the only way to draw the augmentation other than the default 'sample')"),
  );
  const progressive = read.optional(raw.progressive, (v) => {
    const record = read.object(v, 'progressive', 'an object { startResolution, fadeSteps, stableSteps }');
    return {
      startResolution: read.integer(record.startResolution, 'progressive.startResolution', 1),
      fadeSteps: read.integer(record.fadeSteps, 'progressive.fadeSteps', 1),
      stableSteps: read.integer(record.stableSteps, 'progressive.stableSteps', 0),
    };
  });
  const pathLength = read.optional(raw.pathLength, (v) => {
    const record = read.object(v, 'pathLength', 'an object { weight, every, decay, mean }');
    return {
      weight: read.number(record.weight, 'pathLength.weight', 0, undefined, 'a finite number >= 0'),
      every: read.integer(record.every, 'pathLength.every', 1),
      decay: read.number(record.decay, 'pathLength.decay', Number.MIN_VALUE, undefined, 'a number in (0, 1]'),
      mean: read.number(record.mean, 'pathLength.mean', undefined, undefined, 'a finite number'),
    };
  });
  if (pathLength !== undefined && pathLength.decay > 1) read.fail('pathLength.decay', 'a number in (0, 1]', pathLength.decay);
  const modeSeeking = read.optional(raw.modeSeeking, (v) => {
    const record = read.object(v, 'modeSeeking', 'an object { weight, poolSize? }');
    const weight = read.number(record.weight, 'modeSeeking.weight', 0, undefined, 'a finite number >= 0');
    const poolSize = read.optional(record.poolSize, (p) => read.integer(p, 'modeSeeking.poolSize', 1));
    return { weight, ...(poolSize !== undefined ? { poolSize } : {}) };
  });
  const conditioningTransition = read.optional(raw.conditioningTransition, (v) => {
    const record = read.object(v, 'conditioningTransition', 'an object { start, end }');
    const start = read.integer(record.start, 'conditioningTransition.start', 0);
    return { start, end: read.integer(record.end, 'conditioningTransition.end', start + 1) };
  });
  return {
    format: 'tfjs-gan-checkpoint',
    version,
    ...(raw.checksum !== undefined ? { checksum: raw.checksum as string } : {}),
    createdAt,
    step,
    seed,
    ...(sampling !== undefined ? { sampling } : {}),
    ...(fakeLabels !== undefined ? { fakeLabels } : {}),
    discriminatorSteps,
    ...(auxiliaryClassifierWeight !== undefined ? { auxiliaryClassifierWeight } : {}),
    ...(auxiliaryClassifierBatches !== undefined ? { auxiliaryClassifierBatches } : {}),
    loss,
    penalties,
    generator,
    discriminator,
    optimizers,
    weightsFile: weightsFile as string,
    weightsBytes,
    weightsChecksum,
    metadata,
    ...(ema ? { ema } : {}),
    ...(augment ? { augment } : {}),
    ...(augmentDraws !== undefined ? { augmentDraws } : {}),
    ...(progressive ? { progressive } : {}),
    ...(pathLength ? { pathLength } : {}),
    ...(modeSeeking ? { modeSeeking } : {}),
    ...(conditioningTransition ? { conditioningTransition } : {}),
  };
}
