/**
 * Twitter's Twemoji as a colour image dataset: the 3,786 64x64 images of the npm package
 * `emoji-datasource-twitter` (1,911 emoji and 1,875 skin-tone variants; graphics CC-BY 4.0 by Twitter,
 * Inc. and contributors), labelled by their 9 categories. No download at run time: in Node the
 * package is read from `node_modules`, in a page from the package's files served by the app or picked
 * by the user.
 *
 * @packageDocumentation
 */
import { ConfigError, DataError, describeValue } from '../errors.js';
import { nodeFs, nodePath } from '../io/fs.js';
import { importNodeModule } from '../util/node-module.js';
import { checkBoolean, checkInt, checkOneOf, checkOptions } from '../util/validate.js';
import type { Dataset } from './dataset.js';
import {
  EMOJI_CATALOG_MAX_BYTES, EMOJI_CATEGORIES, EMOJI_IMAGE_DIR, EMOJI_PACKAGE, type EmojiCategory, type EmojiEntry, parseEmojiCatalog,
} from './emoji-catalog.js';
import { checkEmojiLabels, extraClassesOf } from './emoji-classes.js';
import { EMOJI_SUBCATEGORIES_BY_CATEGORY, type EmojiLabels } from './emoji-subcategories.js';
import { checkImageSampleOptions, decodeImage, stackImages } from './image-samples.js';

/** A picked file: a `File` from `<input type="file" webkitdirectory>` or a drop (anything with these). */
export interface EmojiFile {
  /** The file's name, e.g. `'emoji.json'` or `'1f600.png'`. */
  readonly name: string;
  /** Its bytes. */
  arrayBuffer(): Promise<ArrayBuffer>;
}

/** Options of {@link emoji}. */
export interface EmojiOptions {
  /** Side of the square samples: the 64x64 images are resized (bilinear) to it. @defaultValue 64 */
  readonly size?: number;
  /**
   * The categories to load, in the order of their class ids.
   * @defaultValue all of {@link EMOJI_CATEGORIES}
   */
  readonly categories?: readonly EmojiCategory[];
  /**
   * The class labels: `'category'`, the 9 {@link EMOJI_CATEGORIES}; `'subcategory'`, the 98
   * subcategories of `EMOJI_SUBCATEGORIES` (Unicode's emoji subgroups, e.g. `'heart'`, `'country-flag'`), those of
   * the chosen categories, in the table's order. With subcategories, an emoji whose subcategory is not in
   * the table (one a newer package adds) is left out, so class ids stay those of the table.
   * `{ extraClasses }` ({@link EmojiExtraClasses}): the chosen categories, then classes of one's own that
   * take chosen emoji out of their category, e.g. `{ extraClasses: [{ name: 'hearts', category: 'Smileys & Emotion', subcategories: ['heart'] }] }`.
   * @defaultValue 'category'
   */
  readonly labels?: EmojiLabels;
  /** Include the skin-tone variants (1,875 images, nearly all in `People & Body`). @defaultValue true */
  readonly skinTones?: boolean;
  /**
   * `'train'`: the emoji that the shipped emoji feature extractor trained on; `'test'`: the held-out ones
   * (about one base emoji in seven, with its variants); `'all'`: both.
   * @defaultValue 'all'
   */
  readonly split?: 'all' | 'train' | 'test';
  /** The gray level (0..255) or [r, g, b] that transparency is composited over. @defaultValue 255 (white) */
  readonly background?: number | readonly [number, number, number];
  /**
   * Keep only the emoji for which this returns `true`, e.g. `(e) => e.subcategory === 'heart'`, or a
   * set of flags by `name` (`'flag-dk'`, `'gb'`; a skin-tone variant is `'wave:1f3fb'`). It sees each
   * emoji of the chosen categories once, before `split`, `skinTones` and `count`. The classes are then
   * those (of `categories`, or of their subcategories) that hold at least one emoji it keeps, in any
   * split, so `split: 'train'` and `split: 'test'` with the same filter agree on class ids. The
   * dataset's `name` ends in `-filtered`.
   * @defaultValue keep all
   */
  readonly filter?: (emoji: EmojiEntry) => boolean;
  /** Keep only the first `count` images (in the catalog's order). @defaultValue all */
  readonly count?: number;
  /** Node: the package's folder. @defaultValue where `emoji-datasource-twitter` is installed */
  readonly dir?: string;
  /**
   * Anywhere with `fetch`: the URL the app serves the package's folder at, e.g.
   * `'/node_modules/emoji-datasource-twitter'` (its `emoji.json` and `img/twitter/64/*.png` are fetched).
   */
  readonly baseUrl?: string;
  /** In a page: the package's files picked by the user (a folder pick of the package): `emoji.json` and the PNGs. */
  readonly files?: ArrayLike<EmojiFile>;
}

const EMOJI_OPTIONS = Object.freeze(['size', 'categories', 'labels', 'skinTones', 'split', 'background', 'filter', 'count', 'dir', 'baseUrl', 'files']);

/** What a source reads: the catalog (`emoji.json`) or an image (by its file name in the catalog). */
type EmojiPart = 'catalog' | 'image';

/** Reads the catalog's and the images' bytes from one place, at most {@link MAX_BYTES} of each. */
interface EmojiSource {
  readonly where: string;
  read(part: EmojiPart, name: string): Promise<Uint8Array>;
}

/** The most bytes each part may have: the package's catalog is about 1.7 MB, its images under 10 kB. */
const MAX_BYTES: Readonly<Record<EmojiPart, number>> = Object.freeze({ catalog: EMOJI_CATALOG_MAX_BYTES, image: 1024 * 1024 });

/** The refusal of a file over its part's limit. */
function tooLarge(owner: string, file: string, bytes: number, part: EmojiPart): DataError {
  return new DataError(`${owner}: ${file} has ${bytes} bytes, more than the ${MAX_BYTES[part]} a ${part} may have.`);
}

/**
 * Loads the Twitter emoji as an RGB {@link Dataset} `[N, size, size, 3]` in [-1, 1], labelled by
 * category (`classNames` are the category names) or by subcategory (`labels: 'subcategory'`). Install the data with
 * `npm install emoji-datasource-twitter` (an optional peer dependency of tfjs-gan).
 *
 * @param options - see {@link EmojiOptions}; give at most one of `dir`, `baseUrl` and `files`.
 * @returns the dataset; call `dispose()` when done.
 * @throws DataError when the package is missing (naming it and the install command), when its catalog
 *   is corrupt or names an image file that is not a plain `hex.png` name, or an image cannot be read.
 * @throws ConfigError on bad options, e.g. an unknown category (listing the known ones).
 * @example
 * ```ts
 * const faces = await datasets.emoji({ size: 32, categories: ['Smileys & Emotion'] });
 * faces.classNames;   // ['Smileys & Emotion']
 * const fine = await datasets.emoji({ labels: 'subcategory', categories: ['Smileys & Emotion'] });
 * fine.classNames;    // ['face-smiling', 'face-affection', ..., 'heart', 'emotion']
 * ```
 */
export async function emoji(options?: EmojiOptions): Promise<Dataset> {
  const owner = 'emoji';
  const opts = checkOptions(options, EMOJI_OPTIONS, owner);
  const size = checkInt(opts.size ?? 64, 'size', owner, 1, 4096);
  const categories = checkCategories(opts.categories, owner);
  const labels = checkEmojiLabels(opts.labels ?? 'category', `${owner}: 'labels'`);
  const skinTones = checkBoolean(opts.skinTones ?? true, 'skinTones', owner);
  const split = checkOneOf(opts.split ?? 'all', ['all', 'train', 'test'] as const, 'split', owner);
  const count = opts.count === undefined ? Infinity : checkInt(opts.count, 'count', owner, 1);
  const filter = checkFilter(opts.filter, owner);
  const { background, maxPixels } = checkImageSampleOptions({ ...(opts.background !== undefined ? { background: opts.background } : {}) }, owner);
  const source = await sourceOf(opts, owner);

  const text = new TextDecoder().decode(await source.read('catalog', 'emoji.json'));
  const ofCategories = parseEmojiCatalog(text, source.where, owner).filter((entry) => categories.includes(entry.category));
  const { tableNames, classOf } = classesOf(labels, categories, ofCategories, owner);
  const kept = ofCategories
    .filter((entry) => tableNames.includes(classOf(entry)))
    .filter((entry) => filter === undefined || keeps(filter, entry, owner));
  // With a filter, the classes it empties (in every split) are dropped, so that every class has images.
  const present = new Set(kept.map(classOf));
  const classNames = filter === undefined ? tableNames : tableNames.filter((name) => present.has(name));
  const chosen = kept
    .filter((entry) => skinTones || !entry.variant)
    .filter((entry) => split === 'all' || entry.heldOut === (split === 'test'))
    .slice(0, count);
  if (chosen.length === 0) {
    const filtered = filter === undefined ? '' : ' and the filter';
    throw new DataError(`${owner}: no emoji match categories ${describeValue(categories)}, split ${describeValue(split)}, skinTones ${skinTones}${filtered}.`);
  }
  return stackImages(
    chosen.map((entry: EmojiEntry) => ({
      name: entry.image,
      label: classNames.indexOf(classOf(entry)),
      load: async () => decodeImage(await source.read('image', entry.image), `${source.where}/${EMOJI_IMAGE_DIR}/${entry.image}`, owner, maxPixels),
    })),
    { size: [size, size], crop: 'none', channels: 3, background, defaultChannels: () => 3, name: `emoji-${size}${split === 'all' ? '' : `-${split}`}${labels === 'category' ? '' : labels === 'subcategory' ? '-subcategories' : '-extra-classes'}${filter === undefined ? '' : '-filtered'}`, classNames, numClasses: classNames.length },
    owner,
  );
}

/** The class names in id order (before a filter drops the empty ones) and the class of an emoji. */
function classesOf(
  labels: EmojiLabels,
  categories: readonly EmojiCategory[],
  entries: readonly EmojiEntry[],
  owner: string,
): { readonly tableNames: readonly string[]; classOf(entry: EmojiEntry): string } {
  if (labels === 'category') return { tableNames: categories, classOf: (entry) => entry.category };
  if (labels === 'subcategory') return { tableNames: categories.flatMap((category) => EMOJI_SUBCATEGORIES_BY_CATEGORY[category]), classOf: (entry) => entry.subcategory };
  const { classNames, classOf } = extraClassesOf(labels, categories, entries, `${owner}: 'labels'`);
  return { tableNames: classNames, classOf };
}

function checkCategories(value: unknown, owner: string): readonly EmojiCategory[] {
  if (value === undefined) return EMOJI_CATEGORIES;
  if (!Array.isArray(value) || value.length === 0) {
    throw new ConfigError(`${owner}: 'categories' must be a non-empty array of ${describeValue(EMOJI_CATEGORIES)}, received ${describeValue(value)}.`);
  }
  value.forEach((category: unknown, i: number) => checkOneOf(category, EMOJI_CATEGORIES, `categories[${i}]`, owner));
  if (new Set(value).size !== value.length) throw new ConfigError(`${owner}: 'categories' lists a category twice: ${describeValue(value)}.`);
  return Object.freeze([...value]) as readonly EmojiCategory[];
}

function checkFilter(value: unknown, owner: string): ((emoji: EmojiEntry) => boolean) | undefined {
  if (value === undefined || typeof value === 'function') return value as ((emoji: EmojiEntry) => boolean) | undefined;
  throw new ConfigError(`${owner}: 'filter' must be a function from an emoji's entry to true or false, received ${describeValue(value)}.`);
}

/** Calls the user's filter on a frozen copy of the entry; anything but a boolean, or a throw, is refused naming the emoji. */
function keeps(filter: (emoji: EmojiEntry) => boolean, entry: EmojiEntry, owner: string): boolean {
  let result: unknown;
  try {
    result = filter(Object.freeze({ ...entry }));
  } catch (cause) {
    throw new ConfigError(`${owner}: 'filter' threw on emoji ${describeValue(entry.name)}: ${cause instanceof Error ? cause.message : String(cause)}.`, { cause });
  }
  if (typeof result !== 'boolean') {
    throw new ConfigError(`${owner}: 'filter' must return true or false, returned ${describeValue(result)} for emoji ${describeValue(entry.name)}.`);
  }
  return result;
}

/** The one source the options name: the picked files, a URL, a folder, or the installed package. */
async function sourceOf(opts: EmojiOptions, owner: string): Promise<EmojiSource> {
  const given = (['dir', 'baseUrl', 'files'] as const).filter((key) => opts[key] !== undefined);
  if (given.length > 1) throw new ConfigError(`${owner}: give at most one of 'dir', 'baseUrl' and 'files', received ${describeValue(given)}.`);
  if (opts.files !== undefined) return filesSource(opts.files, owner);
  if (opts.baseUrl !== undefined) return urlSource(opts.baseUrl, owner);
  return folderSource(opts.dir === undefined ? await installedPackage(owner) : checkPath(opts.dir, owner), owner);
}

function checkPath(dir: unknown, owner: string): string {
  if (typeof dir !== 'string' || dir.length === 0) throw new ConfigError(`${owner}: 'dir' must be a folder path, received ${describeValue(dir)}.`);
  return dir;
}

/** The folder of the installed package, looked up from tfjs-gan and from the working directory. */
async function installedPackage(owner: string): Promise<string> {
  const missing = (cause?: unknown): DataError =>
    new DataError(
      `${owner}: the emoji come from the npm package '${EMOJI_PACKAGE}', which is not installed: run ` +
        `'npm install ${EMOJI_PACKAGE}', or pass 'dir' (its folder), 'baseUrl' or 'files'.`,
      cause === undefined ? undefined : { cause },
    );
  let moduleApi: typeof import('node:module');
  try {
    moduleApi = await importNodeModule('module');
  } catch (cause) {
    throw missing(cause);
  }
  const path = await nodePath(owner);
  for (const from of [import.meta.url, `${path.resolve('.')}${path.sep}`]) {
    try {
      return path.dirname(moduleApi.createRequire(from).resolve(`${EMOJI_PACKAGE}/package.json`));
    } catch {
      // not reachable from here; try the next place
    }
  }
  throw missing();
}

/** The path of a part inside the package folder. */
const packagePath = (part: EmojiPart, name: string): string => (part === 'catalog' ? name : `${EMOJI_IMAGE_DIR}/${name}`);

function folderSource(dir: string, owner: string): EmojiSource {
  let modules: Promise<[Awaited<ReturnType<typeof nodeFs>>, Awaited<ReturnType<typeof nodePath>>]> | undefined;
  return {
    where: dir,
    async read(part, name) {
      const [fs, path] = await (modules ??= Promise.all([nodeFs(owner), nodePath(owner)]));
      const full = path.join(dir, packagePath(part, name));
      try {
        const { size } = await fs.stat(full);
        if (size > MAX_BYTES[part]) throw tooLarge(owner, describeValue(full), size, part);
        return new Uint8Array(await fs.readFile(full));
      } catch (cause) {
        if (cause instanceof DataError) throw cause;
        const code = (cause as { code?: string }).code;
        throw new DataError(
          `${owner}: cannot read the ${part} ${describeValue(full)}${code === 'ENOENT' ? `: it does not exist (is 'dir' the ${EMOJI_PACKAGE} folder?)` : `: ${String(cause)}`}.`,
          { cause },
        );
      }
    },
  };
}

function urlSource(baseUrl: unknown, owner: string): EmojiSource {
  if (typeof baseUrl !== 'string' || baseUrl.length === 0) throw new ConfigError(`${owner}: 'baseUrl' must be a URL, received ${describeValue(baseUrl)}.`);
  if (typeof fetch !== 'function') throw new DataError(`${owner}: 'baseUrl' needs fetch(), which this environment lacks.`);
  const base = baseUrl.replace(/\/+$/, '');
  return {
    where: base,
    async read(part, name) {
      const url = `${base}/${packagePath(part, name)}`;
      let response: Response;
      try {
        response = await fetch(url);
      } catch (cause) {
        throw new DataError(`${owner}: cannot fetch the ${part} ${describeValue(url)}: ${String(cause)}.`, { cause });
      }
      if (!response.ok) throw new DataError(`${owner}: fetching the ${part} ${describeValue(url)} failed with HTTP ${response.status}.`);
      const bytes = new Uint8Array(await response.arrayBuffer());
      if (bytes.length > MAX_BYTES[part]) throw tooLarge(owner, describeValue(url), bytes.length, part);
      return bytes;
    },
  };
}

function filesSource(files: unknown, owner: string): EmojiSource {
  const list = files as ArrayLike<EmojiFile> | null;
  if (list === null || typeof list !== 'object' || typeof list.length !== 'number') {
    throw new ConfigError(`${owner}: 'files' must be a list of picked files, received ${describeValue(files)}.`);
  }
  const byName = new Map<string, EmojiFile>();
  for (let i = 0; i < list.length; i++) {
    const file = list[i];
    if (file === null || typeof file !== 'object' || typeof file.name !== 'string' || typeof file.arrayBuffer !== 'function') {
      throw new ConfigError(`${owner}: 'files[${i}]' must be a File (name and arrayBuffer()), received ${describeValue(file)}.`);
    }
    byName.set(file.name, file);
  }
  return {
    where: 'the picked files',
    async read(part, name) {
      const file = byName.get(name);
      if (file === undefined) throw new DataError(`${owner}: the picked files lack the ${part} ${describeValue(name)}; pick the ${EMOJI_PACKAGE} folder.`);
      const bytes = new Uint8Array(await file.arrayBuffer());
      if (bytes.length > MAX_BYTES[part]) throw tooLarge(owner, `the picked ${describeValue(name)}`, bytes.length, part);
      return bytes;
    },
  };
}
