/**
 * Batches whose samples come in groups of one class: what a conditional discriminator that packs
 * samples (PacGAN) judges, since it takes one label per group of `groupSize` consecutive samples.
 *
 * Stateless like the samplers: a pure function of `(seed, index, batchSize, sampling, groupSize)`, so a
 * resumed run draws exactly the batches of the uninterrupted one.
 *
 * @packageDocumentation
 */
import { SeededRandom, hashInts } from '../util/random.js';
import { samplesByClass } from './class-balanced-sampler.js';

/** A purpose mixed into the seeds of the groups' other members, so they differ from the samplers' draws. */
const GROUP_DRAW = 0x6c7a09;

/**
 * Fills groups around their first members. Group `g` of batch `index` starts with `leaders[g]`, drawn
 * by the batch's sampling (so the groups' classes follow it: the data's frequencies with `'shuffle'`,
 * equal with `'class-balanced'`), and goes on with `groupSize - 1` other samples of the leader's class,
 * drawn without repeats from `(seed, index, g)`. A class with fewer samples than `groupSize` repeats them.
 */
export class ClassGroups {
  private readonly labels: Int32Array;
  private readonly members: readonly Int32Array[];

  /**
   * @param labels - the class id of every sample, integers in [0, numClasses).
   * @param numClasses - the number of class ids.
   * @param owner - who asks, for messages.
   * @throws ConfigError when a label is not an integer in [0, numClasses).
   */
  constructor(labels: ArrayLike<number>, numClasses: number, owner: string) {
    this.labels = Int32Array.from(labels);
    this.members = samplesByClass(labels, numClasses, owner);
  }

  /**
   * The sample indices of a grouped batch.
   * @param leaders - the first sample of each group.
   * @param groupSize - samples per group, an integer >= 1.
   * @param seed - the sampling seed, an integer.
   * @param index - the global batch index (mixed into the draws).
   * @returns `leaders.length * groupSize` indices; group `g` is `[g * groupSize, (g + 1) * groupSize)`.
   */
  fill(leaders: Int32Array, groupSize: number, seed: number, index: number): Int32Array {
    const out = new Int32Array(leaders.length * groupSize);
    leaders.forEach((leader, g) => {
      const others = this.members[this.labels[leader]].filter((i) => i !== leader);
      out[g * groupSize] = leader;
      if (groupSize === 1) return;
      if (others.length === 0) {
        out.fill(leader, g * groupSize + 1, (g + 1) * groupSize);
        return;
      }
      const random = new SeededRandom(hashInts(seed, GROUP_DRAW, index, g));
      // A partial Fisher-Yates shuffle of the class's other samples, restarted when they run out.
      for (let j = 1, left = 0; j < groupSize; j++, left--) {
        if (left === 0) left = others.length;
        const pick = others.length - left + random.nextInt(left);
        const chosen = others[pick];
        others[pick] = others[others.length - left];
        others[others.length - left] = chosen;
        out[g * groupSize + j] = chosen;
      }
    });
    return out;
  }
}
