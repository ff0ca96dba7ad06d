import { GanError } from '../index.js';
import { evalCommand } from './eval-command.js';
import { sampleCommand } from './sample-command.js';
import { trainCommand } from './train-command.js';

const USAGE = `Usage: tfjs-gan <command> [flags]

Commands:
  train     train a GAN (tfjs-gan train --help)
  sample    write a PNG grid from a saved run (tfjs-gan sample --help)
  eval      score a saved run: FID, KID, precision/recall, ... (tfjs-gan eval --help)
`;

/** Runs the CLI with the given arguments; resolves to the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const write = (text: string): void => void process.stdout.write(text);
  const [command, ...rest] = argv;
  try {
    if (command === 'train') return await trainCommand(rest, write);
    if (command === 'sample') await sampleCommand(rest, write);
    else if (command === 'eval') await evalCommand(rest, write);
    else if (command === undefined || command === '--help' || command === 'help') write(USAGE);
    else {
      process.stderr.write(`tfjs-gan: unknown command '${command}'.\n\n${USAGE}`);
      return 2;
    }
    return 0;
  } catch (error) {
    if (error instanceof GanError) {
      process.stderr.write(`tfjs-gan: ${error.name}: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}
