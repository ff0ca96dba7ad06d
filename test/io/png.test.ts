import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { ConfigError, DataError, ShapeError } from '../../src/errors.js';
import { decodePng, encodePng } from '../../src/io/png.js';

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
});
