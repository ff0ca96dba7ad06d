import { encode } from 'jpeg-js';
import { describe, expect, it } from 'vitest';
import { DataError } from '../../src/errors.js';
import { decodeJpeg } from '../../src/io/jpeg.js';

// A 2x2 grayscale (one-component) JPEG of uniform gray 128, made for this test with ImageMagick:
// convert -size 2x2 xc:'rgb(128,128,128)' -colorspace Gray -type Grayscale -quality 95 gray.jpg
const GRAY_2X2 =
  '/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAIBAQEBAQIBAQECAgICAgQDAgICAgUEBAMEBgUGBgYFBgYGBwkIBgcJBwYGCAsICQoKCgoKBggLDAsKDAkKCgr/wAALCAACAAIBAREA/8QAFAABAAAAAAAAAAAAAAAAAAAAAP/EABQQAQAAAAAAAAAAAAAAAAAAAAD/2gAIAQEAAD8AP//Z';

describe('decodeJpeg', () => {
  it('decodes a colour JPEG as 3 channels RGB, close to the encoded colour', () => {
    const width = 16;
    const height = 8;
    const rgba = new Uint8Array(width * height * 4);
    for (let p = 0; p < width * height; p++) rgba.set([200, 100, 50, 255], p * 4);
    const bytes = new Uint8Array(encode({ width, height, data: rgba }, 100).data);
    const decoded = decodeJpeg(bytes);
    expect(decoded.width).toBe(width);
    expect(decoded.height).toBe(height);
    expect(decoded.channels).toBe(3);
    expect(decoded.data.length).toBe(width * height * 3);
    for (let p = 0; p < width * height; p++) {
      expect(Math.abs(decoded.data[p * 3] - 200)).toBeLessThanOrEqual(3);
      expect(Math.abs(decoded.data[p * 3 + 1] - 100)).toBeLessThanOrEqual(3);
      expect(Math.abs(decoded.data[p * 3 + 2] - 50)).toBeLessThanOrEqual(3);
    }
  });

  it('decodes a grayscale JPEG as 1 channel', () => {
    const decoded = decodeJpeg(new Uint8Array(Buffer.from(GRAY_2X2, 'base64')));
    expect(decoded).toMatchObject({ width: 2, height: 2, channels: 1 });
    expect(Array.from(decoded.data)).toEqual([128, 128, 128, 128]);
  });

  it('rejects bytes that are not a JPEG, showing the first bytes', () => {
    expect(() => decodeJpeg(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0]))).toThrow(DataError);
    expect(() => decodeJpeg(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0]))).toThrow(
      /must be a JPEG file \(starting ff d8\), received 5 bytes starting 89 50 4e 47/,
    );
  });

  it('rejects a corrupt JPEG', () => {
    const bytes = new Uint8Array(Buffer.from(GRAY_2X2, 'base64')).subarray(0, 30);
    expect(() => decodeJpeg(bytes)).toThrow(DataError);
  });
});
