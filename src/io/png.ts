/**
 * PNG encoding and decoding of 8-bit pixels in plain JavaScript (zlib through fflate), so that the same
 * code runs in Node, in a browser and in a Web Worker.
 *
 * @packageDocumentation
 */
import { zlibSync } from 'fflate';
import { ConfigError, DataError, ShapeError, describeValue } from '../errors.js';
import { crc32 } from '../util/checksum.js';
import { checkImagePixels, checkMaxPixels, readImageHeader } from './image-header.js';
import { inflateLimited } from './inflate-limited.js';
import { checkPositiveInt } from '../util/validate.js';
import { concatBytes } from '../util/bytes.js';

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

/** Options of {@link decodePng} and `decodeJpeg`. */
export interface DecodeImageOptions {
  /**
   * The most pixels (width x height) to decode; a larger image is refused from its header, before
   * its data are inflated. `Infinity` turns the check off.
   * @defaultValue `DEFAULT_MAX_PIXELS` = 4096 x 4096 = 16,777,216
   */
  readonly maxPixels?: number;
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
  const rowBytes = width * channels;
  // Filter type 0 (None) on every row: a zero byte before each row of pixels.
  const filtered = new Uint8Array(height * (rowBytes + 1));
  for (let y = 0; y < height; y++) filtered.set(pixels.subarray(y * rowBytes, (y + 1) * rowBytes), y * (rowBytes + 1) + 1);
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  header[8] = 8; // bit depth
  header[9] = COLOR_TYPE[channels];
  return concatBytes([PNG_SIGNATURE, pngChunk('IHDR', header), pngChunk('IDAT', zlibSync(filtered, { level: 6 })), pngChunk('IEND', new Uint8Array(0))]);
}

/**
 * Decodes a PNG into 8-bit pixels, keeping its channels: grayscale gives 1 channel, RGB and
 * palette images 3, any image with transparency (alpha channel or tRNS chunk) 4. 16-bit images are
 * scaled to 8 bits.
 *
 * The size is read from the IHDR chunk first: an image of more than `maxPixels` pixels is refused
 * before anything is inflated, and the pixel data are inflated into a buffer of exactly the size the
 * header implies, so a small file cannot unpack to more.
 *
 * @param bytes - the PNG file's bytes.
 * @param options - `maxPixels`: the most pixels (width x height) to decode, an integer or Infinity;
 *   default `DEFAULT_MAX_PIXELS` (4096 x 4096).
 * @returns the pixels with width, height and channels.
 * @throws DataError when the bytes are not a valid PNG, or the image has more than `maxPixels` pixels.
 * @throws ConfigError on a bad `maxPixels`.
 * @example
 * ```ts
 * const { data, width, height, channels } = decodePng(encodePng(new Uint8Array(4), 2, 2, 1));   // channels 1
 * ```
 */
export function decodePng(bytes: Uint8Array, options?: DecodeImageOptions): DecodedImage {
  const owner = 'decodePng';
  if (!(bytes instanceof Uint8Array)) {
    throw new DataError(`${owner}: 'bytes' must be a Uint8Array holding a PNG file, received ${describeValue(bytes)}.`);
  }
  const maxPixels = checkMaxPixels(options?.maxPixels, owner);
  const header = readImageHeader(bytes);
  if (header?.format === 'png') checkImagePixels(header, maxPixels, `the PNG 'bytes' (${bytes.length} bytes)`, owner);
  try {
    return decodeChecked(bytes);
  } catch (cause) {
    throw new DataError(
      `${owner}: 'bytes' must be a valid PNG file, received ${bytes.length} bytes that are not (${cause instanceof Error ? cause.message : String(cause)}).`,
      { cause },
    );
  }
}

const PNG_SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);

/** Samples per pixel by PNG colour type: 0 gray, 2 RGB, 3 palette index, 4 gray + alpha, 6 RGBA. */
const SAMPLES: Readonly<Record<number, number>> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

/** The Adam7 passes: x start, y start, x step, y step. */
const ADAM7 = [
  [0, 0, 8, 8], [4, 0, 8, 8], [0, 4, 4, 8], [2, 0, 4, 4], [0, 2, 2, 4], [1, 0, 2, 2], [0, 1, 1, 2],
] as const;

/** A PNG chunk: length, type, data and the CRC of type and data. */
export function pngChunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/** Decodes every standard PNG: bit depths 1 to 16, all colour types, palettes with tRNS, Adam7. Throws plain errors. */
function decodeChecked(bytes: Uint8Array): DecodedImage {
  if (bytes.length < 8 || PNG_SIGNATURE.some((b, i) => bytes[i] !== b)) throw new Error('no PNG signature');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 8;
  let header: Uint8Array | undefined;
  let palette: Uint8Array | undefined;
  let transparency: Uint8Array | undefined;
  const data: Uint8Array[] = [];
  let ended = false;
  while (offset + 12 <= bytes.length) {
    const length = view.getUint32(offset);
    const type = String.fromCharCode(...bytes.subarray(offset + 4, offset + 8));
    if (offset + 12 + length > bytes.length) throw new Error(`chunk '${type}' runs past the end of the file`);
    const body = bytes.subarray(offset + 8, offset + 8 + length);
    if (crc32(bytes.subarray(offset + 4, offset + 8 + length)) !== view.getUint32(offset + 8 + length)) {
      throw new Error(`chunk '${type}' has a bad CRC`);
    }
    if (header === undefined && type !== 'IHDR') throw new Error(`the first chunk is '${type}', not IHDR`);
    if (type === 'IHDR') header = body;
    else if (type === 'PLTE') palette = body;
    else if (type === 'tRNS') transparency = body;
    else if (type === 'IDAT') data.push(body);
    else if (type === 'IEND') {
      ended = true;
      break;
    }
    offset += 12 + length;
  }
  if (header === undefined || header.length !== 13) throw new Error('no IHDR chunk');
  if (!ended) throw new Error('no IEND chunk: the file is truncated');
  const headerView = new DataView(header.buffer, header.byteOffset, 13);
  const width = headerView.getUint32(0);
  const height = headerView.getUint32(4);
  const [bitDepth, colorType, , , interlace] = header.subarray(8);
  const samples = SAMPLES[colorType];
  if (samples === undefined || ![1, 2, 4, 8, 16].includes(bitDepth)) throw new Error(`unsupported colour type ${colorType} with bit depth ${bitDepth}`);
  if (width < 1 || height < 1) throw new Error(`bad size ${width}x${height}`);
  if (colorType === 3 && palette === undefined) throw new Error('a palette image without a PLTE chunk');
  const raw = inflateLimited(concatBytes(data), 'zlib', rawLength(width, height, bitDepth * samples, interlace === 1));

  // Unfilter into one sample per pixel channel, as numbers in [0, 2^bitDepth).
  const values = new Uint16Array(width * height * samples);
  const bitsPerPixel = bitDepth * samples;
  const bytesPerPixel = Math.max(1, bitsPerPixel >> 3);
  let position = 0;
  const passes = interlace === 1 ? ADAM7 : ([[0, 0, 1, 1]] as const);
  for (const [x0, y0, dx, dy] of passes) {
    const passWidth = Math.ceil((width - x0) / dx);
    const passHeight = Math.ceil((height - y0) / dy);
    if (passWidth <= 0 || passHeight <= 0) continue;
    const rowBytes = Math.ceil((passWidth * bitsPerPixel) / 8);
    let previous = new Uint8Array(rowBytes);
    for (let row = 0; row < passHeight; row++) {
      if (position + 1 + rowBytes > raw.length) throw new Error('the image data is truncated');
      const filter = raw[position];
      const line = raw.slice(position + 1, position + 1 + rowBytes);
      position += 1 + rowBytes;
      unfilter(filter, line, previous, bytesPerPixel);
      previous = line;
      const y = y0 + row * dy;
      for (let column = 0; column < passWidth; column++) {
        const target = (y * width + x0 + column * dx) * samples;
        for (let s = 0; s < samples; s++) values[target + s] = readSample(line, column * samples + s, bitDepth);
      }
    }
  }
  return toDecodedImage(values, width, height, colorType, bitDepth, palette, transparency);
}

/** Bytes of the filtered image data that a PNG's header implies: a filter byte and the packed samples per row of each pass. */
function rawLength(width: number, height: number, bitsPerPixel: number, interlaced: boolean): number {
  let total = 0;
  for (const [x0, y0, dx, dy] of interlaced ? ADAM7 : ([[0, 0, 1, 1]] as const)) {
    const passWidth = Math.ceil((width - x0) / dx);
    const passHeight = Math.ceil((height - y0) / dy);
    if (passWidth > 0 && passHeight > 0) total += passHeight * (1 + Math.ceil((passWidth * bitsPerPixel) / 8));
  }
  return total;
}

function unfilter(filter: number, line: Uint8Array, previous: Uint8Array, bpp: number): void {
  for (let i = 0; i < line.length; i++) {
    const left = i >= bpp ? line[i - bpp] : 0;
    const up = previous[i];
    const upLeft = i >= bpp ? previous[i - bpp] : 0;
    let predictor: number;
    if (filter === 0) predictor = 0;
    else if (filter === 1) predictor = left;
    else if (filter === 2) predictor = up;
    else if (filter === 3) predictor = (left + up) >> 1;
    else if (filter === 4) {
      const p = left + up - upLeft;
      const pa = Math.abs(p - left);
      const pb = Math.abs(p - up);
      const pc = Math.abs(p - upLeft);
      predictor = pa <= pb && pa <= pc ? left : pb <= pc ? up : upLeft;
    } else throw new Error(`unknown row filter ${filter}`);
    line[i] = (line[i] + predictor) & 0xff;
  }
}

function readSample(line: Uint8Array, index: number, bitDepth: number): number {
  if (bitDepth === 8) return line[index];
  if (bitDepth === 16) return (line[2 * index] << 8) | line[2 * index + 1];
  const bit = index * bitDepth;
  return (line[bit >> 3] >> (8 - bitDepth - (bit & 7))) & ((1 << bitDepth) - 1);
}

/** Converts samples to 8-bit gray, RGB or RGBA: palettes expand to RGB(A), gray + alpha to RGBA, tRNS adds alpha. */
function toDecodedImage(
  values: Uint16Array,
  width: number,
  height: number,
  colorType: number,
  bitDepth: number,
  palette: Uint8Array | undefined,
  transparency: Uint8Array | undefined,
): DecodedImage {
  const count = width * height;
  const max = (1 << bitDepth) - 1;
  const scale = (v: number): number => (bitDepth === 8 ? v : Math.round((v * 255) / max));
  const hasAlpha = colorType === 4 || colorType === 6 || transparency !== undefined;
  const channels: ImageChannels = hasAlpha ? 4 : colorType === 0 ? 1 : 3;
  const out = new Uint8Array(count * channels);
  const key = transparency === undefined || colorType === 3 ? undefined : readTransparentKey(transparency, colorType);
  for (let p = 0; p < count; p++) {
    let rgba: [number, number, number, number];
    if (colorType === 3) {
      const index = values[p];
      if (palette === undefined || 3 * index + 2 >= palette.length) throw new Error(`palette index ${index} out of range`);
      rgba = [palette[3 * index], palette[3 * index + 1], palette[3 * index + 2], transparency?.[index] ?? 255];
    } else if (colorType === 0 || colorType === 4) {
      const gray = scale(values[p * (colorType === 0 ? 1 : 2)]);
      const alpha = colorType === 4 ? scale(values[p * 2 + 1]) : key !== undefined && values[p] === key[0] ? 0 : 255;
      rgba = [gray, gray, gray, alpha];
    } else {
      const n = colorType === 2 ? 3 : 4;
      const [r, g, b] = [values[p * n], values[p * n + 1], values[p * n + 2]];
      const alpha = colorType === 6 ? scale(values[p * 4 + 3]) : key !== undefined && r === key[0] && g === key[1] && b === key[2] ? 0 : 255;
      rgba = [scale(r), scale(g), scale(b), alpha];
    }
    if (channels === 1) out[p] = rgba[0];
    else for (let c = 0; c < channels; c++) out[p * channels + c] = rgba[c];
  }
  return { data: out, width, height, channels };
}

/** The transparent colour of a gray (one value) or RGB (three values) image's tRNS chunk. */
function readTransparentKey(transparency: Uint8Array, colorType: number): number[] {
  const view = new DataView(transparency.buffer, transparency.byteOffset, transparency.byteLength);
  const count = colorType === 0 ? 1 : 3;
  if (transparency.length < 2 * count) throw new Error('a tRNS chunk that is too short');
  return Array.from({ length: count }, (_, i) => view.getUint16(2 * i));
}

function checkDimension(value: unknown, name: string, owner: string): void {
  checkPositiveInt(value, name, owner);
}
