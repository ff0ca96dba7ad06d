/**
 * Datasets from image files that the user picked in a page: an `<input type="file" multiple>`, a
 * folder from `<input type="file" webkitdirectory>`, dropped files, or a folder handle from
 * `showDirectoryPicker()`. Class subfolders label the images, as `imageFolder` does in Node.
 *
 * @packageDocumentation
 */
import { ConfigError, DataError, describeValue } from '../errors.js';
import type { ImageChannels } from '../io/png.js';
import type { Dataset } from './dataset.js';
import { defaultChannels, toDecodedImage } from './from-images.js';
import { IMAGE_EXTENSIONS, checkImageSampleOptions, stackImages } from './image-samples.js';
import { checkInt, checkNonEmptyString, checkOptions } from '../util/validate.js';

/** Options of {@link fromFiles} and {@link fromDirectoryHandle}. */
export interface FromFilesOptions {
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
   * @defaultValue the first image's: 1 for gray, 3 for colour, 4 with transparency
   */
  readonly channels?: ImageChannels;
  /**
   * Load at most this many images, the first ones in sorted order.
   * @defaultValue all images
   */
  readonly limit?: number;
  /**
   * The most pixels (width x height) an image may have; a larger one is refused (naming it) from its
   * header, before it is decoded. `Infinity` turns it off.
   * @defaultValue `io.DEFAULT_MAX_PIXELS` = 4096 x 4096
   */
  readonly maxPixels?: number;
  /**
   * The dataset's name.
   * @defaultValue the picked folder's name, else 'files'
   */
  readonly name?: string;
}

/** A file with its path relative to the picked folder, e.g. `'faces/happy/1.png'` (`File.webkitRelativePath`). */
interface PickedFile {
  readonly file: File;
  readonly path: string;
}

/** The parts of the File System Access API's directory handle that {@link fromDirectoryHandle} uses. */
export interface DirectoryHandleLike {
  /** Always `'directory'`. */
  readonly kind: 'directory';
  /** The directory's name. */
  readonly name: string;
  /** The directory's entries: files and subdirectories. */
  values(): AsyncIterable<DirectoryHandleLike | FileHandleLike>;
}

/** The parts of a file handle that {@link fromDirectoryHandle} uses. */
export interface FileHandleLike {
  /** Always `'file'`. */
  readonly kind: 'file';
  /** The file's name. */
  readonly name: string;
  /** The file's content. */
  getFile(): Promise<File>;
}

const FROM_FILES_OPTIONS = Object.freeze(['size', 'crop', 'channels', 'limit', 'maxPixels', 'name']);

/**
 * Loads image files picked by the user into a {@link Dataset} `[N, height, width, channels]` in [-1, 1].
 * Files from a picked folder (`<input webkitdirectory>`) keep their path in `webkitRelativePath`: as in
 * `imageFolder`, images in subfolders of the picked folder are labelled by subfolder (sorted names are
 * the class names), images directly in it form an unlabelled dataset, and deeper files, hidden names
 * and non-images (by extension: .png, .jpg, .jpeg) are skipped. Loose files (no relative path) are
 * unlabelled. PNG and JPEG are decoded by tfjs-gan's own decoders, so the same files give the same
 * samples in a browser and in Node.
 *
 * @param files - a `FileList` or an array of `File`s.
 * @param options - see {@link FromFilesOptions}.
 * @returns the dataset; call `dispose()` when done.
 * @throws DataError when there are no images, images mix with class folders, a file cannot be decoded
 *   (naming it) or sizes differ without `size`.
 * @throws ConfigError on bad options.
 * @example
 * ```ts
 * // <input type="file" webkitdirectory id="folder">
 * const data = await datasets.fromFiles(folder.files, { size: [28, 28], channels: 1 });
 * ```
 */
export async function fromFiles(files: ArrayLike<File>, options?: FromFilesOptions): Promise<Dataset> {
  const owner = 'fromFiles';
  checkOptions(options, FROM_FILES_OPTIONS, owner);
  if (files === null || typeof files !== 'object' || typeof (files as ArrayLike<File>).length !== 'number') {
    throw new DataError(`${owner}: 'files' must be a FileList or an array of File objects, received ${describeValue(files)}.`);
  }
  const picked = Array.from(files).map((file, i) => {
    if (typeof Blob === 'undefined' || !(file instanceof Blob) || typeof (file as Partial<File>).name !== 'string') {
      throw new DataError(`${owner}: files[${i}] must be a File, received ${describeValue(file)}.`);
    }
    return { file, path: file.webkitRelativePath || file.name };
  });
  return loadPicked(picked, options, owner);
}

/**
 * Loads a folder picked with `showDirectoryPicker()` (File System Access API), with the rules of
 * {@link fromFiles}: class subfolders label the images.
 *
 * @param handle - the folder's handle.
 * @param options - see {@link FromFilesOptions}.
 * @returns the dataset; call `dispose()` when done.
 * @throws as {@link fromFiles}; DataError when `handle` is not a directory handle.
 * @example
 * ```ts
 * const data = await datasets.fromDirectoryHandle(await window.showDirectoryPicker(), { size: [64, 64] });
 * ```
 */
export async function fromDirectoryHandle(handle: DirectoryHandleLike, options?: FromFilesOptions): Promise<Dataset> {
  const owner = 'fromDirectoryHandle';
  checkOptions(options, FROM_FILES_OPTIONS, owner);
  if (handle === null || typeof handle !== 'object' || handle.kind !== 'directory' || typeof handle.values !== 'function') {
    throw new DataError(`${owner}: 'handle' must be a directory handle from showDirectoryPicker(), received ${describeValue(handle)}.`);
  }
  const picked: PickedFile[] = [];
  for await (const entry of handle.values()) {
    if (entry.kind === 'file') picked.push({ file: await entry.getFile(), path: `${handle.name}/${entry.name}` });
    else if (!entry.name.startsWith('.')) {
      for await (const inner of entry.values()) {
        if (inner.kind === 'file') picked.push({ file: await inner.getFile(), path: `${handle.name}/${entry.name}/${inner.name}` });
      }
    }
  }
  return loadPicked(picked, { name: handle.name, ...options }, owner);
}

async function loadPicked(picked: PickedFile[], options: FromFilesOptions | undefined, owner: string): Promise<Dataset> {
  const opts = options ?? {};
  const { size, crop, channels, maxPixels } = checkImageSampleOptions(opts, owner);
  const limit = opts.limit === undefined ? Infinity : checkInt(opts.limit, 'limit', owner, 1);
  const { files, classNames, root } = classify(picked, owner);
  const name = checkNonEmptyString(opts.name ?? root ?? 'files', 'name', owner);
  const chosen = files.slice(0, Math.min(files.length, limit));
  return stackImages(
    chosen.map(({ file, path, label }) => ({ name: path, label, load: () => toDecodedImage(file, path, owner, maxPixels) })),
    { size, crop, channels, defaultChannels, name, ...(classNames !== undefined ? { classNames, numClasses: classNames.length } : {}) },
    owner,
  );
}

/** Sorts files into class subfolders or loose images, with the rules of `imageFolder`. */
function classify(picked: PickedFile[], owner: string): { files: (PickedFile & { label: number })[]; classNames?: readonly string[]; root?: string } {
  const isImage = (name: string): boolean => IMAGE_EXTENSIONS.some((extension) => name.toLowerCase().endsWith(extension));
  const loose: PickedFile[] = [];
  const byClass = new Map<string, PickedFile[]>();
  let root: string | undefined;
  for (const entry of picked) {
    const parts = entry.path.split('/').filter((part) => part.length > 0);
    // A picked folder's files start with the folder's name; loose files are just a name.
    const inside = parts.length > 1 ? parts.slice(1) : parts;
    if (parts.length > 1) root ??= parts[0];
    if (inside.some((part) => part.startsWith('.')) || !isImage(inside[inside.length - 1] ?? '')) continue;
    if (inside.length === 1) loose.push(entry);
    else if (inside.length === 2) byClass.set(inside[0], [...(byClass.get(inside[0]) ?? []), entry]);
  }
  const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  const classNames = [...byClass.keys()].sort(compare);
  if (classNames.length > 0 && loose.length > 0) {
    throw new DataError(
      `${owner}: the picked files mix class subfolders ${describeValue(classNames)} with images directly in the folder ` +
        `(${describeValue(loose.slice(0, 3).map((entry) => entry.path))}${loose.length > 3 ? ', ...' : ''}); move those images into a class folder, or the class folders out.`,
    );
  }
  if (classNames.length > 0) {
    const files = classNames.flatMap((className, label) =>
      (byClass.get(className) as PickedFile[]).sort((a, b) => compare(a.path, b.path)).map((entry) => ({ ...entry, label })),
    );
    return { files, classNames: Object.freeze(classNames), root };
  }
  if (loose.length === 0) {
    throw new DataError(
      `${owner}: the picked files hold no images: expected files ending in ${describeValue(IMAGE_EXTENSIONS)}, directly in the folder or in its class subfolders, received ${picked.length} other file(s).`,
    );
  }
  return { files: loose.sort((a, b) => compare(a.path, b.path)).map((entry) => ({ ...entry, label: -1 })), root };
}
