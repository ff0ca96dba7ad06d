/**
 * The command lines of the training, scoring and benchmark scripts, read strictly: a misspelt or
 * unknown flag, a flag without its value or a stray word stops the script before it trains, instead of
 * being ignored (an hour's run of the wrong settings).
 */
import { parseArgs } from 'node:util';

/** What a script's command line may hold. */
export interface CommandLineSpec<Value extends string, Switch extends string> {
  /** Flags that take a value (`--name VALUE` or `--name=VALUE`), without their dashes. */
  readonly values: readonly Value[];
  /** Flags that take none (`--name`). */
  readonly switches?: readonly Switch[];
  /**
   * The words the command line may hold besides its flags, when any: `usage` names them in messages
   * (`RUN_DIR [test|train]`), `min` and `max` bound their count (default 0 and unbounded), `allowed`
   * lists the only words accepted.
   */
  readonly positionals?: { readonly usage: string; readonly min?: number; readonly max?: number; readonly allowed?: readonly string[] };
}

/** A command line read by {@link commandLine}. */
export interface CommandLine<Value extends string, Switch extends string> {
  /** The value of each value flag given. */
  readonly values: Partial<Record<Value, string>>;
  /** Whether each switch was given. */
  readonly switches: Record<Switch, boolean>;
  /** The words besides the flags, in order. */
  readonly positionals: string[];
}

/**
 * Reads the command line (`process.argv` past the script, or `args`) against `spec`. Throws naming the
 * script, what is wrong and everything the script takes.
 */
export function commandLine<Value extends string, Switch extends string = never>(
  script: string,
  spec: CommandLineSpec<Value, Switch>,
  args: readonly string[] = process.argv.slice(2),
): CommandLine<Value, Switch> {
  const switches = spec.switches ?? [];
  const takes = [
    ...spec.values.map((name) => `--${name} VALUE`),
    ...switches.map((name) => `--${name}`),
    ...(spec.positionals ? [spec.positionals.usage] : []),
  ].join(', ');
  const fail = (reason: string): never => {
    throw new Error(`${script}: ${reason.replace(/\.$/, '')}. It takes ${takes || 'nothing'}; received: ${args.join(' ') || '(nothing)'}`);
  };
  const options = Object.fromEntries([
    ...spec.values.map((name) => [name, { type: 'string' as const }]),
    ...switches.map((name) => [name, { type: 'boolean' as const }]),
  ]);
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: [...args], options, strict: true, allowPositionals: spec.positionals !== undefined });
  } catch (error) {
    return fail(error instanceof Error ? error.message : String(error));
  }
  const words = parsed.positionals;
  const { min = 0, max = Infinity, allowed } = spec.positionals ?? {};
  if (words.length < min) fail(`Expected at least ${min} of ${spec.positionals!.usage}, received ${words.length}`);
  if (words.length > max) fail(`Expected at most ${max} of ${spec.positionals!.usage}, received ${words.length}`);
  const stray = allowed === undefined ? undefined : words.find((word) => !allowed.includes(word));
  if (stray !== undefined) fail(`Unexpected argument '${stray}': expected one of ${allowed!.join(', ')}`);
  const values = Object.fromEntries(spec.values.filter((name) => parsed.values[name] !== undefined).map((name) => [name, parsed.values[name]]));
  return {
    values: values as Partial<Record<Value, string>>,
    switches: Object.fromEntries(switches.map((name) => [name, parsed.values[name] === true])) as Record<Switch, boolean>,
    positionals: words,
  };
}

/**
 * The value flags on the command line (`process.argv` past the script, or `args`), each a string;
 * `names` are the flags the script reads, without their dashes. Throws naming the script, the bad flag
 * and the flags it takes.
 */
export function scriptFlags<Name extends string>(
  script: string,
  names: readonly Name[],
  args: readonly string[] = process.argv.slice(2),
): Partial<Record<Name, string>> {
  return commandLine(script, { values: names }, args).values;
}

/** The value of a --seed flag: a non-negative integer, or an error naming the flag and what it received. */
export function seedFlag(value: string | undefined): number {
  const seed = Number(value);
  if (!Number.isInteger(seed) || seed < 0) throw new Error(`--seed must be a non-negative integer, received ${value}`);
  return seed;
}
