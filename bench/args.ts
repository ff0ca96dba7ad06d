/** The command-line option parsing every benchmark script shares. */

/** The value after `--name` on the command line, or undefined when the option is absent. */
export function flag(name: string): string | undefined {
  const args = process.argv.slice(2);
  const i = args.indexOf(`--${name}`);
  return i === -1 ? undefined : args[i + 1];
}

/** Whether the switch `--name` is on the command line. */
export function hasFlag(name: string): boolean {
  return process.argv.slice(2).includes(`--${name}`);
}
