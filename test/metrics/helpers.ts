import { SeededRandom } from '../../src/util/random.js';

/** A random symmetric PSD matrix B B^T / rank, with B n x rank: of rank <= `rank`. */
export function randomPsd(n: number, rank: number, seed: number): Float64Array {
  const random = new SeededRandom(seed);
  const b = Float64Array.from({ length: n * rank }, () => random.nextNormal());
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let k = 0; k < rank; k++) sum += b[i * rank + k] * b[j * rank + k];
      out[i * n + j] = sum / rank;
    }
  }
  return out;
}
