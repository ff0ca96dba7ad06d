import * as tf from '@tensorflow/tfjs';
import { ConfigError, describeValue } from '../../errors.js';
import { checkInt, checkKnownOptions, checkSeed } from '../../util/validate.js';
import { FadeIn } from '../../layers/fade-in.js';
import { ProjectionHead } from '../../layers/projection-head.js';
import { SeededInitializers, embedLabels, labelInput } from '../build-helpers.js';
import { type DiscriminatorConditioning, DISCRIMINATOR_CONDITIONINGS, checkConditioning } from '../conditioning.js';
import { type BuiltDiscriminator, checkNumClasses } from '../model-contract.js';
import { channelsAt, resolutionPlan } from '../resolution-plan.js';
import { type DiscriminatorStabilizerOptions, STABILIZER_OPTION_NAMES, stabilizers } from '../stabilizers.js';
import { lazyGradientConv2d, lazyGradientDense } from '../../layers/lazy-gradient-layers.js';
import { type AuxiliaryClassifierOption, AUXILIARY_CLASSIFIER_OPTION, hasAuxiliaryClassifier } from '../auxiliary-classifier-option.js';

/** Options of the ResNet discriminator builder. Defaults are in {@link RESNET_DISCRIMINATOR_DEFAULTS}. */
export interface ResnetDiscriminatorOptions extends DiscriminatorStabilizerOptions, AuxiliaryClassifierOption {
  /** [size, size, channels] with size a power of 2 from 8 to 1024. */
  readonly imageShape: readonly number[];
  /** Filters at the image resolution; each halving doubles them, up to `maxChannels`. @defaultValue 32 */
  readonly channels?: number;
  /** The most filters of any block. @defaultValue 128 */
  readonly maxChannels?: number;
  /** Number of classes for a conditional discriminator. @defaultValue 0 */
  readonly numClasses?: number | undefined;
  /**
   * `'projection'` (a {@link ProjectionHead} on the final features, as in SNGAN and BigGAN), `'concat'`
   * (the label embedded into an extra image channel) or `'acgan'` (a second output of class logits;
   * `auxiliaryClassifier: true` adds it to `'projection'`). @defaultValue 'projection'
   */
  readonly conditioning?: DiscriminatorConditioning;
  /**
   * Progressive growing (Karras et al. 2018): a 1x1 fromRGB on the average-pooled image at every
   * resolution from 8 up, blended into the main path by a {@link FadeIn} per resolution above 8, so a
   * progressive schedule can grow the input from 8x8. @defaultValue false
   */
  readonly progressive?: boolean;
  /** Seed of the weight initialisation. */
  readonly seed?: number | undefined;
}

/** The defaults of {@link ResnetDiscriminatorOptions}. */
export const RESNET_DISCRIMINATOR_DEFAULTS = Object.freeze({
  /** Filters at the image resolution. */
  channels: 32,
  /** The most filters of any block. */
  maxChannels: 128,
  /** Number of classes (0: unconditional). */
  numClasses: 0,
  /** How a conditional discriminator uses the class. */
  conditioning: 'projection' as DiscriminatorConditioning,
  /** Inputs for progressive growing. */
  progressive: false,
  /** Spectral normalisation of every dense and convolution layer. */
  spectralNorm: false,
  /** A minibatch standard deviation layer before the output. */
  minibatchStdDev: false,
});

const KNOWN = ['imageShape', 'channels', 'maxChannels', 'numClasses', 'conditioning', 'progressive', 'seed', AUXILIARY_CLASSIFIER_OPTION, ...STABILIZER_OPTION_NAMES];

/**
 * Builds a ResNet discriminator (SNGAN, Miyato et al. 2018, arXiv:1802.05957; StyleGAN2's residual D):
 * a 1x1 fromRGB, then per resolution a residual down-block `LeakyReLU → 3x3 conv → LeakyReLU → 3x3 conv
 * → 2x2 average pooling` plus the shortcut `1x1 conv → average pooling`, down to 4x4; then the
 * optional minibatch standard deviation, a 3x3 conv, LeakyReLU, and a dense layer (or projection head)
 * to one logit. Every conv and dense layer is spectrally normalized with `spectralNorm`.
 */
export function buildResnetDiscriminator(options: ResnetDiscriminatorOptions): BuiltDiscriminator {
  const owner = 'Discriminator.resnet';
  if (options == null || typeof options !== 'object') {
    throw new ConfigError(`${owner}: options must be an object with at least 'imageShape', received ${describeValue(options)}.`);
  }
  checkKnownOptions(options, KNOWN, owner);
  const o = { ...RESNET_DISCRIMINATOR_DEFAULTS, ...options };
  const plan = resolutionPlan(o.imageShape, owner);
  const channels = checkInt(o.channels, 'channels', owner, 1);
  const maxChannels = checkInt(o.maxChannels, 'maxChannels', owner, 1);
  const numClasses = checkNumClasses(o.numClasses, owner);
  const conditioning = checkConditioning(o.conditioning ?? RESNET_DISCRIMINATOR_DEFAULTS.conditioning, DISCRIMINATOR_CONDITIONINGS, owner);
  if (options.conditioning !== undefined && numClasses === 0) {
    throw new ConfigError(`${owner}: 'conditioning' ${describeValue(options.conditioning)} needs 'numClasses' >= 2, received numClasses 0.`);
  }
  if (typeof o.progressive !== 'boolean') {
    throw new ConfigError(`${owner}: 'progressive' must be a boolean, received ${describeValue(o.progressive)}.`);
  }
  const auxiliary = hasAuxiliaryClassifier(o.auxiliaryClassifier, numClasses, conditioning, owner);
  const init = new SeededInitializers(checkSeed(o.seed, owner));
  const stable = stabilizers(o, numClasses, init, owner, auxiliary);
  const filtersAt = (r: number) => channelsAt(r, plan.size, channels, maxChannels);
  const imageShape = [plan.size, plan.size, plan.channels];

  const image = tf.input({ shape: stable.modelInputShape(imageShape), name: 'image' });
  const inputs = [image];
  const kind = numClasses > 0 ? conditioning : undefined;
  const label = kind === 'concat' || kind === 'projection' ? labelInput() : undefined;
  if (label !== undefined) inputs.push(label);
  let pixels: tf.SymbolicTensor = image;
  if (kind === 'concat') {
    const embedded = embedLabels(label!, numClasses, plan.size * plan.size, init, 'label_embedding');
    const labelMap = tf.layers.reshape({ targetShape: [plan.size, plan.size, 1] }).apply(embedded) as tf.SymbolicTensor;
    pixels = tf.layers.concatenate().apply([image, labelMap]) as tf.SymbolicTensor;
  }
  const conv = (x: tf.SymbolicTensor, filters: number, kernelSize: number, name?: string) =>
    stable
      .wrap(lazyGradientConv2d({ filters, kernelSize, padding: 'same', kernelInitializer: init.glorotUniform(), ...(name ? { name } : {}) }))
      .apply(x) as tf.SymbolicTensor;
  const act = (x: tf.SymbolicTensor) => tf.layers.leakyReLU({ alpha: 0.2 }).apply(x) as tf.SymbolicTensor;
  const pool = (x: tf.SymbolicTensor, factor = 2) =>
    tf.layers.averagePooling2d({ poolSize: factor, strides: factor }).apply(x) as tf.SymbolicTensor;
  const fromRgb = (r: number) => {
    const pooled = r === plan.size ? pixels : pool(pixels, plan.size / r);
    return act(conv(pooled, filtersAt(r), 1, `from_rgb_${r}`));
  };

  let x = fromRgb(plan.size);
  for (let r = plan.size; r > 4; r /= 2) {
    const next = filtersAt(r / 2);
    let h = conv(act(x), filtersAt(r), 3);
    h = pool(conv(act(h), next, 3));
    const shortcut = pool(conv(x, next, 1));
    x = tf.layers.add({ name: `res_block_${r}` }).apply([h, shortcut]) as tf.SymbolicTensor;
    if (o.progressive && r > 8) {
      x = new FadeIn({ resolution: r, name: `fade_${r}` }).apply([fromRgb(r / 2), x]) as tf.SymbolicTensor;
    }
  }
  x = act(conv(stable.minibatch(x, label), filtersAt(4), 3));
  x = tf.layers.flatten().apply(x) as tf.SymbolicTensor;
  const dense = (units: number, name: string) =>
    stable.wrap(lazyGradientDense({ units, kernelInitializer: init.glorotUniform(), name })).apply(x) as tf.SymbolicTensor;
  let logits: tf.SymbolicTensor;
  if (kind === 'projection') {
    const head = new ProjectionHead({ numClasses, kernelInitializer: init.glorotUniform(), embeddingsInitializer: init.normal(0.02), name: 'logits' });
    logits = head.apply([x, label!]) as tf.SymbolicTensor;
  } else {
    logits = dense(1, 'logits');
  }
  if (!auxiliary) {
    const model = tf.model({ inputs, outputs: logits, name: 'resnet_discriminator' });
    return { model, spec: { inputShape: imageShape, numClasses, ...stable.spec } };
  }
  const model = tf.model({ inputs, outputs: [logits, dense(numClasses, 'class_logits')], name: 'resnet_discriminator' });
  return { model, spec: { inputShape: imageShape, numClasses, auxiliaryClassifier: true, ...stable.spec } };
}
