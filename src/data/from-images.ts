/**
 * Datasets from images already in a page: `<img>` and `<canvas>` elements, `ImageBitmap`s,
 * `ImageData`, `OffscreenCanvas`es and image `Blob`s / `File`s.
 *
 * @packageDocumentation
 */
import { ConfigError, DataError, describeValue } from '../errors.js';
import { checkImagePixels } from '../io/image-header.js';
import type { DecodedImage, ImageChannels } from '../io/png.js';
import type { Dataset } from './dataset.js';
import { type PendingImage, checkImageSampleOptions, decodeImage, stackImages } from './image-samples.js';
import { checkLabels } from './check-tensors.js';
import { checkNonEmptyString, checkOptions } from '../util/validate.js';

/** Pixels as `ImageData` holds them: RGBA bytes, row by row. Plain objects of this shape work too (in Node). */
export interface RgbaPixels {
  /** `width * height * 4` bytes, RGBA, row-major. */
  readonly data: Uint8ClampedArray | Uint8Array;
  /** Width in pixels. */
  readonly width: number;
  /** Height in pixels. */
  readonly height: number;
}

/** Anything a canvas can draw: `<img>`, `<canvas>`, `<video>`, `ImageBitmap`, `OffscreenCanvas`. */
export type DrawableImage = CanvasImageSource;

/** One image for {@link fromImages}: pixels, something drawable, or an image file (`Blob` / `File`). */
export type ImageSource = RgbaPixels | DrawableImage | Blob;

/** Options of {@link fromImages}. */
export interface FromImagesOptions {
  /**
   * Resize every image to `[height, width]` (bilinear, half-pixel centers), after the optional crop.
   * @defaultValue undefined: keep the size; all images must then have the same size
   */
  readonly size?: readonly [number, number];
  /**
   * `'center'` crops each image to the aspect ratio of `size` around its center before resizing; `'none'` stretches.
   * @defaultValue 'none'
   */
  readonly crop?: 'center' | 'none';
  /**
   * Channels of the samples: 1 (gray, by luma), 3 (RGB) or 4 (RGBA).
   * @defaultValue from the first image: 1 when it is gray and opaque, 3 when opaque, else 4
   */
  readonly channels?: ImageChannels;
  /** A class id per image (integers in [0, numClasses)); omit for an unlabelled dataset. */
  readonly labels?: ArrayLike<number>;
  /** A name per class id; its length is `numClasses`. */
  readonly classNames?: readonly string[];
  /**
   * The number of classes.
   * @defaultValue `classNames.length`, else the largest label + 1
   */
  readonly numClasses?: number;
  /**
   * The most pixels (width x height) an image file or drawable may have; a larger one is refused
   * (naming it) before it is decoded or drawn. `Infinity` turns it off.
   * @defaultValue `io.DEFAULT_MAX_PIXELS` = 4096 x 4096
   */
  readonly maxPixels?: number;
  /**
   * The dataset's name.
   * @defaultValue 'images'
   */
  readonly name?: string;
}

const FROM_IMAGES_OPTIONS = Object.freeze(['size', 'crop', 'channels', 'labels', 'classNames', 'numClasses', 'maxPixels', 'name']);

/**
 * Builds a dataset from images in a page or worker: `ImageData` (or any `{ data, width, height }` of
 * RGBA bytes), `<img>`, `<canvas>`, `<video>`, `ImageBitmap`, `OffscreenCanvas`, or image files as
 * `Blob`/`File` (PNG and JPEG are decoded by tfjs-gan's own decoders, exactly as `imageFolder` does in
 * Node; other formats by the browser's `createImageBitmap`). Samples are `[N, height, width, channels]`
 * in [-1, 1].
 *
 * @param images - one or more images.
 * @param options - see {@link FromImagesOptions}.
 * @returns the dataset; call `dispose()` when done.
 * @throws DataError when `images` is empty, an image is of an unknown kind, cannot be decoded or drawn
 *   (naming its index), or sizes differ without `size`.
 * @throws ConfigError on bad options; ShapeError / DataError on bad labels (as `Dataset.fromTensors`).
 * @example
 * ```ts
 * const images = [...document.querySelectorAll('img.training')] as HTMLImageElement[];
 * const data = await datasets.fromImages(images, { size: [32, 32], crop: 'center', channels: 3 });
 * ```
 */
export async function fromImages(images: ArrayLike<ImageSource>, options?: FromImagesOptions): Promise<Dataset> {
  const owner = 'fromImages';
  const opts = checkOptions(options, FROM_IMAGES_OPTIONS, owner);
  const { size, crop, channels, maxPixels } = checkImageSampleOptions(opts, owner);
  const list = checkImageList(images, owner);
  const name = checkNonEmptyString(opts.name ?? 'images', 'name', owner);
  const labels = opts.labels === undefined ? undefined : Array.from(opts.labels);
  if (labels !== undefined && labels.length !== list.length) {
    throw new ConfigError(`${owner}: 'labels' must hold one class id per image, ${list.length}, received ${labels.length}.`);
  }
  // The labels are checked (as Dataset.fromTensors checks them) before any image is decoded.
  if (labels !== undefined) {
    checkLabels(labels, list.length, { classNames: opts.classNames, numClasses: opts.numClasses }, owner);
  }
  const pending: PendingImage[] = list.map((source, i) => ({
    name: fileLabel(source, `images[${i}]`),
    label: labels?.[i] ?? -1,
    load: () => toDecodedImage(source, fileLabel(source, `images[${i}]`), owner, maxPixels),
  }));
  return stackImages(
    pending,
    {
      size,
      crop,
      channels,
      defaultChannels,
      name,
      labelled: labels !== undefined,
      ...(opts.classNames !== undefined ? { classNames: opts.classNames } : {}),
      ...(opts.numClasses !== undefined ? { numClasses: opts.numClasses } : {}),
    },
    owner,
  );
}

/** 1 for gray opaque pixels, 3 for opaque colour, 4 with any transparency; a 1- or 3-channel image keeps its channels. */
export function defaultChannels(image: DecodedImage): ImageChannels {
  if (image.channels !== 4) return image.channels;
  const { data } = image;
  let gray = true;
  for (let i = 0; i < data.length; i += 4) {
    if (data[i + 3] !== 255) return 4;
    if (gray && (data[i] !== data[i + 1] || data[i] !== data[i + 2])) gray = false;
  }
  return gray ? 1 : 3;
}

function checkImageList(images: ArrayLike<ImageSource>, owner: string): ImageSource[] {
  if (images === null || typeof images !== 'object' || typeof (images as ArrayLike<unknown>).length !== 'number' || images.length === 0) {
    throw new DataError(`${owner}: 'images' must be a non-empty array of images (ImageData, <img>, <canvas>, ImageBitmap, Blob), received ${describeValue(images)}.`);
  }
  return Array.from(images);
}

/**
 * The RGBA (or decoded PNG/JPEG) pixels of one image source.
 * @throws DataError naming the image when it is of an unknown kind, or cannot be decoded or drawn.
 */
export async function toDecodedImage(source: ImageSource, label: string, owner: string, maxPixels: number): Promise<DecodedImage> {
  if (isRgbaPixels(source)) {
    const { width, height, data } = source;
    if (data.length !== width * height * 4) {
      throw new DataError(`${owner}: ${label} must hold width * height * 4 = ${width * height * 4} RGBA bytes, received ${data.length}.`);
    }
    return { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width, height, channels: 4 };
  }
  if (typeof Blob !== 'undefined' && source instanceof Blob) {
    const bytes = new Uint8Array(await source.arrayBuffer());
    const isPng = bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47;
    const isJpeg = bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
    if (isPng || isJpeg) return decodeImage(bytes, label, owner, maxPixels);
    if (typeof createImageBitmap !== 'function') {
      throw new DataError(`${owner}: ${describeValue(label)} is neither a PNG nor a JPEG file, and this environment has no createImageBitmap to decode it.`);
    }
    let bitmap: ImageBitmap;
    try {
      bitmap = await createImageBitmap(source);
    } catch (cause) {
      throw new DataError(`${owner}: cannot decode ${describeValue(label)} as an image: ${String(cause)}.`, { cause });
    }
    try {
      return drawToPixels(bitmap, label, owner, maxPixels);
    } finally {
      bitmap.close();
    }
  }
  if (isDrawable(source)) {
    if (typeof HTMLImageElement !== 'undefined' && source instanceof HTMLImageElement && !source.complete) await source.decode();
    return drawToPixels(source, label, owner, maxPixels);
  }
  throw new DataError(
    `${owner}: ${label} must be ImageData (or { data, width, height } RGBA), an <img>, <canvas>, <video>, ImageBitmap, OffscreenCanvas or an image Blob, received ${describeValue(source)}.`,
  );
}

/** A File's name, else `label`. */
function fileLabel(source: ImageSource, label: string): string {
  const name = typeof Blob !== 'undefined' && source instanceof Blob ? (source as Partial<File>).name : undefined;
  return typeof name === 'string' && name.length > 0 ? name : label;
}

function isRgbaPixels(value: unknown): value is RgbaPixels {
  const candidate = value as Partial<RgbaPixels> | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    (candidate.data instanceof Uint8ClampedArray || candidate.data instanceof Uint8Array) &&
    Number.isInteger(candidate.width) &&
    Number.isInteger(candidate.height)
  );
}

function isDrawable(value: unknown): value is DrawableImage {
  const kinds = ['HTMLImageElement', 'HTMLCanvasElement', 'HTMLVideoElement', 'ImageBitmap', 'OffscreenCanvas', 'SVGImageElement', 'VideoFrame'];
  return kinds.some((kind) => {
    const constructor = (globalThis as Record<string, unknown>)[kind];
    return typeof constructor === 'function' && value instanceof (constructor as new () => unknown);
  });
}

function drawableSize(source: DrawableImage): [number, number] {
  const sized = source as { naturalWidth?: number; naturalHeight?: number; videoWidth?: number; videoHeight?: number; width?: number | SVGAnimatedLength; height?: number | SVGAnimatedLength; displayWidth?: number; displayHeight?: number };
  const width = sized.naturalWidth || sized.videoWidth || sized.displayWidth || (typeof sized.width === 'number' ? sized.width : 0);
  const height = sized.naturalHeight || sized.videoHeight || sized.displayHeight || (typeof sized.height === 'number' ? sized.height : 0);
  return [width, height];
}

function drawToPixels(source: DrawableImage, label: string, owner: string, maxPixels: number): DecodedImage {
  const [width, height] = drawableSize(source);
  if (!(width >= 1 && height >= 1)) {
    throw new DataError(`${owner}: ${label} has no pixels (size ${width}x${height}); wait until the image has loaded.`);
  }
  checkImagePixels({ format: 'png', width, height, components: 4 }, maxPixels, label, owner);
  let context: OffscreenCanvasRenderingContext2D | CanvasRenderingContext2D | null = null;
  if (typeof OffscreenCanvas !== 'undefined') context = new OffscreenCanvas(width, height).getContext('2d', { willReadFrequently: true });
  else if (typeof document !== 'undefined') {
    const canvas = document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
    context = canvas.getContext('2d', { willReadFrequently: true });
  }
  if (context === null) throw new DataError(`${owner}: drawing ${label} needs a 2-D canvas (a browser or worker), which this environment lacks.`);
  context.drawImage(source, 0, 0, width, height);
  let data: Uint8ClampedArray;
  try {
    data = context.getImageData(0, 0, width, height).data;
  } catch (cause) {
    throw new DataError(`${owner}: cannot read the pixels of ${label} (a cross-origin image without CORS taints the canvas): ${String(cause)}.`, { cause });
  }
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width, height, channels: 4 };
}
