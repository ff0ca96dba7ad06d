import { deflateSync } from 'node:zlib';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { ConfigError, DataError, ShapeError } from '../../src/errors.js';
import { decodePng, encodePng } from '../../src/io/png.js';
import { crc32 } from '../../src/util/checksum.js';

describe('encodePng / decodePng', () => {
  it.each([1, 3, 4] as const)('round-trips %i channel(s) exactly', (channels) => {
    const width = 3;
    const height = 2;
    const pixels = Uint8Array.from({ length: width * height * channels }, (_, i) => (i * 37) % 256);
    const bytes = encodePng(pixels, width, height, channels);
    expect(Array.from(bytes.subarray(0, 4))).toEqual([0x89, 0x50, 0x4e, 0x47]);
    const decoded = decodePng(bytes);
    expect(decoded.width).toBe(width);
    expect(decoded.height).toBe(height);
    expect(decoded.channels).toBe(channels);
    expect(Array.from(decoded.data)).toEqual(Array.from(pixels));
  });

  it('writes grayscale as PNG colour type 0 (one byte per pixel)', () => {
    const bytes = encodePng(new Uint8Array([0, 255, 255, 0]), 2, 2, 1);
    // IHDR: signature (8) + length (4) + 'IHDR' (4) + width (4) + height (4) + bit depth (1), then colour type.
    expect(bytes[24]).toBe(8);
    expect(bytes[25]).toBe(0);
  });

  it('encodes a view into a larger buffer from its offset', () => {
    const backing = new Uint8Array([9, 9, 10, 20, 30, 40, 9]);
    const view = backing.subarray(2, 6);
    expect(Array.from(decodePng(encodePng(view, 2, 2, 1)).data)).toEqual([10, 20, 30, 40]);
  });

  it('decodes gray + alpha as RGBA', () => {
    const png = new PNG({ width: 2, height: 1 });
    png.data = Buffer.from([50, 50, 50, 128, 200, 200, 200, 255]);
    const bytes = PNG.sync.write(png, { colorType: 4 });
    const decoded = decodePng(new Uint8Array(bytes));
    expect(decoded.channels).toBe(4);
    expect(Array.from(decoded.data)).toEqual([50, 50, 50, 128, 200, 200, 200, 255]);
  });

  it('decodes an RGB PNG written by pngjs as 3 channels', () => {
    const png = new PNG({ width: 1, height: 2 });
    png.data = Buffer.from([1, 2, 3, 255, 4, 5, 6, 255]);
    const decoded = decodePng(new Uint8Array(PNG.sync.write(png, { colorType: 2 })));
    expect(decoded.channels).toBe(3);
    expect(Array.from(decoded.data)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('rejects pixels of the wrong length, naming the expected and received counts', () => {
    expect(() => encodePng(new Uint8Array(5), 2, 2, 1)).toThrow(ShapeError);
    expect(() => encodePng(new Uint8Array(5), 2, 2, 1)).toThrow(
      /'pixels' must hold height \* width \* channels = 2 \* 2 \* 1 = 4 bytes, received 5/,
    );
  });

  it('rejects bad channels and sizes', () => {
    expect(() => encodePng(new Uint8Array(8), 2, 2, 2 as 1)).toThrow(ConfigError);
    expect(() => encodePng(new Uint8Array(8), 2, 2, 2 as 1)).toThrow(/'channels' must be 1, 3 or 4, received 2/);
    expect(() => encodePng(new Uint8Array(0), 0, 2, 1)).toThrow(/'width' must be an integer >= 1, received 0/);
    expect(() => encodePng(new Uint8Array(2), 1, 1.5, 1)).toThrow(/'height' must be an integer >= 1, received 1.5/);
  });

  it('rejects bytes that are not a PNG', () => {
    expect(() => decodePng(new Uint8Array([1, 2, 3, 4, 5]))).toThrow(DataError);
    expect(() => decodePng(new Uint8Array([1, 2, 3, 4, 5]))).toThrow(/'bytes' must be a valid PNG file, received 5 bytes/);
    const truncated = encodePng(new Uint8Array(16), 4, 4, 1).subarray(0, 40);
    expect(() => decodePng(truncated)).toThrow(DataError);
  });

  it.each([
    { colorType: 0, bitDepth: 8 },
    { colorType: 0, bitDepth: 16 },
    { colorType: 2, bitDepth: 8 },
    { colorType: 2, bitDepth: 16 },
    { colorType: 4, bitDepth: 8 },
    { colorType: 6, bitDepth: 8 },
    { colorType: 6, bitDepth: 16 },
  ] as const)('decodes what pngjs writes (colour type $colorType, $bitDepth bits) to the pixels pngjs reads', ({ colorType, bitDepth }) => {
    const width = 7;
    const height = 5;
    const png = new PNG({ width, height, bitDepth, colorType, inputHasAlpha: true });
    png.data = Buffer.from(Array.from({ length: width * height * 4 }, (_, i) => (i % 4 === 3 ? 40 + ((i * 13) % 200) : (i * 29 + 7) % 256)));
    if (colorType === 0 || colorType === 4) for (let p = 0; p < width * height; p++) png.data.fill(png.data[p * 4], p * 4, p * 4 + 3);
    const bytes = new Uint8Array(PNG.sync.write(png, { colorType, bitDepth, inputHasAlpha: true }));
    const reference = PNG.sync.read(Buffer.from(bytes));
    const decoded = decodePng(bytes);
    const channels = colorType === 0 ? 1 : colorType === 2 ? 3 : 4;
    expect(decoded.channels).toBe(channels);
    const expected = Array.from({ length: width * height }, (_, p) => Array.from(reference.data.subarray(p * 4, p * 4 + channels))).flat();
    expect(Array.from(decoded.data)).toEqual(expected);
  });

  it('decodes palette, low bit depth, tRNS and Adam7-interlaced images (hand-built files)', () => {
    // A 3x2 palette image with 2-bit indices and a transparent entry, written row by row with filters 1 and 2.
    const palette = Uint8Array.of(255, 0, 0, 0, 255, 0, 0, 0, 255);
    const rows = [Uint8Array.of(1, 0b00_01_10_00), Uint8Array.of(2, 0b00_00_00_00)];
    const bytes = handBuiltPng({ width: 3, height: 2, bitDepth: 2, colorType: 3, interlace: 0, rows, palette, transparency: Uint8Array.of(255, 0) });
    const decoded = decodePng(bytes);
    expect(decoded.channels).toBe(4);
    // Row 0 (Sub filter, nothing to its left in a one-byte row): indices 0, 1, 2; entry 1 is transparent.
    expect(Array.from(decoded.data.subarray(0, 12))).toEqual([255, 0, 0, 255, 0, 255, 0, 0, 0, 0, 255, 255]);
    // Row 1 (Up filter, zero deltas) repeats row 0.
    expect(Array.from(decoded.data.subarray(12))).toEqual(Array.from(decoded.data.subarray(0, 12)));

    // An interlaced 3x3 8-bit gray image: pass 1 holds (0,0); pass 4 (2,0); pass 5 (0,2),(2,2); pass 6 (1,0),(1,2); pass 7 rows 1.
    const passRows = [[Uint8Array.of(0, 10)], [], [], [Uint8Array.of(0, 30)], [Uint8Array.of(0, 70, 90)], [Uint8Array.of(0, 20), Uint8Array.of(0, 80)], [Uint8Array.of(0, 40, 50, 60)]];
    const interlaced = handBuiltPng({ width: 3, height: 3, bitDepth: 8, colorType: 0, interlace: 1, rows: passRows.flat() });
    expect(Array.from(decodePng(interlaced).data)).toEqual([10, 20, 30, 40, 50, 60, 70, 80, 90]);
  });
});

/** A PNG built chunk by chunk from already filtered rows, for formats that pngjs cannot write. */
function handBuiltPng(parts: {
  width: number; height: number; bitDepth: number; colorType: number; interlace: number;
  rows: Uint8Array[]; palette?: Uint8Array; transparency?: Uint8Array;
}): Uint8Array {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(parts.width, 0);
  header.writeUInt32BE(parts.height, 4);
  header.set([parts.bitDepth, parts.colorType, 0, 0, parts.interlace], 8);
  const chunk = (type: string, data: Uint8Array): Buffer => {
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    out.write(type, 4, 'latin1');
    out.set(data, 8);
    out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
    return out;
  };
  return new Uint8Array(Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    ...(parts.palette ? [chunk('PLTE', parts.palette)] : []),
    ...(parts.transparency ? [chunk('tRNS', parts.transparency)] : []),
    chunk('IDAT', deflateSync(Buffer.concat(parts.rows))),
    chunk('IEND', new Uint8Array(0)),
  ]));
}
