/**
 * The 2-D Gaussian mixtures on which mode collapse is measured (VEEGAN, Srivastava et al. 2017,
 * arXiv:1705.07761; PacGAN, Lin et al. 2018, arXiv:1712.04086): 'ring', 8 Gaussians on the unit
 * circle with std 0.01, and 'grid', 25 Gaussians at {-4, -2, 0, 2, 4}^2 with std 0.05.
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs';
import { ConfigError, describeValue } from '../errors.js';
import { SeededRandom } from '../util/random.js';
import { Dataset } from './dataset.js';
import { checkInt, checkOneOf, checkOptions, invalidValue } from '../util/validate.js';

/** The names of the toy mixtures. */
export const TOY2D_NAMES = Object.freeze(['ring', 'grid'] as const);
/** The name of a toy mixture: `'ring'` or `'grid'`. */
export type Toy2dName = (typeof TOY2D_NAMES)[number];

/** A mixture of equally weighted isotropic 2-D Gaussians. */
export interface Toy2dModes {
  /** The means, one `[x, y]` per mode; a sample's label is its mode's index here. */
  readonly centers: readonly (readonly [number, number])[];
  /** The standard deviation of every mode, in each coordinate. */
  readonly std: number;
}

/** Options of {@link toy2d}. */
export interface Toy2dOptions {
  /**
   * The number of points.
   * @defaultValue 10000
   */
  readonly count?: number;
  /**
   * The seed of the draw: the same seed gives the same points.
   * @defaultValue 0
   */
  readonly seed?: number;
}

/** The defaults of {@link Toy2dOptions}. */
export const TOY2D_DEFAULTS = Object.freeze({
  /** Points drawn. */
  count: 10_000,
  /** Seed of the draw. */
  seed: 0,
});

const RING: Toy2dModes = Object.freeze({
  centers: Object.freeze(
    Array.from({ length: 8 }, (_, i) =>
      Object.freeze([Math.cos((2 * Math.PI * i) / 8), Math.sin((2 * Math.PI * i) / 8)] as const),
    ),
  ),
  std: 0.01,
});

const GRID: Toy2dModes = Object.freeze({
  centers: Object.freeze(
    Array.from({ length: 25 }, (_, k) => Object.freeze([-4 + 2 * Math.floor(k / 5), -4 + 2 * (k % 5)] as const)),
  ),
  std: 0.05,
});

/**
 * The modes of a toy mixture. Ring mode `i` is at `(cos(2 pi i / 8), sin(2 pi i / 8))`; grid mode
 * `k` is at `(-4 + 2 * floor(k / 5), -4 + 2 * (k % 5))`.
 *
 * @param name - `'ring'` or `'grid'`.
 * @returns the centers and the common standard deviation (frozen).
 * @throws ConfigError on an unknown name.
 * @example
 * ```ts
 * toy2dModes('grid').centers.length;   // 25
 * toy2dModes('ring').std;              // 0.01
 * ```
 */
export function toy2dModes(name: Toy2dName): Toy2dModes {
  if (name === 'ring') return RING;
  if (name === 'grid') return GRID;
  throw invalidValue('toy2dModes', 'name', `one of ${describeValue(TOY2D_NAMES)}`, name);
}

/**
 * Draws points from a toy 2-D mixture: each point picks a mode uniformly, then adds Gaussian noise.
 * The points are not rescaled (the grid spans about [-4.2, 4.2]); the labels are the mode indices,
 * so `numClasses` is 8 (ring) or 25 (grid).
 *
 * @param name - `'ring'` or `'grid'`.
 * @param options - see {@link Toy2dOptions}.
 * @returns a dataset of points `[count, 2]` with int32 labels, named `'toy2d-ring'` or `'toy2d-grid'`.
 * @throws ConfigError on an unknown name or a bad count or seed.
 * @example
 * ```ts
 * const ring = await toy2d('ring', { count: 2000, seed: 1 });
 * ring.sampleShape;   // [2]
 * ```
 */
export async function toy2d(name: Toy2dName, options?: Toy2dOptions): Promise<Dataset> {
  const owner = 'toy2d';
  checkOneOf(name, TOY2D_NAMES, 'name', owner);
  const opts = checkOptions(options, ['count', 'seed'], owner);
  const count = checkInt(opts.count ?? TOY2D_DEFAULTS.count, 'count', owner, 1);
  const seed = checkInt(opts.seed ?? TOY2D_DEFAULTS.seed, 'seed', owner, -Number.MAX_SAFE_INTEGER);
  const { centers, std } = toy2dModes(name);
  const random = new SeededRandom(seed);
  const points = new Float32Array(count * 2);
  const labels = new Int32Array(count);
  for (let n = 0; n < count; n++) {
    const mode = random.nextInt(centers.length);
    labels[n] = mode;
    points[2 * n] = centers[mode][0] + std * random.nextNormal();
    points[2 * n + 1] = centers[mode][1] + std * random.nextNormal();
  }
  const tensor = tf.tensor2d(points, [count, 2], 'float32');
  try {
    return Dataset.fromTensors(tensor, labels, {
      numClasses: centers.length,
      checkRange: false,
      name: `toy2d-${name}`,
    });
  } finally {
    tensor.dispose();
  }
}
