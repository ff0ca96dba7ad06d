import * as tf from '@tensorflow/tfjs';
import { type BackendName, useBackend } from '../backend/index.js';
import { defaultBackend } from '../backend/default-backend.js';
import { ConfigError, describeValue } from '../errors.js';
import { saveImageGrid } from '../io/image-grid.js';
import { Trainer } from '../train/trainer.js';
import { type FlagSpec, helpText, parseFlags } from './args.js';

/** The flags of `tfjs-gan sample`. */
export const SAMPLE_FLAGS: Readonly<Record<string, FlagSpec>> = Object.freeze({
  run: { type: 'string', help: 'run directory (a checkpoint written by tfjs-gan train)', default: 'runs/latest' },
  out: { type: 'string', help: 'PNG file to write', default: 'samples.png' },
  count: { type: 'number', help: 'number of images', default: 64 },
  seed: { type: 'number', help: 'seed of the latents', default: 0 },
  label: { type: 'number', help: 'class id for a conditional run (default: one column per class)' },
  truncation: { type: 'number', help: 'redraw latent components beyond this many std' },
  columns: { type: 'number', help: 'columns of the grid' },
  backend: { type: 'string', help: 'cpu | wasm | webgl | webgpu | tensorflow (default: fastest available)' },
});

const SUMMARY = 'Draws images from a saved run and writes them as a PNG grid.';

/** Runs `tfjs-gan sample`. */
export async function sampleCommand(argv: readonly string[], write: (text: string) => void): Promise<void> {
  if (argv.includes('--help')) {
    write(helpText('sample', SUMMARY, SAMPLE_FLAGS));
    return;
  }
  const flags = parseFlags(argv, SAMPLE_FLAGS, 'sample');
  await useBackend((flags.backend as BackendName | undefined) ?? (await defaultBackend()));
  const trainer = await Trainer.load(String(flags.run));
  const { generator } = trainer;
  try {
    if (generator.outputShape.length !== 3) {
      throw new ConfigError(`tfjs-gan sample: the run in ${describeValue(flags.run)} generates ${describeValue(generator.outputShape)} samples, not images.`);
    }
    const count = Number(flags.count);
    const classes = generator.numClasses;
    let labels: number | number[] | undefined;
    if (flags.label !== undefined) labels = Number(flags.label);
    else if (classes > 0) labels = Array.from({ length: count }, (_, i) => i % classes);
    const images = generator.sample({
      count,
      seed: Number(flags.seed),
      labels,
      truncation: flags.truncation as number | undefined,
    }) as tf.Tensor4D;
    try {
      await saveImageGrid(images, String(flags.out), {
        columns: (flags.columns as number | undefined) ?? (classes > 0 && flags.label === undefined ? classes : undefined),
      });
    } finally {
      images.dispose();
    }
    write(`wrote ${count} samples of step ${trainer.step} to ${flags.out}\n`);
  } finally {
    generator.dispose();
    trainer.discriminator.dispose();
    trainer.dispose();
  }
}
