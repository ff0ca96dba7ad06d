import * as tf from '@tensorflow/tfjs';
import { ConfigError, describeValue } from '../../errors.js';
import { checkInt, checkKnownOptions, checkSeed } from '../../util/validate.js';
import { type ActivationName, SeededInitializers, activationLayer, embedLabels, labelInput } from '../build-helpers.js';
import { type BuiltDiscriminator, checkNumClasses, checkShape } from '../model-contract.js';
import { type DiscriminatorConditioning, DISCRIMINATOR_CONDITIONINGS, checkConditioning } from '../conditioning.js';
import { ProjectionHead } from '../../layers/projection-head.js';
import { type DiscriminatorStabilizerOptions, STABILIZER_OPTION_NAMES, stabilizers } from '../stabilizers.js';
import { lazyGradientDense } from '../../layers/lazy-gradient-layers.js';
import { type AuxiliaryClassifierOption, AUXILIARY_CLASSIFIER_OPTION, hasAuxiliaryClassifier } from '../auxiliary-classifier-option.js';

/** Options of the MLP discriminator builder. Defaults are in {@link MLP_DISCRIMINATOR_DEFAULTS}. */
export interface MlpDiscriminatorOptions extends DiscriminatorStabilizerOptions, AuxiliaryClassifierOption {
  /** Per-sample input shape, e.g. [2] for 2-D points or [28, 28, 1] for images. */
  readonly inputShape: readonly number[];
  /** Units of each hidden layer. @defaultValue [128, 128, 128] */
  readonly hiddenUnits?: readonly number[];
  /** Hidden activation. @defaultValue 'leakyRelu' (slope 0.2) */
  readonly activation?: ActivationName;
  /** Number of classes for a conditional discriminator. @defaultValue 0 */
  readonly numClasses?: number | undefined;
  /**
   * How a conditional discriminator uses the class: `'concat'` (label embedding concatenated to the
   * input), `'projection'` (projection head on the last hidden layer, see {@link ProjectionHead}) or
   * `'acgan'` (no label input; a second output of class logits; `auxiliaryClassifier: true` adds it to
   * `'projection'`). @defaultValue 'concat'
   */
  readonly conditioning?: DiscriminatorConditioning;
  /** Size of the label embedding ('concat'). @defaultValue 16 */
  readonly embeddingDim?: number;
  /** Seed of the weight initialisation. */
  readonly seed?: number | undefined;
}

/** The defaults of {@link MlpDiscriminatorOptions}. */
export const MLP_DISCRIMINATOR_DEFAULTS = Object.freeze({
  /** Units of each hidden layer. */
  hiddenUnits: Object.freeze([128, 128, 128]) as readonly number[],
  /** Hidden activation: leaky ReLU with slope 0.2. */
  activation: 'leakyRelu' as ActivationName,
  /** Number of classes (0: unconditional). */
  numClasses: 0,
  /** How a conditional discriminator uses the class. */
  conditioning: 'concat' as DiscriminatorConditioning,
  /** Size of the label embedding ('concat'). */
  embeddingDim: 16,
});

const KNOWN = ['inputShape', 'hiddenUnits', 'activation', 'numClasses', 'embeddingDim', 'seed', 'conditioning', AUXILIARY_CLASSIFIER_OPTION, ...STABILIZER_OPTION_NAMES];

/** Builds the MLP discriminator model and its spec. The output is one logit per sample. */
export function buildMlpDiscriminator(options: MlpDiscriminatorOptions): BuiltDiscriminator {
  const owner = 'Discriminator.mlp';
  checkKnownOptions(options, KNOWN, owner);
  const o = { ...MLP_DISCRIMINATOR_DEFAULTS, ...options };
  const inputShape = checkShape(o.inputShape, 'inputShape', owner);
  const numClasses = checkNumClasses(o.numClasses, owner);
  const embeddingDim = checkInt(o.embeddingDim, 'embeddingDim', owner, 1);
  const conditioning = checkConditioning(o.conditioning ?? MLP_DISCRIMINATOR_DEFAULTS.conditioning, DISCRIMINATOR_CONDITIONINGS, owner);
  if (options.conditioning !== undefined && numClasses === 0) {
    throw new ConfigError(`${owner}: 'conditioning' ${describeValue(options.conditioning)} needs 'numClasses' >= 2, received numClasses 0.`);
  }
  if (!Array.isArray(o.hiddenUnits)) {
    throw new ConfigError(`${owner}: 'hiddenUnits' must be a list of integers >= 1, received ${describeValue(o.hiddenUnits)}.`);
  }
  o.hiddenUnits.forEach((units, i) => checkInt(units, `hiddenUnits[${i}]`, owner, 1));
  const auxiliary = hasAuxiliaryClassifier(o.auxiliaryClassifier, numClasses, conditioning, owner);
  const init = new SeededInitializers(checkSeed(o.seed, owner));
  const stable = stabilizers(o, numClasses, init, owner, auxiliary);

  const input = tf.input({ shape: stable.modelInputShape(inputShape), name: 'image' });
  const inputs = [input];
  let x: tf.SymbolicTensor = inputShape.length > 1 ? (tf.layers.flatten().apply(input) as tf.SymbolicTensor) : input;
  const kind = numClasses > 0 ? conditioning : undefined;
  const label = kind === 'concat' || kind === 'projection' ? labelInput() : undefined;
  if (label !== undefined) inputs.push(label);
  if (kind === 'concat') {
    const embedded = embedLabels(label!, numClasses, embeddingDim, init, 'label_embedding');
    x = tf.layers.concatenate().apply([x, embedded]) as tf.SymbolicTensor;
  }
  for (const units of o.hiddenUnits) {
    x = stable.wrap(lazyGradientDense({ units, kernelInitializer: init.glorotUniform() })).apply(x) as tf.SymbolicTensor;
    x = activationLayer(o.activation, owner).apply(x) as tf.SymbolicTensor;
  }
  x = stable.minibatch(x, label);
  let logits: tf.SymbolicTensor;
  if (kind === 'projection') {
    const head = new ProjectionHead({ numClasses, kernelInitializer: init.glorotUniform(), embeddingsInitializer: init.glorotUniform(), name: 'logits' });
    logits = head.apply([x, label!]) as tf.SymbolicTensor;
  } else {
    logits = stable.wrap(lazyGradientDense({ units: 1, kernelInitializer: init.glorotUniform(), name: 'logits' })).apply(x) as tf.SymbolicTensor;
  }
  if (!auxiliary) {
    const model = tf.model({ inputs, outputs: logits, name: 'mlp_discriminator' });
    return { model, spec: { inputShape, numClasses, ...stable.spec } };
  }
  const classLogits = stable
    .wrap(lazyGradientDense({ units: numClasses, kernelInitializer: init.glorotUniform(), name: 'class_logits' }))
    .apply(x) as tf.SymbolicTensor;
  const model = tf.model({ inputs, outputs: [logits, classLogits], name: 'mlp_discriminator' });
  return { model, spec: { inputShape, numClasses, auxiliaryClassifier: true, ...stable.spec } };
}
