import * as tf from '@tensorflow/tfjs';
import { createServer } from 'node:http';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emoji } from '../../src/data/emoji.js';
import { EMOJI_CATEGORIES, parseEmojiCatalog } from '../../src/data/emoji-catalog.js';
import { EMOJI_SUBCATEGORIES, EMOJI_SUBCATEGORIES_BY_CATEGORY, EMOJI_SUBCATEGORY_CATEGORY_IDS, emojiSubcategoryCategory } from '../../src/data/emoji-subcategories.js';
import { datasetByName } from '../../src/data/dataset-registry.js';
import { ConfigError, DataError } from '../../src/errors.js';
import { encodePng } from '../../src/io/png.js';

// emoji-datasource-twitter is a development dependency: the real catalog and images are always here.

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** A tiny package folder: two emoji (one with a skin tone) and a flag, as the real package lays them out. */
async function fakePackage(): Promise<{ dir: string; files: File[] }> {
  const dir = await mkdtemp(join(tmpdir(), 'emoji-'));
  const catalog = [
    { unified: '1F600', image: '1f600.png', short_name: 'grinning', category: 'Smileys & Emotion', subcategory: 'face-smiling', sort_order: 2, has_img_twitter: true },
    {
      unified: '1F44B', image: '1f44b.png', short_name: 'wave', category: 'People & Body', subcategory: 'hand-fingers-open', sort_order: 1, has_img_twitter: true,
      skin_variations: { '1F3FB': { unified: '1F44B-1F3FB', image: '1f44b-1f3fb.png', has_img_twitter: true } },
    },
    { unified: '1F1EB-1F1F7', image: '1f1eb-1f1f7.png', short_name: 'fr', category: 'Flags', subcategory: 'country-flag', sort_order: 3, has_img_twitter: true },
    { unified: '1F3FB', image: '1f3fb.png', short_name: 'skin-tone-2', category: 'Component', sort_order: 4, has_img_twitter: true },
    { unified: '1F47E', image: '1f47e.png', short_name: 'no_twitter', category: 'Smileys & Emotion', sort_order: 5, has_img_twitter: false },
  ];
  await mkdir(join(dir, 'img/twitter/64'), { recursive: true });
  await writeFile(join(dir, 'emoji.json'), JSON.stringify(catalog));
  const files: File[] = [new File([JSON.stringify(catalog)], 'emoji.json')];
  const colours: Record<string, number[]> = { '1f600.png': [255, 204, 0], '1f44b.png': [0, 0, 255], '1f44b-1f3fb.png': [0, 255, 0], '1f1eb-1f1f7.png': [255, 0, 0] };
  for (const [name, [r, g, b]] of Object.entries(colours)) {
    // 8x8 RGBA: the left half opaque colour, the right half fully transparent.
    const pixels = new Uint8Array(8 * 8 * 4);
    for (let p = 0; p < 64; p++) pixels.set(p % 8 < 4 ? [r, g, b, 255] : [9, 9, 9, 0], p * 4);
    const png = encodePng(pixels, 8, 8, 4);
    await writeFile(join(dir, 'img/twitter/64', name), png);
    files.push(new File([new Uint8Array(png)], name));
  }
  return { dir, files };
}

describe('emoji', () => {
  let fake: { dir: string; files: File[] };
  beforeAll(async () => {
    fake = await fakePackage();
  });
  afterAll(async () => {
    await rm(fake.dir, { recursive: true, force: true });
  });

  it('loads the installed package: 3,781 RGB emoji in 9 named categories, split by base emoji', { timeout: 120_000 }, async () => {
    const before = tf.memory().numTensors;
    const all = await emoji({ size: 16 });
    expect(all.sampleShape).toEqual([16, 16, 3]);
    expect(all.classNames).toEqual(EMOJI_CATEGORIES);
    expect(all.size).toBe(3781);
    const labels = Array.from(await all.labels!.data());
    const counts = EMOJI_CATEGORIES.map((_, c) => labels.filter((l) => l === c).length);
    expect(counts.every((n) => n >= 80)).toBe(true);
    // A corner is the white background that transparency is composited over.
    const corner = all.images.slice([0, 0, 0, 0], [1, 1, 1, 3]);
    expect((await corner.data()).every((v) => v > 0.95)).toBe(true);
    corner.dispose();
    const train = await emoji({ size: 16, split: 'train' });
    const test = await emoji({ size: 16, split: 'test' });
    expect(train.size + test.size).toBe(all.size);
    expect(test.size / all.size).toBeGreaterThan(0.1);
    expect(test.size / all.size).toBeLessThan(0.25);
    expect(train.name).toBe('emoji-16-train');
    [all, train, test].forEach((d) => d.dispose());
    expect(tf.memory().numTensors).toBe(before);
  });

  it('keeps the held-out split apart from training by base emoji, skin tones included', async () => {
    const text = await readFile(join(dirname(createRequire(import.meta.url).resolve('emoji-datasource-twitter/package.json')), 'emoji.json'), 'utf8');
    const entries = parseEmojiCatalog(text, 'emoji.json', 'test');
    const heldBases = new Set(entries.filter((e) => e.heldOut).map((e) => e.base));
    expect(entries.filter((e) => !e.heldOut).some((e) => heldBases.has(e.base))).toBe(false);
    expect(entries.filter((e) => e.variant).length).toBe(1875);
    // Every category is on both sides.
    for (const category of EMOJI_CATEGORIES) {
      expect(entries.some((e) => e.category === category && e.heldOut)).toBe(true);
      expect(entries.some((e) => e.category === category && !e.heldOut)).toBe(true);
    }
  });

  it('picks categories (relabelled in the given order), drops skin tones, and composites alpha on white', async () => {
    const data = await emoji({ dir: fake.dir, categories: ['Flags', 'People & Body'] });
    expect(data.classNames).toEqual(['Flags', 'People & Body']);
    // Catalog order (sort_order): wave, its variant, then the flag; Component and the image-less emoji are left out.
    expect(Array.from(await data.labels!.data())).toEqual([1, 1, 0]);
    const pixels = await data.images.data();
    // Sample 0 (wave, blue) at row 0: the left pixel is blue, the right one the white background.
    expect(Array.from(pixels.slice(0, 3))).toEqual([-1, -1, 1]);
    expect(Array.from(pixels.slice(63 * 3, 64 * 3))).toEqual([1, 1, 1]);
    data.dispose();
    const noTones = await emoji({ dir: fake.dir, skinTones: false, size: 4 });
    expect(noTones.size).toBe(3);
    expect(noTones.sampleShape).toEqual([4, 4, 3]);
    noTones.dispose();
  });

  it('labels by subcategory: the chosen categories\' subcategories in the table\'s order', async () => {
    const data = await emoji({ dir: fake.dir, labels: 'subcategory', categories: ['Flags', 'People & Body'] });
    const names = [...EMOJI_SUBCATEGORIES_BY_CATEGORY.Flags, ...EMOJI_SUBCATEGORIES_BY_CATEGORY['People & Body']];
    expect(data.classNames).toEqual(names);
    expect(data.numClasses).toBe(names.length);
    // wave and its variant (hand-fingers-open), then the flag (country-flag).
    expect(Array.from(await data.labels!.data())).toEqual([names.indexOf('hand-fingers-open'), names.indexOf('hand-fingers-open'), names.indexOf('country-flag')]);
    expect(data.name).toBe('emoji-64-subcategories');
    data.dispose();
    const all = await emoji({ dir: fake.dir, labels: 'subcategory', size: 4 });
    expect(all.classNames).toEqual(EMOJI_SUBCATEGORIES);
    expect(Array.from(await all.labels!.data())).toEqual(['hand-fingers-open', 'hand-fingers-open', 'face-smiling', 'country-flag'].map((n) => EMOJI_SUBCATEGORIES.indexOf(n)));
    all.dispose();
    await expect(emoji({ dir: fake.dir, labels: 'subgroup' as never })).rejects.toThrow(/emoji: 'labels' must be one of \["category", "subcategory"\] or \{ extraClasses: \[\.\.\.\] \}, received "subgroup"/);
  });

  it('leaves out an emoji whose subcategory the table lacks, so class ids stay fixed', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'emoji-new-'));
    try {
      const catalog = [
        { unified: '1F600', image: '1f600.png', category: 'Smileys & Emotion', subcategory: 'face-smiling', sort_order: 1, has_img_twitter: true },
        { unified: '1F601', image: '1f600.png', category: 'Smileys & Emotion', subcategory: 'face-from-the-future', sort_order: 2, has_img_twitter: true },
        { unified: '1F602', image: '1f600.png', category: 'Smileys & Emotion', sort_order: 3, has_img_twitter: true },
      ];
      await mkdir(join(dir, 'img/twitter/64'), { recursive: true });
      await writeFile(join(dir, 'emoji.json'), JSON.stringify(catalog));
      await writeFile(join(dir, 'img/twitter/64/1f600.png'), await readFile(join(fake.dir, 'img/twitter/64/1f600.png')));
      const byCategory = await emoji({ dir });
      expect(byCategory.size).toBe(3);
      byCategory.dispose();
      const bySubcategory = await emoji({ dir, labels: 'subcategory' });
      expect(bySubcategory.size).toBe(1);
      expect(Array.from(await bySubcategory.labels!.data())).toEqual([0]);
      bySubcategory.dispose();
      await expect(emoji({ dir, labels: 'subcategory', categories: ['Flags'] })).rejects.toThrow(/no emoji match categories \["Flags"\]/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('keeps what a filter keeps; the classes are those it leaves images in, in every split', async () => {
    const seen: string[] = [];
    const flags = await emoji({ dir: fake.dir, filter: (e) => (seen.push(e.name), e.name === 'fr') });
    // The filter sees every emoji of the chosen categories once, variants included, before split and skin tones.
    expect(seen).toEqual(['wave', 'wave:1f3fb', 'grinning', 'fr']);
    expect(flags.classNames).toEqual(['Flags']);
    expect(flags.name).toBe('emoji-64-filtered');   // not the whole set's name, in records and logs
    expect(flags.size).toBe(1);
    expect(Array.from(await flags.labels!.data())).toEqual([0]);
    flags.dispose();
    // By subcategory: only the subcategories the filter leaves images in are classes.
    const fine = await emoji({ dir: fake.dir, labels: 'subcategory', filter: (e) => e.category !== 'Smileys & Emotion' });
    expect(fine.classNames).toEqual(['hand-fingers-open', 'country-flag']);
    expect(Array.from(await fine.labels!.data())).toEqual([0, 0, 1]);
    fine.dispose();
    // The classes do not depend on the split: train and test agree on ids even where one split has no image of a class.
    // Only wave (and its variant) is held out, yet the test split keeps the three classes the filter leaves images in.
    const test = await emoji({ dir: fake.dir, split: 'test', filter: () => true });
    const train = await emoji({ dir: fake.dir, split: 'train', filter: () => true });
    expect(test.classNames).toEqual(['Smileys & Emotion', 'People & Body', 'Flags']);
    expect(train.classNames).toEqual(test.classNames);
    expect(Array.from(await test.labels!.data())).toEqual([1, 1]);
    expect(Array.from(await train.labels!.data())).toEqual([0, 2]);
    [test, train].forEach((d) => d.dispose());
    // The filter gets a frozen copy: it cannot change what is loaded.
    const frozen = await emoji({ dir: fake.dir, filter: (e) => Object.isFrozen(e) });
    expect(frozen.size).toBe(4);
    frozen.dispose();
  });

  it('refuses a filter that is not a function, returns a non-boolean, throws, or keeps nothing', async () => {
    const before = tf.memory().numTensors;
    await expect(emoji({ dir: fake.dir, filter: 'heart' as never })).rejects.toThrow(
      /^emoji: 'filter' must be a function from an emoji's entry to true or false, received "heart"\.$/,
    );
    await expect(emoji({ dir: fake.dir, filter: ((e: { name: string }) => (e.name === 'fr' ? 1 : false)) as never })).rejects.toThrow(
      /^emoji: 'filter' must return true or false, returned 1 for emoji "fr"\.$/,
    );
    const thrown = emoji({ dir: fake.dir, filter: (e) => { if (e.variant) throw new Error('no tones'); return true; } });
    await expect(thrown).rejects.toThrow(ConfigError);
    await expect(emoji({ dir: fake.dir, filter: (e) => { if (e.variant) throw new Error('no tones'); return true; } })).rejects.toThrow(
      /^emoji: 'filter' threw on emoji "wave:1f3fb": no tones\.$/,
    );
    await expect(emoji({ dir: fake.dir, filter: () => false })).rejects.toThrow(/no emoji match categories .*, skinTones true and the filter\./);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('picks the hearts and the crossed flags of the installed package by subcategory and name', async () => {
    const crosses = new Set(['flag-dk', 'flag-se', 'flag-ch', 'gb']);
    const data = await emoji({ size: 8, filter: (e) => e.subcategory === 'heart' || crosses.has(e.name) });
    expect(data.classNames).toEqual(['Smileys & Emotion', 'Flags']);
    const labels = Array.from(await data.labels!.data());
    expect(labels.filter((l) => l === 1)).toHaveLength(4);
    expect(labels.filter((l) => l === 0).length).toBeGreaterThanOrEqual(25);
    data.dispose();
  });

  it('has a subcategory table that matches the installed package: 98 names, each in one category', async () => {
    const text = await readFile(join(dirname(createRequire(import.meta.url).resolve('emoji-datasource-twitter/package.json')), 'emoji.json'), 'utf8');
    const entries = parseEmojiCatalog(text, 'emoji.json', 'test');
    expect(EMOJI_SUBCATEGORIES.length).toBe(98);
    expect(new Set(EMOJI_SUBCATEGORIES).size).toBe(98);
    for (const entry of entries) expect(emojiSubcategoryCategory(entry.subcategory)).toBe(entry.category);
    const used = new Set(entries.map((e) => e.subcategory));
    expect(EMOJI_SUBCATEGORIES.filter((name) => !used.has(name))).toEqual([]);
    // Category by category, in EMOJI_CATEGORIES' order.
    expect(EMOJI_SUBCATEGORIES).toEqual(EMOJI_CATEGORIES.flatMap((c) => EMOJI_SUBCATEGORIES_BY_CATEGORY[c]));
    expect(emojiSubcategoryCategory('heart')).toBe('Smileys & Emotion');
    expect(emojiSubcategoryCategory('no-such-subgroup')).toBeUndefined();
    // The class map from subcategory ids to category ids: heart (14) is Smileys & Emotion (0), the flags last.
    expect(EMOJI_SUBCATEGORY_CATEGORY_IDS).toHaveLength(98);
    EMOJI_SUBCATEGORIES.forEach((name, id) => expect(EMOJI_CATEGORIES[EMOJI_SUBCATEGORY_CATEGORY_IDS[id]]).toBe(emojiSubcategoryCategory(name)));
    expect(EMOJI_SUBCATEGORY_CATEGORY_IDS[EMOJI_SUBCATEGORIES.indexOf('heart')]).toBe(0);
    expect(EMOJI_SUBCATEGORY_CATEGORY_IDS[EMOJI_SUBCATEGORIES.indexOf('country-flag')]).toBe(8);
  });

  it('reads the same emoji from picked files and from a URL the app serves', async () => {
    const fromDir = await emoji({ dir: fake.dir });
    const fromFiles = await emoji({ files: fake.files });
    const server = createServer(async (request, response) => {
      try {
        response.end(await readFile(join(fake.dir, decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname))));
      } catch {
        response.statusCode = 404;
        response.end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    try {
      const fromUrl = await emoji({ baseUrl: `http://127.0.0.1:${port}/` });
      for (const other of [fromFiles, fromUrl]) {
        expect(other.size).toBe(fromDir.size);
        expect(Array.from(await other.images.data())).toEqual(Array.from(await fromDir.images.data()));
        other.dispose();
      }
      await expect(emoji({ baseUrl: `http://127.0.0.1:${port}/missing` })).rejects.toThrow(/HTTP 404/);
    } finally {
      server.close();
    }
    fromDir.dispose();
    await expect(emoji({ files: fake.files.slice(0, 2) })).rejects.toThrow(/lack the image "1f44b.png"; pick the emoji-datasource-twitter folder/);
  });

  it('refuses a catalog that names paths instead of image files, and says what it expected', () => {
    const bad = JSON.stringify([{ unified: '1F600', image: '../../etc/passwd.png', category: 'Flags', has_img_twitter: true }]);
    expect(() => parseEmojiCatalog(bad, 'emoji.json', 'emoji')).toThrow(DataError);
    expect(() => parseEmojiCatalog(bad, 'emoji.json', 'emoji')).toThrow(/names the image "..\/..\/etc\/passwd.png"; expected a file name of hexadecimal code points/);
    expect(() => parseEmojiCatalog('{"a": 1}', 'emoji.json', 'emoji')).toThrow(/must be the emoji-datasource-twitter catalog, an array of emoji/);
    expect(() => parseEmojiCatalog('not json', 'emoji.json', 'emoji')).toThrow(/is not JSON/);
    expect(() => parseEmojiCatalog('[]', 'emoji.json', 'emoji')).toThrow(/lists no emoji with a Twitter image/);
  });

  it('rejects bad options with the argument, the expectation and the value', async () => {
    await expect(emoji({ categories: ['Faces' as never] })).rejects.toThrow(ConfigError);
    await expect(emoji({ categories: ['Faces' as never] })).rejects.toThrow(/categories\[0\]/);
    await expect(emoji({ categories: [] })).rejects.toThrow(/'categories' must be a non-empty array/);
    await expect(emoji({ size: 0 })).rejects.toThrow(/'size' must be an integer in \[1, 4096\], received 0/);
    await expect(emoji({ split: 'validation' as never })).rejects.toThrow(/'split'/);
    await expect(emoji({ dir: fake.dir, baseUrl: 'http://x' })).rejects.toThrow(/at most one of 'dir', 'baseUrl' and 'files'/);
    await expect(emoji({ dir: '/nonexistent/emoji' })).rejects.toThrow(/cannot read the catalog "\/nonexistent\/emoji\/emoji.json": it does not exist/);
    await expect(emoji({ shuffle: true } as never)).rejects.toThrow(ConfigError);
  });

  it('loads by name for the command line', async () => {
    const data = await datasetByName('emoji', { dataPath: fake.dir, imageSize: 8 });
    expect(data.sampleShape).toEqual([8, 8, 3]);
    expect(data.numClasses).toBe(9);
    data.dispose();
    const fine = await datasetByName('emoji', { dataPath: fake.dir, imageSize: 8, labels: 'subcategory' });
    expect(fine.numClasses).toBe(EMOJI_SUBCATEGORIES.length);
    expect(fine.name).toBe('emoji-8-subcategories');
    fine.dispose();
    await expect(datasetByName('emoji', { labels: 'subgroup' as never }, 'here')).rejects.toThrow(
      /^here: 'labels' for dataset emoji must be one of \["category", "subcategory"\] or \{ extraClasses: \[\.\.\.\] \}, received "subgroup"\.$/,
    );
    await expect(datasetByName('mnist', { labels: 'category' })).rejects.toThrow(/'labels' applies to \["emoji"\] only, received "category" for dataset mnist/);
  });
});
