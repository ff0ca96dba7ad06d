/**
 * Errors thrown by tfjs-gan. Every error is a {@link GanError} with a literal `code`, and its message
 * names the argument, what was expected and what was received.
 *
 * @packageDocumentation
 */

/** The codes a {@link GanError} can carry, one per kind of failure. */
export type GanErrorCode =
  | 'CONFIG'
  | 'SHAPE'
  | 'BACKEND'
  | 'DATA'
  | 'CHECKPOINT'
  | 'TRAINING';

/**
 * Base class of every error that tfjs-gan throws on purpose.
 *
 * Each class names itself with a string literal (`override name = 'ConfigError'`), not with its
 * constructor's name: minifiers rename classes, and `error.name` must read the same in a minified bundle.
 */
export class GanError extends Error {
  /** The class name, `'GanError'`. */
  override name: string = 'GanError';
  /** A literal code that tells the kind of failure without parsing the message. */
  readonly code: GanErrorCode;

  constructor(code: GanErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** A bad option or argument: unknown name, out-of-range value, wrong type. */
export class ConfigError extends GanError {
  /** The class name, `'ConfigError'`. */
  override name: string = 'ConfigError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('CONFIG', message, options);
  }
}

/** A tensor or array whose shape does not match what a model or function expects. */
export class ShapeError extends GanError {
  /** The class name, `'ShapeError'`. */
  override name: string = 'ShapeError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('SHAPE', message, options);
  }
}

/** A backend that cannot be loaded, initialised or that lacks what training needs. */
export class BackendError extends GanError {
  /** The class name, `'BackendError'`. */
  override name: string = 'BackendError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('BACKEND', message, options);
  }
}

/** Data that cannot be read or used: missing files, corrupt files, NaN values, bad labels. */
export class DataError extends GanError {
  /** The class name, `'DataError'`. */
  override name: string = 'DataError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('DATA', message, options);
  }
}

/** A checkpoint that is missing, corrupt, of an unknown version, or that cannot be written. */
export class CheckpointError extends GanError {
  /** The class name, `'CheckpointError'`. */
  override name: string = 'CheckpointError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('CHECKPOINT', message, options);
  }
}

/** Training that cannot go on, such as a loss that became NaN or infinite. */
export class TrainingError extends GanError {
  /** The class name, `'TrainingError'`. */
  override name: string = 'TrainingError';
  /** The training step at which the failure was detected. */
  readonly step: number;

  constructor(message: string, step: number, options?: { cause?: unknown }) {
    super('TRAINING', message, options);
    this.step = step;
  }
}

/** Formats a value for an error message: shapes as `[a, b]`, strings quoted, others as JSON. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value == null) return String(value);
  if (Array.isArray(value)) return `[${value.map(describeValue).join(', ')}]`;
  if (typeof value === 'function') return 'a function';
  try {
    return JSON.stringify(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}
