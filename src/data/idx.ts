/**
 * MNIST-format IDX files (http://yann.lecun.com/exdb/mnist/): images `[N, rows, cols]` and labels
 * `[N]` as unsigned bytes, gzipped or not.
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs';
import { ConfigError, DataError, describeValue } from '../errors.js';
import { nodeFs, readFileBytes } from '../io/fs.js';
import { DEFLATE_MAX_RATIO, InflateLimitError, inflateLimited } from '../io/inflate-limited.js';
import { Dataset } from './dataset.js';
import { checkClassNames, checkInt, checkOptions } from '../util/validate.js';

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
   * The most data bytes (N x rows x cols) a file may hold once unzipped. A header that claims more is
   * refused before the data are read or unzipped, and a gzip file is unzipped into a buffer of the size
   * its header states, stopping as soon as the data run past it (a "gzip bomb" is never inflated).
   * The dataset's float32 images take 4 bytes per data byte.
   * @defaultValue {@link DEFAULT_IDX_MAX_BYTES} = 512 MiB (MNIST's training images: 47 MB)
   */
  readonly maxBytes?: number;
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

const IDX_OPTIONS = Object.freeze(['count', 'classNames', 'numClasses', 'maxBytes', 'name']);

/**
 * The default most data bytes of one IDX file: 2^29 = 512 MiB. Its images become a float32 tensor of
 * 2 GiB, the largest typed array that every browser allocates; EMNIST's largest split (547 MB) needs
 * the option raised.
 */
export const DEFAULT_IDX_MAX_BYTES = 2 ** 29;

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
 *   number), truncated or too long, holds (or claims) more than `maxBytes` data bytes, or when images
 *   and labels disagree on N.
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
  const maxBytes = opts.maxBytes === undefined ? DEFAULT_IDX_MAX_BYTES : checkMaxBytes(opts.maxBytes, owner);
  const imageArray = await readIdx(images, 'images', IDX_IMAGES_MAGIC, owner, maxBytes);
  const labelArray = labels === undefined ? undefined : await readIdx(labels, 'labels', IDX_LABELS_MAGIC, owner, maxBytes);
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
 * The header is read first: a file whose data would pass `maxBytes` is refused before the rest is
 * read or unzipped, and unzipping stops as soon as the data run past what the header states.
 *
 * @param source - a path (Node) or the file's bytes.
 * @param what - `'images'` or `'labels'`, for messages.
 * @param magic - the expected magic number, {@link IDX_IMAGES_MAGIC} or {@link IDX_LABELS_MAGIC}.
 * @param owner - the calling function, for messages.
 * @param maxBytes - the most data bytes (the product of the header's dimensions).
 * @returns the header's shape and the data bytes.
 * @throws DataError naming the file when it is missing, corrupt, truncated, too large or of the wrong kind.
 * @example
 * ```ts
 * const { shape } = await readIdx('train-labels-idx1-ubyte.gz', 'labels', IDX_LABELS_MAGIC, 'idx');   // [60000]
 * ```
 */
export async function readIdx(
  source: IdxSource,
  what: string,
  magic: number,
  owner = 'idx',
  maxBytes = DEFAULT_IDX_MAX_BYTES,
): Promise<IdxArray> {
  const label = `${owner}: the ${what} file ${describeSource(source)}`;
  let bytes: Uint8Array;
  if (typeof source === 'string') {
    await checkFileSize(source, what, owner, magic, maxBytes, label);
    bytes = await readFileBytes(source, what, owner);
  } else if (source instanceof Uint8Array) {
    bytes = source;
  } else {
    throw new ConfigError(
      `${owner}: '${what}' must be a file path or a Uint8Array of an IDX file, received ${describeValue(source)}.`,
    );
  }
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    bytes = gunzipIdx(bytes, magic, maxBytes, label);
  }
  return parseIdx(bytes, magic, label, maxBytes);
}

/**
 * Parses the bytes of an unzipped unsigned-byte IDX file.
 *
 * @param bytes - the file's bytes.
 * @param magic - the expected magic number, e.g. {@link IDX_IMAGES_MAGIC}.
 * @param label - how to name the file in messages.
 * @param maxBytes - the most data bytes the header may state.
 * @returns the header's shape and a view of the data bytes.
 * @throws DataError when the magic number differs, the header is cut short or states more than
 *   `maxBytes`, or the data are shorter or longer than the header says.
 * @example
 * ```ts
 * parseIdx(new Uint8Array([0, 0, 8, 1, 0, 0, 0, 2, 7, 3]), IDX_LABELS_MAGIC, 'labels').shape;   // [2]
 * ```
 */
export function parseIdx(bytes: Uint8Array, magic: number, label: string, maxBytes = DEFAULT_IDX_MAX_BYTES): IdxArray {
  const header = readIdxHeader(bytes, magic, label, maxBytes);
  if (header === undefined) {
    throw new DataError(`${label} is truncated: expected an IDX header of ${4 + 4 * (magic & 0xff)} bytes, received ${bytes.length} bytes.`);
  }
  const { shape, headerLength, dataLength: expected } = header;
  const received = bytes.length - headerLength;
  if (received !== expected) {
    throw new DataError(
      `${label} is ${received < expected ? 'truncated' : 'too long'}: its header says ` +
        `${shape.join(' x ')} = ${expected} data bytes, received ${received}.`,
    );
  }
  return { shape, data: bytes.subarray(headerLength) };
}

/** An IDX header: the shape, the header's length and the data length it states. */
interface IdxHeader {
  readonly shape: number[];
  readonly headerLength: number;
  readonly dataLength: number;
}

/**
 * Reads the header at the start of `bytes`: undefined while it is cut short (after a good magic number).
 * @throws DataError on a bad magic number, or a header that states more than `maxBytes` data bytes.
 */
function readIdxHeader(bytes: Uint8Array, magic: number, label: string, maxBytes: number): IdxHeader | undefined {
  const rank = magic & 0xff;
  const headerLength = 4 + 4 * rank;
  if (bytes.length < 4) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const found = view.getUint32(0, false);
  if (found !== magic) {
    throw new DataError(
      `${label} has a bad magic number: expected ${hex(magic)} (unsigned-byte IDX of rank ${rank}), ` +
        `received ${hex(found)}. Is it the right file, or an images file passed as labels (or the reverse)?`,
    );
  }
  if (bytes.length < headerLength) return undefined;
  const shape: number[] = [];
  for (let axis = 0; axis < rank; axis++) shape.push(view.getUint32(4 + 4 * axis, false));
  const dataLength = shape.reduce((a, b) => a * b, 1);
  if (dataLength > maxBytes) {
    throw new DataError(
      `${label} is too large: its header says ${shape.join(' x ')} = ${dataLength} data bytes, more than the limit ` +
        `of ${maxBytes} bytes; refused before reading the data. Pass the option maxBytes (e.g. maxBytes: ${dataLength}) to load it.`,
    );
  }
  return { shape, headerLength, dataLength };
}

/**
 * Unzips a gzip IDX file into a buffer of the size its header states: a header that claims more than
 * the compressed bytes can hold, or than `maxBytes`, is refused after inflating only the header, and
 * data that run past the stated size stop the inflater at once.
 */
function gunzipIdx(bytes: Uint8Array, magic: number, maxBytes: number, label: string): Uint8Array {
  const limit = (head: Uint8Array): number | undefined => {
    const header = readIdxHeader(head, magic, label, maxBytes);
    if (header === undefined) return undefined;
    const total = header.headerLength + header.dataLength;
    if (total > DEFLATE_MAX_RATIO * bytes.length + 1024) {
      throw new DataError(
        `${label} is truncated: its header says ${header.shape.join(' x ')} = ${header.dataLength} data bytes, but ` +
          `${bytes.length} gzip bytes unzip to at most ${DEFLATE_MAX_RATIO * bytes.length}.`,
      );
    }
    return total;
  };
  try {
    return inflateLimited(bytes, 'gzip', limit);
  } catch (cause) {
    if (cause instanceof DataError) throw cause;
    if (cause instanceof InflateLimitError) {
      throw new DataError(
        `${label} is too long: it unzips to more than the ${cause.limit} bytes its header states (stopped after ` +
          `${cause.received}); refused without unzipping the rest.`,
        { cause },
      );
    }
    throw new DataError(`${label} is a corrupt gzip file: ${cause instanceof Error ? cause.message : String(cause)}.`, { cause });
  }
}

/** Refuses a file whose size alone shows that its data pass `maxBytes` (gzip adds at most ~0.1%), before reading it. */
async function checkFileSize(path: string, what: string, owner: string, magic: number, maxBytes: number, label: string): Promise<void> {
  let size: number;
  try {
    size = (await (await nodeFs(owner)).stat(path)).size;
  } catch {
    return; // readFileBytes names the problem
  }
  const headerLength = 4 + 4 * (magic & 0xff);
  if (size > headerLength + maxBytes * 1.001 + 1024) {
    throw new DataError(
      `${label} is too large: ${size} bytes hold more than the limit of ${maxBytes} data bytes for the ${what}; ` +
        `refused before reading it. Pass the option maxBytes (e.g. maxBytes: ${size}) to load it.`,
    );
  }
}

function checkMaxBytes(value: unknown, owner: string): number {
  return checkInt(value, 'maxBytes', owner, 1, Infinity, { orInfinity: true });
}

function describeSource(source: IdxSource): string {
  return typeof source === 'string' ? describeValue(source) : `(${source.length} bytes)`;
}

function hex(value: number): string {
  return `0x${value.toString(16).padStart(8, '0')}`;
}
