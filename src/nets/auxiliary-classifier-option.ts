/**
 * The `auxiliaryClassifier` option of the discriminator builders: a class head beside a label input.
 */
import { ConfigError, describeValue } from '../errors.js';
import type { DiscriminatorConditioning } from './conditioning.js';

/** The option that the DCGAN, ResNet and MLP discriminator builders share. */
export interface AuxiliaryClassifierOption {
  /**
   * A second output of class logits `[batch, numClasses]` beside a `'projection'` discriminator's
   * label input: a dense layer on the features that the projection head reads (computed from the image
   * alone), which the Trainer trains with a class cross-entropy as it does ACGAN's (see
   * `TrainerConfig.auxiliaryClassifierWeight` and `auxiliaryClassifierBatches`). The projection head
   * keeps judging each image against its own class while the classifier asks the generator for images
   * that name their class. Conditioning `'acgan'` always has one (its classifier is its only use of the
   * class); `'concat'` cannot have one, since its features hold the label, which a class head would
   * read instead of the image.
   * @defaultValue false
   */
  readonly auxiliaryClassifier?: boolean;
}

/** The option's name, for the builders' lists of known options. */
export const AUXILIARY_CLASSIFIER_OPTION = 'auxiliaryClassifier';

/**
 * Checks the option against the builder's classes and conditioning and says whether the discriminator
 * gets a class head: always with `'acgan'`, with `'projection'` when asked.
 * @throws ConfigError when the value is not a boolean, asks for a classifier without classes or with
 *   `'concat'`, or turns off the classifier of `'acgan'`.
 */
export function hasAuxiliaryClassifier(
  value: unknown,
  numClasses: number,
  conditioning: DiscriminatorConditioning,
  owner: string,
): boolean {
  if (value !== undefined && typeof value !== 'boolean') {
    throw new ConfigError(`${owner}: 'auxiliaryClassifier' must be true or false, received ${describeValue(value)}.`);
  }
  if (value === true && numClasses === 0) {
    throw new ConfigError(`${owner}: 'auxiliaryClassifier' true classifies the classes, so it needs 'numClasses' >= 2, received numClasses 0.`);
  }
  if (numClasses === 0) return false;
  if (conditioning === 'acgan') {
    if (value === false) {
      throw new ConfigError(
        `${owner}: 'auxiliaryClassifier' false contradicts conditioning 'acgan', whose class logits are its auxiliary classifier; leave it out, or use conditioning 'projection' or 'concat'.`,
      );
    }
    return true;
  }
  if (value === true && conditioning !== 'projection') {
    throw new ConfigError(
      `${owner}: 'auxiliaryClassifier' true needs conditioning 'projection' (or 'acgan', which has one already): a ${describeValue(conditioning)} discriminator's features hold the label, so a class head on them would read the label instead of the image; received conditioning ${describeValue(conditioning)}.`,
    );
  }
  return value === true;
}
