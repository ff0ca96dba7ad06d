/**
 * The size of a PNG or JPEG read from its header alone (PNG's IHDR chunk, JPEG's SOFn frame header),
 * and the pixel limit that the decoders apply before they inflate or allocate anything.
 *
 * @packageDocumentation
 */
import { ConfigError, DataError } from '../errors.js';
import { checkInt } from '../util/validate.js';

/**
 * The default most pixels (width x height) a PNG or JPEG may have to be decoded: 4096 x 4096 =
 * 16,777,216. It admits 4K frames and 12-megapixel phone photos (4032 x 3024) while bounding one
 * decode at about 16 bytes per pixel (~270 MB for RGBA), which a browser tab can hold; Pillow's 89
 * megapixels would allow ~1.4 GB. Loaders take a `maxPixels` option to raise it.
 */
export const DEFAULT_MAX_PIXELS = 4096 * 4096;

/** An image's size and kind, from its header. */
export interface ImageHeader {
  readonly format: 'png' | 'jpeg';
  /** Width in pixels (0 when a JPEG defers its height or width to a later DNL marker). */
  readonly width: number;
  /** Height in pixels (0 when a JPEG defers it to a later DNL marker). */
  readonly height: number;
  /** Colour components of a JPEG frame (1 gray, 3 colour, 4 CMYK); PNG samples per pixel by colour type. */
  readonly components: number;
}

/**
 * Reads a PNG's or JPEG's size from its header without decoding the pixels.
 *
 * @param bytes - the file's bytes.
 * @returns the header, or undefined when the bytes are neither PNG nor JPEG or the header is cut short.
 * @example
 * ```ts
 * readImageHeader(encodePng(new Uint8Array(6), 3, 2, 1));   // { format: 'png', width: 3, height: 2, components: 1 }
 * ```
 */
export function readImageHeader(bytes: Uint8Array): ImageHeader | undefined {
  if (isPng(bytes)) {
    // Signature (8), IHDR length (4), 'IHDR' (4), width (4), height (4), bit depth (1), colour type (1).
    if (bytes.length < 26 || String.fromCharCode(...bytes.subarray(12, 16)) !== 'IHDR') return undefined;
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const samples = ({ 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 } as Record<number, number>)[bytes[25]] ?? 0;
    return { format: 'png', width: view.getUint32(16), height: view.getUint32(20), components: samples };
  }
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xd8) return readJpegFrame(bytes);
  return undefined;
}

function isPng(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47;
}

/** Walks the JPEG markers to the first frame header (SOF0..SOF15 but DHT, JPG, DAC). */
function readJpegFrame(bytes: Uint8Array): ImageHeader | undefined {
  let offset = 2;
  while (offset + 4 <= bytes.length) {
    if (bytes[offset] !== 0xff) return undefined;
    const marker = bytes[offset + 1];
    if (marker === 0xff) {
      offset += 1; // fill byte
      continue;
    }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      offset += 2; // markers without a length field
      continue;
    }
    if (marker === 0xda || marker === 0xd9) return undefined; // scan or end before any frame
    const length = (bytes[offset + 2] << 8) | bytes[offset + 3];
    const isFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isFrame) {
      // Length (2), precision (1), height (2), width (2), components (1).
      if (offset + 10 > bytes.length) return undefined;
      const height = (bytes[offset + 5] << 8) | bytes[offset + 6];
      const width = (bytes[offset + 7] << 8) | bytes[offset + 8];
      return { format: 'jpeg', width, height, components: bytes[offset + 9] };
    }
    offset += 2 + length;
  }
  return undefined;
}

/**
 * Checks the `maxPixels` option: an integer >= 1, or Infinity for no limit.
 *
 * @returns the limit, {@link DEFAULT_MAX_PIXELS} when undefined.
 * @throws ConfigError naming the owner and the value received.
 */
export function checkMaxPixels(value: unknown, owner: string): number {
  if (value === undefined) return DEFAULT_MAX_PIXELS;
  return checkInt(value, 'maxPixels', owner, 1, Infinity, { orInfinity: true });
}

/**
 * Refuses an image whose header states more than `maxPixels` pixels, before anything is inflated or
 * allocated.
 *
 * @param header - the image's header (from {@link readImageHeader}).
 * @param maxPixels - the limit.
 * @param what - how to name the image in the message, e.g. `'"photos/big.png"'`.
 * @param owner - the function whose `maxPixels` option sets the limit.
 * @throws DataError naming the image, its size, the limit and the option that raises it.
 */
export function checkImagePixels(header: ImageHeader, maxPixels: number, what: string, owner: string): void {
  const pixels = header.width * header.height;
  if (pixels <= maxPixels) return;
  throw new DataError(
    `${owner}: ${what} is ${header.width}x${header.height} = ${pixels} pixels (width x height), more than the limit ` +
      `of ${maxPixels} pixels; refused before decoding. Pass the option maxPixels (e.g. maxPixels: ${pixels}) to ` +
      'load it, or downscale the file.',
  );
}
