/**
 * The emoji subcategories (Unicode's emoji subgroups, e.g. `'heart'`, `'country-flag'`), a finer set of
 * class labels than the 9 categories: `datasets.emoji({ labels: 'subcategory' })`. The table is fixed
 * (`emoji-datasource-twitter` 16.0.0), so class ids do not move with the package's version.
 *
 * @packageDocumentation
 */
import { EMOJI_CATEGORIES, type EmojiCategory } from './emoji-catalog.js';
import type { EmojiExtraClasses } from './emoji-classes.js';

/**
 * The named ways to label the emoji: their 9 categories, or the 98 subcategories of
 * {@link EMOJI_SUBCATEGORIES}. {@link EmojiLabels} also takes classes of one's own beside the categories.
 */
export const EMOJI_LABELS = Object.freeze(['category', 'subcategory'] as const);
/** One of {@link EMOJI_LABELS}, or the categories with classes of one's own ({@link EmojiExtraClasses}). */
export type EmojiLabels = (typeof EMOJI_LABELS)[number] | EmojiExtraClasses;

/** The subcategories of each category, in the catalog's order. */
export const EMOJI_SUBCATEGORIES_BY_CATEGORY: Readonly<Record<EmojiCategory, readonly string[]>> = Object.freeze({
  'Smileys & Emotion': Object.freeze([
    'face-smiling', 'face-affection', 'face-tongue', 'face-hand', 'face-neutral-skeptical', 'face-sleepy',
    'face-unwell', 'face-hat', 'face-glasses', 'face-concerned', 'face-negative', 'face-costume', 'cat-face',
    'monkey-face', 'heart', 'emotion',
  ]),
  'People & Body': Object.freeze([
    'hand-fingers-open', 'hand-fingers-partial', 'hand-single-finger', 'hand-fingers-closed', 'hands',
    'hand-prop', 'body-parts', 'person', 'person-gesture', 'person-role', 'person-fantasy', 'person-activity',
    'person-sport', 'person-resting', 'family', 'person-symbol',
  ]),
  'Animals & Nature': Object.freeze([
    'animal-mammal', 'animal-bird', 'animal-amphibian', 'animal-reptile', 'animal-marine', 'animal-bug',
    'plant-flower', 'plant-other',
  ]),
  'Food & Drink': Object.freeze([
    'food-fruit', 'food-vegetable', 'food-prepared', 'food-asian', 'food-sweet', 'drink', 'dishware',
  ]),
  'Travel & Places': Object.freeze([
    'place-map', 'place-geographic', 'place-building', 'place-religious', 'place-other', 'transport-ground',
    'transport-water', 'transport-air', 'hotel', 'time', 'sky & weather',
  ]),
  'Activities': Object.freeze([
    'event', 'award-medal', 'sport', 'game', 'arts & crafts',
  ]),
  'Objects': Object.freeze([
    'clothing', 'sound', 'music', 'musical-instrument', 'phone', 'computer', 'light & video', 'book-paper',
    'money', 'mail', 'writing', 'office', 'lock', 'tool', 'science', 'medical', 'household', 'other-object',
  ]),
  'Symbols': Object.freeze([
    'transport-sign', 'warning', 'arrow', 'religion', 'zodiac', 'av-symbol', 'gender', 'math', 'punctuation',
    'currency', 'other-symbol', 'keycap', 'alphanum', 'geometric',
  ]),
  'Flags': Object.freeze([
    'flag', 'country-flag', 'subdivision-flag',
  ]),
});

/**
 * All 98 subcategories in the order of their class ids: category by category (in the order of
 * `EMOJI_CATEGORIES`), each category's in the catalog's order.
 */
export const EMOJI_SUBCATEGORIES: readonly string[] = Object.freeze(EMOJI_CATEGORIES.flatMap((category) => EMOJI_SUBCATEGORIES_BY_CATEGORY[category]));

const CATEGORY_OF: ReadonlyMap<string, EmojiCategory> = new Map(
  EMOJI_CATEGORIES.flatMap((category) => EMOJI_SUBCATEGORIES_BY_CATEGORY[category].map((sub) => [sub, category] as const)),
);

/**
 * The category a subcategory belongs to.
 *
 * @param subcategory - one of {@link EMOJI_SUBCATEGORIES}, e.g. `'heart'`.
 * @returns its category (`'Smileys & Emotion'` for `'heart'`), or `undefined` for a name not in the table.
 */
export function emojiSubcategoryCategory(subcategory: string): EmojiCategory | undefined {
  return CATEGORY_OF.get(subcategory);
}

/**
 * The category class id of each subcategory class id (entry `c` for {@link EMOJI_SUBCATEGORIES}`[c]`):
 * the `classMap` with which the 9-category emoji classifier scores a generator of the 98 subcategories
 * (`metrics.evaluate({ classMap: datasets.EMOJI_SUBCATEGORY_CATEGORY_IDS })`).
 */
export const EMOJI_SUBCATEGORY_CATEGORY_IDS: readonly number[] = Object.freeze(
  EMOJI_SUBCATEGORIES.map((sub) => EMOJI_CATEGORIES.indexOf(CATEGORY_OF.get(sub) as EmojiCategory)),
);
