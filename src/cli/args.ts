import { ConfigError, describeValue } from '../index.js';

/** A flag of a command: its long name (kebab-case of the library option), type and help. */
export interface FlagSpec {
  readonly type: 'string' | 'number' | 'boolean';
  readonly help: string;
  readonly default?: string | number | boolean;
}

/** Parsed flags: camelCase keys (the library's option names). */
export type ParsedFlags = Record<string, string | number | boolean | undefined>;

/** `batch-size` → `batchSize`. */
export function camelCase(flag: string): string {
  return flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

/**
 * Parses `--flag value`, `--flag=value` and boolean `--flag` arguments against the specs.
 * @throws ConfigError for an unknown flag, a missing value or a value of the wrong type.
 */
export function parseFlags(argv: readonly string[], specs: Readonly<Record<string, FlagSpec>>, command: string): ParsedFlags {
  const out: ParsedFlags = {};
  for (const [name, spec] of Object.entries(specs)) if (spec.default !== undefined) out[camelCase(name)] = spec.default;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) {
      throw new ConfigError(`tfjs-gan ${command}: unexpected argument ${describeValue(arg)}; flags start with '--' (see --help).`);
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq === -1 ? undefined : eq);
    const spec = specs[name];
    if (spec === undefined) {
      throw new ConfigError(`tfjs-gan ${command}: unknown flag '--${name}'. Known flags: ${Object.keys(specs).map((f) => `--${f}`).join(', ')}.`);
    }
    let raw: string | undefined = eq === -1 ? undefined : arg.slice(eq + 1);
    if (spec.type === 'boolean') {
      out[camelCase(name)] = raw === undefined ? true : raw !== 'false';
      continue;
    }
    if (raw === undefined) {
      raw = argv[i + 1];
      i += 1;
      if (raw === undefined || raw.startsWith('--')) {
        throw new ConfigError(`tfjs-gan ${command}: '--${name}' needs a ${spec.type} value, received none.`);
      }
    }
    if (spec.type === 'number') {
      const value = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(value)) {
        throw new ConfigError(`tfjs-gan ${command}: '--${name}' must be a number, received ${describeValue(raw)}.`);
      }
      out[camelCase(name)] = value;
    } else {
      out[camelCase(name)] = raw;
    }
  }
  return out;
}

/**
 * Only the flags given on the command line, without the defaults: what the user asked for (e.g. to tell
 * a flag given with `--resume` from a default).
 * @throws ConfigError as {@link parseFlags}.
 */
export function givenFlags(argv: readonly string[], specs: Readonly<Record<string, FlagSpec>>, command: string): ParsedFlags {
  const withoutDefaults = Object.fromEntries(Object.entries(specs).map(([name, { type, help }]) => [name, { type, help }]));
  return parseFlags(argv, withoutDefaults, command);
}

/** `batchSize` → `--batch-size`: the flag of a library option name. */
export function flagName(option: string): string {
  return `--${option.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/** The `--help` text of a command. */
export function helpText(command: string, summary: string, specs: Readonly<Record<string, FlagSpec>>): string {
  const rows = Object.entries(specs).map(([name, spec]) => {
    const left = `  --${name}${spec.type === 'boolean' ? '' : ` <${spec.type}>`}`;
    const def = spec.default === undefined ? '' : ` (default: ${spec.default})`;
    return `${left.padEnd(34)}${spec.help}${def}`;
  });
  return `Usage: tfjs-gan ${command} [flags]\n\n${summary}\n\nFlags:\n${rows.join('\n')}\n  --help                          show this help\n`;
}
