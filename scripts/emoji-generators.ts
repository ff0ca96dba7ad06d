/**
 * The emoji generators the emoji scripts compare (`scripts/emoji-extractor-check.ts`,
 * `scripts/emoji-blind-grids.ts`), named on their command lines as `pretrained`
 * (`Generator.pretrained('emoji64')`) or a directory saved by `Trainer.save` (its sampling generator).
 */
import { resolve } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { Generator } from '../src/nets/generator.js';
import { Trainer } from '../src/train/trainer.js';

/** The generator a `--generators` entry names: `pretrained` or a saved run's directory. */
export async function loadEmojiGenerator(name: string): Promise<Generator<tf.Rank>> {
  return name === 'pretrained' ? Generator.pretrained('emoji64') : (await Trainer.load(`file://${resolve(name)}`)).samplingGenerator;
}
