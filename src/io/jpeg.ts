/**
 * JPEG decoding through jpeg-js.
 *
 * @packageDocumentation
 */
import { decode } from 'jpeg-js';
import { DataError, describeValue } from '../errors.js';
import { checkImagePixels, checkMaxPixels, readImageHeader } from './image-header.js';
import type { DecodeImageOptions, DecodedImage } from './png.js';

/**
 * Decodes a baseline or progressive JPEG into 8-bit pixels: grayscale JPEGs (one component) give 1
 * channel, colour ones (YCbCr, RGB, CMYK) 3 channels RGB.
 *
 * The size is read from the frame header (SOFn) first: an image of more than `maxPixels` pixels is
 * refused before jpeg-js allocates anything.
 *
 * @param bytes - the JPEG file's bytes.
 * @param options - `maxPixels`: the most pixels (width x height) to decode, an integer or Infinity;
 *   default `DEFAULT_MAX_PIXELS` (4096 x 4096).
 * @returns the pixels with width, height and channels.
 * @throws DataError when the bytes are not a JPEG that jpeg-js can decode, or the image has more than
 *   `maxPixels` pixels.
 * @throws ConfigError on a bad `maxPixels`.
 * @example
 * ```ts
 * const { data, width, height, channels } = decodeJpeg(await readFile('photo.jpg'));
 * ```
 */
export function decodeJpeg(bytes: Uint8Array, options?: DecodeImageOptions): DecodedImage {
  const owner = 'decodeJpeg';
  if (!(bytes instanceof Uint8Array)) {
    throw new DataError(`${owner}: 'bytes' must be a Uint8Array holding a JPEG file, received ${describeValue(bytes)}.`);
  }
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) {
    throw new DataError(
      `${owner}: 'bytes' must be a JPEG file (starting ff d8), received ${bytes.length} bytes starting ` +
        `${hexStart(bytes)}.`,
    );
  }
  const maxPixels = checkMaxPixels(options?.maxPixels, owner);
  const header = readImageHeader(bytes);
  if (header !== undefined) checkImagePixels(header, maxPixels, `the JPEG 'bytes' (${bytes.length} bytes)`, owner);
  let decoded: { width: number; height: number; data: Uint8Array };
  try {
    // jpeg-js checks the size again (a height given later by a DNL marker) and its own memory bound.
    // A raised maxPixels raises its memory bound (512 MB) too, at ~32 bytes per pixel.
    const maxResolutionInMP = maxPixels / 1e6;
    const maxMemoryUsageInMB = Math.max(512, Math.ceil((maxPixels * 32) / 2 ** 20));
    decoded = decode(bytes, { useTArray: true, formatAsRGBA: false, maxResolutionInMP, maxMemoryUsageInMB });
  } catch (cause) {
    throw new DataError(`${owner}: 'bytes' must be a valid JPEG file, decoding failed: ${String(cause)}.`, {
      cause,
    });
  }
  const { width, height, data: rgb } = decoded;
  if ((header?.components ?? 0) !== 1) return { data: rgb, width, height, channels: 3 };
  const gray = new Uint8Array(width * height);
  for (let p = 0; p < gray.length; p++) gray[p] = rgb[p * 3];
  return { data: gray, width, height, channels: 1 };
}

function hexStart(bytes: Uint8Array): string {
  return Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ') || '(nothing)';
}
