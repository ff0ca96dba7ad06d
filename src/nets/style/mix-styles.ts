/**
 * Style mixing at inference (StyleGAN, Karras et al. 2019, arXiv:1812.04948, figure 3): the coarse
 * styles of one set of latents with the fine styles of another.
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs';
import { ConfigError, describeValue } from '../../errors.js';
import { type LabelsInput, toLabelTensor } from '../labels.js';
import { sampleLatents } from '../latents.js';
import { modelInputs } from '../model-contract.js';
import type { StyleGraph } from './style-graph.js';
import { withStyleTruncation } from './style-truncation.js';

/** Options of {@link Generator.mixStyles}. */
export interface MixStylesOptions {
  /** Seed of the latents that give the coarse styles (pose, shape, layout): as `sample({ count, seed: coarse })`. */
  readonly coarse: number;
  /** Seed of the latents that give the fine styles (colour, texture). */
  readonly fine: number;
  /** Number of images, >= 1. */
  readonly count: number;
  /** The first style index taken from `fine`, in [1, numStyles). */
  readonly crossover: number;
  /** Truncation ψ of both latents (in W). @defaultValue 1 (none) */
  readonly truncation?: number | undefined;
  /**
   * Conditional generators: the classes (ids or names, one for all or one per image) that the coarse
   * styles are made with; required there, forbidden for unconditional generators.
   */
  readonly coarseLabels?: LabelsInput;
  /** Conditional generators: the classes of the fine styles. @defaultValue `coarseLabels` */
  readonly fineLabels?: LabelsInput;
}

/** What style mixing needs of a generator. */
export interface StyleMixingSource {
  readonly model: tf.LayersModel;
  readonly latentDim: number;
  readonly conditional: boolean;
  readonly numClasses: number;
  readonly classNames?: readonly string[] | undefined;
}

/**
 * `count` images whose styles below `crossover` come from the latents of seed `coarse` and the others
 * from those of seed `fine`.
 * @param graph - the generator's style graph; undefined when it is not style-based.
 * @returns `[count, ...outputShape]`.
 * @throws ConfigError for a generator that is not style-based, bad seeds, a bad crossover, or labels
 *   missing for a conditional generator (or given to an unconditional one).
 */
export function mixStyles(generator: StyleMixingSource, graph: StyleGraph | undefined, options: MixStylesOptions): tf.Tensor {
  const owner = 'Generator.mixStyles';
  if (graph === undefined) {
    throw new ConfigError(`${owner}: needs a style-based generator (Generator.style), received one without a StyleBroadcast layer.`);
  }
  if (generator.conditional && options.coarseLabels === undefined) {
    throw new ConfigError(`${owner}: 'coarseLabels' are required: the generator is conditional (numClasses ${generator.numClasses}).`);
  }
  if (!generator.conditional && (options.coarseLabels !== undefined || options.fineLabels !== undefined)) {
    throw new ConfigError(`${owner}: 'coarseLabels' and 'fineLabels' were given, but the generator is unconditional (numClasses 0).`);
  }
  for (const name of ['coarse', 'fine'] as const) {
    if (!Number.isInteger(options[name])) throw new ConfigError(`${owner}: '${name}' must be an integer seed, received ${describeValue(options[name])}.`);
  }
  const numStyles = graph.numStyles;
  if (!Number.isInteger(options.crossover) || options.crossover < 1 || options.crossover >= numStyles) {
    throw new ConfigError(`${owner}: 'crossover' must be an integer in [1, ${numStyles - 1}], received ${describeValue(options.crossover)}.`);
  }
  const labelsOf = (labels: LabelsInput | undefined, name: string): tf.Tensor1D | undefined =>
    labels === undefined ? undefined : toLabelTensor(labels, options.count, generator.numClasses, name, generator.classNames);
  const coarseLabels = labelsOf(options.coarseLabels, 'coarseLabels');
  const fineLabels = labelsOf(options.fineLabels, 'fineLabels') ?? coarseLabels;
  const coarse = sampleLatents(options.count, generator.latentDim, options.coarse);
  const fine = sampleLatents(options.count, generator.latentDim, options.fine);
  try {
    return withStyleTruncation(generator.model, options.truncation, () =>
      tf.tidy(() => {
        const stylesOf = (latents: tf.Tensor, labels: tf.Tensor1D | undefined) =>
          graph.stylesModel().apply(modelInputs(generator.model, generator.numClasses, latents, labels, owner)) as tf.Tensor3D;
        const [a, b] = [stylesOf(coarse, coarseLabels), stylesOf(fine, fineLabels)];
        const mask = tf.reshape(tf.cast(tf.greaterEqual(tf.range(0, numStyles, 1, 'float32'), options.crossover), 'float32'), [1, numStyles, 1]);
        const mixed = tf.add(tf.mul(a, tf.sub(1, mask)), tf.mul(b, mask));
        return graph.synthesisModel().apply(mixed) as tf.Tensor;
      }),
    );
  } finally {
    tf.dispose([coarse, fine]);
    if (coarseLabels !== undefined) tf.dispose(coarseLabels);
    if (fineLabels !== undefined && fineLabels !== coarseLabels) tf.dispose(fineLabels);
  }
}
