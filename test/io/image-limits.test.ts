import { encode as encodeJpeg } from 'jpeg-js';
import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ConfigError, DataError } from '../../src/errors.js';
import { DEFAULT_MAX_PIXELS, readImageHeader } from '../../src/io/image-header.js';
import { decodeJpeg } from '../../src/io/jpeg.js';
import { decodePng, encodePng } from '../../src/io/png.js';
import { grayPng, zeroZlib } from '../data/bombs.js';

/** A small real JPEG whose frame header (SOF0) is patched to claim `width x height`. */
let smallJpeg: Uint8Array | undefined;
function jpegClaiming(width: number, height: number): Uint8Array {
  smallJpeg ??= new Uint8Array(encodeJpeg({ width: 8, height: 8, data: new Uint8Array(8 * 8 * 4).fill(128) }, 90).data);
  const bytes = smallJpeg.slice();
  for (let i = 2; i < bytes.length - 9; i++) {
    if (bytes[i] === 0xff && bytes[i + 1] === 0xc0) {
      bytes.set([height >> 8, height & 0xff, width >> 8, width & 0xff], i + 5);
      return bytes;
    }
  }
  throw new Error('no SOF0 marker');
}

describe('the bomb helpers', () => {
  it('build valid zlib streams of zeros', () => {
    const inflated = inflateSync(zeroZlib(100_003));
    expect(inflated.length).toBe(100_003);
    expect(inflated.every((b) => b === 0)).toBe(true);
    expect(decodePng(grayPng(40, 30)).data).toEqual(new Uint8Array(40 * 30));
  });
});

describe('image size limits (decompression bombs)', () => {
  it('reads the size from PNG and JPEG headers', () => {
    expect(readImageHeader(encodePng(new Uint8Array(6), 3, 2, 1))).toEqual({ format: 'png', width: 3, height: 2, components: 1 });
    expect(readImageHeader(jpegClaiming(300, 200))).toEqual({ format: 'jpeg', width: 300, height: 200, components: 3 });
    expect(readImageHeader(Uint8Array.of(1, 2, 3))).toBeUndefined();
  });

  it('decodePng refuses a 12000x12000 all-zero PNG (under 1 MB) before inflating it', () => {
    const bomb = grayPng(12000, 12000);
    expect(bomb.length).toBeLessThan(1_000_000);
    const started = performance.now();
    expect(() => decodePng(bomb)).toThrow(DataError);
    expect(() => decodePng(bomb)).toThrow(
      /decodePng: the PNG 'bytes' \(\d+ bytes\) is 12000x12000 = 144000000 pixels \(width x height\), more than the limit of 16777216 pixels; refused before decoding\. Pass the option maxPixels/,
    );
    // Inflating 144 MB and decoding it took seconds and over 1 GB; the refusal reads 24 header bytes.
    expect(performance.now() - started).toBeLessThan(500);
  });

  it('refuses from the header alone: an IDAT that is not even zlib is never inflated', () => {
    const garbage = grayPng(20000, 20000, Uint8Array.of(1, 2, 3, 4));
    expect(() => decodePng(garbage)).toThrow(/20000x20000 = 400000000 pixels/);
    // Under the limit the same bytes reach the inflater, which rejects them.
    expect(() => decodePng(grayPng(20, 20, Uint8Array.of(1, 2, 3, 4)))).toThrow(/must be a valid PNG file/);
  });

  it('inflates no more than the header implies: a 1x1 PNG holding 100 MB of zeros is refused', () => {
    const bomb = grayPng(1, 1, zeroZlib(100_000_000));
    const started = performance.now();
    expect(() => decodePng(bomb)).toThrow(/must be a valid PNG file.*inflate to more than 2 bytes/);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('maxPixels is an option: the limit is inclusive, Infinity turns it off, and bad values are ConfigErrors', () => {
    const image = encodePng(new Uint8Array(100), 10, 10, 1);
    expect(decodePng(image, { maxPixels: 100 }).width).toBe(10);
    expect(() => decodePng(image, { maxPixels: 99 })).toThrow(/10x10 = 100 pixels .* more than the limit of 99 pixels/);
    // The default's edge, from the header alone (the IDAT here is not zlib: passing the check means reaching the inflater).
    const garbage = Uint8Array.of(1, 2, 3, 4);
    expect(() => decodePng(grayPng(4096, 4096, garbage))).toThrow(/must be a valid PNG file/);
    expect(() => decodePng(grayPng(4097, 4096, garbage))).toThrow(/4097x4096 = 16781312 pixels/);
    expect(() => decodePng(grayPng(20000, 20000, garbage), { maxPixels: Infinity })).toThrow(/must be a valid PNG file/);
    expect(() => decodePng(image, { maxPixels: 0 })).toThrow(ConfigError);
    expect(() => decodePng(image, { maxPixels: 1.5 })).toThrow(/'maxPixels' must be an integer >= 1 or Infinity, received 1.5/);
    expect(DEFAULT_MAX_PIXELS).toBe(4096 * 4096);
  });

  it('decodeJpeg refuses a frame header over the limit before jpeg-js decodes it', () => {
    // 5000 x 5000 = 25 MP passes jpeg-js's own 100 MP check; 60000 x 60000 does not.
    expect(() => decodeJpeg(jpegClaiming(5000, 5000))).toThrow(DataError);
    expect(() => decodeJpeg(jpegClaiming(5000, 5000))).toThrow(/decodeJpeg: the JPEG 'bytes' .* is 5000x5000 = 25000000 pixels .* limit of 16777216 pixels; refused before decoding/);
    expect(() => decodeJpeg(jpegClaiming(60000, 60000))).toThrow(/60000x60000 = 3600000000 pixels/);
    expect(() => decodeJpeg(jpegClaiming(8, 8), { maxPixels: 63 })).toThrow(/8x8 = 64 pixels/);
    expect(decodeJpeg(jpegClaiming(8, 8), { maxPixels: 64 }).width).toBe(8);
  });
});
