/**
 * Classes of one's own among the emoji categories: `datasets.emoji({ labels: { extraClasses } })` takes
 * chosen emoji (by subcategory or by name) out of their category into classes of their own, e.g. the
 * hearts out of Smileys & Emotion and the flags with a cross out of Flags, so that a conditional
 * generator is asked for them by class and not only as a few of a category's many pictures.
 *
 * @packageDocumentation
 */
import { ConfigError, describeValue } from '../errors.js';
import { checkKnownOptions, checkOneOf, isOptionsObject } from '../util/validate.js';
import { EMOJI_CATEGORIES, type EmojiCategory, type EmojiEntry } from './emoji-catalog.js';
import { EMOJI_LABELS, EMOJI_SUBCATEGORIES_BY_CATEGORY, type EmojiLabels, emojiSubcategoryCategory } from './emoji-subcategories.js';

/** One class of one's own: the emoji of one category that it takes out of that category. */
export interface EmojiExtraClass {
  /** Its name in the dataset's `classNames`, e.g. `'hearts'`; not a category's name. */
  readonly name: string;
  /** The category its emoji come from (and the category the emoji classifier reads it as). */
  readonly category: EmojiCategory;
  /** Its emoji by subcategory, e.g. `['heart']` (subcategories of `category`). */
  readonly subcategories?: readonly string[];
  /**
   * Its emoji by name, e.g. `['flag-dk', 'flag-gb']`; a name takes the emoji's skin-tone variants too
   * (`'wave'` takes `'wave:1f3fb'`), and a variant's own name takes only it.
   */
  readonly emoji?: readonly string[];
}

/**
 * The chosen categories as classes, followed by the extra classes: an emoji that an extra class takes is
 * of that class, every other emoji of its category. Class ids: the categories in their order, then the
 * extra classes in theirs.
 */
export interface EmojiExtraClasses {
  /** The classes of one's own, at least one. */
  readonly extraClasses: readonly EmojiExtraClass[];
}

const EXTRA_CLASS_KEYS = Object.freeze(['name', 'category', 'subcategories', 'emoji']);

/**
 * Checks `labels: { extraClasses }` (what `datasets.emoji` and the recipes take): each class has a new
 * name, a category, and at least one subcategory of that category or emoji name.
 *
 * @param what - the argument, for the error message (e.g. `"emoji: 'labels'"`).
 * @returns the labels, frozen.
 * @throws ConfigError naming the class and the field at fault, what was expected and what was received.
 * @internal
 */
export function checkEmojiExtraClasses(labels: unknown, what: string): EmojiExtraClasses {
  if (!isOptionsObject(labels)) throw new ConfigError(`${what} must be 'category', 'subcategory' or { extraClasses: [...] }, received ${describeValue(labels)}.`);
  checkKnownOptions(labels, ['extraClasses'], what);
  const classes: unknown = labels.extraClasses;
  if (!Array.isArray(classes) || classes.length === 0) {
    throw new ConfigError(`${what}.extraClasses must be a non-empty array of { name, category, subcategories?, emoji? }, received ${describeValue(classes)}.`);
  }
  const names = new Set<string>();
  const checked = classes.map((spec: unknown, i: number): EmojiExtraClass => {
    const at = `${what}.extraClasses[${i}]`;
    if (!isOptionsObject(spec)) throw new ConfigError(`${at} must be { name, category, subcategories?, emoji? }, received ${describeValue(spec)}.`);
    checkKnownOptions(spec, EXTRA_CLASS_KEYS, at);
    const { name, subcategories, emoji } = spec;
    if (typeof name !== 'string' || name.trim().length === 0) throw new ConfigError(`${at}.name must be a non-empty string, received ${describeValue(name)}.`);
    if ((EMOJI_CATEGORIES as readonly string[]).includes(name) || names.has(name)) {
      throw new ConfigError(`${at}.name ${describeValue(name)} is already a class's name (a category's or an earlier extra class's): give each class its own.`);
    }
    names.add(name);
    const category = checkOneOf(spec.category, EMOJI_CATEGORIES, 'category', at);
    const subs = stringList(subcategories, `${at}.subcategories`);
    for (const sub of subs) {
      if (emojiSubcategoryCategory(sub) !== category) {
        throw new ConfigError(`${at}.subcategories: ${describeValue(sub)} is not a subcategory of ${category}; its subcategories are ${describeValue(EMOJI_SUBCATEGORIES_BY_CATEGORY[category])}.`);
      }
    }
    const named = stringList(emoji, `${at}.emoji`);
    if (subs.length === 0 && named.length === 0) throw new ConfigError(`${at} takes no emoji: give it 'subcategories' or 'emoji', or both.`);
    return Object.freeze({ name, category, ...(subs.length > 0 ? { subcategories: subs } : {}), ...(named.length > 0 ? { emoji: named } : {}) });
  });
  return Object.freeze({ extraClasses: Object.freeze(checked) });
}

/**
 * Checks an emoji `labels` option: one of {@link EMOJI_LABELS} or `{ extraClasses }`.
 *
 * @param what - the argument, for the error message (e.g. `"emoji: 'labels'"`).
 * @param dataset - the dataset's name when the labels come by name (the registry), named in the refusal.
 * @returns the labels (extra classes frozen).
 * @throws ConfigError for an unknown labelling, naming the two forms, or bad extra classes.
 * @internal
 */
export function checkEmojiLabels(labels: unknown, what: string, dataset?: string): EmojiLabels {
  if (typeof labels === 'object' && labels !== null) return checkEmojiExtraClasses(labels, what);
  if ((EMOJI_LABELS as readonly unknown[]).includes(labels)) return labels as EmojiLabels;
  const of = dataset === undefined ? '' : ` for dataset ${dataset}`;
  throw new ConfigError(`${what}${of} must be one of ${describeValue(EMOJI_LABELS)} or { extraClasses: [...] }, received ${describeValue(labels)}.`);
}

function stringList(value: unknown, what: string): readonly string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string' || item.length === 0)) {
    throw new ConfigError(`${what} must be an array of non-empty strings, received ${describeValue(value)}.`);
  }
  if (new Set(value).size !== value.length) throw new ConfigError(`${what} lists a name twice: ${describeValue(value)}.`);
  return Object.freeze([...value]);
}

/** Whether an extra class takes this emoji: by its subcategory, its name, or (a variant) its base's name. */
function takes(spec: EmojiExtraClass, entry: EmojiEntry): boolean {
  if (entry.category !== spec.category) return false;
  if (spec.subcategories?.includes(entry.subcategory)) return true;
  const baseName = entry.name.split(':')[0];
  return spec.emoji !== undefined && (spec.emoji.includes(entry.name) || spec.emoji.includes(baseName));
}

/**
 * The class of each emoji under extra classes: the one extra class that takes it, else its category.
 *
 * @param entries - the catalog's emoji of the chosen categories (every split), to check the names against.
 * @returns the class names in id order and the class of an emoji.
 * @throws ConfigError when an extra class's category is not among `categories`, one of its names is no
 *   emoji of its category, two classes take one emoji, or a category is left with no emoji.
 * @internal
 */
export function extraClassesOf(
  labels: EmojiExtraClasses,
  categories: readonly EmojiCategory[],
  entries: readonly EmojiEntry[],
  what: string,
): { readonly classNames: readonly string[]; classOf(entry: EmojiEntry): string } {
  labels.extraClasses.forEach((spec, i) => {
    if (!categories.includes(spec.category)) {
      throw new ConfigError(`${what}.extraClasses[${i}] (${describeValue(spec.name)}) takes emoji of ${spec.category}, which is not among the categories ${describeValue(categories)}.`);
    }
    const known = new Set(entries.filter((entry) => entry.category === spec.category).flatMap((entry) => [entry.name, entry.name.split(':')[0]]));
    const unknown = (spec.emoji ?? []).filter((name) => !known.has(name));
    if (unknown.length > 0) throw new ConfigError(`${what}.extraClasses[${i}].emoji: ${describeValue(unknown)} name no emoji of ${spec.category}.`);
  });
  const classOf = (entry: EmojiEntry): string => {
    const taking = labels.extraClasses.filter((spec) => takes(spec, entry));
    if (taking.length > 1) {
      throw new ConfigError(`${what}: emoji ${describeValue(entry.name)} is taken by two extra classes, ${describeValue(taking.map((spec) => spec.name))}: give it to one.`);
    }
    return taking.length === 1 ? taking[0].name : entry.category;
  };
  const counts = new Map<string, number>();
  for (const entry of entries) {
    const name = classOf(entry);
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  const emptied = categories.filter((category) => !counts.has(category));
  if (emptied.length > 0) {
    throw new ConfigError(`${what}: the extra classes take every emoji of ${describeValue(emptied)}; leave ${emptied.length > 1 ? 'them' : 'it'} out of 'categories'.`);
  }
  return { classNames: Object.freeze([...categories, ...labels.extraClasses.map((spec) => spec.name)]), classOf };
}

/**
 * The category id (in {@link EMOJI_CATEGORIES}) of each class of an emoji dataset: the `classMap` with
 * which the 9-category emoji classifier scores a generator of those classes (a subcategory and an extra
 * class read as their category).
 *
 * @param classNames - the dataset's `classNames` (categories, subcategories or extra classes).
 * @param labels - the labels it was loaded with, for the extra classes' categories.
 * @throws ConfigError for a class name that is none of these.
 * @example
 * ```ts
 * const labels = { extraClasses: [{ name: 'hearts', category: 'Smileys & Emotion', subcategories: ['heart'] }] } as const;
 * const data = await datasets.emoji({ labels });
 * datasets.emojiCategoryIds(data.classNames, labels); // [0, 1, ..., 8, 0]
 * ```
 */
export function emojiCategoryIds(classNames: readonly string[], labels?: EmojiLabels): number[] {
  const extra = typeof labels === 'object' ? labels.extraClasses : [];
  return classNames.map((name) => {
    const category = extra.find((spec) => spec.name === name)?.category ?? ((EMOJI_CATEGORIES as readonly string[]).includes(name) ? (name as EmojiCategory) : emojiSubcategoryCategory(name));
    if (category === undefined) throw new ConfigError(`emojiCategoryIds: class ${describeValue(name)} is no emoji category, subcategory or extra class of the labels.`);
    return EMOJI_CATEGORIES.indexOf(category);
  });
}
