/**
 * The run directory of `tfjs-gan train` (`--out`): what of a previous run it holds, the refusal to train
 * a new run over it, and `--force`, which deletes that previous run first.
 *
 * @packageDocumentation
 */
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError, describeValue } from '../index.js';

/**
 * The entries a run writes into its directory: the checkpoint (the manifest `gan.json`, its weights
 * files, and the temporary, lock and set-aside files of saves, all named `gan.json.*`), the metrics log,
 * the run's resolved settings (`config.json`) and the sample grids.
 */
const RUN_ENTRY = /^(gan\.json(\..+)?|weights[^/\\]*\.bin|metrics\.jsonl|config\.json|samples)$/;

/** What of a previous run a directory holds. */
export interface PreviousRun {
  /** The directory. */
  readonly dir: string;
  /** The run's entries in it, sorted (`samples` is a directory). */
  readonly entries: readonly string[];
}

/**
 * The previous run in `dir`: the entries a run writes, if any. A directory that does not exist, or that
 * holds none of them, holds no run.
 */
export async function previousRun(dir: string): Promise<PreviousRun | undefined> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ConfigError(`tfjs-gan train: '--out' must be a directory that can be read, received ${describeValue(dir)}: ${(error as Error).message}.`);
  }
  const entries = names.filter((name) => RUN_ENTRY.test(name)).sort();
  return entries.length === 0 ? undefined : { dir, entries };
}

/** The refusal to train a new run over a previous one, pointing to `--resume` and `--force`. */
export function existingRunError(run: PreviousRun): ConfigError {
  return new ConfigError(
    `tfjs-gan train: '--out' ${describeValue(run.dir)} already holds a run (${run.entries.join(', ')}); a new run would mix with it. ` +
      `Expected --resume to continue it, --force to delete it and start over, or another --out.`,
  );
}

/**
 * Deletes the previous run's entries (and only those: other files in the directory stay).
 * @returns a line saying what was deleted.
 */
export async function removePreviousRun(run: PreviousRun): Promise<string> {
  for (const entry of run.entries) await rm(join(run.dir, entry), { recursive: true, force: true });
  return `--force: deleted the previous run in ${run.dir}: ${run.entries.join(', ')}\n`;
}
