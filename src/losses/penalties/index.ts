/**
 * Penalties: regularisers of the discriminator, added to its loss inside its gradient tape. Each
 * returns its weighted value. See `Penalty` for writing your own.
 *
 * @packageDocumentation
 */
export { DRAGAN_DEFAULTS, type DraganOptions, dragan } from './dragan.js';
export { GRADIENT_PENALTY_DEFAULTS, type GradientPenaltyOptions, gradientPenalty } from './gradient-penalty.js';
export { LECAM_DEFAULTS, type LeCamOptions, type LeCamState, lecam } from './lecam.js';
export { PENALTIES, PENALTY_NAMES, type PenaltyName, penaltyByName } from './penalty-by-name.js';
export { R1_DEFAULTS, type R1Options, r1, r2 } from './r1.js';
export type { Penalty, PenaltyDiscriminator, PenaltyInputs, PenaltyObservation, PenaltyState } from '../penalty.js';
