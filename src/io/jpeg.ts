/**
 * JPEG decoding through jpeg-js.
 *
 * @packageDocumentation
 */
import { decode } from 'jpeg-js';
import { DataError, describeValue } from '../errors.js';
import type { DecodedImage } from './png.js';

/**
 * Decodes a baseline or progressive JPEG into 8-bit pixels: grayscale JPEGs (one component) give 1
 * channel, colour ones (YCbCr, RGB, CMYK) 3 channels RGB.
 *
 * @param bytes - the JPEG file's bytes.
 * @returns the pixels with width, height and channels.
 * @throws DataError when the bytes are not a JPEG that jpeg-js can decode.
 * @example
 * ```ts
 * const { data, width, height, channels } = decodeJpeg(await readFile('photo.jpg'));
 * ```
 */
export function decodeJpeg(bytes: Uint8Array): DecodedImage {
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
  let decoded: { width: number; height: number; data: Uint8Array };
  try {
    decoded = decode(bytes, { useTArray: true, formatAsRGBA: false });
  } catch (cause) {
    throw new DataError(`${owner}: 'bytes' must be a valid JPEG file, decoding failed: ${String(cause)}.`, {
      cause,
    });
  }
  const { width, height, data: rgb } = decoded;
  if (jpegComponents(bytes) !== 1) return { data: rgb, width, height, channels: 3 };
  const gray = new Uint8Array(width * height);
  for (let p = 0; p < gray.length; p++) gray[p] = rgb[p * 3];
  return { data: gray, width, height, channels: 1 };
}

/** The number of colour components in the JPEG's frame header (SOFn), or 0 when none is found. */
function jpegComponents(bytes: Uint8Array): number {
  let offset = 2;
  while (offset + 4 <= bytes.length) {
    if (bytes[offset] !== 0xff) return 0;
    const marker = bytes[offset + 1];
    if (marker === 0xff) {
      offset += 1; // fill byte
      continue;
    }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      offset += 2; // markers without a length field
      continue;
    }
    if (marker === 0xda || marker === 0xd9) return 0; // start of scan or end of image before any frame
    const length = (bytes[offset + 2] << 8) | bytes[offset + 3];
    const isFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isFrame) return offset + 9 < bytes.length ? bytes[offset + 9] : 0;
    offset += 2 + length;
  }
  return 0;
}

function hexStart(bytes: Uint8Array): string {
  return Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ') || '(nothing)';
}
