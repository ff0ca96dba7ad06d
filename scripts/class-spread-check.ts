/**
 * Does a saved run's discriminator see a class drawn as one picture? Feeds its per-class minibatch
 * standard deviation layer (`classMinibatchStdDev`) batches of 8 training emoji of one category, 8
 * different ones against 8 copies of one, each as they are and through the recipe's DiffAugment (colour,
 * translation, cutout; a seed per batch), and prints the feature the layer appends (the discriminator in
 * training mode, as when it trains), and in brackets the batch-wide minibatch standard deviation's
 * (`minibatchStdDev`, groups of 4) when the discriminator has one. Where the copies score near the
 * different emoji, the feature cannot tell a collapsed class from a varied one.
 *
 *   npx tsx scripts/class-spread-check.ts --run RUN/best [--categories 0,1,8] [--batches 8] [--augment color,translation,cutout] [--draws sample|class] [--threads 2]
 *
 * --augment: the DiffAugment policy of the augmented batches (default the emoji recipe's three).
 * --draws: DiffAugment's draws per image (`sample`, the default, as the Trainer does) or shared by the
 * images of a class (`class`: `diffAugment`'s `groups` set to the labels; every batch here is one class).
 *
 * Needs the optional package emoji-datasource-twitter.
 */
import * as tf from '@tensorflow/tfjs';
import { augmentForDiscriminator, checkAugmentPolicy } from '../src/augment/diff-augment.js';
import { useBackend } from '../src/backend/index.js';
import { EMOJI_CATEGORIES } from '../src/data/emoji-catalog.js';
import { Trainer } from '../src/index.js';
import { extractorSplit } from '../src/metrics/extractor-data.js';
import { AUGMENT_DRAWS } from '../src/train/augment-draws.js';
import { checkOneOf } from '../src/util/validate.js';
import { commandLine } from './script-flags.js';

const SCRIPT = 'scripts/class-spread-check.ts';
const { values } = commandLine(SCRIPT, { values: ['run', 'categories', 'batches', 'augment', 'draws', 'threads'] });
if (values.run === undefined) throw new Error(`${SCRIPT}: --run DIR is required: a directory saved by Trainer.save whose discriminator has classMinibatchStdDev`);
const categories = (values.categories ?? '0,1,8').split(',').map(Number);
const batches = Number(values.batches ?? 8);
const draws = checkOneOf(values.draws ?? 'sample', AUGMENT_DRAWS, '--draws', SCRIPT);
const policy = checkAugmentPolicy((values.augment ?? 'color,translation,cutout').split(','), SCRIPT, '--augment');
if (!Number.isInteger(batches) || batches < 1) throw new Error(`${SCRIPT}: --batches must be an integer >= 1, received ${values.batches}`);
if (categories.some((c) => !Number.isInteger(c) || c < 0 || c >= EMOJI_CATEGORIES.length)) {
  throw new Error(`${SCRIPT}: --categories must be category numbers 0 to ${EMOJI_CATEGORIES.length - 1}, received ${values.categories}`);
}

await useBackend('wasm', { threads: Number(values.threads ?? 2) });
const trainer = await Trainer.load(`file://${values.run}`);
const model = trainer.discriminator.model;
const layer = model.layers.find((l) => l.getClassName() === 'ClassMinibatchStdDev');
if (layer === undefined) throw new Error(`${SCRIPT}: the discriminator of ${values.run} has no ClassMinibatchStdDev layer (classMinibatchStdDev: true)`);
// The layer's first node is the model's own graph (a conditioning transition adds one for class weights).
const upToLayer = tf.model({ inputs: model.inputs, outputs: layer.getOutputAt(0) as tf.SymbolicTensor });
const data = await extractorSplit('emoji', 'train');
const labels = await data.labels!.array();
const images = data.images as tf.Tensor4D;

// With minibatchStdDev as well, the batch-wide feature is the channel before the per-class one.
const batchWide = model.layers.some((l) => l.getClassName() === 'MinibatchStdDev');

/** The per-class feature for a batch of 8 of `category`, and the batch-wide one (sample 0's group) when there is one. */
function features(batch: tf.Tensor4D, category: number, augmentSeed: number | undefined): number[] {
  return tf.tidy(() => {
    const groups = draws === 'class' ? new Array<number>(batch.shape[0]).fill(category) : undefined;
    const input = augmentSeed === undefined ? batch : augmentForDiscriminator(batch, policy, augmentSeed, { groups });
    const out = upToLayer.apply([input, tf.fill([batch.shape[0], 1], category, 'int32')], { training: true }) as tf.Tensor4D;
    const channels = batchWide ? 2 : 1;
    return Array.from(tf.slice(out, [0, 0, 0, out.shape[3] - channels], [1, 1, 1, channels]).dataSync()).reverse();
  });
}

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
for (const category of categories) {
  const ids = labels.flatMap((l, i) => (l === category ? [i] : []));
  if (ids.length < 8 * batches) throw new Error(`${SCRIPT}: category ${category} has ${ids.length} training emoji, fewer than 8 x --batches ${batches}`);
  const row: string[] = [];
  for (const [kind, idsOf] of [
    ['8 different', (b: number) => ids.slice(8 * b, 8 * b + 8)],
    ['8 copies of one', (b: number) => Array<number>(8).fill(ids[b])],
  ] as const) {
    for (const augmented of [false, true]) {
      const readings: number[][] = [];
      for (let b = 0; b < batches; b++) {
        const batch = tf.gather(images, idsOf(b)) as tf.Tensor4D;
        readings.push(features(batch, category, augmented ? 1000 + b : undefined));
        batch.dispose();
      }
      const perClass = mean(readings.map((v) => v[0])).toFixed(3);
      const wide = batchWide ? ` (batch-wide ${mean(readings.map((v) => v[1])).toFixed(3)})` : '';
      row.push(`${kind}, ${augmented ? 'augmented' : 'as they are'}: ${perClass}${wide}`);
    }
  }
  console.log(`${EMOJI_CATEGORIES[category]} (${batches} batches, augmented: ${policy.join(', ')}, draws per ${draws}): ${row.join('; ')}`);
}
data.dispose();
