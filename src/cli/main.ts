import { GanError, closestName } from '../index.js';
import { alignRows } from './args.js';
import { evalCommand } from './eval-command.js';
import { exportCommand } from './export-command.js';
import { packageVersion } from './package-version.js';
import { plotCommand } from './plot-command.js';
import { sampleCommand } from './sample-command.js';
import { trainCommand } from './train-command.js';

/** The commands, with a line of help each. */
const COMMANDS: readonly (readonly [string, string])[] = [
  ['train', 'train a GAN, or a shipped recipe (tfjs-gan train --help)'],
  ['sample', 'write a PNG grid from a saved run (tfjs-gan sample --help)'],
  ['eval', 'score a saved run: FID, KID, precision/recall, ... (tfjs-gan eval --help)'],
  ['export', "write a saved run's generator as a tfjs model for apps (tfjs-gan export --help)"],
  ['plot', "draw a run's losses, scores and metrics against the step as an SVG image (tfjs-gan plot --help)"],
];

const USAGE = `Usage: tfjs-gan <command> [flags]

Commands:
${alignRows(COMMANDS)}
Global flags:
${alignRows([
  ['-h, --help', 'show this help; <command> --help shows a command\'s flags'],
  ['-v, --version', 'print the version of tfjs-gan'],
])}`;

/**
 * Runs the CLI with the given arguments; resolves to the exit code: 0 done, 1 an error of the library
 * (bad configuration, data, checkpoint), 2 a usage error (no or unknown command), 130 interrupted.
 */
export async function main(argv: readonly string[]): Promise<number> {
  const write = (text: string): void => void process.stdout.write(text);
  const [command, ...rest] = argv;
  try {
    if (command === 'train') return await trainCommand(rest, write);
    if (command === 'sample') await sampleCommand(rest, write);
    else if (command === 'eval') await evalCommand(rest, write);
    else if (command === 'export') await exportCommand(rest, write);
    else if (command === 'plot') await plotCommand(rest, write);
    else if (command === '--help' || command === '-h' || command === 'help') write(USAGE);
    else if (command === '--version' || command === '-v') write(`${await packageVersion()}\n`);
    else if (command === undefined) {
      process.stderr.write(`tfjs-gan: no command given.\n\n${USAGE}`);
      return 2;
    } else {
      const close = closestName(command.replace(/^-+/, ''), COMMANDS.map(([name]) => name));
      process.stderr.write(`tfjs-gan: unknown command '${command}'.${close === undefined ? '' : ` Did you mean '${close}'?`}\n\n${USAGE}`);
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
