/**
 * A run's settings as a file: `tfjs-gan train` writes the settings it resolved (flags, config, recipe
 * and data-kind defaults) into `config.json` in every run directory, and `--config FILE` reads such a
 * file back, so that `tfjs-gan train --config runs/a/config.json --out runs/b` repeats run a.
 *
 * @packageDocumentation
 */
import { readFile, writeFile, rename, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError, DataError, closestName, describeValue } from '../index.js';
import { type FlagSpec, type ParsedFlags, camelCase, checkValue, flagName } from './args.js';

/** The file a run's settings are written to, in its directory. */
export const RUN_CONFIG_FILE = 'config.json';

/** Flags of one invocation, which a config file neither holds nor sets. */
const NOT_IN_CONFIG = Object.freeze(['config', 'out', 'resume', 'force', 'backend']);

/** The content of `config.json`. */
export interface RunConfigFile {
  /** The command the settings are for: `'train'`. */
  readonly command: 'train';
  /** The layout of this file: 1. */
  readonly formatVersion: 1;
  /** The settings by flag name (kebab-case, as on the command line). */
  readonly flags: Readonly<Record<string, string | number | boolean>>;
}

/**
 * Reads a run config: each setting is checked as the flag of that name would be.
 * @returns the settings by option name (camelCase).
 * @throws DataError for a missing or malformed file; ConfigError for an unknown setting (with the close
 *   one) or a bad value, naming the file and the setting.
 */
export async function readRunConfig(path: string, specs: Readonly<Record<string, FlagSpec>>): Promise<ParsedFlags> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (cause) {
    throw new DataError(`tfjs-gan train: cannot read '--config' ${describeValue(path)}: ${(cause as Error).message}.`, { cause });
  }
  const file = json as Partial<RunConfigFile> | null;
  if (file === null || typeof file !== 'object' || file.command !== 'train' || file.flags === null || typeof file.flags !== 'object' || Array.isArray(file.flags)) {
    throw new DataError(`tfjs-gan train: '--config' ${describeValue(path)} must be a run config { "command": "train", "formatVersion": 1, "flags": { ... } }, received ${describeValue(json)}.`);
  }
  if (file.formatVersion !== 1) {
    throw new DataError(`tfjs-gan train: '--config' ${describeValue(path)} has formatVersion ${describeValue(file.formatVersion)}; this tfjs-gan reads 1.`);
  }
  const known = Object.keys(specs).filter((name) => !NOT_IN_CONFIG.includes(name));
  const out: ParsedFlags = {};
  for (const [name, value] of Object.entries(file.flags)) {
    if (!known.includes(name)) {
      const close = closestName(name, known);
      const why = NOT_IN_CONFIG.includes(name) ? ' (it belongs to one invocation: give it on the command line)' : '';
      throw new ConfigError(`tfjs-gan train: ${path} sets unknown setting '${name}'${why}.${close === undefined || why ? '' : ` Did you mean '${close}'?`}`);
    }
    out[camelCase(name)] = checkValue(name, value, specs[name], `train (${path})`);
  }
  return out;
}

/**
 * Writes the settings of a run into `dir/config.json` (atomically), without the flags of this
 * invocation (where, on what backend, resume or force) and without unset ones.
 */
export async function writeRunConfig(dir: string, settings: ParsedFlags): Promise<void> {
  const flags: Record<string, string | number | boolean> = {};
  for (const [name, value] of Object.entries(settings)) {
    const flag = flagName(name).slice(2);
    if (value === undefined || NOT_IN_CONFIG.includes(flag)) continue;
    flags[flag] = value;
  }
  const file: RunConfigFile = { command: 'train', formatVersion: 1, flags };
  await mkdir(dir, { recursive: true });
  const path = join(dir, RUN_CONFIG_FILE);
  await writeFile(`${path}.tmp`, `${JSON.stringify(file, null, 2)}\n`);
  await rename(`${path}.tmp`, path);
}
