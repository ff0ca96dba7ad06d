/**
 * The table of shipped feature extractors (src/extractors/index.ts): every name loads its own generated
 * module, the names are the ones metrics and nets offer, and nothing else passes as a name.
 */
import { describe, expect, it } from 'vitest';
import { SHIPPED_EXTRACTOR_NAMES, isShippedExtractorName, shippedExtractor } from '../../src/extractors/index.js';
import { PRETRAINED_FEATURE_NAMES } from '../../src/nets/pretrained-features.js';

describe('the shipped extractors table', () => {
  it('loads for every name the module trained on that dataset, with its feature layer in the topology', async () => {
    for (const name of SHIPPED_EXTRACTOR_NAMES) {
      const shipped = await shippedExtractor(name);
      expect(shipped.record.dataset).toBe(name);
      expect(shipped.record.id.length).toBeGreaterThan(0);
      const layers = (shipped.model.topology as { config: { layers: { name: string }[] } }).config.layers.map((l) => l.name);
      expect(layers).toContain(shipped.record.featureLayer);
      expect(layers).toContain('logits');
      // Loaded once: a second call returns the same module's content.
      expect(await shippedExtractor(name)).toBe(shipped);
    }
  });

  it('is the list withPretrainedFeatures offers, and refuses other names', () => {
    expect([...PRETRAINED_FEATURE_NAMES]).toEqual([...SHIPPED_EXTRACTOR_NAMES]);
    expect(Object.isFrozen(SHIPPED_EXTRACTOR_NAMES)).toBe(true);
    for (const name of SHIPPED_EXTRACTOR_NAMES) expect(isShippedExtractorName(name)).toBe(true);
    for (const bad of ['Emoji', 'inception', '', 'toString', '__proto__', 3, undefined, null, {}]) expect(isShippedExtractorName(bad)).toBe(false);
  });
});
