/**
 * The argument checks that every folder uses: integers and numbers in a range, booleans, one-of lists,
 * strings, class names, seeds and options objects with known names. Internal: not re-exported from the
 * package.
 *
 * Every check throws a {@link ConfigError} (or the error class passed as `how.error`) whose message reads
 * `<owner>: '<name>' must be <expected>[<note>], received <value>.`: it names the function or class that
 * received the value, the argument, what was expected and what was received. Every check returns the
 * value, typed, so that a check and its assignment are one line:
 *
 * ```ts
 * const every = checkInt(options.every, 'every', owner, 1);
 * ```
 *
 * @packageDocumentation
 */
import { ConfigError, describeValue } from '../errors.js';

/** An error class a check can throw instead of {@link ConfigError}, e.g. `DataError` for a file's contents. */
export type ErrorClass = new (message: string) => Error;

/** How a check reports a failure. */
export interface CheckHow {
  /** The error class to throw. @defaultValue ConfigError */
  readonly error?: ErrorClass;
  /**
   * Text appended as written after the expectation, e.g. `' (1 = no packing)'` or `', e.g. 0.999'`:
   * `'packing' must be an integer >= 1 (1 = no packing), received 0.`
   */
  readonly note?: string;
}

/**
 * The error for a value that is not what was expected:
 * `<owner>: '<name>' must be <expected>[<note>], received <value>.`
 *
 * For checks with no helper of their own, so that their messages read like every other check's.
 *
 * @param owner - the function or class that received the value, e.g. `'mnist'` or `'Trainer.fit'`.
 * @param name - the argument or option, as the user wrote it, e.g. `'batchSize'` or `'ema.decay'`.
 * @param expected - what was expected, e.g. `'an integer >= 1'`.
 * @param value - the value received.
 */
export function invalidValue(owner: string, name: string, expected: string, value: unknown, how: CheckHow = {}): Error {
  const ErrorType = how.error ?? ConfigError;
  return new ErrorType(`${owner}: '${name}' must be ${expected}${how.note ?? ''}, received ${describeValue(value)}.`);
}

/** Options of {@link checkInt}. */
export interface IntCheckHow extends CheckHow {
  /** Also accept `Infinity` ("no limit"): `must be an integer >= 1 or Infinity`. */
  readonly orInfinity?: boolean;
}

/**
 * Checks that `value` is an integer in `[min, max]`.
 *
 * The message states the range as it is bounded: `an integer`, `an integer >= 1`, `an integer <= 9`
 * or `an integer in [1, 9]`.
 *
 * @param value - the value received.
 * @param name - the argument or option, as the user wrote it.
 * @param owner - the function or class that received it.
 * @param min - smallest accepted value. @defaultValue -Infinity
 * @param max - largest accepted value. @defaultValue Infinity
 * @returns the value, typed as a number.
 * @throws ConfigError (or `how.error`) naming the owner, the argument, the range and the value received.
 */
export function checkInt(value: unknown, name: string, owner: string, min = -Infinity, max = Infinity, how: IntCheckHow = {}): number {
  if (typeof value === 'number' && ((Number.isInteger(value) && value >= min && value <= max) || (how.orInfinity === true && value === Infinity))) {
    return value;
  }
  throw invalidValue(owner, name, `an integer${rangeText(min, max, false, false)}${how.orInfinity === true ? ' or Infinity' : ''}`, value, how);
}

/**
 * Checks that `value` is an integer >= 1.
 * @returns the value, typed as a number.
 * @throws ConfigError (or `how.error`): `<owner>: '<name>' must be an integer >= 1, received <value>.`
 */
export function checkPositiveInt(value: unknown, name: string, owner: string, how: CheckHow = {}): number {
  return checkInt(value, name, owner, 1, Infinity, how);
}

/** The accepted range of {@link checkNumber}; each bound is inclusive unless marked exclusive. */
export interface NumberRange {
  /** Smallest accepted value. @defaultValue -Infinity */
  readonly min?: number;
  /** Largest accepted value. @defaultValue Infinity */
  readonly max?: number;
  /** Refuse `min` itself: `> min`. */
  readonly minExclusive?: boolean;
  /** Refuse `max` itself: `< max`. */
  readonly maxExclusive?: boolean;
}

/**
 * Checks that `value` is a finite number in `range`.
 *
 * The message states the range as it is bounded: `a finite number`, `a finite number > 0`,
 * `a finite number <= 1`, or with both bounds `a number in [0, 1)`.
 *
 * @param value - the value received.
 * @param name - the argument or option, as the user wrote it.
 * @param owner - the function or class that received it.
 * @param range - the accepted range. @defaultValue every finite number
 * @returns the value, typed as a number.
 * @throws ConfigError (or `how.error`) naming the owner, the argument, the range and the value received.
 */
export function checkNumber(value: unknown, name: string, owner: string, range: NumberRange = {}, how: CheckHow = {}): number {
  const { min = -Infinity, max = Infinity, minExclusive = false, maxExclusive = false } = range;
  if (
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (minExclusive ? value > min : value >= min) &&
    (maxExclusive ? value < max : value <= max)
  ) {
    return value;
  }
  const bounded = min !== -Infinity && max !== Infinity;
  throw invalidValue(owner, name, `${bounded ? 'a number' : 'a finite number'}${rangeText(min, max, minExclusive, maxExclusive)}`, value, how);
}

/** ` >= 1`, ` < 2`, ` in [0, 1)`, or nothing when unbounded. */
function rangeText(min: number, max: number, minExclusive: boolean, maxExclusive: boolean): string {
  if (min !== -Infinity && max !== Infinity) {
    return ` in ${minExclusive ? '(' : '['}${min}, ${max}${maxExclusive ? ')' : ']'}`;
  }
  if (min !== -Infinity) return ` ${minExclusive ? '>' : '>='} ${min}`;
  if (max !== Infinity) return ` ${maxExclusive ? '<' : '<='} ${max}`;
  return '';
}

/**
 * Checks that `value` is a boolean.
 * @returns the value, typed as a boolean.
 * @throws ConfigError (or `how.error`): `<owner>: '<name>' must be a boolean, received <value>.`
 */
export function checkBoolean(value: unknown, name: string, owner: string, how: CheckHow = {}): boolean {
  if (typeof value === 'boolean') return value;
  throw invalidValue(owner, name, 'a boolean', value, how);
}

/**
 * Checks that `value` is a non-empty string.
 * @returns the value, typed as a string.
 * @throws ConfigError (or `how.error`): `<owner>: '<name>' must be a non-empty string, received <value>.`
 */
export function checkNonEmptyString(value: unknown, name: string, owner: string, how: CheckHow = {}): string {
  if (typeof value === 'string' && value.length > 0) return value;
  throw invalidValue(owner, name, 'a non-empty string', value, how);
}

/**
 * Checks that `value` is one of `allowed`.
 * @param allowed - the accepted values, listed in the message.
 * @returns the value, typed as one of `allowed`.
 * @throws ConfigError (or `how.error`): `<owner>: '<name>' must be one of ["a", "b"], received <value>.`
 */
export function checkOneOf<T>(value: unknown, allowed: readonly T[], name: string, owner: string, how: CheckHow = {}): T {
  if ((allowed as readonly unknown[]).includes(value)) return value as T;
  throw invalidValue(owner, name, `one of ${describeValue(allowed)}`, value, how);
}

/**
 * Checks an optional seed: undefined or an integer.
 * @returns the seed, or undefined.
 * @throws ConfigError (or `how.error`): `<owner>: 'seed' must be an integer, received <value>.`
 */
export function checkSeed(value: unknown, owner: string, name = 'seed', how: CheckHow = {}): number | undefined {
  return value === undefined ? undefined : checkInt(value, name, owner, -Infinity, Infinity, how);
}

/**
 * Checks optional class names: distinct non-empty strings; exactly `numClasses` of them when given.
 *
 * @param value - the value received.
 * @param owner - the function or class that received it.
 * @param numClasses - the number of classes the names must match (0 = unconditional: no names), or
 *   undefined when any non-zero number of names will do (a dataset takes its classes from them).
 * @returns the names as a frozen copy, or undefined.
 * @throws ConfigError naming the owner, what was expected and what was received.
 */
export function checkClassNames(value: unknown, owner: string, numClasses?: number): readonly string[] | undefined {
  if (value === undefined) return undefined;
  if (numClasses === 0) {
    throw new ConfigError(
      `${owner}: 'classNames' were given, but 'numClasses' is 0 (unconditional). ` +
        `Expected no class names, or numClasses ${Array.isArray(value) ? value.length : '>= 2'}.`,
    );
  }
  const valid =
    Array.isArray(value) &&
    value.length > 0 &&
    (numClasses === undefined || value.length === numClasses) &&
    value.every((name) => typeof name === 'string' && name.length > 0) &&
    new Set(value).size === value.length;
  if (!valid) {
    throw invalidValue(
      owner,
      'classNames',
      numClasses === undefined
        ? 'a non-empty array of unique non-empty strings'
        : `${numClasses} distinct non-empty strings (one per class)`,
      value,
    );
  }
  return Object.freeze([...(value as string[])]);
}

/** Whether `value` is an options object: an object, not null, not an array. */
export function isOptionsObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Options of {@link checkOptions}. */
export interface OptionsCheckHow extends CheckHow {
  /** Prefix of nested options in the message, e.g. `'ema.'`. */
  readonly path?: string;
  /** Refuse undefined too (the options hold a required option). */
  readonly required?: boolean;
  /**
   * What the message says was expected, e.g. `"an object { steps, batchSize, ... }"`.
   * @defaultValue 'an object'
   */
  readonly expected?: string;
}

/**
 * Checks that `options` is undefined (unless `how.required`) or an options object with no names besides
 * `known`.
 *
 * @param options - the options object received.
 * @param known - the option names the owner accepts.
 * @param owner - the function or class that received it.
 * @returns the options, or an empty object when undefined.
 * @throws ConfigError (or `how.error`) on a non-object (`'options' must be an object, received 3.`) or on
 *   an unknown name, as {@link checkKnownOptions} reports it.
 */
export function checkOptions<T extends object>(options: T | undefined, known: readonly string[], owner: string, how: OptionsCheckHow = {}): T {
  if (options === undefined && how.required !== true) return {} as T;
  if (!isOptionsObject(options)) throw invalidValue(owner, `${how.path ?? ''}options`, how.expected ?? 'an object', options, how);
  checkKnownOptions(options, known, owner, how.path, how);
  return options;
}

/**
 * Rejects option names that the owner does not know, so typos are not silently ignored: the error names
 * the unknown name, the close known name when there is one ({@link closestName}), and every known name:
 * `Trainer: unknown option 'emma'. Did you mean 'ema'? Expected one of ["generator", ...].`
 *
 * @param options - the options object received (an object; see {@link isOptionsObject}).
 * @param known - the option names the owner accepts.
 * @param owner - the function or class that received it.
 * @param path - prefix of nested options in the message, e.g. `'ema.'`.
 * @throws ConfigError (or `how.error`) on the first unknown name.
 */
export function checkKnownOptions(options: object, known: readonly string[], owner: string, path = '', how: CheckHow = {}): void {
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      const close = closestName(key, known);
      const hint = close === undefined ? '' : ` Did you mean '${path}${close}'?`;
      const ErrorType = how.error ?? ConfigError;
      throw new ErrorType(`${owner}: unknown option '${path}${key}'.${hint} Expected one of ${describeValue(known)}.`);
    }
  }
}

/**
 * The known name closest to `name`: the same letters in another case (`batchsize`: `batchSize`), else
 * the nearest by edit distance when it is at most 2 edits, or a third of the name for long names.
 * @returns the close known name, or undefined when none is close.
 */
export function closestName(name: string, known: readonly string[]): string | undefined {
  const lower = name.toLowerCase();
  const sameLetters = known.find((k) => k.toLowerCase() === lower);
  if (sameLetters !== undefined) return sameLetters;
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(name.length / 3)) + 1;
  for (const candidate of known) {
    const distance = editDistance(lower, candidate.toLowerCase());
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  return best;
}

/** Levenshtein distance: insertions, deletions and substitutions. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}
