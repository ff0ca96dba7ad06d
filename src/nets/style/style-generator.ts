import * as tf from '@tensorflow/tfjs';
import { ConfigError, describeValue } from '../../errors.js';
import { checkClassNames, checkInt, checkKnownOptions, checkSeed } from '../../util/validate.js';
import { CONDITIONAL_GENERATOR_OPTION_NAMES, type ConditionalGeneratorOptions } from '../conditional-options.js';
import { ConstantInput } from '../../layers/constant-input.js';
import { EqualizedDense } from '../../layers/equalized-dense.js';
import { FadeIn } from '../../layers/fade-in.js';
import { ModulatedConv2D } from '../../layers/modulated-conv2d.js';
import { NoiseInjection } from '../../layers/noise-injection.js';
import { PixelNorm } from '../../layers/pixel-norm.js';
import { StyleBroadcast } from '../../layers/style-broadcast.js';
import { hashInts, randomSeed } from '../../util/random.js';
import { SeededInitializers, embedLabels, labelInput } from '../build-helpers.js';
import { type BuiltGenerator, checkNumClasses } from '../model-contract.js';
import { channelsAt, resolutionPlan } from '../resolution-plan.js';

/**
 * Options of the style-based generator builder. Defaults are in {@link STYLE_GENERATOR_DEFAULTS}. A
 * conditional one (`numClasses` >= 2) takes the class through a label embedding that joins z at the
 * mapping network's input, so it has no `conditioning` option.
 */
export interface StyleGeneratorOptions extends Omit<ConditionalGeneratorOptions, 'conditioning'> {
  /** [size, size, channels] with size a power of 2 from 8 to 1024. */
  readonly imageShape: readonly number[];
  /** Size of the latent z. @defaultValue 64 */
  readonly latentDim?: number;
  /** Size of the intermediate latent w (the style vector). @defaultValue 64 */
  readonly styleDim?: number;
  /** Layers of the mapping network z → w (StyleGAN uses 8; 2 suffices for small sets). @defaultValue 4 */
  readonly mappingLayers?: number;
  /** Learning-rate multiplier of the mapping network (equalized learning rate). @defaultValue 0.01 */
  readonly mappingLrMultiplier?: number;
  /**
   * Filters at the image resolution; each halving of the resolution doubles them, up to `maxChannels`.
   * @defaultValue 32
   */
  readonly channels?: number;
  /** The most filters of any synthesis layer. @defaultValue 128 */
  readonly maxChannels?: number;
  /** Probability of style mixing regularization per training sample (0 turns it off). @defaultValue 0.9 */
  readonly mixingProbability?: number;
  /**
   * Put a {@link FadeIn} on every skip output above 8x8, so a progressive schedule
   * (`progressiveSchedule` in the Trainer config) can grow the output from 8x8. @defaultValue false
   */
  readonly progressive?: boolean;
}

/** The defaults of {@link StyleGeneratorOptions}. */
export const STYLE_GENERATOR_DEFAULTS = Object.freeze({
  /** Size of the latent z. */
  latentDim: 64,
  /** Size of the intermediate latent w. */
  styleDim: 64,
  /** Layers of the mapping network. */
  mappingLayers: 4,
  /** Learning-rate multiplier of the mapping network. */
  mappingLrMultiplier: 0.01,
  /** Filters at the image resolution. */
  channels: 32,
  /** The most filters of any synthesis layer. */
  maxChannels: 128,
  /** Probability of style mixing per training sample. */
  mixingProbability: 0.9,
  /** A fade-in on every skip output above 8x8, for progressive growing. */
  progressive: false,
  /** Number of classes (0: unconditional). */
  numClasses: 0,
  /** Size of the label embedding (an input of the mapping network). */
  embeddingDim: 32,
});

const KNOWN = [
  'imageShape', 'latentDim', 'styleDim', 'mappingLayers', 'mappingLrMultiplier', 'channels', 'maxChannels',
  'mixingProbability', 'progressive', ...CONDITIONAL_GENERATOR_OPTION_NAMES.filter((name) => name !== 'conditioning'),
];

/**
 * Builds a StyleGAN2-style generator (Karras et al. 2020, arXiv:1912.04958): z (pixel-normalized) →
 * mapping network of equalized dense layers → w → one style per layer (style mixing in training,
 * truncation around the tracked mean w at inference) → synthesis from a learned 4x4 constant: per
 * resolution, a bilinear 2x upsampling and two 3x3 modulated/demodulated convolutions, each followed by
 * per-pixel noise and LeakyReLU; skip outputs: every resolution's 1x1 modulated toRGB is added to the
 * upsampled image so far; tanh at the end.
 */
export function buildStyleGenerator(options: StyleGeneratorOptions): BuiltGenerator {
  const owner = 'Generator.style';
  if (options == null || typeof options !== 'object') {
    throw new ConfigError(`${owner}: options must be an object with at least 'imageShape', received ${describeValue(options)}.`);
  }
  checkKnownOptions(options, KNOWN, owner);
  const o = { ...STYLE_GENERATOR_DEFAULTS, ...options };
  const plan = resolutionPlan(o.imageShape, owner);
  const latentDim = checkInt(o.latentDim, 'latentDim', owner, 1);
  const styleDim = checkInt(o.styleDim, 'styleDim', owner, 1);
  const mappingLayers = checkInt(o.mappingLayers, 'mappingLayers', owner, 1, 16);
  const channels = checkInt(o.channels, 'channels', owner, 1);
  const maxChannels = checkInt(o.maxChannels, 'maxChannels', owner, 1);
  const embeddingDim = checkInt(o.embeddingDim, 'embeddingDim', owner, 1);
  const numClasses = checkNumClasses(o.numClasses, owner);
  const classNames = checkClassNames(o.classNames, owner, numClasses);
  if (!(typeof o.mappingLrMultiplier === 'number' && o.mappingLrMultiplier > 0 && Number.isFinite(o.mappingLrMultiplier))) {
    throw new ConfigError(`${owner}: 'mappingLrMultiplier' must be a finite number > 0, received ${describeValue(o.mappingLrMultiplier)}.`);
  }
  if (typeof o.progressive !== 'boolean') {
    throw new ConfigError(`${owner}: 'progressive' must be a boolean, received ${describeValue(o.progressive)}.`);
  }
  const baseSeed = checkSeed(o.seed, owner) ?? randomSeed();
  let seedCount = 0;
  const nextSeed = () => hashInts(baseSeed, ++seedCount);
  const init = new SeededInitializers(baseSeed);
  const filtersAt = (r: number) => channelsAt(r, plan.size, channels, maxChannels);

  const z = tf.input({ shape: [latentDim], name: 'z' });
  const inputs = [z];
  let x = new PixelNorm({ name: 'z_norm' }).apply(z) as tf.SymbolicTensor;
  if (numClasses > 0) {
    const label = labelInput();
    inputs.push(label);
    const embedded = embedLabels(label, numClasses, embeddingDim, init, 'label_embedding');
    const normed = new PixelNorm({ name: 'label_norm' }).apply(embedded) as tf.SymbolicTensor;
    x = tf.layers.concatenate().apply([x, normed]) as tf.SymbolicTensor;
  }
  for (let i = 0; i < mappingLayers; i++) {
    x = new EqualizedDense({
      units: styleDim, lrMultiplier: o.mappingLrMultiplier, activation: 'leakyRelu', seed: nextSeed(), name: `mapping_${i}`,
    }).apply(x) as tf.SymbolicTensor;
  }
  const numStyles = 2 * (plan.resolutions.length + 1);
  const styles = new StyleBroadcast({
    numStyles, mixingProbability: o.mixingProbability, seed: nextSeed(), name: 'styles',
  }).apply(x) as tf.SymbolicTensor;

  let styleIndex = 0;
  const synthesisLayer = (h: tf.SymbolicTensor, filters: number, name: string): tf.SymbolicTensor => {
    let y = new ModulatedConv2D({ filters, styleIndex: styleIndex++, seed: nextSeed(), name: `${name}_conv` }).apply([h, styles]) as tf.SymbolicTensor;
    y = new NoiseInjection({ seed: nextSeed(), name: `${name}_noise` }).apply(y) as tf.SymbolicTensor;
    return tf.layers.leakyReLU({ alpha: 0.2, name: `${name}_act` }).apply(y) as tf.SymbolicTensor;
  };
  const toRgb = (h: tf.SymbolicTensor, r: number): tf.SymbolicTensor =>
    new ModulatedConv2D({
      filters: plan.channels, kernelSize: 1, styleIndex, demodulate: false, seed: nextSeed(), name: `to_rgb_${r}`,
    }).apply([h, styles]) as tf.SymbolicTensor;

  let h = new ConstantInput({ shape: [4, 4, filtersAt(4)], seed: nextSeed(), name: 'constant' }).apply(z) as tf.SymbolicTensor;
  h = synthesisLayer(h, filtersAt(4), 'block_4');
  let rgb = toRgb(h, 4);
  for (const r of plan.resolutions) {
    h = tf.layers.upSampling2d({ size: [2, 2], interpolation: 'bilinear', name: `up_${r}` }).apply(h) as tf.SymbolicTensor;
    h = synthesisLayer(h, filtersAt(r), `block_${r}_a`);
    h = synthesisLayer(h, filtersAt(r), `block_${r}_b`);
    // Nearest when progressive, so that the 2x2 average pooling of the discriminator recovers the old image exactly.
    const rgbInterpolation = o.progressive ? 'nearest' : 'bilinear';
    const upRgb = tf.layers.upSampling2d({ size: [2, 2], interpolation: rgbInterpolation, name: `up_rgb_${r}` }).apply(rgb) as tf.SymbolicTensor;
    const withNew = tf.layers.add({ name: `skip_${r}` }).apply([upRgb, toRgb(h, r)]) as tf.SymbolicTensor;
    rgb = o.progressive && r > 8
      ? (new FadeIn({ resolution: r, name: `fade_${r}` }).apply([upRgb, withNew]) as tf.SymbolicTensor)
      : withNew;
  }
  const image = tf.layers.activation({ activation: 'tanh', name: 'image' }).apply(rgb) as tf.SymbolicTensor;
  const model = tf.model({ inputs, outputs: image, name: 'style_generator' });
  return {
    model,
    spec: { latentDim, outputShape: [plan.size, plan.size, plan.channels], numClasses, ...(classNames ? { classNames } : {}) },
  };
}
