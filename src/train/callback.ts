import type { Dataset } from '../data/dataset.js';
import type { Trainer } from './trainer.js';

/** What one training step reports: plain numbers only. */
export interface StepLogs {
  /** The trainer's step count after this step (1 after the first step of a fresh run). */
  readonly step: number;
  /** Discriminator loss (mean over the discriminator steps of this step), penalties included. */
  readonly dLoss: number;
  /** Generator loss. */
  readonly gLoss: number;
  /** Mean discriminator logit on the real batch (last discriminator step). */
  readonly realScore: number;
  /** Mean discriminator logit on the fake batch (last discriminator step). */
  readonly fakeScore: number;
  /** Wall-clock seconds this step took. */
  readonly seconds: number;
  /** Values of the penalties of the last discriminator step, by penalty name (already weighted). */
  readonly penalties: Readonly<Record<string, number>>;
  /**
   * With an auxiliary classifier (ACGAN): the discriminator's classification cross-entropy of the last
   * discriminator step, real plus fake batch (the real batch only with `auxiliaryClassifierBatches:
   * 'real'`), before `auxiliaryClassifierWeight` (included in `dLoss`).
   */
  readonly dClassLoss?: number;
  /**
   * With an auxiliary classifier (ACGAN): the cross-entropy of the generator's samples against the
   * classes they were generated for, before `auxiliaryClassifierWeight` (included in `gLoss`).
   */
  readonly gClassLoss?: number;
  /**
   * With `modeSeeking` (a weight above 0): the ratio of image to latent distance over the generator
   * batch's pairs (see `TrainerConfig.modeSeeking`); falling towards 0 means latents draw the same picture.
   */
  readonly modeSeekingRatio?: number;
}

/** What callbacks see of the run in progress. */
export interface TrainingContext {
  /** The trainer (read its step, generator, discriminator; save it). */
  readonly trainer: Trainer;
  /** The dataset being trained on. */
  readonly data: Dataset;
  /** The trainer's step when this `fit` began. */
  readonly startStep: number;
  /** The step at which this `fit` will end if not stopped. */
  readonly endStep: number;
  /** Batch size of this run. */
  readonly batchSize: number;
}

/** The result of {@link Trainer.fit}. */
export interface TrainingHistory {
  /** One entry per step trained by this `fit`. */
  readonly logs: readonly StepLogs[];
  /** True when an AbortSignal stopped the run before `endStep`. */
  readonly aborted: boolean;
}

/**
 * Hooks into the training loop. Callbacks see plain numbers and the trainer; they own no tensors (any
 * tensor they make, such as a sample grid, they dispose themselves).
 */
export interface Callback {
  /** Called once before the first step of a `fit`. */
  onTrainBegin?(context: TrainingContext): void | Promise<void>;
  /** Called after every step. */
  onStepEnd?(logs: StepLogs, context: TrainingContext): void | Promise<void>;
  /** Called once when the `fit` ends, normally or by abort (not when it fails). */
  onTrainEnd?(history: TrainingHistory, context: TrainingContext): void | Promise<void>;
}
