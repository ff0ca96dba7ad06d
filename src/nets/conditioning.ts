import { checkOneOf } from '../util/validate.js';

/**
 * How a conditional generator takes its class:
 * - `'concat'`: a learned label embedding concatenated to z (Mirza & Osindero 2014, arXiv:1411.1784);
 * - `'cbn'`: conditional batch normalization, a scale and offset per class in every normalization layer
 *   (de Vries et al. 2017, arXiv:1707.00683; Miyato & Koyama 2018, arXiv:1802.05637);
 * - `'concat-cbn'`: both, so the class sets the layout from the first layer and modulates every
 *   normalization after it (BigGAN, Brock et al. 2019, arXiv:1809.11096, feeds its class embedding both
 *   ways too).
 */
export type GeneratorConditioning = 'concat' | 'cbn' | 'concat-cbn';

/** The generator conditionings, for validation and docs. */
export const GENERATOR_CONDITIONINGS = Object.freeze(['concat', 'cbn', 'concat-cbn'] as const);

/** Whether a generator conditioning concatenates a label embedding to z (`'concat'`, `'concat-cbn'`). */
export function concatenatesLabel(conditioning: GeneratorConditioning): boolean {
  return conditioning !== 'cbn';
}

/** Whether a generator conditioning makes its batch normalizations class-conditional (`'cbn'`, `'concat-cbn'`). */
export function conditionsNormalization(conditioning: GeneratorConditioning): boolean {
  return conditioning !== 'concat';
}

/**
 * How a conditional discriminator uses the class:
 * - `'concat'`: a learned label embedding joins the input (a label channel for images);
 * - `'projection'`: the projection discriminator (Miyato & Koyama 2018, arXiv:1802.05637), logit =
 *   `dense(features) + sum(embed(label) * features)`, see {@link ProjectionHead};
 * - `'acgan'`: an auxiliary classifier (Odena et al. 2017, arXiv:1610.09585): the discriminator takes
 *   no label but has a second output, class logits `[batch, numClasses]`, trained with a
 *   cross-entropy that the Trainer adds to both players' losses.
 */
export type DiscriminatorConditioning = 'concat' | 'projection' | 'acgan';

/** The discriminator conditionings, for validation and docs. */
export const DISCRIMINATOR_CONDITIONINGS = Object.freeze(['concat', 'projection', 'acgan'] as const);

/** Checks a conditioning option against the allowed ones. */
export function checkConditioning<T extends string>(value: unknown, allowed: readonly T[], owner: string): T {
  return checkOneOf(value, allowed, 'conditioning', owner);
}
