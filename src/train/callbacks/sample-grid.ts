import * as tf from '@tensorflow/tfjs';
import { ConfigError, describeValue } from '../../errors.js';
import { saveImageGrid } from '../../io/image-grid.js';
import type { Callback, TrainingContext } from '../callback.js';
import { checkPositiveInt } from '../../util/validate.js';
import { checkCallbackOptions } from '../trainer-options.js';

/** Options of {@link sampleGrid}. */
export interface SampleGridOptions {
  /** Write a grid every this many steps (and at the end of the run). */
  readonly every: number;
  /** Directory of the PNG files. */
  readonly dir: string;
  /** Number of images in the grid. @defaultValue 64 (conditional: 10 per class, up to 100) */
  readonly count?: number;
  /** Seed of the fixed latents, the same at every step so grids are comparable. @defaultValue 0 */
  readonly seed?: number;
  /** Columns of the grid. @defaultValue ceil(sqrt(count)), or the number of classes when conditional */
  readonly columns?: number;
  /** File name; `{step}` is replaced by the zero-padded step. @defaultValue 'samples-{step}.png' */
  readonly filename?: string;
}

/**
 * Writes a PNG grid of generated images every `every` steps, always from the same latents so that the
 * grids show training progress. For conditional generators, each column is one class.
 */
export function sampleGrid(options: SampleGridOptions): Callback {
  const owner = 'callbacks.sampleGrid';
  checkCallbackOptions(options, ['every', 'dir', 'count', 'seed', 'columns', 'filename'], owner);
  checkPositiveInt(options.every, 'every', owner);
  if (typeof options.dir !== 'string' || options.dir.length === 0) {
    throw new ConfigError(`${owner}: 'dir' must be a directory path, received ${describeValue(options.dir)}.`);
  }
  const filename = options.filename ?? 'samples-{step}.png';
  const write = async (context: TrainingContext): Promise<void> => {
    // The EMA generator when the trainer keeps one (TrainerConfig.ema): its samples are the ones to show.
    const generator = context.trainer.samplingGenerator;
    const classes = generator.numClasses;
    const count = options.count ?? (classes > 0 ? Math.min(100, classes * Math.min(10, Math.floor(100 / classes))) : 64);
    const labels = classes > 0 ? Array.from({ length: count }, (_, i) => i % classes) : undefined;
    const images = generator.sample({ count, seed: options.seed ?? 0, labels }) as tf.Tensor4D;
    const name = filename.replace('{step}', String(context.trainer.step).padStart(6, '0'));
    try {
      await saveImageGrid(images, joinPath(options.dir, name), {
        columns: options.columns ?? (classes > 0 ? classes : undefined),
      });
    } finally {
      images.dispose();
    }
  };
  return {
    onTrainBegin(context) {
      if (context.trainer.generator.outputShape.length !== 3) {
        throw new ConfigError(
          `${owner}: needs an image generator (output [height, width, channels]), received output shape ${describeValue(context.trainer.generator.outputShape)}.`,
        );
      }
    },
    async onStepEnd(logs, context) {
      if (logs.step % options.every === 0) await write(context);
    },
    async onTrainEnd(history, context) {
      const last = history.logs.at(-1);
      if (last !== undefined && last.step % options.every !== 0) await write(context);
    },
  };
}

function joinPath(dir: string, name: string): string {
  return dir.endsWith('/') ? `${dir}${name}` : `${dir}/${name}`;
}
