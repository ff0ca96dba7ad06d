import { describe, expect, it } from 'vitest';
import { scriptFlags } from '../../scripts/script-flags.js';

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
