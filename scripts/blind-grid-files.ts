/**
 * What the blind-count grid scripts (emoji-blind-grids.ts, emoji-shapes-blind-grids.ts,
 * emoji-class-blind-grids.ts) share: where the grids and the key go, the random letters the grids are
 * saved under, and the saving itself.
 */
import type * as tf from '@tensorflow/tfjs';
import { randomInt } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { saveImageGrid } from '../src/io/image-grid.js';

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

/**
 * Saves each grid, drawn when its turn comes and disposed once saved, as `out/LETTER.png` (letters from
 * {@link shuffledLetters}; grey between the tiles, so that the emoji's white backgrounds stay apart), and writes the key (`{ ...about, key }`, the name of
 * each letter's grid) to `keyFile`.
 */
export async function saveBlindGrids(
  grids: ReadonlyArray<readonly [string, () => tf.Tensor4D | Promise<tf.Tensor4D>]>,
  options: { out: string; keyFile: string; columns: number; about: Record<string, unknown> },
): Promise<void> {
  const letters = shuffledLetters();
  const key: Record<string, string> = {};
  for (const [n, [name, draw]] of grids.entries()) {
    const images = await draw();
    key[letters[n]!] = name;
    await saveImageGrid(images, `${options.out}/${letters[n]}.png`, { columns: options.columns, background: 128 });
    images.dispose();
  }
  await writeFile(options.keyFile, `${JSON.stringify({ ...options.about, key }, null, 1)}\n`);
  console.log(`wrote ${grids.length} grids to ${options.out}; the key is ${options.keyFile}`);
}
