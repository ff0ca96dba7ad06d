/** The command line every benchmark script reads, strictly (see `commandLine` in scripts/script-flags.ts). */
import { type CommandLineSpec, commandLine } from '../scripts/script-flags.js';

/** A benchmark's command line: its value flags, switches and positional words. */
export interface BenchFlags<Value extends string, Switch extends string> {
  /** The value after `--name`, or undefined when the flag is absent. */
  flag(name: Value): string | undefined;
  /** Whether the switch `--name` was given. */
  hasFlag(name: Switch): boolean;
  /** The words besides the flags. */
  readonly positionals: readonly string[];
}

/**
 * Reads the benchmark's command line (`process.argv` past the script, or `args`) against `spec`: an
 * unknown or misspelt flag, a flag without its value or a stray word stops the benchmark, naming them.
 */
export function benchFlags<Value extends string, Switch extends string = never>(
  script: string,
  spec: CommandLineSpec<Value, Switch>,
  args?: readonly string[],
): BenchFlags<Value, Switch> {
  const line = commandLine(script, spec, args);
  return { flag: (name) => line.values[name], hasFlag: (name) => line.switches[name], positionals: line.positionals };
}
