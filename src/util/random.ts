/**
 * Seeded, counter-based randomness. Every random draw of a training run is a pure function of the run's
 * seed and a few integers (step, sub-step, purpose), so a run resumed from a checkpoint draws exactly
 * what the uninterrupted run would have drawn.
 */

/** Mixes 32-bit integers into one well-distributed 32-bit unsigned integer (murmur3 finaliser). */
export function hashInts(...values: number[]): number {
  let h = 0x9e3779b9;
  for (const value of values) {
    let k = Math.imul(value | 0, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
    // Mix in the high part of values beyond 32 bits (steps can exceed 2^32 only in theory).
    h ^= Math.floor(value / 0x100000000) | 0;
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A small, fast, seeded generator of uniform numbers in [0, 1) (mulberry32). */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = hashInts(seed) | 0;
  }

  /** A uniform float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** A uniform integer in [0, maxExclusive). */
  nextInt(maxExclusive: number): number {
    return Math.floor(this.next() * maxExclusive);
  }

  /** A standard normal draw (Box-Muller). */
  nextNormal(): number {
    let u = 0;
    while (u === 0) u = this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** A permutation of 0..n-1 (Fisher-Yates). */
  permutation(n: number): Int32Array {
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = this.nextInt(i + 1);
      const tmp = order[i];
      order[i] = order[j];
      order[j] = tmp;
    }
    return order;
  }
}

/** A fresh seed for an ad-hoc draw when the user gave none. */
export function randomSeed(): number {
  return Math.floor(Math.random() * 0x7fffffff);
}
