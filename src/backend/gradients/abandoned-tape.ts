/**
 * Cleaning up after a gradient computation that threw.
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs';

/**
 * Frees what a gradient computation that threw left behind. tfjs keeps the tensors that the tape saves
 * for the backward pass and frees them only when the outermost gradient completes; when it throws
 * instead, they stay alive and the tape stays attached to the engine. Outside any gradient computation
 * the tape is garbage: this frees its saved tensors and detaches it, as tfjs does after a successful
 * gradient. A no-op inside a gradient computation.
 */
export function releaseAbandonedTape(): void {
  const state = tf.engine().state;
  if (state.gradientDepth !== 0 || state.activeTape == null) return;
  for (const node of state.activeTape) {
    for (const tensor of node.saved ?? []) tensor.dispose();
  }
  state.activeTape = null as unknown as typeof state.activeTape;
}
