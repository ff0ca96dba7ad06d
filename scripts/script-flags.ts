/**
 * The `--name value` command lines of the training and scoring scripts, read strictly: a misspelt or
 * unknown flag, a flag without its value or a stray word stops the script before it trains, instead of
 * being ignored (an hour's run of the wrong settings).
 */
import { parseArgs } from 'node:util';

/**
 * The flags on the command line (`process.argv` past the script, or `args`), each a string; `names` are
 * the flags the script reads, without their dashes. Throws naming the script, the bad flag and the
 * flags it takes.
 */
export function scriptFlags<Name extends string>(
  script: string,
  names: readonly Name[],
  args: readonly string[] = process.argv.slice(2),
): Partial<Record<Name, string>> {
  const options = Object.fromEntries(names.map((name) => [name, { type: 'string' as const }]));
  try {
    const { values } = parseArgs({ args: [...args], options, strict: true, allowPositionals: false });
    return values as Partial<Record<Name, string>>;
  } catch (error) {
    const reason = (error instanceof Error ? error.message : String(error)).replace(/\.$/, '');
    throw new Error(`${script}: ${reason}. It takes ${names.map((name) => `--${name} VALUE`).join(', ')}; received: ${args.join(' ') || '(nothing)'}`);
  }
}
