/**
 * MNIST-format IDX files (http://yann.lecun.com/exdb/mnist/): images `[N, rows, cols]` and labels
 * `[N]` as unsigned bytes, gzipped or not.
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs';
import { ConfigError, DataError, describeValue } from '../errors.js';
import { readFileBytes } from '../io/fs.js';
import { Dataset } from './dataset.js';
import { checkClassNames, checkInt, checkOptions } from './validate.js';
import { importNodeModule } from '../util/node-module.js';

/** Options of {@link idx}. */
export interface IdxOptions {
  /**
   * Keep only the first `count` samples, e.g. for fast tests.
   * @defaultValue all samples
   */
  readonly count?: number;
  /** A name per class id, e.g. Fashion-MNIST's; sets `numClasses` to its length. */
  readonly classNames?: readonly string[];
  /**
   * The number of classes.
   * @defaultValue `classNames.length` when given, else the largest label + 1
   */
  readonly numClasses?: number;
  /**
   * The dataset's name for messages and logs.
   * @defaultValue 'idx'
   */
  readonly name?: string;
}

/** An IDX source: a file path (Node), or the file's bytes (anywhere, e.g. after `fetch`). */
export type IdxSource = string | Uint8Array;

/** A parsed IDX file of unsigned bytes. */
export interface IdxArray {
  /** The dimensions from the header, e.g. `[60000, 28, 28]`. */
  readonly shape: readonly number[];
  /** `prod(shape)` bytes, row-major. */
  readonly data: Uint8Array;
}

const IDX_OPTIONS = Object.freeze(['count', 'classNames', 'numClasses', 'name']);

/** Magic numbers of unsigned-byte IDX files: type 0x08, then the number of dimensions. */
export const IDX_IMAGES_MAGIC = 0x00000803;
/** Magic number of an unsigned-byte IDX label file `[N]`. */
export const IDX_LABELS_MAGIC = 0x00000801;

/**
 * Loads MNIST-format IDX files into a {@link Dataset}: images `[N, rows, cols, 1]` scaled from bytes
 * to [-1, 1], labels int32. Gzipped files (starting 1f 8b) are unzipped. Paths need Node; bytes work
 * anywhere.
 *
 * @param images - the images file (magic 0x00000803, `[N, rows, cols]` unsigned bytes): a path or bytes.
 * @param labels - the optional labels file (magic 0x00000801, `[N]` unsigned bytes): a path or bytes.
 * @param options - see {@link IdxOptions}.
 * @returns the dataset; call `dispose()` when done.
 * @throws DataError naming the file when it is missing, not gzip, of the wrong kind (bad magic
 *   number), truncated or too long, or when images and labels disagree on N.
 * @throws ConfigError on bad options.
 * @example
 * ```ts
 * const data = await idx('/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz',
 *   '/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz', { count: 1000 });
 * data.sampleShape;   // [28, 28, 1]
 * ```
 */
export async function idx(images: IdxSource, labels?: IdxSource, options?: IdxOptions): Promise<Dataset> {
  const owner = 'idx';
  const opts = checkOptions(options, IDX_OPTIONS, owner);
  const classNames = checkClassNames(opts.classNames, owner);
  if (labels === undefined && (classNames !== undefined || opts.numClasses !== undefined)) {
    throw new ConfigError(`${owner}: 'classNames' and 'numClasses' need a labels file, received none.`);
  }
  const imageArray = await readIdx(images, 'images', IDX_IMAGES_MAGIC, owner);
  const labelArray = labels === undefined ? undefined : await readIdx(labels, 'labels', IDX_LABELS_MAGIC, owner);
  const [total, rows, cols] = imageArray.shape;
  if (labelArray !== undefined && labelArray.shape[0] !== total) {
    throw new DataError(
      `${owner}: the images file ${describeSource(images)} holds ${total} images but the labels file ` +
        `${describeSource(labels as IdxSource)} holds ${labelArray.shape[0]} labels; they must match.`,
    );
  }
  if (total === 0) {
    throw new DataError(`${owner}: the images file ${describeSource(images)} holds no images.`);
  }
  const count = opts.count === undefined ? total : checkInt(opts.count, 'count', owner, 1, total);
  const sampleSize = rows * cols;
  const pixels = new Float32Array(count * sampleSize);
  const bytes = imageArray.data;
  for (let i = 0; i < pixels.length; i++) pixels[i] = bytes[i] / 127.5 - 1;
  const imageTensor = tf.tensor4d(pixels, [count, rows, cols, 1], 'float32');
  try {
    const labelValues = labelArray === undefined ? undefined : labelArray.data.subarray(0, count);
    return Dataset.fromTensors(imageTensor, labelValues, {
      name: opts.name ?? 'idx',
      ...(classNames !== undefined ? { classNames } : {}),
      ...(opts.numClasses !== undefined ? { numClasses: opts.numClasses } : {}),
    });
  } finally {
    imageTensor.dispose();
  }
}

/**
 * Reads and parses one unsigned-byte IDX file, unzipping it when it starts with the gzip magic 1f 8b.
 *
 * @param source - a path (Node) or the file's bytes.
 * @param what - `'images'` or `'labels'`, for messages.
 * @param magic - the expected magic number, {@link IDX_IMAGES_MAGIC} or {@link IDX_LABELS_MAGIC}.
 * @param owner - the calling function, for messages.
 * @returns the header's shape and the data bytes.
 * @throws DataError naming the file when it is missing, corrupt, truncated or of the wrong kind.
 * @example
 * ```ts
 * const { shape } = await readIdx('train-labels-idx1-ubyte.gz', 'labels', IDX_LABELS_MAGIC, 'idx');   // [60000]
 * ```
 */
export async function readIdx(source: IdxSource, what: string, magic: number, owner = 'idx'): Promise<IdxArray> {
  let bytes: Uint8Array;
  if (typeof source === 'string') {
    bytes = await readFileBytes(source, what, owner);
  } else if (source instanceof Uint8Array) {
    bytes = source;
  } else {
    throw new ConfigError(
      `${owner}: '${what}' must be a file path or a Uint8Array of an IDX file, received ${describeValue(source)}.`,
    );
  }
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    bytes = await gunzip(bytes, `${owner}: the ${what} file ${describeSource(source)}`);
  }
  return parseIdx(bytes, magic, `${owner}: the ${what} file ${describeSource(source)}`);
}

/**
 * Parses the bytes of an unzipped unsigned-byte IDX file.
 *
 * @param bytes - the file's bytes.
 * @param magic - the expected magic number, e.g. {@link IDX_IMAGES_MAGIC}.
 * @param label - how to name the file in messages.
 * @returns the header's shape and a view of the data bytes.
 * @throws DataError when the magic number differs, the header is cut short, or the data are shorter
 *   or longer than the header says.
 * @example
 * ```ts
 * parseIdx(new Uint8Array([0, 0, 8, 1, 0, 0, 0, 2, 7, 3]), IDX_LABELS_MAGIC, 'labels').shape;   // [2]
 * ```
 */
export function parseIdx(bytes: Uint8Array, magic: number, label: string): IdxArray {
  const rank = magic & 0xff;
  const headerLength = 4 + 4 * rank;
  if (bytes.length < 4) {
    throw new DataError(`${label} is truncated: expected an IDX header of ${headerLength} bytes, received ${bytes.length} bytes.`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const found = view.getUint32(0, false);
  if (found !== magic) {
    throw new DataError(
      `${label} has a bad magic number: expected ${hex(magic)} (unsigned-byte IDX of rank ${rank}), ` +
        `received ${hex(found)}. Is it the right file, or an images file passed as labels (or the reverse)?`,
    );
  }
  if (bytes.length < headerLength) {
    throw new DataError(`${label} is truncated: expected an IDX header of ${headerLength} bytes, received ${bytes.length} bytes.`);
  }
  const shape: number[] = [];
  for (let axis = 0; axis < rank; axis++) shape.push(view.getUint32(4 + 4 * axis, false));
  const expected = shape.reduce((a, b) => a * b, 1);
  const received = bytes.length - headerLength;
  if (received !== expected) {
    throw new DataError(
      `${label} is ${received < expected ? 'truncated' : 'too long'}: its header says ` +
        `${shape.join(' x ')} = ${expected} data bytes, received ${received}.`,
    );
  }
  return { shape, data: bytes.subarray(headerLength) };
}

/** Unzips gzip bytes with node:zlib, or the web's DecompressionStream where Node's zlib is absent. */
async function gunzip(bytes: Uint8Array, label: string): Promise<Uint8Array> {
  let zlib: typeof import('node:zlib') | undefined;
  try {
    zlib = await importNodeModule('zlib');
  } catch {
    zlib = undefined;
  }
  try {
    if (zlib !== undefined) {
      const out = zlib.gunzipSync(bytes);
      return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
    }
    const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('gzip'));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  } catch (cause) {
    throw new DataError(`${label} is a corrupt gzip file: ${String(cause)}.`, { cause });
  }
}

function describeSource(source: IdxSource): string {
  return typeof source === 'string' ? describeValue(source) : `(${source.length} bytes)`;
}

function hex(value: number): string {
  return `0x${value.toString(16).padStart(8, '0')}`;
}
