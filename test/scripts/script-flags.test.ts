import { describe, expect, it } from 'vitest';
import { benchFlags } from '../../bench/args.js';
import { commandLine, scriptFlags, seedFlag } from '../../scripts/script-flags.js';

const NAMES = ['recipe', 'pick-seeds', 'changes'] as const;

describe('scriptFlags', () => {
  it('reads each --name value pair, and --name=value', () => {
    expect(scriptFlags('s.ts', NAMES, ['--recipe', 'emoji64', '--pick-seeds', '7,8'])).toEqual({ recipe: 'emoji64', 'pick-seeds': '7,8' });
    expect(scriptFlags('s.ts', NAMES, ['--changes={"a":null}'])).toEqual({ changes: '{"a":null}' });
    expect(scriptFlags('s.ts', NAMES, [])).toEqual({});
  });

  it('refuses an unknown flag, naming it, the script and the flags it takes', () => {
    expect(() => scriptFlags('s.ts', NAMES, ['--recipe', 'mnist', '--pick-seed', '7'])).toThrow(
      /^s\.ts: Unknown option '--pick-seed'\. It takes --recipe VALUE, --pick-seeds VALUE, --changes VALUE; received: --recipe mnist --pick-seed 7$/,
    );
    expect(() => scriptFlags('s.ts', NAMES, ['--help'])).toThrow(/Unknown option '--help'/);
  });

  it('refuses a flag without its value and a stray word', () => {
    expect(() => scriptFlags('s.ts', NAMES, ['--recipe'])).toThrow(/s\.ts: .*'--recipe.*argument missing/);
    expect(() => scriptFlags('s.ts', NAMES, ['--recipe', '--changes', '{}'])).toThrow(/s\.ts: .*'--recipe' argument is ambiguous/);
    expect(() => scriptFlags('s.ts', NAMES, ['emoji64'])).toThrow(/s\.ts: Unexpected argument 'emoji64'/);
  });
});

describe('commandLine', () => {
  const spec = { values: ['reps'] as const, switches: ['no-step'] as const, positionals: { usage: '[wasm] [cpu]', max: 2, allowed: ['wasm', 'cpu'] } };

  it('reads value flags, switches and the allowed words', () => {
    expect(commandLine('k.ts', spec, ['cpu', '--reps', '3', '--no-step'])).toEqual({ values: { reps: '3' }, switches: { 'no-step': true }, positionals: ['cpu'] });
    expect(commandLine('k.ts', spec, [])).toEqual({ values: {}, switches: { 'no-step': false }, positionals: [] });
  });

  it('refuses a misspelt switch, a value given to a switch, a word not allowed and too many words, listing what it takes', () => {
    expect(() => commandLine('k.ts', spec, ['--nostep'])).toThrow(
      /^k\.ts: Unknown option '--nostep'\..* It takes --reps VALUE, --no-step, \[wasm\] \[cpu\]; received: --nostep$/,
    );
    expect(() => commandLine('k.ts', spec, ['--no-step=1'])).toThrow(/k\.ts: .*'--no-step'.*does not take an argument/);
    expect(() => commandLine('k.ts', spec, ['webgl'])).toThrow(/k\.ts: Unexpected argument 'webgl': expected one of wasm, cpu\. It takes/);
    expect(() => commandLine('k.ts', spec, ['wasm', 'cpu', 'wasm'])).toThrow(/k\.ts: Expected at most 2 of \[wasm\] \[cpu\], received 3/);
    const needsOne = { values: ['threads'] as const, positionals: { usage: 'RUN_DIR [test|train]', min: 1, max: 2 } };
    expect(() => commandLine('d.ts', needsOne, ['--threads', '2'])).toThrow(/d\.ts: Expected at least 1 of RUN_DIR \[test\|train\], received 0/);
    expect(commandLine('d.ts', needsOne, ['runs/x', 'train']).positionals).toEqual(['runs/x', 'train']);
  });

  it('refuses any word when the script takes none, and the bench reader gives typed accessors', () => {
    expect(() => commandLine('s.ts', { values: ['steps'] }, ['20'])).toThrow(/^s\.ts: Unexpected argument '20'\..* It takes --steps VALUE; received: 20$/);
    const bench = benchFlags('bench/x.ts', { values: ['steps'], switches: ['no-torch'] }, ['--steps', '5', '--no-torch']);
    expect([bench.flag('steps'), bench.hasFlag('no-torch'), bench.positionals]).toEqual(['5', true, []]);
    expect(() => benchFlags('bench/x.ts', { values: ['steps'] }, ['--step', '5'])).toThrow(/bench\/x\.ts: Unknown option '--step'/);
  });
});

describe('seedFlag', () => {
  it('reads a non-negative integer and refuses anything else, saying what it received', () => {
    expect(seedFlag('0')).toBe(0);
    expect(seedFlag('1313')).toBe(1313);
    for (const bad of [undefined, 'x', '-1', '1.5']) {
      expect(() => seedFlag(bad)).toThrow(`--seed must be a non-negative integer, received ${bad}`);
    }
  });
});
