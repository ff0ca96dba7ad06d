import * as tf from '@tensorflow/tfjs';
import { ConfigError, describeValue } from '../../errors.js';
import { checkClassNames, checkInt, checkKnownOptions, checkSeed } from '../../util/validate.js';
import { CONDITIONAL_GENERATOR_OPTION_NAMES, type ConditionalGeneratorOptions } from '../conditional-options.js';
import { ConditionalBatchNormalization } from '../../layers/conditional-batch-normalization.js';
import { SeededInitializers, labelInput, latentWithLabel } from '../build-helpers.js';
import {
  type GeneratorConditioning,
  GENERATOR_CONDITIONINGS,
  checkConditioning,
  conditionsNormalization,
} from '../conditioning.js';
import { type BuiltGenerator, checkNumClasses } from '../model-contract.js';
import { channelsAt, resolutionPlan } from '../resolution-plan.js';
import { lazyGradientConv2d, lazyGradientDense } from '../../layers/lazy-gradient-layers.js';

/** Options of the ResNet generator builder. Defaults are in {@link RESNET_GENERATOR_DEFAULTS}. */
export interface ResnetGeneratorOptions extends ConditionalGeneratorOptions {
  /** [size, size, channels] with size a power of 2 from 8 to 1024 (32 and 64 are the usual). */
  readonly imageShape: readonly number[];
  /** Size of the latent vector. @defaultValue 64 */
  readonly latentDim?: number;
  /** Filters at the image resolution; each halving doubles them, up to `maxChannels`. @defaultValue 32 */
  readonly channels?: number;
  /** The most filters of any block. @defaultValue 128 */
  readonly maxChannels?: number;
}

/** The defaults of {@link ResnetGeneratorOptions}. */
export const RESNET_GENERATOR_DEFAULTS = Object.freeze({
  /** Size of the latent vector. */
  latentDim: 64,
  /** Filters at the image resolution. */
  channels: 32,
  /** The most filters of any block. */
  maxChannels: 128,
  /** Number of classes (0: unconditional). */
  numClasses: 0,
  /** How the class enters a conditional generator. */
  conditioning: 'cbn' as GeneratorConditioning,
  /** Size of the label embedding ('concat'). */
  embeddingDim: 32,
});

const KNOWN = ['imageShape', 'latentDim', 'channels', 'maxChannels', ...CONDITIONAL_GENERATOR_OPTION_NAMES];

/**
 * Builds the ResNet generator of SNGAN (Miyato et al. 2018, arXiv:1802.05957) and BigGAN: dense to a
 * 4x4 feature map, then per resolution a residual up-block `BN → ReLU → 2x nearest upsampling → 3x3 conv
 * → BN → ReLU → 3x3 conv` plus the shortcut `upsampling → 1x1 conv`; finally `BN → ReLU → 3x3 conv →
 * tanh`. Conditional: batch norms become class-conditional ('cbn') or the label embedding joins z.
 */
export function buildResnetGenerator(options: ResnetGeneratorOptions): BuiltGenerator {
  const owner = 'Generator.resnet';
  if (options == null || typeof options !== 'object') {
    throw new ConfigError(`${owner}: options must be an object with at least 'imageShape', received ${describeValue(options)}.`);
  }
  checkKnownOptions(options, KNOWN, owner);
  const o = { ...RESNET_GENERATOR_DEFAULTS, ...options };
  const plan = resolutionPlan(o.imageShape, owner);
  const latentDim = checkInt(o.latentDim, 'latentDim', owner, 1);
  const channels = checkInt(o.channels, 'channels', owner, 1);
  const maxChannels = checkInt(o.maxChannels, 'maxChannels', owner, 1);
  const embeddingDim = checkInt(o.embeddingDim, 'embeddingDim', owner, 1);
  const numClasses = checkNumClasses(o.numClasses, owner);
  const classNames = checkClassNames(o.classNames, owner, numClasses);
  const conditioning = checkConditioning(o.conditioning ?? RESNET_GENERATOR_DEFAULTS.conditioning, GENERATOR_CONDITIONINGS, owner);
  if (options.conditioning !== undefined && numClasses === 0) {
    throw new ConfigError(`${owner}: 'conditioning' ${describeValue(options.conditioning)} needs 'numClasses' >= 2, received numClasses 0.`);
  }
  const init = new SeededInitializers(checkSeed(o.seed, owner));
  const filtersAt = (r: number) => channelsAt(r, plan.size, channels, maxChannels);

  const z = tf.input({ shape: [latentDim], name: 'z' });
  const inputs = [z];
  const label = numClasses > 0 ? labelInput() : undefined;
  if (label !== undefined) inputs.push(label);
  const cbn = label !== undefined && conditionsNormalization(conditioning);
  const norm = (x: tf.SymbolicTensor): tf.SymbolicTensor =>
    cbn
      ? (new ConditionalBatchNormalization({ numClasses, momentum: 0.9, epsilon: 1e-5 }).apply([x, label!]) as tf.SymbolicTensor)
      : (tf.layers.batchNormalization({ momentum: 0.9, epsilon: 1e-5 }).apply(x) as tf.SymbolicTensor);
  const relu = (x: tf.SymbolicTensor) => tf.layers.reLU().apply(x) as tf.SymbolicTensor;
  const conv = (x: tf.SymbolicTensor, filters: number, kernelSize: number, name?: string) =>
    lazyGradientConv2d({ filters, kernelSize, padding: 'same', kernelInitializer: init.glorotUniform(), ...(name ? { name } : {}) })
      .apply(x) as tf.SymbolicTensor;
  const up = (x: tf.SymbolicTensor) => tf.layers.upSampling2d({ size: [2, 2] }).apply(x) as tf.SymbolicTensor;

  let x = latentWithLabel(z, label, conditioning, numClasses, embeddingDim, init);
  const base = filtersAt(4);
  x = lazyGradientDense({ units: 4 * 4 * base, kernelInitializer: init.glorotUniform() }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.reshape({ targetShape: [4, 4, base] }).apply(x) as tf.SymbolicTensor;
  for (const r of plan.resolutions) {
    const filters = filtersAt(r);
    let h = conv(up(relu(norm(x))), filters, 3);
    h = conv(relu(norm(h)), filters, 3);
    const shortcut = conv(up(x), filters, 1);
    x = tf.layers.add({ name: `res_block_${r}` }).apply([h, shortcut]) as tf.SymbolicTensor;
  }
  x = conv(relu(norm(x)), plan.channels, 3, 'to_image');
  const image = tf.layers.activation({ activation: 'tanh', name: 'image' }).apply(x) as tf.SymbolicTensor;
  return {
    model: tf.model({ inputs, outputs: image, name: 'resnet_generator' }),
    spec: { latentDim, outputShape: [plan.size, plan.size, plan.channels], numClasses, ...(classNames ? { classNames } : {}) },
  };
}
