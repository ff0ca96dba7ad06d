import { ConfigError, describeValue } from '../../errors.js';
import type { Penalty } from '../penalty.js';
import { dragan } from './dragan.js';
import { gradientPenalty } from './gradient-penalty.js';
import { lecam } from './lecam.js';
import { r1, r2 } from './r1.js';

/** Every shipped penalty by its registry name (the `name` it logs under and saves in checkpoints). */
export const PENALTIES = Object.freeze({
  /** The WGAN-GP gradient penalty: {@link gradientPenalty}. */
  'gradient-penalty': gradientPenalty,
  /** The R1 penalty on real data: {@link r1}. */
  r1,
  /** The R2 penalty on generated data: {@link r2}. */
  r2,
  /** The DRAGAN penalty: {@link dragan}. */
  dragan,
  /** LeCam regularisation of the logits (stateful: moving averages): {@link lecam}. */
  lecam,
} as const);

/** The name of a shipped penalty. */
export type PenaltyName = keyof typeof PENALTIES;

/** The names of the shipped penalties. */
export const PENALTY_NAMES = Object.freeze(Object.keys(PENALTIES) as PenaltyName[]);

/**
 * Makes a shipped penalty from its name and config (as saved in checkpoints): the inverse of reading
 * `penalty.name` and `penalty.config`.
 *
 * @param name - one of {@link PENALTY_NAMES}.
 * @param config - the penalty's options, e.g. `{ gamma: 1, every: 4 }` for `'r1'`.
 * @throws ConfigError for an unknown name (listing the known ones) or bad options.
 * @example
 * ```ts
 * const penalty = penalties.penaltyByName('r1', { gamma: 1 });
 * penalty.config; // { gamma: 1, every: 1 }
 * ```
 */
export function penaltyByName(name: string, config: Readonly<Record<string, unknown>> = {}): Penalty {
  if (!Object.prototype.hasOwnProperty.call(PENALTIES, name)) {
    throw new ConfigError(`penaltyByName: unknown penalty name ${describeValue(name)}. Expected one of ${describeValue(PENALTY_NAMES)}.`);
  }
  const factory = PENALTIES[name as PenaltyName] as (options?: object) => Penalty;
  return factory({ ...config });
}
