import * as tf from '@tensorflow/tfjs';
import { ConfigError, describeValue } from '../../errors.js';
import {
  type ActivationName,
  SeededInitializers,
  activationLayer,
  checkInt,
  checkKnownOptions,
  checkSeed,
  embedLabels,
  labelInput,
} from '../build-helpers.js';
import { checkNumClasses, checkShape } from '../model-contract.js';
import type { DiscriminatorSpec } from '../discriminator.js';

/** Options of the MLP discriminator builder. Defaults are in {@link MLP_DISCRIMINATOR_DEFAULTS}. */
export interface MlpDiscriminatorOptions {
  /** Per-sample input shape, e.g. [2] for 2-D points or [28, 28, 1] for images. */
  readonly inputShape: readonly number[];
  /** Units of each hidden layer. @defaultValue [128, 128, 128] */
  readonly hiddenUnits?: readonly number[];
  /** Hidden activation. @defaultValue 'leakyRelu' (slope 0.2) */
  readonly activation?: ActivationName;
  /** Number of classes for a conditional discriminator (label embedding concatenated to the input). @defaultValue 0 */
  readonly numClasses?: number;
  /** Size of the label embedding. @defaultValue 16 */
  readonly embeddingDim?: number;
  /** Seed of the weight initialisation. */
  readonly seed?: number;
}

/** The defaults of {@link MlpDiscriminatorOptions}. */
export const MLP_DISCRIMINATOR_DEFAULTS = Object.freeze({
  hiddenUnits: Object.freeze([128, 128, 128]) as readonly number[],
  activation: 'leakyRelu' as ActivationName,
  numClasses: 0,
  embeddingDim: 16,
});

const KNOWN = ['inputShape', 'hiddenUnits', 'activation', 'numClasses', 'embeddingDim', 'seed'];

/** Builds the MLP discriminator model and its spec. The output is one logit per sample. */
export function buildMlpDiscriminator(options: MlpDiscriminatorOptions): { model: tf.LayersModel; spec: DiscriminatorSpec } {
  const owner = 'Discriminator.mlp';
  checkKnownOptions(options, KNOWN, owner);
  const o = { ...MLP_DISCRIMINATOR_DEFAULTS, ...options };
  const inputShape = checkShape(o.inputShape, 'inputShape', owner);
  const numClasses = checkNumClasses(o.numClasses, owner);
  const embeddingDim = checkInt(o.embeddingDim, 'embeddingDim', owner, 1);
  if (!Array.isArray(o.hiddenUnits)) {
    throw new ConfigError(`${owner}: 'hiddenUnits' must be a list of integers >= 1, received ${describeValue(o.hiddenUnits)}.`);
  }
  o.hiddenUnits.forEach((units, i) => checkInt(units, `hiddenUnits[${i}]`, owner, 1));
  const init = new SeededInitializers(checkSeed(o.seed, owner));

  const input = tf.input({ shape: inputShape, name: 'image' });
  const inputs = [input];
  let x: tf.SymbolicTensor = inputShape.length > 1 ? (tf.layers.flatten().apply(input) as tf.SymbolicTensor) : input;
  if (numClasses > 0) {
    const label = labelInput();
    inputs.push(label);
    const embedded = embedLabels(label, numClasses, embeddingDim, init, 'label_embedding');
    x = tf.layers.concatenate().apply([x, embedded]) as tf.SymbolicTensor;
  }
  for (const units of o.hiddenUnits) {
    x = tf.layers.dense({ units, kernelInitializer: init.glorotUniform() }).apply(x) as tf.SymbolicTensor;
    x = activationLayer(o.activation, owner).apply(x) as tf.SymbolicTensor;
  }
  const logits = tf.layers.dense({ units: 1, kernelInitializer: init.glorotUniform(), name: 'logits' }).apply(x) as tf.SymbolicTensor;
  const model = tf.model({ inputs, outputs: logits, name: 'mlp_discriminator' });
  return { model, spec: { inputShape, numClasses } };
}
