/**
 * Batches in which each class takes a fixed share, here the square root of its size (`'class-sqrt'`
 * sampling): between the data's proportions (`'shuffle'`, a share in proportion to the size) and
 * `'class-balanced'` (the same share for every class). A rare class is seen far more often than in the
 * data, a large one still more often than a rare one. Long-tailed training samples so (the square root
 * of the frequency, as word2vec's subsampling and multilingual models' tempered sampling do).
 *
 * Stateless like the other samplings: a pure function of `(seed, index, batchSize)`, so a resumed run
 * draws exactly the batches of the uninterrupted one.
 *
 * @packageDocumentation
 */
import { ConfigError } from '../errors.js';
import { SeededRandom, hashInts } from '../util/random.js';
import { ClassDraws, samplesByClass } from './class-balanced-sampler.js';

/** Purposes mixed into the seeds, so that these draws differ from the other samplings'. */
const BLOCK_DRAW = 0x5a3e61;
const CLASS_EPOCH_DRAW = 0x5a3e62;
/** Slots of a block per class with samples: the resolution of the shares. */
const SLOTS_PER_CLASS = 16;

/**
 * Each class's slots in a block of the stream of samples: `round(B * sqrt(n) / sum of sqrt(n))` for a
 * class of `n` samples, at least 1, with `B` = 16 slots for each class with samples; 0 for a class
 * without samples.
 */
export function sqrtClassShares(classCounts: ArrayLike<number>): Int32Array {
  const roots = Array.from(classCounts, (count) => Math.sqrt(count));
  const total = roots.reduce((sum, root) => sum + root, 0);
  const present = roots.filter((root) => root > 0).length;
  return Int32Array.from(roots, (root) => (root > 0 ? Math.max(1, Math.round((SLOTS_PER_CLASS * present * root) / total)) : 0));
}

/**
 * Draws batches with fixed class shares from fixed labels. The endless stream of sample slots (batch
 * `index`, position `j`: slot `p = index * batchSize + j`) is cut into blocks of `B` slots, `B` the sum
 * of the shares. Block `b` holds exactly `share[c]` slots of class `c`, in an order drawn from
 * `(seed, b)`; the `r`-th of them is the class's draw number `b * share[c] + r`, and draw `q` of a class
 * of `n` samples is element `q mod n` of the class's permutation number `floor(q / n)`, drawn from
 * `(seed, class, permutation number)`. So every sample of a class is drawn equally often.
 */
export class ClassShareSampler {
  /** The slots each class id takes in a block (0 for a class without samples). */
  readonly shares: Int32Array;
  private readonly blockSize: number;
  private block?: { seed: number; index: number; classes: Int32Array; ranks: Int32Array };
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
    if (labels.length === 0) throw new ConfigError(`${owner}: 'class-sqrt' sampling needs labelled samples, received none.`);
    this.shares = sqrtClassShares(byClass.map((members) => members.length));
    this.blockSize = this.shares.reduce((sum, share) => sum + share, 0);
    this.draws = new ClassDraws(byClass, Int32Array.from(byClass, (_, c) => c), CLASS_EPOCH_DRAW);
  }

  /**
   * The sample indices of batch number `index`.
   *
   * @param index - the global batch index, an integer >= 0.
   * @param batchSize - samples per batch, an integer >= 1.
   * @param seed - the sampling seed, an integer.
   * @returns `batchSize` sample indices.
   */
  indices(index: number, batchSize: number, seed: number): Int32Array {
    const out = new Int32Array(batchSize);
    const first = index * batchSize;
    for (let j = 0; j < batchSize; j++) {
      const slot = first + j;
      const blockIndex = Math.floor(slot / this.blockSize);
      const block = this.blockOrder(seed, blockIndex);
      const within = slot - blockIndex * this.blockSize;
      const k = block.classes[within];
      out[j] = this.draws.sample(k, blockIndex * this.shares[k] + block.ranks[within], seed);
    }
    return out;
  }

  /** The class of each slot of block `index` and its rank among the block's slots of that class. */
  private blockOrder(seed: number, index: number): { classes: Int32Array; ranks: Int32Array } {
    const cached = this.block;
    if (cached !== undefined && cached.seed === seed && cached.index === index) return cached;
    const order = new SeededRandom(hashInts(seed, BLOCK_DRAW, index)).permutation(this.blockSize);
    // Slot order[i] of the block takes the i-th entry of the classes laid out by share.
    const classes = new Int32Array(this.blockSize);
    let i = 0;
    this.shares.forEach((share, k) => {
      for (let r = 0; r < share; r++) classes[order[i++]] = k;
    });
    const ranks = new Int32Array(this.blockSize);
    const seen = new Int32Array(this.shares.length);
    for (let slot = 0; slot < this.blockSize; slot++) ranks[slot] = seen[classes[slot]]++;
    this.block = { seed, index, classes, ranks };
    return this.block;
  }
}
