/**
 * Every error class names itself with a literal: `error.name` reads the same in a minified bundle,
 * where the classes themselves are renamed (`Zt: checkpoint: ...` before the fix).
 */
import { buildSync } from 'esbuild';
import { describe, expect, it } from 'vitest';
import * as errors from '../../src/errors.js';

const CLASSES = ['GanError', 'ConfigError', 'ShapeError', 'BackendError', 'DataError', 'CheckpointError', 'TrainingError'] as const;

type ErrorModule = Record<(typeof CLASSES)[number], new (...args: never[]) => Error>;

/** One instance of each class, made from the module given (the source or its minified bundle). */
function instances(module: ErrorModule): Array<[string, Error]> {
  return CLASSES.map((name) => {
    const Class = module[name] as unknown as new (...args: unknown[]) => Error;
    const error = name === 'GanError' ? new Class('CONFIG', 'm') : name === 'TrainingError' ? new Class('m', 3) : new Class('m');
    return [name, error];
  });
}

describe('error names', () => {
  it("each error's name is its class name, and stack and String() start with it", () => {
    for (const [name, error] of instances(errors as unknown as ErrorModule)) {
      expect(error.name).toBe(name);
      expect(String(error)).toBe(`${name}: m`);
      expect(error.stack?.startsWith(`${name}: m`)).toBe(true);
      expect(error).toBeInstanceOf(errors.GanError);
    }
  });

  it('a minified bundle keeps the names although it renames the classes', async () => {
    const { outputFiles } = buildSync({
      entryPoints: ['src/errors.ts'],
      bundle: true,
      minify: true,
      format: 'esm',
      target: 'es2022',
      write: false,
    });
    const code = outputFiles[0].text;
    const minified = (await import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`)) as ErrorModule;
    // The bundle really renames the classes: constructor names cannot be relied on.
    expect(CLASSES.filter((name) => minified[name].name === name)).toEqual([]);
    for (const [name, error] of instances(minified)) {
      expect(error.name).toBe(name);
      expect(String(error)).toBe(`${name}: m`);
    }
  });
});
