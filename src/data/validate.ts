/**
 * Argument checks shared by the data loaders. Internal: not re-exported from the package.
 *
 * @packageDocumentation
 */
import { ConfigError, describeValue } from '../errors.js';

/**
 * Checks that `value` is an integer in `[min, max]`.
 *
 * @param value - the value received.
 * @param name - the argument or option name, as the user wrote it.
 * @param owner - the function that received it, e.g. `'mnist'`.
 * @param min - smallest accepted value.
 * @param max - largest accepted value.
 * @returns the value, typed as a number.
 * @throws ConfigError naming the owner, the argument, the accepted range and the value received.
 */
export function checkInt(value: unknown, name: string, owner: string, min: number, max = Infinity): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const range = max === Infinity ? `>= ${min}` : `in [${min}, ${max}]`;
    throw new ConfigError(`${owner}: '${name}' must be an integer ${range}, received ${describeValue(value)}.`);
  }
  return value;
}

/**
 * Checks that `options` is undefined or a plain object with no keys besides `known`.
 *
 * @param options - the options object received.
 * @param known - the option names the owner accepts.
 * @param owner - the function that received it.
 * @returns the options, or an empty object when undefined.
 * @throws ConfigError on a non-object or an unknown key (typos are not silently ignored).
 */
export function checkOptions<T extends object>(options: T | undefined, known: readonly string[], owner: string): T {
  if (options === undefined) return {} as T;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new ConfigError(`${owner}: 'options' must be an object, received ${describeValue(options)}.`);
  }
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw new ConfigError(`${owner}: unknown option '${key}'. Expected one of ${describeValue(known)}.`);
    }
  }
  return options;
}

/**
 * Checks an optional list of class names: unique non-empty strings.
 *
 * @param value - the value received.
 * @param owner - the function that received it.
 * @returns the names as a frozen array, or undefined.
 * @throws ConfigError when it is not an array of unique non-empty strings.
 */
export function checkClassNames(value: unknown, owner: string): readonly string[] | undefined {
  if (value === undefined) return undefined;
  if (
    !Array.isArray(value) ||
    value.length === 0 ||
    value.some((name) => typeof name !== 'string' || name.length === 0) ||
    new Set(value).size !== value.length
  ) {
    throw new ConfigError(
      `${owner}: 'classNames' must be a non-empty array of unique non-empty strings, received ${describeValue(value)}.`,
    );
  }
  return Object.freeze([...(value as string[])]);
}
