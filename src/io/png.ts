/**
 * PNG encoding and decoding of 8-bit pixels, through pngjs.
 *
 * @packageDocumentation
 */
import { PNG } from 'pngjs';
import { ConfigError, DataError, ShapeError, describeValue } from '../errors.js';

/** Channels of an 8-bit image: 1 gray, 3 RGB, 4 RGBA. */
export type ImageChannels = 1 | 3 | 4;

/** A decoded image: 8-bit pixels, row-major, channels interleaved (HWC). */
export interface DecodedImage {
  /** `height * width * channels` bytes, row by row, channels interleaved. */
  readonly data: Uint8Array;
  /** Width in pixels. */
  readonly width: number;
  /** Height in pixels. */
  readonly height: number;
  /** 1 (gray), 3 (RGB) or 4 (RGBA). */
  readonly channels: ImageChannels;
}

/** PNG colour types by channel count (0 gray, 2 RGB, 6 RGBA). */
const COLOR_TYPE = { 1: 0, 3: 2, 4: 6 } as const;

/**
 * Encodes 8-bit pixels as a PNG: 1 channel as grayscale, 3 as RGB, 4 as RGBA.
 *
 * @param pixels - `height * width * channels` bytes, row-major HWC.
 * @param width - image width in pixels, an integer >= 1.
 * @param height - image height in pixels, an integer >= 1.
 * @param channels - 1, 3 or 4.
 * @returns the PNG file's bytes.
 * @throws ConfigError on a bad width, height or channel count.
 * @throws ShapeError when `pixels` does not hold `height * width * channels` bytes.
 * @example
 * ```ts
 * const bytes = encodePng(new Uint8Array([0, 255, 255, 0]), 2, 2, 1);   // a 2x2 checkerboard
 * ```
 */
export function encodePng(pixels: Uint8Array, width: number, height: number, channels: ImageChannels): Uint8Array {
  const owner = 'encodePng';
  checkDimension(width, 'width', owner);
  checkDimension(height, 'height', owner);
  if (channels !== 1 && channels !== 3 && channels !== 4) {
    throw new ConfigError(`${owner}: 'channels' must be 1, 3 or 4, received ${describeValue(channels)}.`);
  }
  if (!(pixels instanceof Uint8Array)) {
    throw new ShapeError(`${owner}: 'pixels' must be a Uint8Array, received ${describeValue(pixels)}.`);
  }
  const expected = width * height * channels;
  if (pixels.length !== expected) {
    throw new ShapeError(
      `${owner}: 'pixels' must hold height * width * channels = ${height} * ${width} * ${channels} = ${expected} ` +
        `bytes, received ${pixels.length}.`,
    );
  }
  const colorType = COLOR_TYPE[channels];
  const image = { width, height, data: Buffer.from(pixels.buffer, pixels.byteOffset, pixels.byteLength) };
  const encoded = PNG.sync.write(image as PNG, { colorType, inputColorType: colorType, inputHasAlpha: channels === 4 });
  return new Uint8Array(encoded.buffer, encoded.byteOffset, encoded.byteLength);
}

/**
 * Decodes a PNG into 8-bit pixels, keeping its channels: grayscale gives 1 channel, RGB and
 * palette images 3, any image with transparency (alpha channel or tRNS chunk) 4. 16-bit images are
 * scaled to 8 bits.
 *
 * @param bytes - the PNG file's bytes.
 * @returns the pixels with width, height and channels.
 * @throws DataError when the bytes are not a valid PNG.
 * @example
 * ```ts
 * const { data, width, height, channels } = decodePng(encodePng(new Uint8Array(4), 2, 2, 1));   // channels 1
 * ```
 */
export function decodePng(bytes: Uint8Array): DecodedImage {
  const owner = 'decodePng';
  if (!(bytes instanceof Uint8Array)) {
    throw new DataError(`${owner}: 'bytes' must be a Uint8Array holding a PNG file, received ${describeValue(bytes)}.`);
  }
  let decoded: ReturnType<typeof PNG.sync.read>;
  try {
    decoded = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (cause) {
    throw new DataError(
      `${owner}: 'bytes' must be a valid PNG file, received ${bytes.length} bytes that are not (${String(cause)}).`,
      { cause },
    );
  }
  const { width, height, data: rgba } = decoded;
  const channels: ImageChannels = decoded.alpha ? 4 : decoded.color ? 3 : 1;
  return { data: fromRgba(rgba, width * height, channels), width, height, channels };
}

/** Picks `channels` of each RGBA pixel: R for gray, RGB, or all four. */
function fromRgba(rgba: Uint8Array, pixelCount: number, channels: ImageChannels): Uint8Array {
  if (channels === 4) return new Uint8Array(rgba.buffer, rgba.byteOffset, pixelCount * 4).slice();
  const out = new Uint8Array(pixelCount * channels);
  for (let p = 0; p < pixelCount; p++) {
    for (let c = 0; c < channels; c++) out[p * channels + c] = rgba[p * 4 + c];
  }
  return out;
}

function checkDimension(value: unknown, name: string, owner: string): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new ConfigError(`${owner}: '${name}' must be an integer >= 1, received ${describeValue(value)}.`);
  }
}
