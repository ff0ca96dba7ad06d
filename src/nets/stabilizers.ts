/**
 * The options that the discriminator builders share for stable training and mode coverage: spectral
 * normalisation, a minibatch standard deviation layer and PacGAN packing.
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs';
import { ConfigError, describeValue } from '../errors.js';
import { MINIBATCH_STDDEV_DEFAULTS, MinibatchStdDev } from '../layers/minibatch-stddev.js';
import { ClassMinibatchStdDev } from '../layers/class-minibatch-stddev.js';
import { SpectralNormalization } from '../layers/spectral-normalization.js';
import type { SeededInitializers } from './build-helpers.js';
import { checkPacking, packedShape } from './packing.js';

/** Options of the discriminator builders against unstable training and mode collapse. */
export interface DiscriminatorStabilizerOptions {
  /**
   * Spectral normalisation (Miyato et al. 2018, arXiv:1802.05957) of every dense and convolution
   * layer, see {@link SpectralNormalization}. @defaultValue false
   */
  readonly spectralNorm?: boolean;
  /**
   * A minibatch standard deviation layer (ProGAN) before the output layer, see {@link MinibatchStdDev}:
   * `true` for groups of 4, or the group size. @defaultValue false
   */
  readonly minibatchStdDev?: boolean | number;
  /**
   * A minibatch standard deviation within each class, after the one above, see
   * {@link ClassMinibatchStdDev}: it lets a conditional discriminator see a generator that draws one
   * picture for all the latents of a class. Conditional discriminators that take the label only
   * (conditioning `'concat'` or `'projection'`). @defaultValue false
   */
  readonly classMinibatchStdDev?: boolean;
  /**
   * PacGAN packing (Lin et al. 2018, arXiv:1712.04086): the discriminator judges this many samples at
   * once, concatenated along features (channels for images). The batch size must be a multiple of it.
   * A conditional discriminator judges groups of one class and takes one label per group (the Trainer
   * draws such batches); not with an auxiliary classifier. @defaultValue 1 (no packing)
   */
  readonly packing?: number;
}

/** The option names of {@link DiscriminatorStabilizerOptions}, for the builders' unknown-option checks. */
export const STABILIZER_OPTION_NAMES = Object.freeze(['spectralNorm', 'minibatchStdDev', 'classMinibatchStdDev', 'packing'] as const);

/** Checked stabilizer options and the helpers that apply them inside a builder. */
export interface Stabilizers {
  /** Samples per discriminator input (1 = no packing). */
  readonly packing: number;
  /** The model's per-sample input shape: `inputShape` with the last dimension times `packing`. */
  modelInputShape(inputShape: readonly number[]): number[];
  /** Wraps a dense or convolution layer in spectral normalisation when enabled. */
  wrap(layer: tf.layers.Layer): tf.layers.Layer;
  /**
   * Appends the minibatch standard deviation feature when enabled, then the per-class one (which needs
   * the discriminator's `label` input).
   * @throws ConfigError when `classMinibatchStdDev` is on and there is no label input.
   */
  minibatch(x: tf.SymbolicTensor, label?: tf.SymbolicTensor): tf.SymbolicTensor;
  /** What the discriminator's spec needs: `{ packing }` when packing, else nothing. */
  readonly spec: { readonly packing?: number };
}

/**
 * Checks the stabilizer options of a discriminator builder.
 * @throws ConfigError naming the option for a bad value, or packing with an auxiliary classifier.
 */
export function stabilizers(
  options: DiscriminatorStabilizerOptions,
  numClasses: number,
  init: SeededInitializers,
  owner: string,
  auxiliaryClassifier = false,
): Stabilizers {
  const spectralNorm = options.spectralNorm ?? false;
  if (typeof spectralNorm !== 'boolean') {
    throw new ConfigError(`${owner}: 'spectralNorm' must be a boolean, received ${describeValue(spectralNorm)}.`);
  }
  const mbstd = options.minibatchStdDev ?? false;
  const groupSize = mbstd === true ? MINIBATCH_STDDEV_DEFAULTS.groupSize : mbstd === false ? 0 : mbstd;
  if (!(typeof mbstd === 'boolean' || (Number.isInteger(mbstd) && mbstd >= 2))) {
    throw new ConfigError(`${owner}: 'minibatchStdDev' must be a boolean or a group size (an integer >= 2), received ${describeValue(mbstd)}.`);
  }
  const classStd = options.classMinibatchStdDev ?? false;
  if (typeof classStd !== 'boolean') {
    throw new ConfigError(`${owner}: 'classMinibatchStdDev' must be a boolean, received ${describeValue(classStd)}.`);
  }
  if (classStd && numClasses === 0) {
    throw new ConfigError(`${owner}: 'classMinibatchStdDev' needs a conditional discriminator ('numClasses' >= 2), received numClasses 0.`);
  }
  const packing = checkPacking(options.packing, owner);
  if (packing > 1 && auxiliaryClassifier) {
    throw new ConfigError(`${owner}: 'packing' ${packing} judges a group of samples as one input, but the auxiliary classifier (ACGAN) classifies each sample; use packing 1, or conditioning 'projection' or 'concat' without the classifier.`);
  }
  return {
    packing,
    modelInputShape: (inputShape) => packedShape(inputShape, packing),
    wrap: (layer) => (spectralNorm ? new SpectralNormalization({ layer, uInitializer: init.normal(1) }) : layer),
    minibatch: (x, label) => {
      const batchStd = groupSize > 0 ? (new MinibatchStdDev({ groupSize }).apply(x) as tf.SymbolicTensor) : x;
      if (!classStd) return batchStd;
      if (label === undefined) {
        throw new ConfigError(`${owner}: 'classMinibatchStdDev' needs the discriminator to take the label (conditioning 'concat' or 'projection'); this one has no label input.`);
      }
      return new ClassMinibatchStdDev({ numClasses }).apply([batchStd, label]) as tf.SymbolicTensor;
    },
    spec: packing > 1 ? { packing } : {},
  };
}
