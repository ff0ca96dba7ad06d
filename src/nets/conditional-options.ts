/**
 * The options that every generator builder shares: its classes (how many, how they enter the network,
 * their names, the label embedding) and the seed of its weights.
 *
 * @packageDocumentation
 */
import type { GeneratorConditioning } from './conditioning.js';

/**
 * Class and seed options of the generator builders ({@link Generator.mlp}, {@link Generator.dcgan},
 * {@link Generator.resnet}; {@link Generator.style} takes all but `conditioning`). Each builder's
 * defaults are in its `*_GENERATOR_DEFAULTS` constant.
 */
export interface ConditionalGeneratorOptions {
  /** Number of classes for a conditional generator. @defaultValue 0 (unconditional) */
  readonly numClasses?: number | undefined;
  /**
   * How the class enters a conditional generator: `'concat'` (a label embedding concatenated to z),
   * `'cbn'` (every batch normalization becomes a {@link ConditionalBatchNormalization} with a scale and
   * offset per class) or `'concat-cbn'` (both). @defaultValue 'concat' ('cbn' for {@link Generator.resnet}, as in SNGAN and BigGAN)
   */
  readonly conditioning?: GeneratorConditioning;
  /** A name per class, so samples can be asked for by name (e.g. a dataset's `classNames`). */
  readonly classNames?: readonly string[] | undefined;
  /** Size of the label embedding ('concat' and 'concat-cbn'; the style generator's mapping input). @defaultValue 16 for the MLP, 32 for the others */
  readonly embeddingDim?: number;
  /** Seed of the weight initialisation (and of the style generator's noise maps and mixing draws). */
  readonly seed?: number | undefined;
}

/** The option names of {@link ConditionalGeneratorOptions}, for the builders' unknown-option checks. */
export const CONDITIONAL_GENERATOR_OPTION_NAMES = Object.freeze(['numClasses', 'conditioning', 'classNames', 'embeddingDim', 'seed'] as const);
