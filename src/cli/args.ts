import { parseArgs } from 'node:util';
import { ConfigError, closestName, describeValue } from '../index.js';

/** A flag of a command: its long name (kebab-case of the library option), type, help and allowed values. */
export interface FlagSpec {
  readonly type: 'string' | 'number' | 'boolean';
  readonly help: string;
  readonly default?: string | number | boolean;
  /** A one-letter alias, e.g. `'o'` for `-o`. */
  readonly short?: string;
  /** Numbers: whole numbers only. */
  readonly integer?: boolean;
  /** Numbers: the smallest value allowed (inclusive unless `minExclusive`). */
  readonly min?: number;
  /** Numbers: `min` itself is not allowed (a learning rate > 0). */
  readonly minExclusive?: boolean;
  /** Numbers: the largest value allowed, exclusive when `maxExclusive`. */
  readonly max?: number;
  readonly maxExclusive?: boolean;
  /** Strings: the values allowed. */
  readonly choices?: readonly string[];
}

/** Parsed flags: camelCase keys (the library's option names). */
export type ParsedFlags = Record<string, string | number | boolean | undefined>;

/** `batch-size` → `batchSize`. */
export function camelCase(flag: string): string {
  return flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** `batchSize` → `--batch-size`: the flag of a library option name. */
export function flagName(option: string): string {
  return `--${option.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/**
 * Parses `--flag value`, `--flag=value`, `-x value` and boolean `--flag` arguments against the specs with
 * Node's `util.parseArgs`, then checks each value (type, range, choices), so that a bad value is refused
 * before anything loads. `--flag -5` is read as the number -5 for number flags (and then checked).
 *
 * @param withDefaults - fill in the specs' defaults (false: only what the command line gave).
 * @throws ConfigError for an unknown flag (with the close one), a missing value, or a value of the wrong
 *   type or out of range, naming the flag, what is expected and what was received.
 */
export function parseFlags(argv: readonly string[], specs: Readonly<Record<string, FlagSpec>>, command: string, withDefaults = true): ParsedFlags {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = {};
  for (const [name, spec] of Object.entries(specs)) options[name] = { type: spec.type === 'boolean' ? 'boolean' : 'string', ...(spec.short ? { short: spec.short } : {}) };
  // A negative number after a number flag is its value, not a flag.
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i].startsWith('--') ? argv[i].slice(2) : undefined;
    if (name !== undefined && specs[name]?.type === 'number' && /^-\d|^-\.\d|^-Infinity$/.test(argv[i + 1] ?? '')) {
      args.push(`${argv[i]}=${argv[i + 1]}`);
      i += 1;
    } else {
      args.push(argv[i]);
    }
  }
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({ args, options, strict: true, allowPositionals: false }).values as Record<string, string | boolean | undefined>;
  } catch (error) {
    throw parseError(error, specs, command);
  }
  const out: ParsedFlags = {};
  if (withDefaults) for (const [name, spec] of Object.entries(specs)) if (spec.default !== undefined) out[camelCase(name)] = spec.default;
  for (const [name, raw] of Object.entries(values)) {
    if (raw === undefined) continue;
    out[camelCase(name)] = checkValue(name, raw, specs[name], command);
  }
  return out;
}

/**
 * Only the flags given on the command line, without the defaults: what the user asked for (e.g. to tell
 * a flag given with `--resume` from a default).
 * @throws ConfigError as {@link parseFlags}.
 */
export function givenFlags(argv: readonly string[], specs: Readonly<Record<string, FlagSpec>>, command: string): ParsedFlags {
  return parseFlags(argv, specs, command, false);
}

/**
 * Checks a value given to a flag: a number in range, a choice, or a boolean.
 * @throws ConfigError naming the flag, what is expected and what was received.
 */
export function checkValue(name: string, raw: string | number | boolean, spec: FlagSpec, command: string): string | number | boolean {
  const where = `tfjs-gan ${command}: '--${name}'`;
  if (spec.type === 'boolean') {
    if (typeof raw !== 'boolean') throw new ConfigError(`${where} is a switch (true or false), received ${describeValue(raw)}.`);
    return raw;
  }
  if (spec.type === 'string') {
    const text = String(raw);
    if (spec.choices !== undefined && !spec.choices.includes(text)) {
      const close = closestName(text, spec.choices);
      throw new ConfigError(`${where} must be one of ${spec.choices.join(' | ')}, received ${describeValue(raw)}.${close === undefined ? '' : ` Did you mean '${close}'?`}`);
    }
    return text;
  }
  const value = typeof raw === 'number' ? raw : String(raw).trim() === '' ? Number.NaN : Number(raw);
  if (!Number.isFinite(value)) throw new ConfigError(`${where} must be a number, received ${describeValue(raw)}.`);
  const low = spec.min === undefined ? true : spec.minExclusive ? value > spec.min : value >= spec.min;
  const high = spec.max === undefined ? true : spec.maxExclusive ? value < spec.max : value <= spec.max;
  if ((spec.integer && !Number.isInteger(value)) || !low || !high) {
    throw new ConfigError(`${where} must be ${describeRange(spec)}, received ${describeValue(raw)}.`);
  }
  return value;
}

/** "an integer >= 1", "a number > 0 and < 1", ... */
function describeRange(spec: FlagSpec): string {
  const bounds: string[] = [];
  if (spec.min !== undefined) bounds.push(`${spec.minExclusive ? '>' : '>='} ${spec.min}`);
  if (spec.max !== undefined) bounds.push(`${spec.maxExclusive ? '<' : '<='} ${spec.max}`);
  return `${spec.integer ? 'an integer' : 'a number'}${bounds.length > 0 ? ` ${bounds.join(' and ')}` : ''}`;
}

/** Node's parseArgs errors, as ConfigErrors in the CLI's words. */
function parseError(error: unknown, specs: Readonly<Record<string, FlagSpec>>, command: string): ConfigError {
  const message = (error as Error).message ?? String(error);
  const code = (error as { code?: string }).code;
  const quoted = /'([^']+)'/.exec(message)?.[1] ?? '';
  const known = Object.keys(specs);
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const name = quoted.replace(/^-+/, '').split('=')[0];
    const close = closestName(name, known);
    return new ConfigError(
      `tfjs-gan ${command}: unknown flag '${quoted}'.${close === undefined ? '' : ` Did you mean '--${close}'?`} Known flags: ${known.map((f) => `--${f}`).join(', ')} (see --help).`,
    );
  }
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
    return new ConfigError(`tfjs-gan ${command}: unexpected argument ${describeValue(quoted)}; flags start with '--' (see --help).`);
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const name = /--([A-Za-z0-9-]+)/.exec(quoted)?.[1] ?? '';
    const spec = specs[name];
    if (spec !== undefined && spec.type === 'boolean') return new ConfigError(`tfjs-gan ${command}: '--${name}' is a switch and takes no value (give it or leave it out).`);
    if (spec !== undefined) return new ConfigError(`tfjs-gan ${command}: '--${name}' needs a ${spec.type} value, received none (a value starting with '-' is written --${name}=-x).`);
  }
  return new ConfigError(`tfjs-gan ${command}: ${message}`);
}

/** The `--help` text of a command, its rows aligned. */
export function helpText(command: string, summary: string, specs: Readonly<Record<string, FlagSpec>>): string {
  const rows: [string, string][] = Object.entries(specs).map(([name, spec]) => {
    const left = `${spec.short ? `-${spec.short}, ` : ''}--${name}${spec.type === 'boolean' ? '' : ` <${spec.type}>`}`;
    const def = spec.default === undefined ? '' : ` (default: ${spec.default})`;
    return [left, `${spec.help}${def}`];
  });
  rows.push(['-h, --help', 'show this help']);
  return `Usage: tfjs-gan ${command} [flags]\n\n${summary}\n\nFlags:\n${alignRows(rows)}`;
}

/** Two columns, the second aligned two spaces after the widest first. */
export function alignRows(rows: readonly (readonly [string, string])[]): string {
  const width = Math.max(...rows.map(([left]) => left.length)) + 2;
  return rows.map(([left, right]) => `  ${left.padEnd(width)}${right}\n`).join('');
}

/** Whether the arguments ask for help (`-h` or `--help` anywhere). */
export function wantsHelp(argv: readonly string[]): boolean {
  return argv.includes('--help') || argv.includes('-h');
}
