import { ConfigError, describeValue } from '../../errors.js';
import type { Callback, StepLogs, TrainingContext } from '../callback.js';
import { checkPositiveInt } from '../../util/validate.js';
import { checkCallbackOptions } from '../trainer-options.js';

/** Where progress is written: anything with `write(text)` (process.stderr by default in Node). */
export interface ProgressSink {
  /** Writes a piece of text (a line, or a redrawn line on a terminal). */
  write(text: string): unknown;
  /** True for a terminal: the line is redrawn in place. */
  readonly isTTY?: boolean;
}

/** Options of {@link progress}. */
export interface ProgressOptions {
  /** Where to write. @defaultValue process.stderr in Node, console.log in a browser */
  readonly sink?: ProgressSink;
  /** When not a terminal, write one line every this many steps. @defaultValue about 20 lines per run */
  readonly every?: number;
}

/** Formats seconds as `1h02m`, `3m05s` or `12s`. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.max(0, Math.round(seconds));
  if (s >= 3600) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  if (s >= 60) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${s}s`;
}

/**
 * A progress bar in the terminal: step, steps/s, ETA and the losses. On a terminal the line is redrawn
 * in place; elsewhere (CI logs, files) one line is written every `every` steps.
 *
 * @example
 * ```ts
 * await trainer.fit(data, { steps: 1000, callbacks: [callbacks.progress()] });
 * // [=========>          ] 480/1000  5.3 steps/s  ETA 1m38s  dLoss 1.2034  gLoss 0.8812
 * ```
 */
export function progress(options: ProgressOptions = {}): Callback {
  const owner = 'callbacks.progress';
  checkCallbackOptions(options, ['sink', 'every'], owner);
  if (options.sink !== undefined && typeof (options.sink as Partial<ProgressSink> | null)?.write !== 'function') {
    throw new ConfigError(`${owner}: 'sink' must have a write(text) method (e.g. process.stderr), received ${describeValue(options.sink)}.`);
  }
  if (options.every !== undefined) checkPositiveInt(options.every, 'every', owner);
  const sink = options.sink ?? defaultSink();
  const tty = sink.isTTY === true;
  let began = 0;
  let every = 1;
  let stepsPerSecond = 0;
  let secondsPerStep = 0;
  let lastTime = 0;
  let lastLine = '';
  const line = (logs: StepLogs, context: TrainingContext): string => {
    const total = context.endStep - context.startStep;
    const done = logs.step - context.startStep;
    const width = 20;
    const filled = Math.min(width, Math.round((done / Math.max(1, total)) * width));
    const bar = `[${'='.repeat(Math.max(0, filled - 1))}${filled > 0 ? '>' : ''}${' '.repeat(width - filled)}]`;
    const eta = stepsPerSecond > 0 ? (context.endStep - logs.step) / stepsPerSecond : Number.NaN;
    return `${bar} ${logs.step}/${context.endStep}  ${stepsPerSecond.toFixed(2)} steps/s  ETA ${formatDuration(eta)}  dLoss ${logs.dLoss.toFixed(4)}  gLoss ${logs.gLoss.toFixed(4)}`;
  };
  return {
    onTrainBegin(context) {
      began = performance.now();
      lastTime = began;
      stepsPerSecond = 0;
      secondsPerStep = 0;
      const total = context.endStep - context.startStep;
      every = options.every ?? Math.max(1, Math.round(total / 20));
    },
    onStepEnd(logs, context) {
      const now = performance.now();
      const seconds = Math.max(1e-6, (now - lastTime) / 1000);
      lastTime = now;
      // An exponential moving average of the step time (not of the rate, which would overweight fast
      // steps) smooths the estimate; the first steps (warm-up) fade out.
      secondsPerStep = secondsPerStep === 0 ? seconds : 0.9 * secondsPerStep + 0.1 * seconds;
      stepsPerSecond = 1 / secondsPerStep;
      const done = logs.step - context.startStep;
      lastLine = line(logs, context);
      if (tty) sink.write(`\r${lastLine}`);
      else if (done % every === 0 || logs.step === context.endStep) sink.write(`${lastLine}\n`);
    },
    onTrainEnd(history, context) {
      const seconds = (performance.now() - began) / 1000;
      const steps = history.logs.length;
      if (tty && lastLine) sink.write('\n');
      sink.write(
        `${history.aborted ? 'stopped' : 'done'}: ${steps} steps in ${formatDuration(seconds)} (${(steps / Math.max(seconds, 1e-9)).toFixed(2)} steps/s), step ${context.trainer.step}\n`,
      );
    },
  };
}

function defaultSink(): ProgressSink {
  const proc = (globalThis as { process?: { stderr?: ProgressSink } }).process;
  if (proc?.stderr) return proc.stderr;
  return { write: (text: string) => console.log(text.replace(/^\r|\n$/g, '')) };
}
