import { ConfigError, describeValue } from '../errors.js';
import type { GanLoss } from './gan-loss.js';
import { hinge } from './hinge.js';
import { leastSquares } from './least-squares.js';
import { minimax } from './minimax.js';
import { nonSaturating } from './non-saturating.js';
import { relativistic } from './relativistic.js';
import { wasserstein } from './wasserstein.js';

/** Every shipped loss by its registry name. */
export const LOSSES = Object.freeze({
  /** The original minimax loss: {@link minimax}. */
  minimax,
  /** The non-saturating loss: {@link nonSaturating}. */
  'non-saturating': nonSaturating,
  /** The least-squares loss (LSGAN): {@link leastSquares}. */
  'least-squares': leastSquares,
  /** The hinge loss: {@link hinge}. */
  hinge,
  /** The Wasserstein loss (WGAN): {@link wasserstein}. */
  wasserstein,
  /** The relativistic average losses: {@link relativistic}. */
  relativistic,
} as const);

/** The name of a shipped loss. */
export type LossName = keyof typeof LOSSES;

/** The names of the shipped losses. */
export const LOSS_NAMES = Object.freeze(Object.keys(LOSSES) as LossName[]);

/**
 * Makes a shipped loss from its name and config (as saved in checkpoints and used by the CLI): the
 * inverse of reading `loss.name` and `loss.config`.
 * @param name - one of {@link LOSS_NAMES}.
 * @param config - the loss's options, e.g. `{ clip: 0.01 }` for `'wasserstein'`; ignored by losses without options.
 * @throws ConfigError for an unknown name, listing the known ones, or bad options.
 * @example
 * ```ts
 * lossByName('relativistic', { form: 'hinge' }).config; // { form: 'hinge' }
 * ```
 */
export function lossByName(name: string, config: Readonly<Record<string, unknown>> = {}): GanLoss {
  const factory = (LOSSES as Record<string, ((options?: object) => GanLoss) | undefined>)[name];
  if (factory === undefined || !Object.prototype.hasOwnProperty.call(LOSSES, name)) {
    throw new ConfigError(`loss: unknown loss name ${describeValue(name)}. Expected one of ${describeValue(LOSS_NAMES)}.`);
  }
  return factory({ ...config });
}
