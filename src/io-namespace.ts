/**
 * The public `io` namespace: images, sample grids and checkpoints (src/io), and the trainer's save and
 * load as functions (from src/train, which io itself never imports).
 *
 * @packageDocumentation
 */
export * from './io/index.js';
export { type LoadOverrides, loadTrainer, saveTrainer } from './train/trainer-checkpoint.js';
