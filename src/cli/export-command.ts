import { BACKEND_NAMES, type BackendName, Trainer, defaultBackend, useBackend } from '../index.js';
import { type FlagSpec, helpText, parseFlags, wantsHelp } from './args.js';

/** The flags of `tfjs-gan export`. */
export const EXPORT_FLAGS: Readonly<Record<string, FlagSpec>> = Object.freeze({
  run: { type: 'string', help: 'run directory (a checkpoint written by tfjs-gan train)', default: 'runs/latest' },
  out: { type: 'string', help: 'directory to write model.json and its weights file into', default: 'generator' },
  raw: { type: 'boolean', help: "export the trained generator's own weights instead of their moving average (EMA), when the run kept one" },
  backend: { type: 'string', choices: BACKEND_NAMES, help: `${BACKEND_NAMES.join(' | ')} (default: fastest available)` },
});

const SUMMARY =
  "Writes a saved run's generator as a standard tfjs LayersModel (model.json and weights) for applications: " +
  'MLP and DCGAN generators (unconditional or concat-conditional) load with plain tf.loadLayersModel, every family with Generator.load.';

/** Runs `tfjs-gan export`. */
export async function exportCommand(argv: readonly string[], write: (text: string) => void): Promise<void> {
  if (wantsHelp(argv)) {
    write(helpText('export', SUMMARY, EXPORT_FLAGS));
    return;
  }
  const flags = parseFlags(argv, EXPORT_FLAGS, 'export');
  await useBackend((flags.backend as BackendName | undefined) ?? (await defaultBackend()));
  const trainer = await Trainer.load(String(flags.run));
  try {
    const generator = flags.raw === true ? trainer.generator : trainer.samplingGenerator;
    const result = await generator.save(`file://${String(flags.out)}`);
    const which = generator === trainer.generator ? 'generator' : 'EMA generator';
    const loads = result.portable
      ? "plain @tensorflow/tfjs loads it: tf.loadLayersModel('…/model.json')"
      : `it uses tfjs-gan's layers (${result.customLayers.join(', ')}): load it with Generator.load after importing tfjs-gan`;
    write(`wrote the ${which} of step ${trainer.step} to ${flags.out}/model.json; ${loads}\n`);
  } finally {
    trainer.generator.dispose();
    trainer.discriminator.dispose();
    trainer.dispose();
  }
}
