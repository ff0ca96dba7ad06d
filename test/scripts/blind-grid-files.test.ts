import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { blindGridPaths, shuffledLetters } from '../../scripts/blind-grid-files.js';

describe('blindGridPaths', () => {
  it('puts the key beside the folder by default and refuses a key inside it', () => {
    expect(blindGridPaths('/tmp/rate-1', undefined)).toEqual({ out: '/tmp/rate-1', keyFile: '/tmp/rate-1.key.json' });
    expect(blindGridPaths('rate', 'keys/k.json')).toEqual({ out: resolve('rate'), keyFile: resolve('keys/k.json') });
    expect(() => blindGridPaths('/tmp/rate-1', '/tmp/rate-1/key.json')).toThrow('--key /tmp/rate-1/key.json is inside --out /tmp/rate-1: the rater would see it');
    expect(() => blindGridPaths(undefined, undefined)).toThrow('--out DIR is required');
  });
});

describe('shuffledLetters', () => {
  it('gives each of A to Z once', () => {
    const letters = shuffledLetters();
    expect([...letters].sort().join('')).toBe('ABCDEFGHIJKLMNOPQRSTUVWXYZ');
  });
});
