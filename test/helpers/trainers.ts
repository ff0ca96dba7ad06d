import type { Trainer } from '../../src/train/trainer.js';

/** Disposes each trainer with the networks it trains (the trainer disposes only its own state). */
export function disposeAll(...trainers: Trainer[]): void {
  for (const trainer of trainers) {
    trainer.generator.dispose();
    trainer.discriminator.dispose();
    trainer.dispose();
  }
}
