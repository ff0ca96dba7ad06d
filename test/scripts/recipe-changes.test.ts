import { describe, expect, it } from 'vitest';
import { jsonChanges } from '../../scripts/recipe-changes.js';

describe('jsonChanges', () => {
  it('reads a JSON object of recipe fields, a top-level null leaving the field out', () => {
    expect(jsonChanges('{"steps":100,"pretrainedFeatures":null}')).toEqual({ steps: 100, pretrainedFeatures: undefined });
    expect(jsonChanges('{"discriminator":{"width":32,"note":null}}')).toEqual({ discriminator: { width: 32, note: null } });
  });

  it('refuses text that is not a JSON object, naming the flag and what it received', () => {
    expect(() => jsonChanges('{steps:1}')).toThrow(/^--changes must be a JSON object of recipe fields, received \{steps:1\}: /);
    for (const text of ['[1]', 'null', '3']) expect(() => jsonChanges(text)).toThrow(`--changes must be a JSON object of recipe fields, received ${text}`);
  });
});
