/**
 * A discriminator that also judges samples through the frozen features of a pretrained network (the
 * vision-aided and projected discriminators of Kumari et al. 2022, arXiv:2112.09130, and Sauer et al.
 * 2021, arXiv:2111.01007, in their simplest form).
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs';
import { ConfigError, describeValue } from '../errors.js';
import { ProjectionHead } from '../layers/projection-head.js';
import { PackFeatures, UnpackSamples } from '../layers/sample-packing.js';
import { SHIPPED_EXTRACTOR_NAMES, isShippedExtractorName, shippedExtractor } from '../extractors/index.js';
import { decodeEmbeddedModel } from '../util/embedded-model.js';
import { checkOptions, checkSeed } from '../util/validate.js';
import { SeededInitializers } from './build-helpers.js';
import { Discriminator } from './discriminator.js';

/** The shipped extractors a discriminator can borrow features from, by name. */
export const PRETRAINED_FEATURE_NAMES = SHIPPED_EXTRACTOR_NAMES;

/** Name of a shipped feature extractor (`metrics.features.mnist()` and so on). */
export type PretrainedFeatureName = (typeof PRETRAINED_FEATURE_NAMES)[number];

/** Options of {@link withPretrainedFeatures}. */
export interface PretrainedFeaturesOptions {
  /**
   * The layer whose output the trainable head reads: the network is cut there (its layers from the
   * input to this one are copied, frozen). @defaultValue the shipped extractor's feature layer
   * (`'features'`); required for a model of your own
   */
  readonly layer?: string;
  /** Prefix of the copied layers' names (they must not clash with the discriminator's). @defaultValue 'pretrained_' */
  readonly prefix?: string;
  /** Seed of the head's initialisation. */
  readonly seed?: number | undefined;
}

const KNOWN = ['layer', 'prefix', 'seed'];

/** Layers whose output depends on the training flag: a frozen branch could not keep them fixed. */
const TRAINING_DEPENDENT = Object.freeze(['Dropout', 'SpatialDropout1D', 'SpatialDropout2D', 'GaussianNoise', 'GaussianDropout', 'AlphaDropout', 'BatchNormalization']);

/**
 * Adds a second path to a discriminator: the samples go through a frozen copy of a pretrained
 * network, cut at `layer`, and a trainable head (a projection head when the discriminator takes
 * labels, else one dense unit) turns those features into a logit that is added to the
 * discriminator's own. The pretrained weights never change (they are not trainable variables);
 * the head and the discriminator train together on the one summed logit. Features learned on real
 * data give the discriminator, from its first step, a view of what the data's images hold that its
 * own layers take thousands of steps to learn on little data.
 *
 * The result is a plain {@link Discriminator} over one `tf.LayersModel`: checkpoints save and load
 * it as any other (the copied weights travel with it). The given discriminator's layers become part
 * of it: use and dispose only the returned one.
 *
 * Scores measured with the same extractor as the one the discriminator borrows (its FID) are no
 * longer independent of training: the generator is trained to match those features.
 *
 * @param discriminator - the discriminator to extend (any conditioning; when it packs samples (PacGAN),
 *   the frozen layers see each sample of a group and the head reads their features side by side).
 * @param network - a shipped extractor by name (`'emoji'`, `'mnist'`, `'fashion-mnist'`) or a model of
 *   your own taking the discriminator's samples (in [-1, 1]); layers from its input to `layer` must form
 *   a chain, without dropout, noise or batch normalisation. A model of your own is copied, not changed.
 * @param options - {@link PretrainedFeaturesOptions}.
 * @returns the new discriminator.
 * @throws ConfigError for an unknown name or layer, a branched or training-dependent network, a
 *   network whose input shape differs from the samples', or clashing names.
 * @example
 * ```ts
 * const base = Discriminator.dcgan({ imageShape: [64, 64, 3], numClasses: 9, conditioning: 'projection' });
 * const discriminator = await withPretrainedFeatures(base, 'emoji');
 * ```
 */
export async function withPretrainedFeatures(
  discriminator: Discriminator,
  network: PretrainedFeatureName | tf.LayersModel,
  options?: PretrainedFeaturesOptions,
): Promise<Discriminator> {
  const owner = 'withPretrainedFeatures';
  if (!(discriminator instanceof Discriminator)) {
    throw new ConfigError(`${owner}: 'discriminator' must be a Discriminator, received ${describeValue(discriminator)}.`);
  }
  const o = checkOptions(options, KNOWN, owner);
  const prefix = o.prefix ?? 'pretrained_';
  if (typeof prefix !== 'string' || !/^[A-Za-z][A-Za-z0-9_]*$/.test(prefix)) {
    throw new ConfigError(`${owner}: 'prefix' must be a name of letters, digits and underscores, received ${describeValue(o.prefix)}.`);
  }
  const init = new SeededInitializers(checkSeed(o.seed, owner));
  const { source, layer, owned } = await networkOf(network, o.layer, owner);
  try {
    const chain = chainTo(source, layer, owner);
    const expected = source.inputs[0].shape.slice(1);
    const received = [...discriminator.inputShape];
    if (expected.length !== received.length || expected.some((d, i) => d !== null && d !== received[i])) {
      throw new ConfigError(`${owner}: the network takes samples of shape ${describeValue(expected)}, the discriminator ${describeValue(received)}.`);
    }
    const taken = new Set(discriminator.model.layers.map((l) => l.name));
    const [image, label] = discriminator.model.inputs;
    const packing = discriminator.packing;
    // A packing discriminator's input holds `packing` samples along its last axis: the frozen layers
    // see them as single samples, and the head reads each group's features side by side.
    let x: tf.SymbolicTensor = packing === 1 ? image : (new UnpackSamples({ packing, name: unique(`${prefix}unpack`, taken, owner) }).apply(image) as tf.SymbolicTensor);
    // The new layers, freed if anything fails before the model holds them.
    const made: tf.layers.Layer[] = [];
    try {
      for (const original of chain) {
        const copy = copyLayer(original, `${prefix}${original.name}`, taken, owner);
        made.push(copy);
        x = copy.apply(x) as tf.SymbolicTensor;
        copy.setWeights(original.getWeights());
        copy.trainable = false;
      }
      if (packing > 1) x = new PackFeatures({ packing, name: unique(`${prefix}side_by_side`, taken, owner) }).apply(x) as tf.SymbolicTensor;
      else if (x.shape.length > 2) x = tf.layers.flatten({ name: unique(`${prefix}flatten`, taken, owner) }).apply(x) as tf.SymbolicTensor;
      const headName = unique(`${prefix}logits`, taken, owner);
      const head = discriminator.conditional
        ? new ProjectionHead({ numClasses: discriminator.numClasses, kernelInitializer: init.normal(0.02), embeddingsInitializer: init.normal(0.02), name: headName })
        : tf.layers.dense({ units: 1, kernelInitializer: init.normal(0.02), name: headName });
      made.push(head);
      const branch = head.apply(discriminator.conditional ? [x, label] : x) as tf.SymbolicTensor;
      const [own, ...rest] = discriminator.model.outputs;
      const ownLogits = own.shape.length === 1 ? (tf.layers.reshape({ targetShape: [1] }).apply(own) as tf.SymbolicTensor) : own;
      const logits = tf.layers.add({ name: unique(`${prefix}sum`, taken, owner) }).apply([ownLogits, branch]) as tf.SymbolicTensor;
      const model = tf.model({ inputs: discriminator.model.inputs, outputs: [logits, ...rest], name: `${discriminator.model.name}_with_${prefix}features` });
      return new Discriminator(model, discriminator.spec);
    } catch (error) {
      for (const layer of made) for (const weight of layer.weights) if (!weight.read().isDisposed) weight.dispose();
      throw error;
    }
  } finally {
    if (owned) source.dispose();
  }
}

/** The network to copy from: a decoded shipped extractor (owned here, disposed after) or the user's model. */
async function networkOf(
  network: PretrainedFeatureName | tf.LayersModel,
  layer: string | undefined,
  owner: string,
): Promise<{ source: tf.LayersModel; layer: string; owned: boolean }> {
  if (network instanceof tf.LayersModel) {
    if (typeof layer !== 'string') {
      throw new ConfigError(`${owner}: 'layer' (the name of the layer to cut the network at) is required with a model of your own, received ${describeValue(layer)}.`);
    }
    return { source: network, layer, owned: false };
  }
  if (!isShippedExtractorName(network)) {
    throw new ConfigError(`${owner}: 'network' must be one of ${PRETRAINED_FEATURE_NAMES.map((n) => `'${n}'`).join(', ')} or a tf.LayersModel, received ${describeValue(network)}.`);
  }
  const shipped = await shippedExtractor(network);
  const source = await decodeEmbeddedModel(shipped.model);
  return { source, layer: layer ?? shipped.record.featureLayer, owned: true };
}

/** The layers from the model's input to `name`, in order, checking they form a chain of fixed layers. */
function chainTo(model: tf.LayersModel, name: string, owner: string): tf.layers.Layer[] {
  if (typeof name !== 'string' || !model.layers.some((l) => l.name === name)) {
    throw new ConfigError(`${owner}: 'layer' must name a layer of the network (${model.layers.map((l) => l.name).join(', ')}), received ${describeValue(name)}.`);
  }
  if (model.inputs.length !== 1) {
    throw new ConfigError(`${owner}: the network must take one input (the samples), it takes ${model.inputs.length}.`);
  }
  const chain: tf.layers.Layer[] = [];
  let current = model.getLayer(name);
  for (;;) {
    if (current.getClassName() === 'InputLayer') break;
    if (TRAINING_DEPENDENT.includes(current.getClassName())) {
      throw new ConfigError(`${owner}: layer '${current.name}' is a ${current.getClassName()}, whose output depends on training; cut the network before it.`);
    }
    const inbound = current.inboundNodes.flatMap((node) => node.inboundLayers);
    if (current.inboundNodes.length !== 1 || inbound.length !== 1) {
      throw new ConfigError(`${owner}: the layers up to '${name}' must form a chain, but '${current.name}' takes ${inbound.length} inputs over ${current.inboundNodes.length} calls.`);
    }
    chain.unshift(current);
    current = inbound[0];
  }
  return chain;
}

function unique(name: string, taken: Set<string>, owner: string): string {
  if (taken.has(name)) {
    throw new ConfigError(`${owner}: the discriminator already has a layer named '${name}'; pass another 'prefix'.`);
  }
  taken.add(name);
  return name;
}

/** A new layer of the same class and configuration under another name (weights set after it is built). */
function copyLayer(layer: tf.layers.Layer, name: string, taken: Set<string>, owner: string): tf.layers.Layer {
  const className = layer.getClassName();
  const entry = tf.serialization.SerializationMap.getMap().classNameMap[className];
  if (entry === undefined) {
    throw new ConfigError(`${owner}: layer '${layer.name}' is a ${className}, which is not registered (tf.serialization.registerClass).`);
  }
  const [cls, fromConfig] = entry;
  const config = { ...layer.getConfig(), name: unique(name, taken, owner), trainable: false };
  return fromConfig(cls, config) as tf.layers.Layer;
}
