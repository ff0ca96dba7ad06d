import { ConfigError, describeValue } from '../errors.js';

/** The resolutions of a network that grows by factors of 2 from 4x4 to a square power-of-two image. */
export interface ResolutionPlan {
  readonly size: number;
  readonly channels: number;
  /** 8, 16, ..., size: the resolutions after the 4x4 base. */
  readonly resolutions: readonly number[];
}

/**
 * Checks `[size, size, channels]` with size a power of 2 in [minSize, 1024] and lists the resolutions.
 * @throws ConfigError naming `imageShape`.
 */
export function resolutionPlan(imageShape: unknown, owner: string, minSize = 8): ResolutionPlan {
  if (!Array.isArray(imageShape) || imageShape.length !== 3 || !imageShape.every((d) => Number.isInteger(d) && d > 0)) {
    throw new ConfigError(`${owner}: 'imageShape' must be [height, width, channels] of positive integers, received ${describeValue(imageShape)}.`);
  }
  const [height, width, channels] = imageShape as number[];
  const log = Math.log2(height);
  if (height !== width || !Number.isInteger(log) || height < minSize || height > 1024) {
    throw new ConfigError(
      `${owner}: 'imageShape' must be square with a side that is a power of 2 from ${minSize} to 1024, received ${describeValue(imageShape)}.`,
    );
  }
  const resolutions: number[] = [];
  for (let r = 8; r <= height; r *= 2) resolutions.push(r);
  return { size: height, channels, resolutions };
}

/** Filters at resolution `r`: `channels` at the image size, doubling per halving, at most `maxChannels`. */
export function channelsAt(r: number, size: number, channels: number, maxChannels: number): number {
  return Math.min(maxChannels, channels * (size / r));
}
