/**
 * The mode-seeking regularizer of MSGAN (Mao et al. 2019, "Mode Seeking Generative Adversarial Networks
 * for Diverse Image Synthesis", arXiv:1903.05628).
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs';
import { ConfigError, describeValue } from '../errors.js';
import { checkKnownOptions, checkNumber, checkPositiveInt, isOptionsObject } from '../util/validate.js';

/** Options of the mode-seeking regularizer (`TrainerConfig.modeSeeking`). */
export interface ModeSeekingOptions {
  /** Weight of the term, a number >= 0 (0 turns it off). @defaultValue 1 (the paper's) */
  readonly weight?: number;
  /**
   * Images are average-pooled over `poolSize x poolSize` blocks before the pairs' distance is taken (2 on
   * 64x64 images compares them at 32x32), so that pixel noise does not count as a different picture; it
   * must divide the images' height and width. 1 compares pixels, as the paper does.
   * @defaultValue 1
   */
  readonly poolSize?: number;
}

/** The defaults of {@link ModeSeekingOptions}. */
export const MODE_SEEKING_DEFAULTS = Object.freeze({
  /** Weight of the term. */
  weight: 1,
  /** Images compared pixel by pixel. */
  poolSize: 1,
});

/** Added to the ratio before it is inverted, so that a collapsed batch gives a large, finite term. */
const EPSILON = 1e-5;

/**
 * Mode seeking: the generator's batch is made in pairs `(z₁, y)` and `(z₂, y)`, the two halves of the
 * batch asking for the same classes, and the ratio of the pairs' distance in images to their distance
 * in latents, `r = mean|G(z₁, y) − G(z₂, y)| / mean|z₁ − z₂|`, should be large: the generator's loss
 * gains `weight / (r + 1e-5)`. Two latents that give the same picture (a class drawn as one image,
 * whatever the latent) cost the most. It needs no second pass and no gradients of gradients: the
 * generator's own batch is the pairs. The Trainer builds it from `TrainerConfig.modeSeeking` and
 * exposes it as `trainer.modeSeeking`; each step logs the ratio as `StepLogs.modeSeekingRatio`.
 */
export class ModeSeekingRegularizer {
  /** Weight of the term. */
  readonly weight: number;
  /** The side of the blocks images are averaged over before they are compared (1: pixels). */
  readonly poolSize: number;

  constructor(options: ModeSeekingOptions, owner: string) {
    if (!isOptionsObject(options)) {
      throw new ConfigError(`${owner}: 'modeSeeking' must be an object { weight?, poolSize? }, received ${describeValue(options)}.`);
    }
    checkKnownOptions(options, ['weight', 'poolSize'], owner, 'modeSeeking.');
    this.weight = checkNumber(options.weight ?? MODE_SEEKING_DEFAULTS.weight, 'modeSeeking.weight', owner, { min: 0 });
    this.poolSize = checkPositiveInt(options.poolSize ?? MODE_SEEKING_DEFAULTS.poolSize, 'modeSeeking.poolSize', owner);
  }

  /** Whether the term is computed (a weight above 0). */
  get active(): boolean {
    return this.weight > 0;
  }

  /**
   * The labels of a paired batch: the first half's labels, twice (and the first label again for an odd
   * batch's last sample, which has no pair). A new tensor; the caller disposes it.
   */
  pairLabels(labels: tf.Tensor1D): tf.Tensor1D {
    const batch = labels.shape[0];
    const half = Math.floor(batch / 2);
    if (half === 0) return labels.clone();
    return tf.tidy(() => {
      const first = labels.slice(0, half);
      const parts = [first, first, ...(batch % 2 === 1 ? [labels.slice(0, 1)] : [])];
      return tf.concat(parts) as tf.Tensor1D;
    });
  }

  /**
   * The term on the active gradient tape, and the ratio `r` (to keep, read and dispose, as a monitor).
   * Sample `i` of the first half is paired with sample `half + i`.
   * @throws ConfigError for a batch of fewer than 2 samples (no pair), or a `poolSize` above 1 that does
   *   not divide the images' height and width (or samples that are not images).
   */
  penalty(
    latents: tf.Tensor,
    samples: tf.Tensor,
  ): {
    /** The weighted term, `weight / (ratio + 1e-5)`. */
    penalty: tf.Scalar;
    /** The pairs' mean distance in images over their mean distance in latents. */
    ratio: tf.Scalar;
  } {
    const batch = samples.shape[0];
    const half = Math.floor(batch / 2);
    if (half === 0) {
      throw new ConfigError(`Trainer: 'modeSeeking' compares the generator's samples in pairs, so the batch size must be at least 2, received ${batch}.`);
    }
    const firstOf = (t: tf.Tensor) => t.slice(0, half);
    const secondOf = (t: tf.Tensor) => t.slice(half, half);
    const compared = this.pooled(samples);
    const imageDistance = tf.mean(tf.abs(tf.sub(firstOf(compared), secondOf(compared))));
    const latentDistance = tf.mean(tf.abs(tf.sub(firstOf(latents), secondOf(latents))));
    const ratio = tf.div(imageDistance, latentDistance) as tf.Scalar;
    const penalty = tf.div(this.weight, tf.add(ratio, EPSILON)) as tf.Scalar;
    return { penalty, ratio };
  }

  /**
   * Checks that the generator's samples can be pooled: with a `poolSize` above 1 they must be images
   * whose height and width it divides.
   * @param sampleShape - the shape of one sample (the generator's `outputShape`).
   * @throws ConfigError naming `modeSeeking.poolSize` when it does not fit.
   */
  checkSampleShape(sampleShape: readonly number[], owner: string): void {
    const size = this.poolSize;
    if (size === 1) return;
    if (sampleShape.length !== 3 || sampleShape[0] % size !== 0 || sampleShape[1] % size !== 0) {
      throw new ConfigError(
        `${owner}: 'modeSeeking.poolSize' must divide the height and width of the generator's images, received ${size} for samples of shape ${describeValue(sampleShape)}.`,
      );
    }
  }

  /** The samples averaged over `poolSize x poolSize` blocks (the samples themselves for 1). */
  private pooled(samples: tf.Tensor): tf.Tensor {
    if (this.poolSize === 1) return samples;
    this.checkSampleShape(samples.shape.slice(1), 'Trainer');
    return tf.avgPool(samples as tf.Tensor4D, this.poolSize, this.poolSize, 'valid');
  }
}
