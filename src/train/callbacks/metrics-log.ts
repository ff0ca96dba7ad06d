import { ConfigError, describeValue } from '../../errors.js';
import type { Callback, StepLogs } from '../callback.js';
import { importNodeModule } from '../../util/node-module.js';
import { checkCallbackOptions } from '../trainer-options.js';

/** Options of {@link metricsLog}. */
export interface MetricsLogOptions {
  /** Path of the JSON-lines file; lines are appended, so a resumed run continues the same log. */
  readonly path: string;
}

/**
 * Appends one JSON object per step (the step's logs and a timestamp) to a file, for plotting and
 * comparing runs. Each line is written when its step ends, so a run that fails keeps its log.
 */
export function metricsLog(options: MetricsLogOptions): Callback {
  checkCallbackOptions(options, ['path'], 'callbacks.metricsLog');
  if (typeof options?.path !== 'string' || options.path.length === 0) {
    throw new ConfigError(`callbacks.metricsLog: 'path' must be a file path, received ${describeValue(options?.path)}.`);
  }
  let fs: typeof import('node:fs/promises') | undefined;
  return {
    async onTrainBegin() {
      fs = await importNodeModule('fs/promises');
      const path = await importNodeModule('path');
      await fs.mkdir(path.dirname(options.path), { recursive: true });
    },
    async onStepEnd(logs: StepLogs) {
      await fs?.appendFile(options.path, `${JSON.stringify({ ...logs, time: new Date().toISOString() })}\n`);
    },
  };
}
