/**
 * Pretrained generators shipped inside the package: weights as a base64 string in a generated module
 * (`src/nets/pretrained/<name>.ts`, written by `scripts/train-pretrained.ts`), loaded on first use with
 * no network access and no files, in Node and in browsers. `Generator.pretrained(name)` is the way in;
 * `pretrainedRecord(name)` tells how each was trained and how it scores.
 *
 * @packageDocumentation
 */
import type * as tf from '@tensorflow/tfjs';
import { ConfigError, describeValue } from '../errors.js';
import { type EmbeddedModel, decodeEmbeddedModel } from '../util/embedded-model.js';
// Registers the custom layers (ConditionalBatchNormalization, ...) that the stored topologies name.
import '../layers/index.js';
import { Generator } from './generator.js';
import type { GeneratorSpec } from './model-contract.js';

/** The names of the shipped pretrained generators. */
export const PRETRAINED_NAMES = Object.freeze(['mnist', 'fashion-mnist', 'emoji64'] as const);

/** The name of a shipped pretrained generator. */
export type PretrainedName = (typeof PRETRAINED_NAMES)[number];

/** How a pretrained generator was made and how it scores: stored beside its weights. */
export interface PretrainedRecord {
  /** Its name, e.g. `'mnist'`. */
  readonly name: string;
  /** The recipe it was trained with (`recipes.byName(recipe)`), and the fields changed from it. */
  readonly recipe: string;
  /** The recipe's configuration as trained (JSON). */
  readonly recipeConfig: Readonly<Record<string, unknown>>;
  /** The command that retrains it. */
  readonly command: string;
  /** The run's seed. */
  readonly seed: number;
  /** Generator steps trained. */
  readonly steps: number;
  /** Wall-clock seconds of the training steps (the curve's evaluations excluded). */
  readonly trainingSeconds: number;
  /** Where it was trained, e.g. `'wasm, 2 threads, 2 CPU cores'`. */
  readonly machine: string;
  /** tfjs's version. */
  readonly tfjsVersion: string;
  /** How the weights are stored: `'uint8'` or `'float16'` (the smallest that kept the scores). */
  readonly quantization: string;
  /** Bytes of weight data. */
  readonly weightBytes: number;
  /** Held-out scores of the stored (quantized) weights: FID, its floor, class accuracy. */
  readonly scores: Readonly<Record<string, number>>;
  /** The same scores of the float32 weights before quantization. */
  readonly scoresFloat32: Readonly<Record<string, number>>;
  /**
   * The held-out scores during the run, against training seconds (evaluations excluded): points
   * `{ step, seconds, fid, floorFid, fidRatio, classAccuracy, ... }`.
   */
  readonly curve: readonly Readonly<Record<string, number>>[];
}

/** What a generated module holds. */
export interface ShippedGenerator {
  /** How it was made and how it scores. */
  readonly record: PretrainedRecord;
  /** The generator's spec (latent size, output shape, classes and their names). */
  readonly spec: GeneratorSpec;
  /** The model: topology and (quantized) weights. */
  readonly model: EmbeddedModel;
}

const MODULES: Readonly<Record<PretrainedName, () => Promise<{ GENERATOR: ShippedGenerator }>>> = Object.freeze({
  mnist: () => import('./pretrained/mnist.js'),
  'fashion-mnist': () => import('./pretrained/fashion-mnist.js'),
  emoji64: () => import('./pretrained/emoji64.js'),
});

/** The record of a shipped pretrained generator, without building it. */
export async function pretrainedRecord(name: PretrainedName): Promise<PretrainedRecord> {
  return (await shippedModule(name, 'pretrainedRecord')).record;
}

async function shippedModule(name: string, owner: string): Promise<ShippedGenerator> {
  if (typeof name !== 'string' || !Object.prototype.hasOwnProperty.call(MODULES, name)) {
    throw new ConfigError(`${owner}: unknown pretrained generator ${describeValue(name)}. Expected one of ${describeValue(PRETRAINED_NAMES)}.`);
  }
  return (await MODULES[name as PretrainedName]()).GENERATOR;
}

/**
 * Builds a shipped pretrained generator (a new one each call, on the current backend; the caller
 * disposes it). Its `record` says how it was trained and how it scores.
 *
 * @param name - one of {@link PRETRAINED_NAMES}.
 * @throws ConfigError for an unknown name, listing the known ones.
 */
export async function loadPretrained(name: PretrainedName): Promise<Generator<tf.Rank.R4>> {
  const shipped = await shippedModule(name, 'Generator.pretrained');
  const model = await decodeEmbeddedModel(shipped.model);
  try {
    return new Generator<tf.Rank.R4>(model, shipped.spec);
  } catch (error) {
    model.dispose();
    throw error;
  }
}
