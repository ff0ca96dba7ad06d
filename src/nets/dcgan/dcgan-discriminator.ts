import * as tf from '@tensorflow/tfjs';
import { ConfigError, describeValue } from '../../errors.js';
import { checkInt, checkKnownOptions, checkSeed } from '../../util/validate.js';
import { SeededInitializers, embedLabels, labelInput } from '../build-helpers.js';
import { type BuiltDiscriminator, checkNumClasses } from '../model-contract.js';
import { type DiscriminatorConditioning, DISCRIMINATOR_CONDITIONINGS, checkConditioning } from '../conditioning.js';
import { ProjectionHead } from '../../layers/projection-head.js';
import { type DiscriminatorStabilizerOptions, STABILIZER_OPTION_NAMES, stabilizers } from '../stabilizers.js';
import { dcganPlan } from './dcgan-shapes.js';
import { lazyGradientConv2d, lazyGradientDense } from '../../layers/lazy-gradient-layers.js';
import { type AuxiliaryClassifierOption, AUXILIARY_CLASSIFIER_OPTION, hasAuxiliaryClassifier } from '../auxiliary-classifier-option.js';

/** Options of the DCGAN discriminator builder. Defaults are in {@link DCGAN_DISCRIMINATOR_DEFAULTS}. */
export interface DcganDiscriminatorOptions extends DiscriminatorStabilizerOptions, AuxiliaryClassifierOption {
  /** [height, width, channels] with height = width in {28, 32, 64}; any channel count. */
  readonly imageShape: readonly number[];
  /** Filters of the first convolution; each following one doubles them. @defaultValue 32 */
  readonly width?: number;
  /** Kernel size of the convolutions. @defaultValue 4 */
  readonly kernelSize?: number;
  /** Batch normalisation after each convolution but the first (avoid with gradient penalties). @defaultValue false */
  readonly batchNorm?: boolean;
  /** Number of classes for a conditional discriminator. @defaultValue 0 */
  readonly numClasses?: number | undefined;
  /**
   * How a conditional discriminator uses the class: `'concat'` (the label embedded into one extra
   * image-sized channel concatenated to the input), `'projection'` (a {@link ProjectionHead} on the
   * flattened features) or `'acgan'` (no label input; a second output of class logits from the
   * flattened features; `auxiliaryClassifier: true` adds it to `'projection'`). @defaultValue 'concat'
   */
  readonly conditioning?: DiscriminatorConditioning;
  /**
   * Pool the last feature maps over their positions before the head, instead of flattening them, so
   * that the head sees what the image holds, not where (the projection discriminator of Miyato &
   * Koyama (2018) sums them): `true` averages them for the whole head; `'class'` sums them for a
   * projection head's class term only, the unconditional logit keeping the flattened maps and so the
   * layout (`dense(flatten(x)) + dense(sum(x)) + sum(embed(label) * sum(x))`: a dense layer on the
   * flattened maps also adds up every position, so the sum keeps the two terms at one scale).
   * @defaultValue false
   */
  readonly globalPooling?: boolean | 'class';
  /** Seed of the weight initialisation. */
  readonly seed?: number | undefined;
}

/** The defaults of {@link DcganDiscriminatorOptions}. */
export const DCGAN_DISCRIMINATOR_DEFAULTS = Object.freeze({
  /** Filters of the first convolution. */
  width: 32,
  /** Kernel size of the convolutions. */
  kernelSize: 4,
  /** Batch normalisation after each convolution but the first. */
  batchNorm: false,
  /** Number of classes (0: unconditional). */
  numClasses: 0,
  /** How a conditional discriminator uses the class. */
  conditioning: 'concat' as DiscriminatorConditioning,
  /** Flatten the last feature maps (not average them over positions) before the head. */
  globalPooling: false,
});

const KNOWN = ['imageShape', 'width', 'kernelSize', 'batchNorm', 'numClasses', 'seed', 'conditioning', 'globalPooling', AUXILIARY_CLASSIFIER_OPTION, ...STABILIZER_OPTION_NAMES];

/**
 * Builds the DCGAN discriminator: stride-2 convolutions with LeakyReLU (slope 0.2), doubling the filters
 * down to the base resolution, then a dense layer to one logit per sample.
 */
export function buildDcganDiscriminator(
  options: DcganDiscriminatorOptions,
): BuiltDiscriminator {
  const owner = 'Discriminator.dcgan';
  if (options == null || typeof options !== 'object') {
    throw new ConfigError(`${owner}: options must be an object with at least 'imageShape', received ${describeValue(options)}.`);
  }
  checkKnownOptions(options, KNOWN, owner);
  const o = { ...DCGAN_DISCRIMINATOR_DEFAULTS, ...options };
  const plan = dcganPlan(o.imageShape, owner);
  const width = checkInt(o.width, 'width', owner, 1);
  const kernelSize = checkInt(o.kernelSize, 'kernelSize', owner, 1, 9);
  const numClasses = checkNumClasses(o.numClasses, owner);
  const init = new SeededInitializers(checkSeed(o.seed, owner));
  const conditioning = checkConditioning(o.conditioning ?? DCGAN_DISCRIMINATOR_DEFAULTS.conditioning, DISCRIMINATOR_CONDITIONINGS, owner);
  if (options.conditioning !== undefined && numClasses === 0) {
    throw new ConfigError(`${owner}: 'conditioning' ${describeValue(options.conditioning)} needs 'numClasses' >= 2, received numClasses 0.`);
  }
  if (typeof o.globalPooling !== 'boolean' && o.globalPooling !== 'class') {
    throw new ConfigError(`${owner}: 'globalPooling' must be true, false or 'class', received ${describeValue(o.globalPooling)}.`);
  }
  if (o.globalPooling === 'class' && !(numClasses > 0 && conditioning === 'projection')) {
    throw new ConfigError(
      `${owner}: 'globalPooling' 'class' pools the features of a projection head's class term, so it needs numClasses >= 2 and conditioning 'projection', received numClasses ${numClasses} and conditioning ${describeValue(conditioning)}.`,
    );
  }
  const auxiliary = hasAuxiliaryClassifier(o.auxiliaryClassifier, numClasses, conditioning, owner);
  const stable = stabilizers(o, numClasses, init, owner, auxiliary);
  const imageShape = [plan.height, plan.width, plan.channels];

  const image = tf.input({ shape: stable.modelInputShape(imageShape), name: 'image' });
  const inputs = [image];
  let x: tf.SymbolicTensor = image;
  const kind = numClasses > 0 ? conditioning : undefined;
  const label = kind === 'concat' || kind === 'projection' ? labelInput() : undefined;
  if (label !== undefined) inputs.push(label);
  if (kind === 'concat') {
    const embedded = embedLabels(label!, numClasses, plan.height * plan.width, init, 'label_embedding');
    const labelMap = tf.layers.reshape({ targetShape: [plan.height, plan.width, 1] }).apply(embedded) as tf.SymbolicTensor;
    x = tf.layers.concatenate().apply([image, labelMap]) as tf.SymbolicTensor;
  }
  for (let i = 0; i < plan.upsamplings; i++) {
    x = stable
      .wrap(lazyGradientConv2d({
        filters: width * 2 ** i,
        kernelSize,
        strides: 2,
        padding: 'same',
        useBias: !(o.batchNorm && i > 0),
        kernelInitializer: init.normal(0.02),
      }))
      .apply(x) as tf.SymbolicTensor;
    if (o.batchNorm && i > 0) {
      x = tf.layers.batchNormalization({ momentum: 0.9, epsilon: 1e-5 }).apply(x) as tf.SymbolicTensor;
    }
    x = tf.layers.leakyReLU({ alpha: 0.2 }).apply(x) as tf.SymbolicTensor;
  }
  const maps = stable.minibatch(x, label);
  x = (o.globalPooling === true ? tf.layers.globalAveragePooling2d({}) : tf.layers.flatten()).apply(maps) as tf.SymbolicTensor;
  let logits: tf.SymbolicTensor;
  if (kind === 'projection') {
    const classOnly = o.globalPooling === 'class';
    // With globalPooling 'class', the layout goes through a dense layer on the flattened maps (built
    // first: its initializer's seed comes before the head's) and the class term sees the maps summed.
    const spatial = classOnly
      ? (stable.wrap(lazyGradientDense({ units: 1, useBias: false, kernelInitializer: init.normal(0.02), name: 'logits_spatial' })).apply(x) as tf.SymbolicTensor)
      : undefined;
    const head = new ProjectionHead({ numClasses, kernelInitializer: init.normal(0.02), embeddingsInitializer: init.normal(0.02), name: classOnly ? 'logits_class' : 'logits' });
    if (spatial) {
      const averaged = tf.layers.globalAveragePooling2d({}).apply(maps) as tf.SymbolicTensor;
      const summed = tf.layers.rescaling({ scale: plan.baseSize * plan.baseSize }).apply(averaged) as tf.SymbolicTensor;
      logits = tf.layers.add({ name: 'logits' }).apply([spatial, head.apply([summed, label!]) as tf.SymbolicTensor]) as tf.SymbolicTensor;
    } else {
      logits = head.apply([x, label!]) as tf.SymbolicTensor;
    }
  } else {
    logits = stable.wrap(lazyGradientDense({ units: 1, kernelInitializer: init.normal(0.02), name: 'logits' })).apply(x) as tf.SymbolicTensor;
  }
  if (!auxiliary) {
    const model = tf.model({ inputs, outputs: logits, name: 'dcgan_discriminator' });
    return { model, spec: { inputShape: imageShape, numClasses, ...stable.spec } };
  }
  // The class head comes after the logit's layers, so their initial weights do not depend on it.
  const classLogits = stable
    .wrap(lazyGradientDense({ units: numClasses, kernelInitializer: init.normal(0.02), name: 'class_logits' }))
    .apply(x) as tf.SymbolicTensor;
  const model = tf.model({ inputs, outputs: [logits, classLogits], name: 'dcgan_discriminator' });
  return { model, spec: { inputShape: imageShape, numClasses, auxiliaryClassifier: true, ...stable.spec } };
}
