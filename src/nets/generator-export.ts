/**
 * A generator saved for applications: a standard tfjs LayersModel (`model.json` and weights) with
 * tfjs-gan's training-only layer classes replaced by the tfjs layers they compute, and the generator's
 * spec in the model's user-defined metadata. Where the generator uses only tfjs's own layers (the MLP
 * and DCGAN families, unconditional or concat-conditional), plain `tf.loadLayersModel` loads it with
 * @tensorflow/tfjs alone; `Generator.load` loads every family.
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs';
import { ConfigError, DataError, describeValue } from '../errors.js';
import { filePathOf, modelDirectory } from '../io/model-directory.js';
import * as layers from '../layers/index.js';
import { Generator } from './generator.js';
import type { GeneratorSpec } from './model-contract.js';

/** The key of tfjs-gan's record in a saved model's `userDefinedMetadata`. */
export const GENERATOR_METADATA_KEY = 'tfjsGan';

/** tfjs-gan's record in a saved generator's `userDefinedMetadata.tfjsGan`. */
export interface SavedGeneratorMetadata {
  /** Always `'generator'`. */
  readonly kind: 'generator';
  /** The layout of this record; 1. */
  readonly formatVersion: 1;
  /** What the model is: latent size, sample shape, classes and their names. */
  readonly spec: GeneratorSpec;
  /** Whether plain @tensorflow/tfjs can load the model: it uses no layer class of tfjs-gan. */
  readonly portable: boolean;
  /** The tfjs-gan layer classes the model needs (import tfjs-gan to register them); empty when portable. */
  readonly customLayers: readonly string[];
}

/** What {@link Generator.save} returns: tfjs's save result and whether plain tfjs can load the model. */
export interface GeneratorSaveResult extends tf.io.SaveResult {
  /** Whether plain @tensorflow/tfjs (`tf.loadLayersModel`) can load the saved model. */
  readonly portable: boolean;
  /** The tfjs-gan layer classes it needs; empty when portable. */
  readonly customLayers: readonly string[];
}

/** tfjs-gan's classes that compute exactly a tfjs layer and are saved as that layer. */
const INFERENCE_CLASS: Readonly<Record<string, string>> = Object.freeze({
  [layers.LazyGradientDense.className]: 'Dense',
  [layers.LazyGradientConv2D.className]: 'Conv2D',
});

/** tfjs-gan's own layer classes (registered with tfjs's serialization when tfjs-gan is imported). */
const TFJS_GAN_LAYERS: ReadonlySet<string> = new Set(
  (Object.values(layers) as unknown[])
    .flatMap((value) =>
      typeof value === 'function' && value.prototype instanceof tf.layers.Layer && 'className' in value && typeof value.className === 'string'
        ? [value.className]
        : [],
    )
    .filter((name) => !(name in INFERENCE_CLASS)),
);

/**
 * The model's topology with each lazy-gradient layer renamed to the tfjs class it computes (their
 * configs and weights are tfjs's), and the tfjs-gan classes that remain.
 */
export function inferenceTopology(topology: tf.io.ModelJSON['modelTopology']): { topology: object; customLayers: string[] } {
  const custom = new Set<string>();
  const rewrite = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(rewrite);
    if (value === null || typeof value !== 'object') return value;
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      if (key === 'class_name' && typeof inner === 'string') {
        const name = inner.includes('>') ? inner.slice(inner.indexOf('>') + 1) : inner;
        if (TFJS_GAN_LAYERS.has(name)) custom.add(name);
        out[key] = INFERENCE_CLASS[name] ?? inner;
      } else {
        out[key] = rewrite(inner);
      }
    }
    return out;
  };
  return { topology: rewrite(topology) as object, customLayers: [...custom].sort() };
}

/** The IOHandler of a destination or source: `file://` by tfjs-gan in Node, other schemes by tfjs's routers. */
function handlerFor(target: string | tf.io.IOHandler, argName: string, owner: string, direction: 'save' | 'load'): tf.io.IOHandler {
  if (typeof target !== 'string') {
    if (target === null || typeof target !== 'object' || typeof target[direction] !== 'function') {
      throw new ConfigError(`${owner}: '${argName}' must be a URL string or a tf.io.IOHandler with a ${direction}() method, received ${describeValue(target)}.`);
    }
    return target;
  }
  if (target.startsWith('file://')) {
    if (filePathOf(target).length === 0) throw new ConfigError(`${owner}: '${argName}' ${describeValue(target)} names no path; expected e.g. 'file://models/digits'.`);
    return modelDirectory(filePathOf(target), owner);
  }
  const handlers = direction === 'save' ? tf.io.getSaveHandlers(target) : tf.io.getLoadHandlers(target);
  if (handlers.length === 0) {
    throw new ConfigError(
      `${owner}: no tfjs handler ${direction}s '${argName}' ${describeValue(target)}; expected a URL such as 'file://dir' (Node), 'indexeddb://name', 'localstorage://name', 'downloads://name' or 'http(s)://…'${direction === 'save' ? '' : '/model.json'}.`,
    );
  }
  return handlers[0];
}

/** Saves `generator` as a standard tfjs LayersModel. See {@link Generator.save}. */
export async function saveGenerator(generator: Generator, destination: string | tf.io.IOHandler): Promise<GeneratorSaveResult> {
  const owner = 'Generator.save';
  const target = handlerFor(destination, 'destination', owner, 'save');
  let captured: tf.io.ModelArtifacts | undefined;
  await generator.model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      captured = artifacts;
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    }),
  );
  const artifacts = captured!;
  const { topology, customLayers } = inferenceTopology(artifacts.modelTopology as tf.io.ModelJSON['modelTopology']);
  const metadata: SavedGeneratorMetadata = { kind: 'generator', formatVersion: 1, spec: generator.spec, portable: customLayers.length === 0, customLayers };
  const { trainingConfig: _training, ...rest } = artifacts;
  const result = await target.save!({
    ...rest,
    modelTopology: topology,
    userDefinedMetadata: { ...(artifacts.userDefinedMetadata ?? {}), [GENERATOR_METADATA_KEY]: metadata },
  });
  if (result.errors !== undefined && result.errors.length > 0) {
    throw new DataError(`${owner}: saving to ${describeValue(destination)} failed: ${result.errors.map(String).join('; ')}.`);
  }
  return { ...result, portable: metadata.portable, customLayers };
}

/** Loads a generator saved by {@link saveGenerator} or any tfjs generator model. See {@link Generator.load}. */
export async function loadGenerator(source: string | tf.io.IOHandler, spec?: GeneratorSpec): Promise<Generator> {
  const owner = 'Generator.load';
  const handler = handlerFor(source, 'source', owner, 'load');
  let model: tf.LayersModel;
  try {
    model = await tf.loadLayersModel(handler);
  } catch (cause) {
    if (cause instanceof DataError) throw cause;
    throw new DataError(`${owner}: cannot load a LayersModel from ${describeValue(source)}: ${(cause as Error).message}`, { cause });
  }
  try {
    if (spec !== undefined) return new Generator(model, spec);
    const saved = specOf(model, source, owner);
    try {
      return new Generator(model, saved);
    } catch (cause) {
      throw new DataError(`${owner}: the spec saved with ${describeValue(source)} does not match its model (a corrupt or edited model.json): ${(cause as Error).message}`, { cause });
    }
  } catch (error) {
    model.dispose();
    throw error;
  }
}

/** The spec saved with the model, or, for a model saved elsewhere, read from its inputs and output. */
function specOf(model: tf.LayersModel, source: string | tf.io.IOHandler, owner: string): GeneratorSpec {
  const metadata = (model.getUserDefinedMetadata() as Record<string, unknown> | undefined)?.[GENERATOR_METADATA_KEY];
  if (metadata !== undefined) {
    const saved = metadata as Partial<SavedGeneratorMetadata>;
    if (saved === null || typeof saved !== 'object' || saved.kind !== 'generator' || saved.spec === null || typeof saved.spec !== 'object') {
      throw new DataError(`${owner}: the model at ${describeValue(source)} has a tfjs-gan record that is not a generator's: ${describeValue(metadata)}.`);
    }
    if (saved.formatVersion !== 1) {
      throw new DataError(`${owner}: the model at ${describeValue(source)} was saved in generator format ${describeValue(saved.formatVersion)}; this tfjs-gan reads format 1.`);
    }
    return saved.spec;
  }
  if (model.inputs.length > 1) {
    throw new ConfigError(`${owner}: the model at ${describeValue(source)} takes labels but carries no tfjs-gan spec; pass one: Generator.load(url, { latentDim, outputShape, numClasses }).`);
  }
  const latent = model.inputs[0].shape;
  const output = model.outputs[0].shape;
  return { latentDim: latent[latent.length - 1] ?? 0, outputShape: output.slice(1).map((d) => d ?? 0) };
}
