import type { SampleLabels } from './labels.js';

/** Options of {@link Generator.sample}. */
export interface SampleOptions {
  /** Number of samples, >= 1; with `labels: 'all'`, the number of samples per class. */
  readonly count: number;
  /** Seed of the latent draw; the same seed gives the same latents on every backend. */
  readonly seed?: number | undefined;
  /**
   * The classes of a conditional generator: one class (id or name) for all samples, one per sample, or
   * `'all'`: `count` samples of every class, ordered class by class (class 0 first), the same `count`
   * latents in every class, so a grid with `columns: count` shows one row per class and one latent per
   * column. Required when conditional, forbidden otherwise.
   */
  readonly labels?: SampleLabels | undefined;
  /**
   * Truncation. For most generators a threshold: latent components beyond it (in std) are redrawn. For a
   * style-based generator ({@link Generator.style}) the truncation ψ >= 0 in W: every intermediate latent
   * moves towards the tracked mean, `w' = w_avg + ψ (w − w_avg)` (1 = none, 0 = the mean image).
   */
  readonly truncation?: number | undefined;
}
