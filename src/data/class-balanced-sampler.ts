/**
 * Class-balanced batches: every class that has samples gets the same share of every batch, whatever
 * its share of the data. For conditional GANs whose classes are unequal in size (the emoji's People &
 * Body is 58% of the images, Flags 7%): the generator's labels are drawn uniformly, so with plain
 * shuffling the discriminator sees a small class's real images far less often than its fakes.
 *
 * Like plain shuffling it is stateless, a pure function of `(seed, index, batchSize)`, so a resumed
 * run draws exactly the batches of the uninterrupted one.
 *
 * @packageDocumentation
 */
import { ConfigError, describeValue } from '../errors.js';
import { SeededRandom, hashInts } from '../util/random.js';
import { checkPositiveInt } from '../util/validate.js';

/**
 * How a {@link Dataset} draws training batches:
 * - `'shuffle'`: epochs of a seeded permutation of all samples, cut into batches (every sample once
 *   per epoch; classes in the data's proportions);
 * - `'class-balanced'`: the classes that have samples in turn, each class cycling through its own
 *   seeded permutations (so each class's samples are drawn equally often, and the classes are equal
 *   in every batch up to one sample). Labelled datasets only;
 * - `'class-sqrt'`: each class a share in proportion to the square root of its size, in blocks of
 *   fixed class counts (a rare class far more often than in the data, a large one still more often
 *   than a rare one), each class cycling through its own seeded permutations. Labelled datasets only.
 */
export type BatchSampling = 'shuffle' | 'class-balanced' | 'class-sqrt';

/** Every {@link BatchSampling}, in the order of the documentation. */
export const BATCH_SAMPLINGS: readonly BatchSampling[] = Object.freeze(['shuffle', 'class-balanced', 'class-sqrt'] as const);

/** A purpose mixed into the per-class permutations' seeds, so they differ from the shuffled epochs'. */
const CLASS_EPOCH_DRAW = 0x3c1a55;

/**
 * The sample indices of every class id, in order: entry `c` lists the samples labelled `c` (empty for a
 * class without samples).
 * @throws ConfigError when `numClasses` is not a positive integer or a label is not an integer in
 *   [0, numClasses).
 */
export function samplesByClass(labels: ArrayLike<number>, numClasses: number, owner: string): Int32Array[] {
  checkPositiveInt(numClasses, 'numClasses', owner);
  const byClass: number[][] = Array.from({ length: numClasses }, () => []);
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i];
    if (!Number.isInteger(label) || label < 0 || label >= numClasses) {
      throw new ConfigError(`${owner}: label ${i} must be an integer in [0, ${numClasses}), received ${describeValue(label)}.`);
    }
    byClass[label].push(i);
  }
  return byClass.map((members) => Int32Array.from(members));
}

/**
 * The samples of each class in draws: draw `q` of a class of `n` samples is element `q mod n` of the
 * class's permutation number `floor(q / n)`, drawn from `(seed, purpose, class id, permutation
 * number)`, so every sample of a class is drawn equally often. Each class's last permutation is kept.
 * The class samplers draw their classes' samples through it.
 */
export class ClassDraws {
  private readonly cache: ({ seed: number; epoch: number; order: Int32Array } | undefined)[];

  /**
   * @param members - the sample indices of each class, by the index `k` the draws give.
   * @param classIds - the class id of each entry of `members`, mixed into its permutations' seeds.
   * @param purpose - a number mixed into the seeds, so that each sampler's draws are its own.
   */
  constructor(
    private readonly members: readonly Int32Array[],
    private readonly classIds: ArrayLike<number>,
    private readonly purpose: number,
  ) {
    this.cache = members.map(() => undefined);
  }

  /** The sample index of draw number `draw` (an integer >= 0) of class entry `k`, with `seed`. */
  sample(k: number, draw: number, seed: number): number {
    const size = this.members[k].length;
    const epoch = Math.floor(draw / size);
    return this.members[k][this.permutation(k, seed, epoch)[draw - epoch * size]];
  }

  private permutation(k: number, seed: number, epoch: number): Int32Array {
    const cached = this.cache[k];
    if (cached !== undefined && cached.seed === seed && cached.epoch === epoch) return cached.order;
    const order = new SeededRandom(hashInts(seed, this.purpose, this.classIds[k], epoch)).permutation(this.members[k].length);
    this.cache[k] = { seed, epoch, order };
    return order;
  }
}

/**
 * Draws class-balanced batches from fixed labels. Slot `p` of the endless stream (batch `index`,
 * position `j`: `p = index * batchSize + j`) takes class `p mod C` among the C classes with samples,
 * and that class's draw number `floor(p / C)`: element `q mod n` of the class's permutation number
 * `floor(q / n)` (n samples in the class), drawn from `(seed, class, permutation number)`.
 */
export class ClassBalancedSampler {
  /** The class ids that have samples, ascending. */
  readonly classes: Int32Array;
  private readonly draws: ClassDraws;

  /**
   * @param labels - the class id of every sample, integers in [0, numClasses).
   * @param numClasses - the number of class ids.
   * @param owner - who asks, for messages.
   * @throws ConfigError when `numClasses` is not a positive integer, a label is not an integer in
   *   [0, numClasses), or there are no labels.
   */
  constructor(labels: ArrayLike<number>, numClasses: number, owner: string) {
    const byClass = samplesByClass(labels, numClasses, owner);
    const classes = byClass.flatMap((members, c) => (members.length > 0 ? [c] : []));
    if (classes.length === 0) throw new ConfigError(`${owner}: 'class-balanced' sampling needs labelled samples, received none.`);
    this.classes = Int32Array.from(classes);
    this.draws = new ClassDraws(classes.map((c) => byClass[c]), this.classes, CLASS_EPOCH_DRAW);
  }

  /**
   * The sample indices of batch number `index`.
   *
   * @param index - the global batch index, an integer >= 0.
   * @param batchSize - samples per batch, an integer >= 1.
   * @param seed - the sampling seed, an integer.
   * @returns `batchSize` sample indices; a class's samples repeat within a batch only when the batch
   *   asks for more of the class than it has.
   */
  indices(index: number, batchSize: number, seed: number): Int32Array {
    const classCount = this.classes.length;
    const out = new Int32Array(batchSize);
    const first = index * batchSize;
    for (let j = 0; j < batchSize; j++) {
      const position = first + j;
      out[j] = this.draws.sample(position % classCount, Math.floor(position / classCount), seed);
    }
    return out;
  }
}
