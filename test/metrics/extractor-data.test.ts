import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { extractorSplit } from '../../src/metrics/extractor-data.js';

// The splits the shipped extractors were trained and tested on refuse bad arguments before loading
// anything, with the same wording for `labels` as a recipe, a held-out score and `datasetByName`.
describe('extractorSplit', () => {
  it('names the argument, what was expected and what was received', async () => {
    await expect(extractorSplit('cifar' as never, 'test')).rejects.toThrow(/metrics\.extractorSplit: 'name' must be one of \["mnist", "fashion-mnist", "emoji"\], received "cifar"/);
    await expect(extractorSplit('mnist', 'valid' as never)).rejects.toThrow(/'split' must be 'train' or 'test', received "valid"/);
    await expect(extractorSplit('mnist', 'test', { count: 0 })).rejects.toThrow(/'count' must be an integer >= 1, received 0/);
    await expect(extractorSplit('mnist', 'test', { labels: 'subcategory' })).rejects.toThrow(
      /metrics\.extractorSplit: 'labels' applies to \["emoji"\] only, received "subcategory" for dataset mnist/,
    );
    await expect(extractorSplit('emoji', 'test', { labels: 'subgroup' as never })).rejects.toThrow(
      /metrics\.extractorSplit: 'labels' for dataset emoji must be one of \["category", "subcategory"\] or \{ extraClasses: \[\.\.\.\] \}, received "subgroup"/,
    );
    await expect(extractorSplit('mnist', 'test', { labels: 'category' })).rejects.toBeInstanceOf(ConfigError);
  });

  it('gives the MNIST test split, named and labelled', async () => {
    const heldOut = await extractorSplit('mnist', 'test', { count: 5 });
    expect(heldOut.size).toBe(5);
    expect(heldOut.name).toBe('mnist-test');
    expect(heldOut.numClasses).toBe(10);
    heldOut.dispose();
  });
});
