import { ConfigError, describeValue } from '../../errors.js';

/** Image sizes the DCGAN builders support, with the base resolution they grow from. */
export const DCGAN_SIZES = Object.freeze({ 28: 7, 32: 4, 64: 4 } as const);

/** The resolution plan of a DCGAN network for one image size. */
export interface DcganPlan {
  readonly height: number;
  readonly width: number;
  readonly channels: number;
  /** Resolution of the first feature map of the generator (last of the discriminator). */
  readonly baseSize: number;
  /** Number of stride-2 (de)convolutions between the base and the image. */
  readonly upsamplings: number;
}

/** Checks an image shape [h, w, c] for the DCGAN builders and derives the resolution plan. */
export function dcganPlan(imageShape: readonly number[] | undefined, owner: string): DcganPlan {
  if (!Array.isArray(imageShape) || imageShape.length !== 3 || !imageShape.every((d) => Number.isInteger(d) && d > 0)) {
    throw new ConfigError(
      `${owner}: 'imageShape' must be [height, width, channels] of positive integers, received ${describeValue(imageShape)}.`,
    );
  }
  const [height, width, channels] = imageShape;
  const baseSize = (DCGAN_SIZES as Record<number, number>)[height];
  if (height !== width || baseSize === undefined) {
    throw new ConfigError(
      `${owner}: 'imageShape' must be square with a side of 28, 32 or 64, received ${describeValue(imageShape)}.`,
    );
  }
  return { height, width, channels, baseSize, upsamplings: Math.round(Math.log2(height / baseSize)) };
}
