/**
 * The truncation trick of style-based generators: in W, around the tracked mean of the intermediate
 * latents (Karras et al. 2019, arXiv:1812.04948), rather than in z.
 *
 * @packageDocumentation
 */
import type * as tf from '@tensorflow/tfjs';
import { ConfigError, describeValue } from '../../errors.js';
import { styleBroadcastLayers } from './style-graph.js';

/**
 * The truncation threshold for the latent draw: the given one for most generators, none for a
 * style-based generator (it truncates in W, see {@link withStyleTruncation}).
 * @throws ConfigError for a style-based generator's ψ that is not a finite number >= 0.
 */
export function latentTruncation(model: tf.LayersModel, truncation: number | undefined, owner: string): number | undefined {
  if (truncation === undefined || styleBroadcastLayers(model).length === 0) return truncation;
  if (typeof truncation !== 'number' || !(truncation >= 0) || !Number.isFinite(truncation)) {
    throw new ConfigError(`${owner}: 'truncation' of a style-based generator is ψ, a finite number >= 0 (1 = none), received ${describeValue(truncation)}.`);
  }
  return undefined;
}

/** Runs `fn` with the style layers' truncation ψ set (style-based generators), then resets it to 1. */
export function withStyleTruncation<T>(model: tf.LayersModel, truncation: number | undefined, fn: () => T): T {
  const layers = styleBroadcastLayers(model);
  if (layers.length === 0 || truncation === undefined) return fn();
  for (const layer of layers) layer.truncation = truncation;
  try {
    return fn();
  } finally {
    for (const layer of layers) layer.truncation = 1;
  }
}
