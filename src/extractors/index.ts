/**
 * The shipped feature extractors' generated modules (topology, weights and training record, written by
 * scripts/train-extractor.ts and scripts/train-emoji-extractor.ts) and the one table that names them.
 * Below metrics and nets, which both read them: metrics wraps them as `metrics.features.*`, nets copies
 * their layers into a discriminator (`withPretrainedFeatures`). Each module is loaded on first use, so a
 * bundle that never asks for an extractor never carries its weights.
 *
 * @packageDocumentation
 */
import type { ShippedExtractor } from './shipped-extractor.js';

export type { ExtractorRecord, ShippedExtractor } from './shipped-extractor.js';

/** The names of the shipped feature extractors. */
export const SHIPPED_EXTRACTOR_NAMES = Object.freeze(['mnist', 'fashion-mnist', 'emoji'] as const);

/** Name of a shipped feature extractor. */
export type ShippedExtractorName = (typeof SHIPPED_EXTRACTOR_NAMES)[number];

/** The generated module of each extractor, loaded by a dynamic import (a chunk of its own in the bundle). */
const MODULES: Readonly<Record<ShippedExtractorName, () => Promise<{ readonly EXTRACTOR: ShippedExtractor }>>> = {
  mnist: () => import('./mnist.js'),
  'fashion-mnist': () => import('./fashion-mnist.js'),
  emoji: () => import('./emoji.js'),
};

/** Whether `name` names a shipped extractor. */
export function isShippedExtractorName(name: unknown): name is ShippedExtractorName {
  return typeof name === 'string' && Object.hasOwn(MODULES, name);
}

/**
 * The record and embedded model of a shipped extractor (decode it with `decodeEmbeddedModel`).
 * @param name - one of {@link SHIPPED_EXTRACTOR_NAMES}; callers check the name first.
 */
export async function shippedExtractor(name: ShippedExtractorName): Promise<ShippedExtractor> {
  return (await MODULES[name]()).EXTRACTOR;
}
