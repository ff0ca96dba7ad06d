/**
 * Sample grids: a batch of images tiled into one picture, as pixels, PNG bytes or a PNG file.
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs';
import { ConfigError, ShapeError, describeValue } from '../errors.js';
import { writeFileAtomic } from './fs.js';
import { type ImageChannels, encodePng } from './png.js';
import { checkInt, checkOptions, checkPositiveInt } from '../util/validate.js';

/** Options of {@link imageGrid}, {@link encodeImageGrid} and {@link saveImageGrid}. */
export interface ImageGridOptions {
  /**
   * Tiles per row.
   * @defaultValue `ceil(sqrt(N))`, a square grid
   */
  readonly columns?: number | undefined;
  /**
   * Pixels between tiles and around the border.
   * @defaultValue 2
   */
  readonly padding?: number | undefined;
  /**
   * Colour of the padding in 8-bit values: one number for every colour channel (alpha stays 255), or
   * one value per channel.
   * @defaultValue 255 (white, which separates MNIST's white-on-black digits)
   */
  readonly background?: number | readonly number[] | undefined;
}

/** The defaults of {@link ImageGridOptions}, in one place so that docs and code agree. */
export const IMAGE_GRID_DEFAULTS = Object.freeze({
  /** Pixels between tiles and around the border. */
  padding: 2,
  /** The padding's colour: white. */
  background: 255,
});

/** A grid of images as 8-bit pixels, row-major HWC. */
export interface ImageGrid {
  /** `height * width * channels` bytes. */
  readonly pixels: Uint8Array;
  /** Width in pixels: `columns * tileWidth + (columns + 1) * padding`. */
  readonly width: number;
  /** Height in pixels: `rows * tileHeight + (rows + 1) * padding`. */
  readonly height: number;
  /** The images' channels: 1, 3 or 4. */
  readonly channels: ImageChannels;
}

const GRID_OPTIONS = Object.freeze(['columns', 'padding', 'background']);

/**
 * Tiles a batch of images into one picture, left to right and top to bottom. Values are clipped to
 * [-1, 1] and mapped to bytes by `round((x + 1) * 127.5)`; NaN becomes 0. Creates no tensors.
 *
 * @param images - `[N, height, width, channels]` (NHWC) with values in [-1, 1] and 1, 3 or 4 channels.
 * @param options - see {@link ImageGridOptions}.
 * @returns the grid's pixels, width, height and channels.
 * @throws ShapeError when `images` is not a rank-4 NHWC tensor with N >= 1 and 1, 3 or 4 channels.
 * @throws ConfigError on bad options.
 * @example
 * ```ts
 * const grid = await imageGrid(tf.zeros([16, 28, 28, 1]) as tf.Tensor4D);   // 4 x 4 tiles, 122 x 122
 * ```
 */
export async function imageGrid(images: tf.Tensor4D, options?: ImageGridOptions): Promise<ImageGrid> {
  const owner = 'imageGrid';
  const opts = checkGridOptions(options, owner);
  if (!(images instanceof tf.Tensor)) {
    throw new ShapeError(
      `${owner}: 'images' must be a tf.Tensor4D [N, height, width, channels] (NHWC), received ${describeValue(images)}.`,
    );
  }
  const shape = images.shape as number[];
  if (shape.length !== 4 || shape[0] < 1 || shape[1] < 1 || shape[2] < 1 || ![1, 3, 4].includes(shape[3])) {
    throw new ShapeError(
      `${owner}: 'images' must have rank 4, [N, height, width, channels] (NHWC) with N >= 1 and 1, 3 or 4 ` +
        `channels, received shape ${describeValue(shape)}.`,
    );
  }
  const [count, tileHeight, tileWidth, depth] = shape;
  const channels = depth as ImageChannels;
  const columns = opts.columns ?? Math.ceil(Math.sqrt(count));
  const rows = Math.ceil(count / columns);
  const { padding } = opts;
  const width = columns * tileWidth + (columns + 1) * padding;
  const height = rows * tileHeight + (rows + 1) * padding;
  const background = backgroundPixel(opts.background, channels, owner);

  const pixels = new Uint8Array(width * height * channels);
  for (let p = 0; p < width * height; p++) pixels.set(background, p * channels);

  // Read outside any tidy: data() is asynchronous and creates no tensor.
  const values = await images.data();
  const tileRow = tileWidth * channels;
  for (let n = 0; n < count; n++) {
    const top = padding + Math.floor(n / columns) * (tileHeight + padding);
    const left = padding + (n % columns) * (tileWidth + padding);
    for (let y = 0; y < tileHeight; y++) {
      const source = (n * tileHeight + y) * tileRow;
      const target = ((top + y) * width + left) * channels;
      for (let i = 0; i < tileRow; i++) pixels[target + i] = toByte(values[source + i]);
    }
  }
  return { pixels, width, height, channels };
}

/**
 * Tiles a batch of images into one PNG (see {@link imageGrid}).
 *
 * @param images - `[N, height, width, channels]` (NHWC) in [-1, 1], 1, 3 or 4 channels.
 * @param options - see {@link ImageGridOptions}.
 * @returns the PNG file's bytes.
 * @throws ShapeError or ConfigError as {@link imageGrid}.
 * @example
 * ```ts
 * const png = await encodeImageGrid(generator.sample({ count: 16, seed: 1 }));
 * ```
 */
export async function encodeImageGrid(images: tf.Tensor4D, options?: ImageGridOptions): Promise<Uint8Array> {
  const grid = await imageGrid(images, options);
  return encodePng(grid.pixels, grid.width, grid.height, grid.channels);
}

/**
 * Tiles a batch of images into a PNG file (Node). The file is written atomically, through
 * `path + '.tmp'` and a rename, and missing parent directories are created.
 *
 * @param images - `[N, height, width, channels]` (NHWC) in [-1, 1], 1, 3 or 4 channels.
 * @param path - the PNG file to write.
 * @param options - see {@link ImageGridOptions}.
 * @returns when the file is in place.
 * @throws ShapeError or ConfigError as {@link imageGrid}; ConfigError on an empty path; the file
 *   system's error when writing fails.
 * @example
 * ```ts
 * await saveImageGrid(images, 'runs/mnist/samples-000200.png', { columns: 8 });
 * ```
 */
export async function saveImageGrid(images: tf.Tensor4D, path: string, options?: ImageGridOptions): Promise<void> {
  if (typeof path !== 'string' || path.length === 0) {
    throw new ConfigError(`saveImageGrid: 'path' must be a non-empty file path, received ${describeValue(path)}.`);
  }
  const bytes = await encodeImageGrid(images, options);
  await writeFileAtomic(path, bytes);
}

function toByte(value: number): number {
  if (!(value > -1)) return 0; // also NaN
  if (value >= 1) return 255;
  return Math.round((value + 1) * 127.5);
}

function checkGridOptions(
  options: ImageGridOptions | undefined,
  owner: string,
): { columns?: number; padding: number; background: number | readonly number[] } {
  const opts = checkOptions(options, GRID_OPTIONS, owner);
  const { columns, padding = IMAGE_GRID_DEFAULTS.padding, background = IMAGE_GRID_DEFAULTS.background } = opts;
  if (columns !== undefined) checkPositiveInt(columns, 'columns', owner);
  checkInt(padding, 'padding', owner, 0);
  return { columns, padding, background };
}

function backgroundPixel(background: number | readonly number[], channels: ImageChannels, owner: string): Uint8Array {
  const isByte = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 255;
  if (isByte(background)) {
    const pixel = new Uint8Array(channels).fill(background);
    if (channels === 4) pixel[3] = 255;
    return pixel;
  }
  if (Array.isArray(background) && background.length === channels && background.every(isByte)) {
    return Uint8Array.from(background);
  }
  throw new ConfigError(
    `${owner}: 'background' must be an integer in [0, 255] or ${channels} such values (one per channel), ` +
      `received ${describeValue(background)}.`,
  );
}
