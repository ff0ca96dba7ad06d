/**
 * The shared argument checks: each returns the value when it is valid and otherwise throws a ConfigError
 * (or the class passed in) whose message names the owner, the argument, what was expected and what was
 * received.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, DataError } from '../../src/errors.js';
import {
  checkBoolean,
  checkClassNames,
  checkInt,
  checkKnownOptions,
  checkNonEmptyString,
  checkNumber,
  checkOneOf,
  checkOptions,
  checkPositiveInt,
  checkSeed,
  closestName,
  invalidValue,
  isOptionsObject,
} from '../../src/util/validate.js';

/** The error `fn` throws, failing the test when it throws none. */
function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a throw');
}

describe('invalidValue', () => {
  it('names the owner, the argument, the expectation, the note and the value', () => {
    const error = invalidValue('mnist', 'count', 'an integer >= 1', 'x', { note: ' (images)' });
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toBe(`mnist: 'count' must be an integer >= 1 (images), received "x".`);
    expect(invalidValue('idx', 'rows', 'an integer', 1.5, { error: DataError })).toBeInstanceOf(DataError);
  });
});

describe('checkInt', () => {
  it('returns integers in range', () => {
    expect(checkInt(3, 'n', 'f', 1)).toBe(3);
    expect(checkInt(-7, 'n', 'f')).toBe(-7);
    expect(checkInt(9, 'n', 'f', 1, 9)).toBe(9);
    expect(checkInt(Infinity, 'maxBytes', 'f', 1, Infinity, { orInfinity: true })).toBe(Infinity);
  });

  it('states the range as it is bounded', () => {
    expect(thrown(() => checkInt(0, 'count', 'mnist', 1)).message).toBe(`mnist: 'count' must be an integer >= 1, received 0.`);
    expect(thrown(() => checkInt(10, 'digit', 'mnist', 0, 9)).message).toBe(`mnist: 'digit' must be an integer in [0, 9], received 10.`);
    expect(thrown(() => checkInt(2, 'k', 'f', -Infinity, 1)).message).toBe(`f: 'k' must be an integer <= 1, received 2.`);
    expect(thrown(() => checkInt(0.5, 'seed', 'f')).message).toBe(`f: 'seed' must be an integer, received 0.5.`);
    expect(thrown(() => checkInt(0, 'maxPixels', 'f', 1, Infinity, { orInfinity: true })).message).toBe(
      `f: 'maxPixels' must be an integer >= 1 or Infinity, received 0.`,
    );
    expect(thrown(() => checkInt(0, 'packing', 'D', 1, Infinity, { note: ' (1 = no packing)' })).message).toBe(
      `D: 'packing' must be an integer >= 1 (1 = no packing), received 0.`,
    );
  });

  it('refuses non-numbers, NaN and Infinity', () => {
    for (const value of ['3', null, undefined, NaN, Infinity, [3]]) {
      expect(() => checkInt(value, 'n', 'f', 0)).toThrow(ConfigError);
    }
  });

  it('throws the error class passed in', () => {
    expect(thrown(() => checkInt(-1, 'rows', 'idx', 0, Infinity, { error: DataError }))).toBeInstanceOf(DataError);
  });

  it('checkPositiveInt is checkInt from 1', () => {
    expect(checkPositiveInt(1, 'every', 'f')).toBe(1);
    expect(thrown(() => checkPositiveInt(0, 'every', 'f')).message).toBe(`f: 'every' must be an integer >= 1, received 0.`);
  });
});

describe('checkNumber', () => {
  it('returns finite numbers in range', () => {
    expect(checkNumber(0.5, 'x', 'f')).toBe(0.5);
    expect(checkNumber(0, 'x', 'f', { min: 0, max: 1 })).toBe(0);
    expect(checkNumber(1e-9, 'x', 'f', { min: 0, minExclusive: true })).toBe(1e-9);
  });

  it('states the range as it is bounded', () => {
    expect(thrown(() => checkNumber(0, 'epsilon', 'PixelNorm', { min: 0, minExclusive: true })).message).toBe(
      `PixelNorm: 'epsilon' must be a finite number > 0, received 0.`,
    );
    expect(thrown(() => checkNumber(-1, 'gamma', 'r1', { min: 0 })).message).toBe(`r1: 'gamma' must be a finite number >= 0, received -1.`);
    expect(thrown(() => checkNumber(2, 'x', 'f', { max: 1, maxExclusive: true })).message).toBe(`f: 'x' must be a finite number < 1, received 2.`);
    expect(thrown(() => checkNumber(NaN, 'x', 'f')).message).toBe(`f: 'x' must be a finite number, received NaN.`);
    expect(thrown(() => checkNumber(2, 'alpha', 'FadeIn', { min: 0, max: 1 })).message).toBe(`FadeIn: 'alpha' must be a number in [0, 1], received 2.`);
    expect(
      thrown(() => checkNumber(1, 'ema.decay', 'Trainer', { min: 0, max: 1, maxExclusive: true }, { note: ', e.g. 0.999' })).message,
    ).toBe(`Trainer: 'ema.decay' must be a number in [0, 1), e.g. 0.999, received 1.`);
    expect(thrown(() => checkNumber(0, 'x', 'f', { min: 0, max: 1, minExclusive: true })).message).toMatch(/in \(0, 1\]/);
  });

  it('refuses non-numbers and non-finite numbers', () => {
    for (const value of ['1', null, undefined, NaN, Infinity, -Infinity]) {
      expect(() => checkNumber(value, 'x', 'f')).toThrow(ConfigError);
    }
  });
});

describe('checkBoolean, checkNonEmptyString, checkOneOf, checkSeed', () => {
  it('return valid values', () => {
    expect(checkBoolean(false, 'b', 'f')).toBe(false);
    expect(checkNonEmptyString('a', 's', 'f')).toBe('a');
    expect(checkOneOf('ring', ['ring', 'grid'] as const, 'name', 'toy2d')).toBe('ring');
    expect(checkSeed(undefined, 'f')).toBeUndefined();
    expect(checkSeed(-3, 'f')).toBe(-3);
  });

  it('name the owner, the argument, the expectation and the value', () => {
    expect(thrown(() => checkBoolean(1, 'checkRange', 'Dataset')).message).toBe(`Dataset: 'checkRange' must be a boolean, received 1.`);
    expect(thrown(() => checkNonEmptyString('', 'name', 'f')).message).toBe(`f: 'name' must be a non-empty string, received "".`);
    expect(thrown(() => checkOneOf('disc', ['ring', 'grid'], 'name', 'toy2d')).message).toBe(
      `toy2d: 'name' must be one of ["ring", "grid"], received "disc".`,
    );
    expect(thrown(() => checkSeed(1.5, 'G')).message).toBe(`G: 'seed' must be an integer, received 1.5.`);
  });
});

describe('checkClassNames', () => {
  it('returns a frozen copy, or undefined', () => {
    const names = ['a', 'b'];
    const checked = checkClassNames(names, 'f');
    expect(checked).toEqual(names);
    expect(checked).not.toBe(names);
    expect(Object.isFrozen(checked)).toBe(true);
    expect(checkClassNames(undefined, 'f', 3)).toBeUndefined();
    expect(checkClassNames(['x', 'y', 'z'], 'f', 3)).toEqual(['x', 'y', 'z']);
  });

  it('without a class count: a non-empty array of unique non-empty strings', () => {
    for (const value of [[], ['a', 'a'], ['a', ''], 'a', [1]]) {
      expect(() => checkClassNames(value, 'mnist')).toThrow(/mnist: 'classNames' must be a non-empty array of unique non-empty strings, received/);
    }
  });

  it('with a class count: one distinct name per class, none when unconditional', () => {
    expect(thrown(() => checkClassNames(['a'], 'G', 2)).message).toBe(`G: 'classNames' must be 2 distinct non-empty strings (one per class), received ["a"].`);
    expect(thrown(() => checkClassNames(['a', 'b'], 'G', 0)).message).toBe(
      `G: 'classNames' were given, but 'numClasses' is 0 (unconditional). Expected no class names, or numClasses 2.`,
    );
  });
});

describe('options', () => {
  it('isOptionsObject accepts objects only', () => {
    expect(isOptionsObject({})).toBe(true);
    for (const value of [null, [], 'x', 1, undefined]) expect(isOptionsObject(value)).toBe(false);
  });

  it('checkOptions returns the options, or {} for undefined', () => {
    const options = { count: 1 };
    expect(checkOptions(options, ['count'], 'f')).toBe(options);
    expect(checkOptions(undefined, ['count'], 'f')).toEqual({});
  });

  it('checkOptions refuses undefined when required, with the expectation given', () => {
    expect(thrown(() => checkOptions(undefined, ['every'], 'f', { required: true, expected: "an object with 'every'" })).message).toBe(
      `f: 'options' must be an object with 'every', received undefined.`,
    );
  });

  it('checkOptions refuses non-objects and unknown names', () => {
    expect(thrown(() => checkOptions([] as never, ['count'], 'mnist')).message).toBe(`mnist: 'options' must be an object, received [].`);
    expect(thrown(() => checkOptions({ cont: 1 } as never, ['count'], 'mnist')).message).toBe(
      `mnist: unknown option 'cont'. Did you mean 'count'? Expected one of ["count"].`,
    );
  });

  it('checkKnownOptions suggests the close name, with the path of nested options', () => {
    expect(thrown(() => checkKnownOptions({ startstep: 1 }, ['decay', 'startStep'], 'Trainer', 'ema.')).message).toBe(
      `Trainer: unknown option 'ema.startstep'. Did you mean 'ema.startStep'? Expected one of ["decay", "startStep"].`,
    );
    const far = thrown(() => checkKnownOptions({ flavour: 1 }, ['generator', 'discriminator'], 'Trainer'));
    expect(far.message).toBe(`Trainer: unknown option 'flavour'. Expected one of ["generator", "discriminator"].`);
    expect(thrown(() => checkKnownOptions({ x: 1 }, [], 'f', '', { error: DataError }))).toBeInstanceOf(DataError);
  });

  it('closestName: same letters in another case, else a few edits', () => {
    expect(closestName('batchsize', ['batchSize', 'steps'])).toBe('batchSize');
    expect(closestName('step', ['batchSize', 'steps'])).toBe('steps');
    expect(closestName('flavour', ['batchSize', 'steps'])).toBeUndefined();
  });
});
