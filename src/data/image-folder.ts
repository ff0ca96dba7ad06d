/**
 * Datasets from a folder of PNG and JPEG files (Node), labelled by subfolder like Keras'
 * `image_dataset_from_directory` and torchvision's `ImageFolder`.
 *
 * @packageDocumentation
 */
import { DataError, describeValue } from '../errors.js';
import { nodeFs, nodePath } from '../io/fs.js';
import type { ImageChannels } from '../io/png.js';
import type { Dataset } from './dataset.js';
import { IMAGE_EXTENSIONS, checkImageSampleOptions, decodeImage, stackImages } from './image-samples.js';
import { checkInt, checkOptions } from '../util/validate.js';

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
   * The most pixels (width x height) an image may have. A larger one is refused with a DataError
   * naming it, from its PNG or JPEG header, before it is decoded: a small file can otherwise claim
   * gigapixels (a 150 kB PNG of 12000x12000 zeros inflates to over 1 GB). `Infinity` turns it off.
   * @defaultValue `io.DEFAULT_MAX_PIXELS` = 4096 x 4096 = 16,777,216 (12-megapixel photos fit)
   */
  readonly maxPixels?: number;
  /**
   * The dataset's name.
   * @defaultValue the folder's base name
   */
  readonly name?: string;
}

export { IMAGE_EXTENSIONS } from './image-samples.js';

const IMAGE_FOLDER_OPTIONS = Object.freeze(['size', 'crop', 'channels', 'background', 'limit', 'maxPixels', 'name']);

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
 *   subfolders, holds a file that cannot be decoded (naming it), an image of more than `maxPixels`
 *   pixels (naming it, before decoding it), or images of different sizes without the `size` option
 *   (naming the first odd one).
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
  const { size, crop, channels, background, maxPixels } = checkImageSampleOptions(opts, owner);
  const limit = opts.limit === undefined ? Infinity : checkInt(opts.limit, 'limit', owner, 1);
  if (typeof dir !== 'string' || dir.length === 0) {
    throw new DataError(`${owner}: 'dir' must be a folder path, received ${describeValue(dir)}.`);
  }
  const path = await nodePath(owner);
  const name = opts.name ?? path.basename(path.resolve(dir));

  const { files, classNames } = await listImages(dir, owner);
  const chosen = files.slice(0, Math.min(files.length, limit));

  const fs = await nodeFs(owner);
  return stackImages(
    chosen.map((file) => ({ name: file.path, label: file.label, load: async () => decodeImage(new Uint8Array(await fs.readFile(file.path)), file.path, owner, maxPixels) })),
    { size, crop, channels, background, defaultChannels: (first) => first.channels, name, ...(classNames !== undefined ? { classNames, numClasses: classNames.length } : {}) },
    owner,
  );
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

function isImageName(name: string): boolean {
  const lower = name.toLowerCase();
  return IMAGE_EXTENSIONS.some((extension) => lower.endsWith(extension));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
