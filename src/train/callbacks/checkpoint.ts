import { ConfigError, describeValue } from '../../errors.js';
import { checkPositiveInt } from '../../util/validate.js';
import type { Callback } from '../callback.js';
import { checkCallbackOptions } from '../trainer-options.js';

/** Options of {@link checkpoint}. */
export interface CheckpointOptions {
  /** Save every this many steps (and at the end of the run). */
  readonly every: number;
  /** Checkpoint location: `file://dir` or a directory path. Each save atomically replaces the last. */
  readonly dir: string;
  /** JSON stored in the manifest with every save. */
  readonly metadata?: Record<string, unknown>;
}

/** Saves the whole training state every `every` steps and at the end, for {@link Trainer.load}. */
export function checkpoint(options: CheckpointOptions): Callback {
  const owner = 'callbacks.checkpoint';
  checkCallbackOptions(options, ['every', 'dir', 'metadata'], owner);
  checkPositiveInt(options.every, 'every', owner);
  if (typeof options.dir !== 'string' || options.dir.length === 0) {
    throw new ConfigError(`${owner}: 'dir' must be a directory path, received ${describeValue(options.dir)}.`);
  }
  return {
    async onStepEnd(logs, context) {
      if (logs.step % options.every === 0) await context.trainer.save(options.dir, { metadata: options.metadata });
    },
    async onTrainEnd(history, context) {
      const last = history.logs.at(-1);
      if (last !== undefined && last.step % options.every !== 0) {
        await context.trainer.save(options.dir, { metadata: options.metadata });
      }
    },
  };
}
