/**
 * Mode coverage on the toy 2-D mixtures, as VEEGAN (Srivastava et al. 2017, arXiv:1705.07761,
 * section 5.1) and PacGAN (Lin et al. 2018, arXiv:1712.04086, section 4) measure it.
 *
 * @packageDocumentation
 */
import { ConfigError, ShapeError, describeValue } from '../errors.js';
import { type Toy2dModes, type Toy2dName, toy2dModes } from './toy2d.js';
import { checkInt, checkOptions } from '../util/validate.js';

/** Options of {@link modeCoverage}. */
export interface ModeCoverageOptions {
  /**
   * The number of high-quality samples a mode needs to count as covered. VEEGAN and PacGAN use 1
   * (a mode is captured when it is the nearest mode of at least one high-quality sample); raise it
   * for a stricter count that ignores stray samples.
   * @defaultValue 1
   */
  readonly minSamplesPerMode?: number;
}

/** The result of {@link modeCoverage}. */
export interface ModeCoverage {
  /** Modes with at least `minSamplesPerMode` high-quality samples. */
  readonly modesCovered: number;
  /** The number of modes of the mixture (8 for the ring, 25 for the grid). */
  readonly numModes: number;
  /** The fraction of samples within 3 standard deviations of their nearest mode. */
  readonly highQualityFraction: number;
  /**
   * KL(q || uniform) in nats, where q is the normalised histogram of high-quality samples over the
   * modes: `sum q_i log(q_i * numModes)` over nonzero bins. 0 when they spread evenly; log(numModes)
   * when they all sit on one mode; Infinity when no sample is high quality.
   */
  readonly reverseKL: number;
  /** High-quality samples per mode, indexed like the mixture's centers. */
  readonly histogram: readonly number[];
}

/**
 * Measures how well samples cover the modes of a toy mixture. A sample is high quality when it lies
 * within 3 standard deviations (Euclidean distance <= 3 std) of its nearest mode center; a mode is
 * covered when at least `minSamplesPerMode` high-quality samples have it as nearest mode (1 in
 * VEEGAN and PacGAN). Non-finite samples count as low quality.
 *
 * @param points - samples as a flat `Float32Array` `[x0, y0, x1, y1, ...]` or rows `[[x, y], ...]`, at least one.
 * @param name - `'ring'` or `'grid'`, or any {@link Toy2dModes}.
 * @param options - see {@link ModeCoverageOptions}.
 * @returns modes covered, high-quality fraction, reverse KL and the per-mode histogram.
 * @throws ShapeError when the points are not pairs or there are none.
 * @throws ConfigError on an unknown name or bad options.
 * @example
 * ```ts
 * const { modesCovered, highQualityFraction, reverseKL } = modeCoverage([[1, 0], [0, 1]], 'ring');
 * // modesCovered 2, highQualityFraction 1, reverseKL = log(4)
 * ```
 */
export function modeCoverage(
  points: Float32Array | readonly (readonly number[])[],
  name: Toy2dName | Toy2dModes,
  options?: ModeCoverageOptions,
): ModeCoverage {
  const owner = 'modeCoverage';
  const opts = checkOptions(options, ['minSamplesPerMode'], owner);
  const minSamples = checkInt(opts.minSamplesPerMode ?? 1, 'minSamplesPerMode', owner, 1);
  const { centers, std } = typeof name === 'string' ? toy2dModes(name) : checkModes(name, owner);
  const flat = flattenPoints(points, owner);
  const count = flat.length / 2;
  const histogram = new Array<number>(centers.length).fill(0);
  const radiusSquared = (3 * std) ** 2;
  let highQuality = 0;
  for (let n = 0; n < count; n++) {
    const x = flat[2 * n];
    const y = flat[2 * n + 1];
    let nearest = -1;
    let nearestSquared = Infinity;
    for (let m = 0; m < centers.length; m++) {
      const dx = x - centers[m][0];
      const dy = y - centers[m][1];
      const squared = dx * dx + dy * dy;
      if (squared < nearestSquared) {
        nearestSquared = squared;
        nearest = m;
      }
    }
    if (nearest >= 0 && nearestSquared <= radiusSquared) {
      histogram[nearest] += 1;
      highQuality += 1;
    }
  }
  let reverseKL = highQuality === 0 ? Infinity : 0;
  if (highQuality > 0) {
    for (const bin of histogram) {
      if (bin > 0) {
        const q = bin / highQuality;
        reverseKL += q * Math.log(q * centers.length);
      }
    }
  }
  return {
    modesCovered: histogram.filter((bin) => bin >= minSamples).length,
    numModes: centers.length,
    highQualityFraction: highQuality / count,
    reverseKL,
    histogram,
  };
}

function flattenPoints(points: Float32Array | readonly (readonly number[])[], owner: string): ArrayLike<number> {
  if (points instanceof Float32Array) {
    if (points.length === 0 || points.length % 2 !== 0) {
      throw new ShapeError(
        `${owner}: 'points' must hold pairs [x0, y0, x1, y1, ...], at least one, received a Float32Array of ` +
          `length ${points.length}.`,
      );
    }
    return points;
  }
  if (!Array.isArray(points) || points.length === 0) {
    throw new ShapeError(
      `${owner}: 'points' must be a Float32Array of pairs or a non-empty array of [x, y] rows, received ` +
        `${Array.isArray(points) ? 'an empty array' : describeValue(points)}.`,
    );
  }
  const flat = new Float64Array(points.length * 2);
  points.forEach((row: unknown, n) => {
    if (!Array.isArray(row) || row.length !== 2 || typeof row[0] !== 'number' || typeof row[1] !== 'number') {
      throw new ShapeError(`${owner}: 'points' must be rows [x, y] of two numbers, received ${describeValue(row)} at row ${n}.`);
    }
    flat[2 * n] = row[0];
    flat[2 * n + 1] = row[1];
  });
  return flat;
}

function checkModes(modes: Toy2dModes, owner: string): Toy2dModes {
  const ok =
    modes !== null &&
    typeof modes === 'object' &&
    Array.isArray(modes.centers) &&
    modes.centers.length > 0 &&
    modes.centers.every((c) => Array.isArray(c) && c.length === 2 && c.every(Number.isFinite)) &&
    typeof modes.std === 'number' &&
    modes.std > 0;
  if (!ok) {
    throw new ConfigError(
      `${owner}: 'name' must be 'ring', 'grid' or { centers: [[x, y], ...], std > 0 }, received ${describeValue(modes)}.`,
    );
  }
  return modes;
}
