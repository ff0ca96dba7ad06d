/**
 * Which batches an ACGAN discriminator's auxiliary classifier learns from.
 *
 * @packageDocumentation
 */

/**
 * The batches whose class cross-entropy trains an ACGAN discriminator's auxiliary classifier (the
 * generator is always trained to have its samples classified as the class it was asked for):
 * - `'real-and-fake'`: the real batch (data labels) and the fake batch (the labels the generator was
 *   given), as in ACGAN (Odena et al. 2017, arXiv:1610.09585);
 * - `'real'`: the real batch only. The classifier then learns what each class looks like in the data
 *   and nothing from the generator. With the fake term it also learns to name whatever the generator
 *   draws for a label by that label, so a generator that draws one shape for several classes, told
 *   apart by small marks, satisfies it; trained on reals only, it names a drawing by the class whose
 *   real images it resembles. (ACGAN's classifier term also narrows each class, Gong et al. 2019,
 *   arXiv:1907.02690; this choice does not change that.)
 */
export type AuxiliaryClassifierBatches = 'real-and-fake' | 'real';

/** Every {@link AuxiliaryClassifierBatches}, in the order of the documentation. */
export const AUXILIARY_CLASSIFIER_BATCHES: readonly AuxiliaryClassifierBatches[] = Object.freeze(['real-and-fake', 'real'] as const);
