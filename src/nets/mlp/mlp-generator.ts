import * as tf from '@tensorflow/tfjs';
import { ConfigError, describeValue } from '../../errors.js';
import { checkClassNames, checkInt, checkKnownOptions, checkSeed } from '../../util/validate.js';
import { CONDITIONAL_GENERATOR_OPTION_NAMES, type ConditionalGeneratorOptions } from '../conditional-options.js';
import { type ActivationName, SeededInitializers, activationLayer, labelInput, latentWithLabel } from '../build-helpers.js';
import { type BuiltGenerator, checkNumClasses, checkShape } from '../model-contract.js';
import {
  type GeneratorConditioning,
  GENERATOR_CONDITIONINGS,
  checkConditioning,
  conditionsNormalization,
} from '../conditioning.js';
import { ConditionalBatchNormalization } from '../../layers/conditional-batch-normalization.js';
import { lazyGradientDense } from '../../layers/lazy-gradient-layers.js';
import type { SampleShape } from '../sample-rank.js';

/**
 * Options of the MLP generator builder. Defaults are in {@link MLP_GENERATOR_DEFAULTS}.
 *
 * @typeParam S - the type of `outputShape`; {@link Generator.mlp} infers it from a literal (`[2]` is
 *   `[number]`) to type its samples' rank.
 */
export interface MlpGeneratorOptions<S extends SampleShape = readonly number[]> extends ConditionalGeneratorOptions {
  /** Per-sample output shape, e.g. [2] for 2-D points or [28, 28, 1] for images. */
  readonly outputShape: S;
  /** Size of the latent vector. @defaultValue 8 */
  readonly latentDim?: number;
  /** Units of each hidden layer. @defaultValue [128, 128, 128] */
  readonly hiddenUnits?: readonly number[];
  /** Hidden activation. @defaultValue 'relu' */
  readonly activation?: ActivationName;
  /** Output activation: 'tanh' for images in [-1, 1], 'linear' for unbounded data. @defaultValue 'tanh' for images (rank-3 output), else 'linear' */
  readonly outputActivation?: 'tanh' | 'linear';
  /** Batch normalisation after each hidden layer. @defaultValue false (true with conditioning 'cbn' or 'concat-cbn') */
  readonly batchNorm?: boolean;
}

/** The defaults of {@link MlpGeneratorOptions}, in one place so docs and code agree. */
export const MLP_GENERATOR_DEFAULTS = Object.freeze({
  /** Size of the latent vector. */
  latentDim: 8,
  /** Units of each hidden layer. */
  hiddenUnits: Object.freeze([128, 128, 128]) as readonly number[],
  /** Hidden activation. */
  activation: 'relu' as ActivationName,
  /** Batch normalisation after each hidden layer (the builder turns it on for conditioning 'cbn' and 'concat-cbn'). */
  batchNorm: false,
  /** Number of classes (0: unconditional). */
  numClasses: 0,
  /** How the class enters a conditional generator. */
  conditioning: 'concat' as GeneratorConditioning,
  /** Size of the label embedding. */
  embeddingDim: 16,
});

const KNOWN = ['outputShape', 'latentDim', 'hiddenUnits', 'activation', 'outputActivation', 'batchNorm', ...CONDITIONAL_GENERATOR_OPTION_NAMES];

/** Builds the MLP generator model and its spec. */
export function buildMlpGenerator(options: MlpGeneratorOptions): BuiltGenerator {
  const owner = 'Generator.mlp';
  checkKnownOptions(options, KNOWN, owner);
  const o = { ...MLP_GENERATOR_DEFAULTS, ...options };
  const outputShape = checkShape(o.outputShape, 'outputShape', owner);
  const latentDim = checkInt(o.latentDim, 'latentDim', owner, 1);
  const numClasses = checkNumClasses(o.numClasses, owner);
  const embeddingDim = checkInt(o.embeddingDim, 'embeddingDim', owner, 1);
  const conditioning = checkConditioning(o.conditioning ?? MLP_GENERATOR_DEFAULTS.conditioning, GENERATOR_CONDITIONINGS, owner);
  if (options.conditioning !== undefined && numClasses === 0) {
    throw new ConfigError(`${owner}: 'conditioning' ${describeValue(options.conditioning)} needs 'numClasses' >= 2, received numClasses 0.`);
  }
  const classNames = checkClassNames(o.classNames, owner, numClasses);
  const cbn = numClasses > 0 && conditionsNormalization(conditioning);
  if (cbn && options.batchNorm === false) {
    throw new ConfigError(
      `${owner}: conditioning '${conditioning}' is batch normalisation, so 'batchNorm' must be true or left out, received false.`,
    );
  }
  const batchNorm = cbn || o.batchNorm;
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
  const label = numClasses > 0 ? labelInput() : undefined;
  if (label !== undefined) inputs.push(label);
  let x = latentWithLabel(z, label, conditioning, numClasses, embeddingDim, init);
  for (const units of o.hiddenUnits) {
    x = lazyGradientDense({ units, kernelInitializer: init.glorotUniform(), useBias: !batchNorm }).apply(x) as tf.SymbolicTensor;
    if (cbn) x = new ConditionalBatchNormalization({ numClasses }).apply([x, label!]) as tf.SymbolicTensor;
    else if (batchNorm) x = tf.layers.batchNormalization().apply(x) as tf.SymbolicTensor;
    x = activationLayer(o.activation, owner).apply(x) as tf.SymbolicTensor;
  }
  const size = outputShape.reduce((a, b) => a * b, 1);
  x = lazyGradientDense({ units: size, kernelInitializer: init.glorotUniform(), activation: outputActivation === 'tanh' ? 'tanh' : 'linear' })
    .apply(x) as tf.SymbolicTensor;
  if (outputShape.length > 1) x = tf.layers.reshape({ targetShape: outputShape }).apply(x) as tf.SymbolicTensor;
  const model = tf.model({ inputs, outputs: x, name: 'mlp_generator' });
  return { model, spec: { latentDim, outputShape, numClasses, ...(classNames ? { classNames } : {}) } };
}
