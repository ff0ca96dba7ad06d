/**
 * What the blind-count grid scripts (emoji-blind-grids.ts, emoji-shapes-blind-grids.ts) share: where
 * the grids and the key go, and the random letters the grids are saved under.
 */
import { randomInt } from 'node:crypto';
import { resolve } from 'node:path';

/**
 * The folder of grids to give the rater (--out, required) and the key's file (--key, default beside the
 * folder as DIR.key.json); a key inside the folder is refused, since the rater would see it.
 */
export function blindGridPaths(outFlag: string | undefined, keyFlag: string | undefined): { out: string; keyFile: string } {
  if (outFlag === undefined) throw new Error('--out DIR is required: the folder of grids to give the rater');
  const out = resolve(outFlag);
  const keyFile = resolve(keyFlag ?? `${out}.key.json`);
  if (keyFile.startsWith(`${out}/`)) throw new Error(`--key ${keyFile} is inside --out ${out}: the rater would see it`);
  return { out, keyFile };
}

/** A to Z in an order drawn with `crypto.randomInt`, so that nothing in the command tells which grid is which. */
export function shuffledLetters(): string[] {
  const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'.split('');
  for (let i = letters.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [letters[i], letters[j]] = [letters[j]!, letters[i]!];
  }
  return letters;
}
