import { ConfigError, describeValue } from '../errors.js';
import type { GanLoss } from './gan-loss.js';
import { hinge } from './hinge.js';
import { leastSquares } from './least-squares.js';
import { minimax } from './minimax.js';
import { nonSaturating } from './non-saturating.js';
import { wasserstein } from './wasserstein.js';

/** Every shipped loss by its registry name. */
export const LOSSES = Object.freeze({
  minimax,
  'non-saturating': nonSaturating,
  'least-squares': leastSquares,
  hinge,
  wasserstein,
} as const);

/** The name of a shipped loss. */
export type LossName = keyof typeof LOSSES;

/** The names of the shipped losses. */
export const LOSS_NAMES = Object.freeze(Object.keys(LOSSES) as LossName[]);

/**
 * Makes a shipped loss from its name (as saved in checkpoints and used by the CLI).
 * @throws ConfigError for an unknown name, listing the known ones.
 */
export function lossByName(name: string): GanLoss {
  const factory = (LOSSES as Record<string, (() => GanLoss) | undefined>)[name];
  if (factory === undefined || !Object.prototype.hasOwnProperty.call(LOSSES, name)) {
    throw new ConfigError(`loss: unknown loss name ${describeValue(name)}. Expected one of ${describeValue(LOSS_NAMES)}.`);
  }
  return factory();
}
