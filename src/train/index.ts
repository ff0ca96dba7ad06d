export type { Callback, StepLogs, TrainingContext, TrainingHistory } from './callback.js';
export { type EmaConfig, GeneratorEma } from './ema.js';
export {
  type DataKindDefaults,
  type FitOptions,
  TRAINER_DEFAULTS,
  Trainer,
  type TrainerConfig,
  VECTOR_TRAINER_DEFAULTS,
  defaultsForData,
} from './trainer.js';
export type { LoadOverrides, SerializedTrainer, TrainerJson } from './trainer-serialization.js';
export { FAKE_LABELS, type FakeLabels } from './fake-labels.js';
export { AUGMENT_DRAWS, type AugmentDraws } from './augment-draws.js';
export { AUXILIARY_CLASSIFIER_BATCHES, type AuxiliaryClassifierBatches } from './auxiliary-classifier-batches.js';
export { type ProgressiveSchedule, type ProgressiveScheduleOptions, progressiveSchedule } from './progressive.js';
export { PATH_LENGTH_DEFAULTS, type PathLengthOptions, PathLengthRegularizer } from './path-length.js';
export { MODE_SEEKING_DEFAULTS, type ModeSeekingOptions, ModeSeekingRegularizer } from './mode-seeking.js';
export { ConditioningTransition, type ConditioningTransitionOptions } from './conditioning-transition.js';
export { ADAM_UPDATE_KERNEL, FusedAdamOptimizer, fusedAdam } from './fused-adam.js';
