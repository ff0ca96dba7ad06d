/**
 * Inflating zlib (PNG) and gzip (IDX) data with a bound on the output, so that a small file that
 * claims or unpacks to gigabytes (a "decompression bomb") is refused after at most one input chunk's
 * worth of output, never allocated. Internal.
 *
 * @packageDocumentation
 */
import { Gunzip, Unzlib } from 'fflate';

/** Compressed bytes pushed per step: each step's output is at most ~1,032 times this (deflate's best ratio). */
const INPUT_CHUNK = 16 * 1024;

/** The most bytes deflate can produce per input byte (258-byte matches in 2-bit codes): about 1,032. */
export const DEFLATE_MAX_RATIO = 1032;

/** Thrown by {@link inflateLimited} when the output would pass its limit. Internal; callers turn it into a DataError. */
export class InflateLimitError extends Error {
  /** The output limit that was passed. */
  readonly limit: number;
  /** Output bytes seen when inflating stopped (more than `limit`). */
  readonly received: number;

  constructor(limit: number, received: number) {
    super(`the data inflate to more than ${limit} bytes (stopped after ${received})`);
    this.name = 'InflateLimitError';
    this.limit = limit;
    this.received = received;
  }
}

/**
 * The limit of the output: a number known up front, or a function of the first output bytes (e.g. a
 * header that states the size) that returns `undefined` while it needs more of them.
 */
export type OutputLimit = number | ((head: Uint8Array) => number | undefined);

/**
 * Inflates zlib or gzip bytes, stopping with an {@link InflateLimitError} as soon as the output passes
 * `limit`. Memory stays within the limit plus one step's output (at most ~17 MB); the result buffer is
 * allocated once the limit is known.
 *
 * @param bytes - the compressed bytes.
 * @param format - `'zlib'` (PNG's IDAT stream) or `'gzip'` (`.gz` files; several members are read as one).
 * @param limit - see {@link OutputLimit}. A function may throw to refuse a header.
 * @returns the inflated bytes (at most `limit`).
 * @throws InflateLimitError when the output passes the limit; the inflater's own Error on corrupt data.
 */
export function inflateLimited(bytes: Uint8Array, format: 'zlib' | 'gzip', limit: OutputLimit): Uint8Array {
  let known = typeof limit === 'number' ? limit : undefined;
  let out: Uint8Array | undefined = known === undefined ? undefined : new Uint8Array(known);
  let head: Uint8Array[] = [];
  let length = 0;
  const take = (chunk: Uint8Array): void => {
    if (chunk.length === 0) return;
    if (known !== undefined && length + chunk.length > known) throw new InflateLimitError(known, length + chunk.length);
    if (out !== undefined) {
      out.set(chunk, length);
      length += chunk.length;
      return;
    }
    head.push(chunk.slice());
    length += chunk.length;
    const joined = join(head, length);
    known = (limit as (head: Uint8Array) => number | undefined)(joined);
    if (known === undefined) {
      head = [joined];
      return;
    }
    if (length > known) throw new InflateLimitError(known, length);
    out = new Uint8Array(known);
    out.set(joined);
    head = [];
  };
  const inflater = format === 'zlib' ? new Unzlib(take) : new Gunzip(take);
  if (bytes.length === 0) inflater.push(bytes, true);
  for (let start = 0; start < bytes.length; start += INPUT_CHUNK) {
    const end = Math.min(bytes.length, start + INPUT_CHUNK);
    inflater.push(bytes.subarray(start, end), end === bytes.length);
  }
  if (out === undefined) return join(head, length);
  return length === out.length ? out : out.subarray(0, length);
}

function join(parts: readonly Uint8Array[], length: number): Uint8Array {
  if (parts.length === 1 && parts[0].length === length) return parts[0];
  const joined = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    joined.set(part, offset);
    offset += part.length;
  }
  return joined;
}
