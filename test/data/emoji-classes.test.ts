import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { emoji } from '../../src/data/emoji.js';
import { EMOJI_CATEGORIES } from '../../src/data/emoji-catalog.js';
import { type EmojiExtraClasses, checkEmojiExtraClasses, emojiCategoryIds } from '../../src/data/emoji-classes.js';
import { EMOJI_SUBCATEGORIES, EMOJI_SUBCATEGORY_CATEGORY_IDS } from '../../src/data/emoji-subcategories.js';
import { datasetByName } from '../../src/data/dataset-registry.js';
import { ConfigError } from '../../src/errors.js';

// emoji-datasource-twitter is a development dependency: the real catalog and images are always here.

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const CROSSED = ['flag-dk', 'flag-se', 'flag-no', 'flag-fi', 'flag-ch', 'gb'];
const HEARTS_AND_CROSSES: EmojiExtraClasses = {
  extraClasses: [
    { name: 'hearts', category: 'Smileys & Emotion', subcategories: ['heart'] },
    { name: 'crossed flags', category: 'Flags', emoji: CROSSED },
  ],
};

/** The number of samples of each class. */
async function classCounts(data: { labels?: tf.Tensor; numClasses: number }): Promise<number[]> {
  const labels = Array.from(await data.labels!.data());
  return Array.from({ length: data.numClasses }, (_, c) => labels.filter((l) => l === c).length);
}

describe('emoji extra classes', () => {
  it('takes the chosen emoji out of their category into classes after the categories', { timeout: 120_000 }, async () => {
    const plain = await emoji({ size: 4, categories: ['Smileys & Emotion', 'Flags'] });
    const extra = await emoji({ size: 4, categories: ['Smileys & Emotion', 'Flags'], labels: HEARTS_AND_CROSSES });
    expect(extra.classNames).toEqual(['Smileys & Emotion', 'Flags', 'hearts', 'crossed flags']);
    expect(extra.name).toBe('emoji-4-extra-classes');
    expect(extra.size).toBe(plain.size);
    const [smileys, flags] = await classCounts(plain);
    const counts = await classCounts(extra);
    expect(counts[3]).toBe(CROSSED.length);
    expect(counts[2]).toBeGreaterThanOrEqual(25);
    expect(counts[0]).toBe(smileys - counts[2]);
    expect(counts[1]).toBe(flags - CROSSED.length);
    // The same images in the same order: only the labels of the taken emoji change.
    const same = tf.tidy(() => tf.max(tf.abs(tf.sub(plain.images, extra.images))).dataSync()[0]);
    expect(same).toBe(0);
    plain.dispose();
    extra.dispose();
  });

  it('agrees on class ids across splits, and a base name takes its skin-tone variants', { timeout: 120_000 }, async () => {
    const labels: EmojiExtraClasses = { extraClasses: [{ name: 'waves', category: 'People & Body', emoji: ['wave'] }] };
    const train = await emoji({ size: 4, categories: ['People & Body'], split: 'train', labels });
    const test = await emoji({ size: 4, categories: ['People & Body'], split: 'test', labels });
    expect(train.classNames).toEqual(['People & Body', 'waves']);
    expect(test.classNames).toEqual(train.classNames);
    const waves = (await classCounts(train))[1] + (await classCounts(test))[1];
    expect(waves).toBe(6); // the wave and its five skin tones
    train.dispose();
    test.dispose();
    const one = await emoji({ size: 4, categories: ['People & Body'], labels: { extraClasses: [{ name: 'light wave', category: 'People & Body', emoji: ['wave:1f3fb'] }] } });
    expect((await classCounts(one))[1]).toBe(1);
    one.dispose();
  });

  it('refuses bad extra classes, naming the class, the field and what it received', async () => {
    const refuse = (labels: unknown, categories?: string[]) => emoji({ size: 4, labels: labels as EmojiExtraClasses, ...(categories ? { categories: categories as never } : {}) });
    const hearts = { name: 'hearts', category: 'Smileys & Emotion', subcategories: ['heart'] };
    await expect(refuse({ extraClasses: [] })).rejects.toThrow(/emoji: 'labels'\.extraClasses must be a non-empty array of \{ name, category, subcategories\?, emoji\? \}, received \[\]/);
    await expect(refuse({ extra: [hearts] })).rejects.toThrow(ConfigError);
    await expect(refuse([hearts])).rejects.toThrow(/must be 'category', 'subcategory' or \{ extraClasses: \[\.\.\.\] \}/);
    await expect(refuse({ extraClasses: [{ ...hearts, name: 'Flags' }] })).rejects.toThrow(/extraClasses\[0\]\.name "Flags" is already a class's name/);
    await expect(refuse({ extraClasses: [hearts, hearts] })).rejects.toThrow(/extraClasses\[1\]\.name "hearts" is already a class's name/);
    await expect(refuse({ extraClasses: [{ ...hearts, name: ' ' }] })).rejects.toThrow(/extraClasses\[0\]\.name must be a non-empty string, received " "/);
    await expect(refuse({ extraClasses: [{ ...hearts, category: 'Smileys' }] })).rejects.toThrow(/extraClasses\[0\]: 'category' must be one of .*received "Smileys"/);
    await expect(refuse({ extraClasses: [{ ...hearts, subcategories: ['country-flag'] }] })).rejects.toThrow(/"country-flag" is not a subcategory of Smileys & Emotion; its subcategories are \[.*"heart"/);
    await expect(refuse({ extraClasses: [{ name: 'none', category: 'Flags' }] })).rejects.toThrow(/extraClasses\[0\] takes no emoji: give it 'subcategories' or 'emoji', or both/);
    await expect(refuse({ extraClasses: [{ name: 'x', category: 'Flags', emoji: ['flag-dk', 'flag-dk'] }] })).rejects.toThrow(/emoji lists a name twice/);
    await expect(refuse({ extraClasses: [{ name: 'x', category: 'Flags', emoji: ['flag-xx', 'grinning'] }] })).rejects.toThrow(/extraClasses\[0\]\.emoji: \["flag-xx", "grinning"\] name no emoji of Flags/);
    await expect(refuse({ extraClasses: [hearts, { name: 'red', category: 'Smileys & Emotion', emoji: ['heart'] }] })).rejects.toThrow(/emoji "heart" is taken by two extra classes, \["hearts", "red"\]: give it to one/);
    await expect(refuse({ extraClasses: [hearts] }, ['Flags'])).rejects.toThrow(/extraClasses\[0\] \("hearts"\) takes emoji of Smileys & Emotion, which is not among the categories \["Flags"\]/);
    const allFlags = { name: 'all flags', category: 'Flags', subcategories: ['flag', 'country-flag', 'subdivision-flag'] };
    await expect(refuse({ extraClasses: [allFlags] }, ['Smileys & Emotion', 'Flags'])).rejects.toThrow(/the extra classes take every emoji of \["Flags"\]; leave it out of 'categories'/);
    expect(() => checkEmojiExtraClasses({ extraClasses: [{ ...hearts, colour: 'red' }] }, 'x')).toThrow(/colour/);
  });

  it('maps every class to its category for the category classifier', () => {
    expect(emojiCategoryIds(EMOJI_CATEGORIES)).toEqual(EMOJI_CATEGORIES.map((_, i) => i));
    expect(emojiCategoryIds(EMOJI_SUBCATEGORIES, 'subcategory')).toEqual(EMOJI_SUBCATEGORY_CATEGORY_IDS);
    expect(emojiCategoryIds([...EMOJI_CATEGORIES, 'hearts', 'crossed flags'], HEARTS_AND_CROSSES)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 0, 8]);
    expect(emojiCategoryIds(['Flags', 'hearts'], HEARTS_AND_CROSSES)).toEqual([8, 0]);
    expect(() => emojiCategoryIds(['Flags', 'stars'], HEARTS_AND_CROSSES)).toThrow(/class "stars" is no emoji category, subcategory or extra class of the labels/);
  });

  it('loads by name with extra classes, and names them in the refusal of unknown labels', async () => {
    const data = await datasetByName('emoji', { imageSize: 4, count: 20, labels: HEARTS_AND_CROSSES });
    expect(data.numClasses).toBe(11);
    data.dispose();
    await expect(datasetByName('emoji', { labels: 'subgroup' as never }, 'x')).rejects.toThrow(
      /x: 'labels' for dataset emoji must be one of \["category", "subcategory"\] or \{ extraClasses: \[\.\.\.\] \}, received "subgroup"/,
    );
    await expect(datasetByName('mnist', { labels: HEARTS_AND_CROSSES }, 'x')).rejects.toThrow(/'labels' applies to \["emoji"\] only/);
    await expect(datasetByName('emoji', { labels: { extraClasses: [{ name: 'x', category: 'Flags' }] } as never }, 'x')).rejects.toThrow(/x: 'labels'\.extraClasses\[0\] takes no emoji/);
  });
});
