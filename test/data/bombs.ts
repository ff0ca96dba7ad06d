/**
 * Decompression bombs for the tests, built without ever holding their inflated size: a zlib stream
 * of n zero bytes is written directly as one fixed-Huffman deflate block (a literal 0, then
 * length-258 / distance-1 copies), 13 bits per 258 bytes, in milliseconds.
 */
import { pngChunk } from '../../src/io/png.js';
import { concatBytes } from '../../src/util/bytes.js';

class BitWriter {
  private readonly bytes: Uint8Array;
  private bit = 0;

  constructor(maxBits: number) {
    this.bytes = new Uint8Array(Math.ceil(maxBits / 8) + 8);
  }

  /** Writes `count` bits of `value`, least significant first (deflate's header fields and extra bits). */
  value(value: number, count: number): void {
    for (let i = 0; i < count; i++) this.push((value >> i) & 1);
  }

  /** Writes a Huffman code of `count` bits, most significant first. */
  code(code: number, count: number): void {
    for (let i = count - 1; i >= 0; i--) this.push((code >> i) & 1);
  }

  private push(bit: number): void {
    if (bit) this.bytes[this.bit >> 3] |= 1 << (this.bit & 7);
    this.bit++;
  }

  result(): Uint8Array {
    return this.bytes.slice(0, Math.ceil(this.bit / 8));
  }
}

/** A raw deflate stream of `n` >= 1 zero bytes. */
export function zeroDeflate(n: number): Uint8Array {
  const copies = Math.floor((n - 1) / 258);
  const rest = n - 1 - copies * 258;
  const writer = new BitWriter(3 + 8 + copies * 13 + rest * 8 + 7);
  writer.value(1, 1); // BFINAL
  writer.value(1, 2); // BTYPE 01: fixed Huffman
  writer.code(0x30, 8); // literal 0
  for (let i = 0; i < copies; i++) {
    writer.code(0b11000101, 8); // length code 285: 258 bytes
    writer.code(0, 5); // distance code 0: distance 1
  }
  for (let i = 0; i < rest; i++) writer.code(0x30, 8);
  writer.code(0, 7); // end of block
  return writer.result();
}

/** A zlib stream (RFC 1950) of `n` zero bytes. */
export function zeroZlib(n: number): Uint8Array {
  const body = zeroDeflate(n);
  const out = new Uint8Array(2 + body.length + 4);
  out.set([0x78, 0x01]);
  out.set(body, 2);
  // Adler-32 of n zeros: a = 1, b = n mod 65521.
  new DataView(out.buffer).setUint32(2 + body.length, ((n % 65521) * 65536 + 1) >>> 0);
  return out;
}

/** A gzip member (RFC 1952) of `n` zero bytes (CRC left 0 unless `crc` is given; ISIZE mod 2^32). */
export function zeroGzip(n: number, crc = 0): Uint8Array {
  const body = zeroDeflate(n);
  const out = new Uint8Array(10 + body.length + 8);
  out.set([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]);
  out.set(body, 10);
  const view = new DataView(out.buffer);
  view.setUint32(10 + body.length, crc, true);
  view.setUint32(14 + body.length, n >>> 0, true);
  return out;
}

/** A PNG of 8-bit gray `width x height` whose IDAT holds `idat` (by default: valid all-zero rows). */
export function grayPng(width: number, height: number, idat?: Uint8Array): Uint8Array {
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  header[8] = 8;
  header[9] = 0;
  return concatBytes([
    Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a),
    pngChunk('IHDR', header),
    pngChunk('IDAT', idat ?? zeroZlib(height * (width + 1))),
    pngChunk('IEND', new Uint8Array(0)),
  ]);
}
