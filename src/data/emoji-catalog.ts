/**
 * The catalog of the `emoji-datasource-twitter` package: which emoji it has, their categories, image
 * files and skin-tone variants, read from its `emoji.json` and checked (the file names it gives are
 * used as paths and URLs, so only plain `hex-hex.png` names are accepted), and the fixed split of the
 * emoji into a training and a held-out part.
 *
 * @packageDocumentation
 */
import { DataError, describeValue } from '../errors.js';

/** The npm package the emoji come from (an optional peer dependency of tfjs-gan). */
export const EMOJI_PACKAGE = 'emoji-datasource-twitter';

/**
 * The emoji categories, in the order of their class ids: the package's categories less `Component`
 * (skin-tone swatches and hair parts, which are not emoji of their own).
 */
export const EMOJI_CATEGORIES = Object.freeze([
  'Smileys & Emotion',
  'People & Body',
  'Animals & Nature',
  'Food & Drink',
  'Travel & Places',
  'Activities',
  'Objects',
  'Symbols',
  'Flags',
] as const);

/** One of {@link EMOJI_CATEGORIES}. */
export type EmojiCategory = (typeof EMOJI_CATEGORIES)[number];

/** The folder of the 64x64 images inside the package. */
export const EMOJI_IMAGE_DIR = 'img/twitter/64';

/**
 * Which emoji are held out: about one in seven, chosen by a hash of the base emoji's code points, so a
 * skin-tone variant is always on the same side as its base and the split does not depend on the order
 * or the version of the catalog.
 */
export const EMOJI_TEST_SHARE = 1 / 7;

/** One image of the catalog. */
export interface EmojiEntry {
  /** The image file's name in the package's `img/twitter/64` folder, e.g. `'1f600.png'`. */
  readonly image: string;
  /** The emoji's short name, e.g. `'grinning'`; a skin-tone variant adds its tone, e.g. `'wave:1f3fb'`. */
  readonly name: string;
  /** Its category. */
  readonly category: EmojiCategory;
  /** Its subcategory (Unicode's emoji subgroup), e.g. `'heart'`; `''` when the catalog gives none. */
  readonly subcategory: string;
  /** The code points of the base emoji (a variant shares its base's). */
  readonly base: string;
  /** Whether it is a skin-tone variant of its base. */
  readonly variant: boolean;
  /** Whether it belongs to the held-out split. */
  readonly heldOut: boolean;
}

/** The largest `emoji.json` that is read: the package's is about 1.7 MB. */
export const EMOJI_CATALOG_MAX_BYTES = 64 * 1024 * 1024;

const IMAGE_NAME = /^[0-9a-f]{1,8}(-[0-9a-f]{1,8}){0,15}\.png$/;

/**
 * Parses and checks the package's `emoji.json`: every emoji with a Twitter image in one of
 * {@link EMOJI_CATEGORIES}, followed by its skin-tone variants, in the catalog's `sort_order`.
 *
 * @param text - the file's text.
 * @param source - where it came from, for messages.
 * @param owner - the loader, for messages.
 * @returns the entries; {@link EmojiEntry.heldOut} marks the held-out split.
 * @throws DataError when the text is not the catalog: not JSON, not an array of emoji, or an image name
 *   that is not `hex[-hex...].png` (a path such as `../x.png` is refused, naming it).
 */
export function parseEmojiCatalog(text: string, source: string, owner: string): EmojiEntry[] {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (cause) {
    throw new DataError(`${owner}: ${describeValue(source)} is not JSON: ${String(cause)}.`, { cause });
  }
  if (!Array.isArray(raw)) {
    throw new DataError(`${owner}: ${describeValue(source)} must be the ${EMOJI_PACKAGE} catalog, an array of emoji; received ${describeValue(raw)}.`);
  }
  const rows = raw
    .map((item: unknown, index) => checkRow(item, index, source, owner))
    .filter((row): row is CheckedRow => row !== undefined)
    .sort((a, b) => a.order - b.order);
  const entries: EmojiEntry[] = [];
  for (const row of rows) {
    const heldOut = isHeldOut(row.base);
    const { category, subcategory } = row;
    entries.push({ image: row.image, name: row.name, category, subcategory, base: row.base, variant: false, heldOut });
    for (const [tone, image] of row.variants) {
      entries.push({ image, name: `${row.name}:${tone}`, category, subcategory, base: row.base, variant: true, heldOut });
    }
  }
  if (entries.length === 0) throw new DataError(`${owner}: ${describeValue(source)} lists no emoji with a Twitter image.`);
  return entries;
}

interface CheckedRow {
  readonly image: string;
  readonly name: string;
  readonly category: EmojiCategory;
  readonly subcategory: string;
  readonly base: string;
  readonly order: number;
  readonly variants: ReadonlyArray<readonly [string, string]>;
}

function checkRow(item: unknown, index: number, source: string, owner: string): CheckedRow | undefined {
  if (item === null || typeof item !== 'object') {
    throw new DataError(`${owner}: ${describeValue(source)} entry ${index} must be an object, received ${describeValue(item)}.`);
  }
  const row = item as Record<string, unknown>;
  const category = row.category;
  if (!(EMOJI_CATEGORIES as readonly unknown[]).includes(category) || row.has_img_twitter !== true) return undefined;
  const image = checkImageName(row.image, `entry ${index}`, source, owner);
  const base = typeof row.unified === 'string' ? row.unified.toLowerCase() : image.slice(0, -4);
  const name = typeof row.short_name === 'string' ? row.short_name : base;
  const order = typeof row.sort_order === 'number' ? row.sort_order : index;
  const subcategory = typeof row.subcategory === 'string' ? row.subcategory : '';
  const variants: Array<readonly [string, string]> = [];
  const skins = row.skin_variations;
  if (skins !== null && typeof skins === 'object') {
    for (const tone of Object.keys(skins).sort()) {
      const variant = (skins as Record<string, unknown>)[tone] as Record<string, unknown> | null;
      if (variant === null || typeof variant !== 'object' || variant.has_img_twitter !== true) continue;
      variants.push([tone.toLowerCase(), checkImageName(variant.image, `entry ${index} skin tone ${tone}`, source, owner)]);
    }
  }
  return { image, name, category: category as EmojiCategory, subcategory, base, order, variants };
}

function checkImageName(value: unknown, where: string, source: string, owner: string): string {
  if (typeof value !== 'string' || !IMAGE_NAME.test(value)) {
    throw new DataError(
      `${owner}: ${describeValue(source)} ${where} names the image ${describeValue(value)}; expected a file name of ` +
        `hexadecimal code points such as '1f600.png' or '1f44b-1f3fb.png'.`,
    );
  }
  return value;
}

/**
 * Whether a base emoji is held out: FNV-1a of its code points, mixed by MurmurHash3's finaliser, below
 * {@link EMOJI_TEST_SHARE} of the range.
 */
function isHeldOut(base: string): boolean {
  let hash = 0x811c9dc5;
  for (let i = 0; i < base.length; i++) {
    hash ^= base.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  hash = Math.imul(hash ^ (hash >>> 16), 0x85ebca6b);
  hash = Math.imul(hash ^ (hash >>> 13), 0xc2b2ae35);
  hash ^= hash >>> 16;
  return (hash >>> 0) / 2 ** 32 < EMOJI_TEST_SHARE;
}
