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
import type { GeneratorSpec } from '../generator.js';

/** Options of the MLP generator builder. Defaults are in {@link MLP_GENERATOR_DEFAULTS}. */
export interface MlpGeneratorOptions {
  /** Per-sample output shape, e.g. [2] for 2-D points or [28, 28, 1] for images. */
  readonly outputShape: readonly number[];
  /** Size of the latent vector. @defaultValue 8 */
  readonly latentDim?: number;
  /** Units of each hidden layer. @defaultValue [128, 128, 128] */
  readonly hiddenUnits?: readonly number[];
  /** Hidden activation. @defaultValue 'relu' */
  readonly activation?: ActivationName;
  /** Output activation: 'tanh' for images in [-1, 1], 'linear' for unbounded data. @defaultValue 'tanh' for images (rank-3 output), else 'linear' */
  readonly outputActivation?: 'tanh' | 'linear';
  /** Batch normalisation after each hidden layer. @defaultValue false */
  readonly batchNorm?: boolean;
  /** Number of classes for a conditional generator (label embedding concatenated to z). @defaultValue 0 */
  readonly numClasses?: number;
  /** Size of the label embedding. @defaultValue 16 */
  readonly embeddingDim?: number;
  /** Seed of the weight initialisation. */
  readonly seed?: number;
}

/** The defaults of {@link MlpGeneratorOptions}, in one place so docs and code agree. */
export const MLP_GENERATOR_DEFAULTS = Object.freeze({
  latentDim: 8,
  hiddenUnits: Object.freeze([128, 128, 128]) as readonly number[],
  activation: 'relu' as ActivationName,
  batchNorm: false,
  numClasses: 0,
  embeddingDim: 16,
});

const KNOWN = [
  'outputShape', 'latentDim', 'hiddenUnits', 'activation', 'outputActivation', 'batchNorm', 'numClasses',
  'embeddingDim', 'seed',
];

/** Builds the MLP generator model and its spec. */
export function buildMlpGenerator(options: MlpGeneratorOptions): { model: tf.LayersModel; spec: GeneratorSpec } {
  const owner = 'Generator.mlp';
  checkKnownOptions(options, KNOWN, owner);
  const o = { ...MLP_GENERATOR_DEFAULTS, ...options };
  const outputShape = checkShape(o.outputShape, 'outputShape', owner);
  const latentDim = checkInt(o.latentDim, 'latentDim', owner, 1);
  const numClasses = checkNumClasses(o.numClasses, owner);
  const embeddingDim = checkInt(o.embeddingDim, 'embeddingDim', owner, 1);
  if (!Array.isArray(o.hiddenUnits)) {
    throw new ConfigError(`${owner}: 'hiddenUnits' must be a list of integers >= 1, received ${describeValue(o.hiddenUnits)}.`);
  }
  o.hiddenUnits.forEach((units, i) => checkInt(units, `hiddenUnits[${i}]`, owner, 1));
  const outputActivation = o.outputActivation ?? (outputShape.length === 3 ? 'tanh' : 'linear');
  if (outputActivation !== 'tanh' && outputActivation !== 'linear') {
    throw new ConfigError(`${owner}: 'outputActivation' must be 'tanh' or 'linear', received ${describeValue(outputActivation)}.`);
  }
  const init = new SeededInitializers(checkSeed(o.seed, owner));

  const z = tf.input({ shape: [latentDim], name: 'z' });
  const inputs = [z];
  let x: tf.SymbolicTensor = z;
  if (numClasses > 0) {
    const label = labelInput();
    inputs.push(label);
    const embedded = embedLabels(label, numClasses, embeddingDim, init, 'label_embedding');
    x = tf.layers.concatenate().apply([z, embedded]) as tf.SymbolicTensor;
  }
  for (const units of o.hiddenUnits) {
    x = tf.layers.dense({ units, kernelInitializer: init.glorotUniform(), useBias: !o.batchNorm }).apply(x) as tf.SymbolicTensor;
    if (o.batchNorm) x = tf.layers.batchNormalization().apply(x) as tf.SymbolicTensor;
    x = activationLayer(o.activation, owner).apply(x) as tf.SymbolicTensor;
  }
  const size = outputShape.reduce((a, b) => a * b, 1);
  x = tf.layers
    .dense({ units: size, kernelInitializer: init.glorotUniform(), activation: outputActivation === 'tanh' ? 'tanh' : 'linear' })
    .apply(x) as tf.SymbolicTensor;
  if (outputShape.length > 1) x = tf.layers.reshape({ targetShape: outputShape }).apply(x) as tf.SymbolicTensor;
  const model = tf.model({ inputs, outputs: x, name: 'mlp_generator' });
  return { model, spec: { latentDim, outputShape, numClasses } };
}
