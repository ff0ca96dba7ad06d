import * as tf from '@tensorflow/tfjs';
import {
  BACKEND_NAMES,
  type BackendName,
  ConfigError,
  type Generator,
  type SampleLabels,
  Trainer,
  defaultBackend,
  describeValue,
  io,
  useBackend,
} from '../index.js';
import { type FlagSpec, helpText, parseFlags, wantsHelp } from './args.js';

/** The flags of `tfjs-gan sample`. */
export const SAMPLE_FLAGS: Readonly<Record<string, FlagSpec>> = Object.freeze({
  run: { type: 'string', help: 'run directory (a checkpoint written by tfjs-gan train)', default: 'runs/latest' },
  out: { type: 'string', help: 'PNG file to write', default: 'samples.png' },
  count: { type: 'number', integer: true, min: 1, help: 'number of images (with --labels: per class)', default: 64 },
  seed: { type: 'number', integer: true, min: 0, help: 'seed of the latents', default: 0 },
  label: { type: 'string', help: 'one class for every image of a conditional run: an id (7) or a class name (sneaker)' },
  labels: { type: 'string', help: "'all' (one row of --count images per class) or classes separated by commas (7,3 or sneaker,coat), a row each" },
  truncation: { type: 'number', min: 0, minExclusive: true, help: 'redraw latent components beyond this many std' },
  columns: { type: 'number', integer: true, min: 1, help: 'columns of the grid' },
  backend: { type: 'string', choices: BACKEND_NAMES, help: `${BACKEND_NAMES.join(' | ')} (default: fastest available)` },
});

const SUMMARY = 'Draws images from a saved run and writes them as a PNG grid.';

/** Runs `tfjs-gan sample`. */
export async function sampleCommand(argv: readonly string[], write: (text: string) => void): Promise<void> {
  if (wantsHelp(argv)) {
    write(helpText('sample', SUMMARY, SAMPLE_FLAGS));
    return;
  }
  const flags = parseFlags(argv, SAMPLE_FLAGS, 'sample');
  await useBackend((flags.backend as BackendName | undefined) ?? (await defaultBackend()));
  const trainer = await Trainer.load(String(flags.run));
  // The moving average of the generator's weights when the run kept one: it samples better.
  const generator = trainer.samplingGenerator;
  try {
    if (generator.outputShape.length !== 3) {
      throw new ConfigError(`tfjs-gan sample: the run in ${describeValue(flags.run)} generates ${describeValue(generator.outputShape)} samples, not images.`);
    }
    const count = Number(flags.count);
    const classes = generator.numClasses;
    if (flags.label !== undefined && flags.labels !== undefined) {
      throw new ConfigError(`tfjs-gan sample: give '--label' (one class) or '--labels' (a row per class), not both; received ${describeValue(flags.label)} and ${describeValue(flags.labels)}.`);
    }
    if (classes === 0 && (flags.label !== undefined || flags.labels !== undefined)) {
      throw new ConfigError(`tfjs-gan sample: the run in ${describeValue(flags.run)} is unconditional (numClasses 0); expected no --label or --labels, received ${describeValue(flags.label ?? flags.labels)}.`);
    }
    let labels: SampleLabels | undefined;
    let rows: number[] | undefined;
    let columns = flags.columns as number | undefined;
    if (flags.label !== undefined) {
      labels = cliClass(String(flags.label), generator);
    } else if (flags.labels !== undefined) {
      // A row of `count` samples per class, the same latents in every row (as labels: 'all' does).
      if (String(flags.labels) === 'all') labels = 'all';
      else rows = String(flags.labels).split(',').map((label) => cliClass(label.trim(), generator));
      columns ??= count;
    } else if (classes > 0) {
      labels = Array.from({ length: count }, (_, i) => i % classes);
      columns ??= classes;
    }
    const options = { count, seed: Number(flags.seed), truncation: flags.truncation as number | undefined };
    const images = (
      rows === undefined
        ? generator.sample({ ...options, labels })
        : tf.tidy(() => tf.concat(rows.map((id) => generator.sample({ ...options, labels: id }))))
    ) as tf.Tensor4D;
    const total = images.shape[0];
    try {
      await io.saveImageGrid(images, String(flags.out), { columns });
    } finally {
      images.dispose();
    }
    write(`wrote ${total} samples of step ${trainer.step} to ${flags.out}\n`);
  } finally {
    trainer.generator.dispose();
    trainer.discriminator.dispose();
    trainer.dispose();
  }
}

/**
 * A class as the command line gives it: a class name of the run, else an integer id.
 * @throws ConfigError for an unknown name or an id out of range, listing what is expected.
 */
function cliClass(text: string, generator: Generator): number {
  const names = generator.classNames;
  if (names?.includes(text)) return names.indexOf(text);
  if (/^\d+$/.test(text)) return generator.classId(Number(text));
  return generator.classId(text);
}
