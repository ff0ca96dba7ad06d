/**
 * Turning decoded images into dataset samples, shared by the image loaders (`imageFolder` in Node,
 * `fromImages` and `fromFiles` in a browser): decode by signature, channel conversion, center crop,
 * bilinear resize, scaling to [-1, 1], and stacking into one tensor. Internal.
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs';
import { ConfigError, DataError, GanError, describeValue } from '../errors.js';
import { checkImagePixels, checkMaxPixels, readImageHeader } from '../io/image-header.js';
import { decodeJpeg } from '../io/jpeg.js';
import { type DecodedImage, type ImageChannels, decodePng } from '../io/png.js';
import { Dataset } from './dataset.js';

/** File extensions that the image loaders read (case-insensitive). */
export const IMAGE_EXTENSIONS = Object.freeze(['.png', '.jpg', '.jpeg'] as const);

/** How decoded images become samples: size, crop and channels (options of the image loaders). */
export interface ImageSampleOptions {
  readonly size?: readonly [number, number];
  readonly crop?: 'center' | 'none';
  readonly channels?: ImageChannels;
  /** What transparent pixels are composited over when RGBA becomes RGB or gray: a gray level or [r, g, b], 0..255. @defaultValue 255 (white) */
  readonly background?: number | readonly [number, number, number];
  /** The most pixels (width x height) an image may have; larger ones are refused before decoding. @defaultValue 4096 x 4096 */
  readonly maxPixels?: number;
}

/** A checked background colour, [r, g, b] in 0..255. */
export type Background = readonly [number, number, number];

/** Checks the sample options, naming the owner. */
export function checkImageSampleOptions(
  opts: ImageSampleOptions,
  owner: string,
): { size?: readonly [number, number]; crop: 'center' | 'none'; channels?: ImageChannels; background: Background; maxPixels: number } {
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
  const maxPixels = checkMaxPixels(opts.maxPixels, owner);
  return { size, crop, channels: opts.channels, background: checkBackground(opts.background, owner), maxPixels };
}

function checkBackground(value: unknown, owner: string): Background {
  if (value === undefined) return [255, 255, 255];
  const isLevel = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 255;
  if (isLevel(value)) return [value, value, value];
  if (Array.isArray(value) && value.length === 3 && value.every(isLevel)) return [value[0], value[1], value[2]];
  throw new ConfigError(
    `${owner}: 'background' must be a gray level in [0, 255] or an [r, g, b] triple of them, received ${describeValue(value)}.`,
  );
}

/** One image to stack: a function that decodes it (called once, in order), its label and a name for messages. */
export interface PendingImage {
  readonly load: () => Promise<DecodedImage>;
  readonly label: number;
  readonly name: string;
}

/**
 * Decodes, converts, crops, resizes and stacks images into a Dataset `[N, height, width, channels]` in
 * [-1, 1]. Without `size`, all images must have the first one's size.
 *
 * @param images - the images in order; labels are ignored unless `classNames` or `numClasses` is given.
 * @param options - size, crop, channels (default: `defaultChannels(first image)`), dataset name, classes.
 * @param owner - the loader, for messages.
 */
export async function stackImages(
  images: readonly PendingImage[],
  options: {
    size?: readonly [number, number];
    crop: 'center' | 'none';
    channels?: ImageChannels;
    /** @defaultValue white */
    background?: Background;
    defaultChannels: (first: DecodedImage) => ImageChannels;
    name: string;
    /** Whether the images' labels are kept. @defaultValue whether `classNames` or `numClasses` is given */
    labelled?: boolean;
    classNames?: readonly string[];
    numClasses?: number;
  },
  owner: string,
): Promise<Dataset> {
  const { size, crop } = options;
  let channels = options.channels;
  let height = size?.[0] ?? 0;
  let width = size?.[1] ?? 0;
  let pixels = new Float32Array(0);
  const labelled = options.labelled ?? (options.classNames !== undefined || options.numClasses !== undefined);
  // Plain numbers, not an Int32Array: Dataset.fromTensors checks them, and an Int32Array would wrap 2^31
  // to -2^31 and cut 1.5 to 1 before it could.
  const labels: number[] | undefined = labelled ? new Array<number>(images.length) : undefined;
  for (let n = 0; n < images.length; n++) {
    const item = images[n];
    const image = await item.load();
    if (n === 0) {
      channels ??= options.defaultChannels(image);
      if (size === undefined) [height, width] = [image.height, image.width];
      pixels = new Float32Array(images.length * height * width * channels);
    } else if (size === undefined && (image.height !== height || image.width !== width)) {
      throw new DataError(
        `${owner}: images of different sizes need the 'size' option: ${describeValue(images[0].name)} is ` +
          `${height}x${width} (height x width) but ${describeValue(item.name)} is ${image.height}x${image.width}.`,
      );
    }
    const converted = convertChannels(image, channels as ImageChannels, options.background ?? [255, 255, 255]);
    const offset = n * height * width * (channels as number);
    await writeSample(converted, image, channels as ImageChannels, [height, width], crop, pixels, offset);
    if (labels !== undefined) labels[n] = item.label;
  }
  const stacked = tf.tensor4d(pixels, [images.length, height, width, channels as number], 'float32');
  try {
    return Dataset.fromTensors(stacked, labels, {
      name: options.name,
      ...(options.classNames !== undefined ? { classNames: options.classNames } : {}),
      ...(options.numClasses !== undefined ? { numClasses: options.numClasses } : {}),
    });
  } finally {
    stacked.dispose();
  }
}

/**
 * Decodes PNG or JPEG bytes, recognised by their signature rather than the file name. An image of more
 * than `maxPixels` pixels is refused from its header, before anything is inflated or allocated.
 * @throws DataError naming the file: not PNG or JPEG, corrupt, or over `maxPixels` (naming the option of `owner`).
 */
export function decodeImage(bytes: Uint8Array, file: string, owner: string, maxPixels: number): DecodedImage {
  const isPng = bytes.length >= 4 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47;
  const isJpeg = bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
  if (!isPng && !isJpeg) {
    throw new DataError(`${owner}: ${describeValue(file)} is neither a PNG nor a JPEG file (by its first bytes).`);
  }
  const header = readImageHeader(bytes);
  if (header !== undefined) checkImagePixels(header, maxPixels, describeValue(file), owner);
  try {
    return isPng ? decodePng(bytes, { maxPixels }) : decodeJpeg(bytes, { maxPixels });
  } catch (cause) {
    const detail = cause instanceof GanError ? cause.message : String(cause);
    throw new DataError(`${owner}: cannot decode ${describeValue(file)}: ${detail}`, { cause });
  }
}

/**
 * Converts HWC bytes between 1 (gray), 3 (RGB) and 4 (RGBA) channels; RGBA to 1 or 3 channels
 * composites over `background` ([r, g, b], 0..255).
 */
export function convertChannels(image: DecodedImage, channels: ImageChannels, background: Background = [255, 255, 255]): Uint8Array {
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
export async function writeSample(
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

export function checkSize(size: unknown, owner: string): readonly [number, number] | undefined {
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

