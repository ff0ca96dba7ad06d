/**
 * Datasets from a folder of PNG and JPEG files (Node), labelled by subfolder like Keras'
 * `image_dataset_from_directory` and torchvision's `ImageFolder`.
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs';
import { ConfigError, DataError, GanError, describeValue } from '../errors.js';
import { nodeFs, nodePath } from '../io/fs.js';
import { decodeJpeg } from '../io/jpeg.js';
import { type DecodedImage, type ImageChannels, decodePng } from '../io/png.js';
import { Dataset } from './dataset.js';
import { checkInt, checkOptions } from './validate.js';

/** Options of {@link imageFolder}. */
export interface ImageFolderOptions {
  /**
   * Resize every image to `[height, width]` (bilinear, half-pixel centers), after the optional crop.
   * @defaultValue undefined: keep the size; all images must then have the same size
   */
  readonly size?: readonly [number, number];
  /**
   * `'center'` crops each image to the aspect ratio of `size` around its center before resizing, so
   * nothing is stretched; `'none'` stretches. Needs `size`.
   * @defaultValue 'none'
   */
  readonly crop?: 'center' | 'none';
  /**
   * Channels of the samples: 1 (gray, by luma 0.299 R + 0.587 G + 0.114 B), 3 (RGB) or 4 (RGBA).
   * Converting an image with alpha to 1 or 3 channels composites it over `background`.
   * @defaultValue the channels of the first image
   */
  readonly channels?: ImageChannels;
  /**
   * The colour that transparent pixels are composited over when an RGBA image becomes 1 or 3 channels
   * (`out = alpha * colour + (1 - alpha) * background`, before any resize): a gray level 0..255 or an
   * `[r, g, b]` triple of 0..255 (gray images use its luma).
   * @defaultValue 255 (white)
   */
  readonly background?: number | readonly [number, number, number];
  /**
   * Load at most this many images: the first ones in sorted order (class folders by name, files by
   * name within a folder), so a small limit may leave out whole classes.
   * @defaultValue all images
   */
  readonly limit?: number;
  /**
   * The dataset's name.
   * @defaultValue the folder's base name
   */
  readonly name?: string;
}

/** File extensions that {@link imageFolder} reads (case-insensitive). */
export const IMAGE_EXTENSIONS = Object.freeze(['.png', '.jpg', '.jpeg'] as const);

const IMAGE_FOLDER_OPTIONS = Object.freeze(['size', 'crop', 'channels', 'background', 'limit', 'name']);

/**
 * Loads a folder of PNG and JPEG images (Node) into a {@link Dataset} of `[N, height, width, channels]`
 * in [-1, 1]. With subfolders, each subfolder that holds images is a class: the sorted subfolder
 * names are the class names and their indices the labels. Without subfolders, the images directly in
 * `dir` form an unlabelled dataset. Names starting with '.' are skipped; subfolders are not searched
 * recursively.
 *
 * @param dir - the folder to read.
 * @param options - see {@link ImageFolderOptions}.
 * @returns the dataset; call `dispose()` when done.
 * @throws DataError when `dir` is missing or not a folder, holds no images, mixes images with class
 *   subfolders, holds a file that cannot be decoded (naming it), or holds images of different sizes
 *   without the `size` option (naming the first odd one).
 * @throws ConfigError on bad options.
 * @example
 * ```ts
 * // faces/happy/*.png, faces/sad/*.jpg
 * const data = await imageFolder('faces', { size: [64, 64], crop: 'center', channels: 3 });
 * data.classNames;   // ['happy', 'sad']
 * ```
 */
export async function imageFolder(dir: string, options?: ImageFolderOptions): Promise<Dataset> {
  const owner = 'imageFolder';
  const opts = checkOptions(options, IMAGE_FOLDER_OPTIONS, owner);
  const size = checkSize(opts.size, owner);
  const crop = opts.crop ?? 'none';
  if (crop !== 'center' && crop !== 'none') {
    throw new ConfigError(`${owner}: 'crop' must be 'center' or 'none', received ${describeValue(crop)}.`);
  }
  if (crop === 'center' && size === undefined) {
    throw new ConfigError(`${owner}: 'crop: "center"' needs the 'size' option [height, width], received no size.`);
  }
  if (opts.channels !== undefined && opts.channels !== 1 && opts.channels !== 3 && opts.channels !== 4) {
    throw new ConfigError(`${owner}: 'channels' must be 1, 3 or 4, received ${describeValue(opts.channels)}.`);
  }
  const background = checkBackground(opts.background, owner);
  const limit = opts.limit === undefined ? Infinity : checkInt(opts.limit, 'limit', owner, 1);
  if (typeof dir !== 'string' || dir.length === 0) {
    throw new DataError(`${owner}: 'dir' must be a folder path, received ${describeValue(dir)}.`);
  }
  const path = await nodePath(owner);
  const name = opts.name ?? path.basename(path.resolve(dir));

  const { files, classNames } = await listImages(dir, owner);
  const chosen = files.slice(0, Math.min(files.length, limit));

  const fs = await nodeFs(owner);
  let channels = opts.channels;
  let height = size?.[0] ?? 0;
  let width = size?.[1] ?? 0;
  let pixels = new Float32Array(0);
  const labels = classNames === undefined ? undefined : new Int32Array(chosen.length);
  for (let n = 0; n < chosen.length; n++) {
    const file = chosen[n];
    const image = decodeImage(new Uint8Array(await fs.readFile(file.path)), file.path, owner);
    if (n === 0) {
      channels ??= image.channels;
      if (size === undefined) [height, width] = [image.height, image.width];
      pixels = new Float32Array(chosen.length * height * width * channels);
    } else if (size === undefined && (image.height !== height || image.width !== width)) {
      throw new DataError(
        `${owner}: images of different sizes need the 'size' option: ${describeValue(chosen[0].path)} is ` +
          `${height}x${width} (height x width) but ${describeValue(file.path)} is ${image.height}x${image.width}.`,
      );
    }
    const converted = convertChannels(image, channels as ImageChannels, background);
    const offset = n * height * width * (channels as number);
    await writeSample(converted, image, channels as ImageChannels, [height, width], crop, pixels, offset);
    if (labels !== undefined) labels[n] = file.label;
  }
  const images = tf.tensor4d(pixels, [chosen.length, height, width, channels as number], 'float32');
  try {
    return Dataset.fromTensors(images, labels, {
      name,
      ...(classNames !== undefined ? { classNames, numClasses: classNames.length } : {}),
    });
  } finally {
    images.dispose();
  }
}

interface ImageFile {
  readonly path: string;
  readonly label: number;
}

/** Lists the image files: by class subfolder when there are any, else directly in `dir`. */
async function listImages(
  dir: string,
  owner: string,
): Promise<{ files: ImageFile[]; classNames?: readonly string[] }> {
  const fs = await nodeFs(owner);
  const path = await nodePath(owner);
  let entries: import('node:fs').Dirent[];
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch (cause) {
    const code = (cause as { code?: string }).code;
    const reason = code === 'ENOENT' ? 'it does not exist' : code === 'ENOTDIR' ? 'it is not a folder' : String(cause);
    throw new DataError(`${owner}: cannot read the folder 'dir' ${describeValue(dir)}: ${reason}.`, { cause });
  }
  const visible = entries.filter((entry) => !entry.name.startsWith('.')).sort((a, b) => compare(a.name, b.name));
  const topFiles = visible.filter((entry) => entry.isFile() && isImageName(entry.name)).map((entry) => entry.name);
  const classNames: string[] = [];
  const files: ImageFile[] = [];
  for (const entry of visible.filter((e) => e.isDirectory())) {
    const classDir = path.join(dir, entry.name);
    const names = (await fs.readdir(classDir, { withFileTypes: true }))
      .filter((e) => e.isFile() && !e.name.startsWith('.') && isImageName(e.name))
      .map((e) => e.name)
      .sort(compare);
    if (names.length === 0) continue;
    for (const file of names) files.push({ path: path.join(classDir, file), label: classNames.length });
    classNames.push(entry.name);
  }
  if (classNames.length > 0 && topFiles.length > 0) {
    throw new DataError(
      `${owner}: 'dir' ${describeValue(dir)} mixes class subfolders ${describeValue(classNames)} with images ` +
        `directly inside it (${describeValue(topFiles.slice(0, 3))}${topFiles.length > 3 ? ', ...' : ''}); ` +
        'move those images into a class folder, or the class folders out.',
    );
  }
  if (classNames.length > 0) return { files, classNames: Object.freeze(classNames) };
  if (topFiles.length === 0) {
    throw new DataError(
      `${owner}: 'dir' ${describeValue(dir)} holds no images: expected files ending in ` +
        `${describeValue(IMAGE_EXTENSIONS)} in it or in its class subfolders, received none.`,
    );
  }
  return { files: topFiles.map((file) => ({ path: path.join(dir, file), label: -1 })) };
}

/** Decodes PNG or JPEG bytes, recognised by their signature rather than the file name. */
function decodeImage(bytes: Uint8Array, file: string, owner: string): DecodedImage {
  const isPng = bytes.length >= 4 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47;
  const isJpeg = bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
  if (!isPng && !isJpeg) {
    throw new DataError(`${owner}: ${describeValue(file)} is neither a PNG nor a JPEG file (by its first bytes).`);
  }
  try {
    return isPng ? decodePng(bytes) : decodeJpeg(bytes);
  } catch (cause) {
    const detail = cause instanceof GanError ? cause.message : String(cause);
    throw new DataError(`${owner}: cannot decode ${describeValue(file)}: ${detail}`, { cause });
  }
}

/**
 * Converts HWC bytes between 1 (gray), 3 (RGB) and 4 (RGBA) channels; RGBA to 1 or 3 channels
 * composites over `background` ([r, g, b], 0..255).
 */
function convertChannels(image: DecodedImage, channels: ImageChannels, background: readonly [number, number, number]): Uint8Array {
  const from = image.channels;
  if (from === channels) return image.data;
  const count = image.width * image.height;
  const out = new Uint8Array(count * channels);
  const source = image.data;
  const [br, bg, bb] = background;
  for (let p = 0; p < count; p++) {
    const i = p * from;
    const o = p * channels;
    let [r, g, b] = from === 1 ? [source[i], source[i], source[i]] : [source[i], source[i + 1], source[i + 2]];
    if (from === 4 && channels !== 4) {
      const alpha = source[i + 3] / 255;
      r = alpha * r + (1 - alpha) * br;
      g = alpha * g + (1 - alpha) * bg;
      b = alpha * b + (1 - alpha) * bb;
    }
    if (channels === 1) {
      out[o] = Math.round(0.299 * r + 0.587 * g + 0.114 * b);
    } else {
      out[o] = Math.round(r);
      out[o + 1] = Math.round(g);
      out[o + 2] = Math.round(b);
      if (channels === 4) out[o + 3] = 255;
    }
  }
  return out;
}

/** Writes one image, cropped and resized when needed, into `target` at `offset`, scaled to [-1, 1]. */
async function writeSample(
  data: Uint8Array,
  image: DecodedImage,
  channels: ImageChannels,
  [height, width]: readonly [number, number],
  crop: 'center' | 'none',
  target: Float32Array,
  offset: number,
): Promise<void> {
  let cropHeight = image.height;
  let cropWidth = image.width;
  if (crop === 'center') {
    if (image.width * height > image.height * width) cropWidth = Math.max(1, Math.round((image.height * width) / height));
    else cropHeight = Math.max(1, Math.round((image.width * height) / width));
  }
  if (cropHeight === height && cropWidth === width && image.height === height && image.width === width) {
    for (let i = 0; i < data.length; i++) target[offset + i] = data[i] / 127.5 - 1;
    return;
  }
  const top = Math.floor((image.height - cropHeight) / 2);
  const left = Math.floor((image.width - cropWidth) / 2);
  const resized = tf.tidy(() => {
    const full = tf.tensor3d(data, [image.height, image.width, channels], 'int32');
    const cropped = tf.slice(full, [top, left, 0], [cropHeight, cropWidth, channels]);
    return tf.image.resizeBilinear(tf.cast(cropped, 'float32') as tf.Tensor3D, [height, width], false, true);
  });
  const values = await resized.data();
  resized.dispose();
  for (let i = 0; i < values.length; i++) {
    target[offset + i] = Math.min(255, Math.max(0, values[i])) / 127.5 - 1;
  }
}

function checkBackground(value: unknown, owner: string): readonly [number, number, number] {
  if (value === undefined) return [255, 255, 255];
  const isLevel = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 255;
  if (isLevel(value)) return [value, value, value];
  if (Array.isArray(value) && value.length === 3 && value.every(isLevel)) return [value[0], value[1], value[2]];
  throw new ConfigError(
    `${owner}: 'background' must be a gray level in [0, 255] or an [r, g, b] triple of them, received ${describeValue(value)}.`,
  );
}

function checkSize(size: unknown, owner: string): readonly [number, number] | undefined {
  if (size === undefined) return undefined;
  if (
    !Array.isArray(size) ||
    size.length !== 2 ||
    !size.every((v) => typeof v === 'number' && Number.isInteger(v) && v >= 1)
  ) {
    throw new ConfigError(
      `${owner}: 'size' must be [height, width], two integers >= 1, received ${describeValue(size)}.`,
    );
  }
  return [size[0], size[1]];
}

function isImageName(name: string): boolean {
  const lower = name.toLowerCase();
  return IMAGE_EXTENSIONS.some((extension) => lower.endsWith(extension));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
