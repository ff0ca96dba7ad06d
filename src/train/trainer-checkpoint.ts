/**
 * The trainer's save and load as functions, for the public `io` namespace (`io.saveTrainer`,
 * `io.loadTrainer`); the same as {@link Trainer.save} and {@link Trainer.load}.
 *
 * @packageDocumentation
 */
import type { SaveOptions } from '../io/checkpoint.js';
import type { CheckpointLocation } from '../io/checkpoint-store.js';
import { Trainer } from './trainer.js';
import type { LoadOverrides } from './trainer-serialization.js';

export type { LoadOverrides } from './trainer-serialization.js';

/**
 * Saves the whole training state atomically; see {@link Trainer.save}.
 * @throws CheckpointError when the files cannot be written.
 */
export function saveTrainer(trainer: Trainer, url: CheckpointLocation, options: SaveOptions = {}): Promise<void> {
  return trainer.save(url, options);
}

/**
 * Loads a trainer saved by {@link saveTrainer}, ready to continue exactly where it stopped; see {@link Trainer.load}.
 * @throws CheckpointError when the checkpoint is missing or corrupt.
 */
export function loadTrainer(url: CheckpointLocation, overrides: LoadOverrides = {}): Promise<Trainer> {
  return Trainer.load(url, overrides);
}
