export type { GanLoss, GeneratorLossInputs, LossInputs } from './gan-loss.js';
export { type ClassCrossEntropyInputs, classCrossEntropy } from './class-cross-entropy.js';
export { hinge } from './hinge.js';
export { leastSquares } from './least-squares.js';
export { LOSSES, LOSS_NAMES, type LossName, lossByName } from './loss-by-name.js';
export { minimax } from './minimax.js';
export { nonSaturating } from './non-saturating.js';
export { type RelativisticForm, type RelativisticOptions, relativistic } from './relativistic.js';
export { type WassersteinOptions, wasserstein } from './wasserstein.js';
