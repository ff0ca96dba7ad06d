/**
 * The training step's guard against bad updates: a snapshot of everything a step changes, restored when
 * the step fails, and one fused check that the step left every value finite.
 *
 * The snapshot costs no copy: tfjs variables never change in place (`assign` points a variable at new
 * data), so a clone of each value, taken before the step, keeps the old data alive until the step is
 * known good. Restoring points each variable back at its old data: the values are exactly those after
 * the last good step, bit for bit.
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs';

import { simdNonFiniteSum } from '../backend/simd/simd-module.js';
import type { PenaltyState } from '../losses/penalty.js';

/** An optimizer's per-variable state as tfjs keeps it: `{ originalName, variable }` entries by position. */
type StateSlots = Array<{ originalName?: string; variable: tf.Variable } | undefined>;

/** The fields of a tfjs optimizer the snapshot reads: its step count and its state (private in typings). */
interface OptimizerFields {
  iterations_: number;
  [field: string]: unknown;
}

function isVariable(value: unknown): value is tf.Variable {
  return value instanceof tf.Variable;
}

/** A list of state slots: an array (empty before the first update) whose entries are slots or empty. */
function isStateSlots(value: unknown): value is StateSlots {
  return Array.isArray(value) && value.every((slot) => slot == null || (typeof slot === 'object' && isVariable((slot as { variable?: unknown }).variable)));
}

/**
 * The state variables of a tfjs optimizer: its scalar variables (Adam's and Adamax's `accBeta1`,
 * `accBeta2`, Adamax's `iteration`) and its per-variable slot lists (moments, accumulators). Found by
 * their types, so that every optimizer of tfjs (and a subclass such as `FusedAdamOptimizer`) is covered.
 */
function optimizerFields(optimizer: tf.Optimizer): { scalars: tf.Variable[]; slotLists: StateSlots[] } {
  const scalars: tf.Variable[] = [];
  const slotLists: StateSlots[] = [];
  for (const value of Object.values(optimizer as unknown as OptimizerFields)) {
    if (isVariable(value)) scalars.push(value);
    else if (isStateSlots(value)) slotLists.push(value);
  }
  return { scalars, slotLists };
}

/** The variables of an optimizer's state that exist now. */
export function optimizerStateVariables(optimizer: tf.Optimizer): tf.Variable[] {
  const { scalars, slotLists } = optimizerFields(optimizer);
  return [...scalars, ...slotLists.flatMap((slots) => slots.flatMap((slot) => (slot ? [slot.variable] : [])))];
}

/** One optimizer's saved state: its step count, the values of its variables, and its slot lists as they were. */
interface OptimizerSnapshot {
  readonly optimizer: tf.Optimizer;
  readonly iterations: number;
  readonly slotLists: ReadonlyArray<{ readonly list: StateSlots; readonly slots: StateSlots }>;
}

/**
 * Everything one training step may change, as it was before the step: the weights of the given models
 * (trainable and not: batch-norm statistics change in the forward pass), the optimizers' state, and the
 * state of stateful penalties (LeCam's moving averages).
 * {@link StepSnapshot.restore} puts it all back; {@link StepSnapshot.dispose} lets it go.
 */
export class StepSnapshot {
  private constructor(
    private readonly values: ReadonlyArray<{ readonly variable: tf.Variable; readonly saved: tf.Tensor }>,
    private readonly optimizers: readonly OptimizerSnapshot[],
    private readonly penaltyStates: ReadonlyArray<{ readonly state: PenaltyState; readonly saved: Readonly<Record<string, number>> }>,
  ) {}

  /**
   * Takes the snapshot: a clone (shared data, no copy) of every variable, each optimizer's slots and step
   * count, and each stateful penalty's state (plain numbers).
   */
  static take(models: readonly tf.LayersModel[], optimizers: readonly tf.Optimizer[], penaltyStates: readonly PenaltyState[] = []): StepSnapshot {
    const variables = new Set<tf.Variable>();
    for (const model of models) for (const weight of model.weights) variables.add(weight.read() as tf.Variable);
    const saved: OptimizerSnapshot[] = optimizers.map((optimizer) => {
      for (const variable of optimizerStateVariables(optimizer)) variables.add(variable);
      const { slotLists } = optimizerFields(optimizer);
      return {
        optimizer,
        iterations: (optimizer as unknown as OptimizerFields).iterations_,
        slotLists: slotLists.map((list) => ({ list, slots: [...list] })),
      };
    });
    const values = [...variables].map((variable) => ({ variable, saved: tf.clone(variable) }));
    return new StepSnapshot(values, saved, penaltyStates.map((state) => ({ state, saved: { ...state.get() } })));
  }

  /**
   * Puts every value back as it was when the snapshot was taken, and frees the optimizer state that the
   * step created (the first step creates the moments). Then disposes the snapshot.
   */
  restore(): void {
    for (const { variable, saved } of this.values) {
      if (!variable.isDisposed) variable.assign(saved);
    }
    for (const { optimizer, iterations, slotLists } of this.optimizers) {
      (optimizer as unknown as OptimizerFields).iterations_ = iterations;
      for (const { list, slots } of slotLists) {
        const kept = new Set(slots);
        for (const slot of list) if (slot != null && !kept.has(slot) && !slot.variable.isDisposed) slot.variable.dispose();
        list.length = slots.length;
        slots.forEach((slot, i) => (list[i] = slot));
      }
    }
    for (const { state, saved } of this.penaltyStates) state.set(saved);
    this.dispose();
  }

  /** Frees the saved values (the variables keep their own). */
  dispose(): void {
    for (const { saved } of this.values) saved.dispose();
  }
}

/**
 * A scalar that is 0 when every element of `tensors` is finite and NaN otherwise: `sum(x - x)` per
 * tensor (0 for a finite element, NaN for NaN and ±Infinity), added up. Never overflows, unlike `sum(x)`.
 * Read it together with the step's other scalars: the check then costs no extra wait for the backend.
 * On wasm, tfjs-gan's SIMD128 module reads every tensor once where it lies (a step checks some 60 tensors
 * of a few million values: two kernels and a written copy each otherwise); elsewhere tfjs's kernels.
 * The per-tensor sums are stacked, not passed to one `addN`: webgpu's `addN` binds every input to one
 * shader and fails past the device's storage-buffer limit (8 by default), which left the flag 0 and
 * the other kernels submitted with it unrun; `stack` (a concat) splits its inputs to fit.
 */
export function nonFiniteFlag(tensors: readonly tf.Tensor[]): tf.Scalar {
  const floats = tensors.filter((t) => t.dtype === 'float32');
  if (floats.length === 0) return tf.scalar(0);
  const read = simdNonFiniteSum(tf.backend(), floats);
  if (read !== undefined) return tf.scalar(read);
  return tf.tidy(() => tf.sum(tf.stack(floats.map((t) => tf.sum(tf.sub(t, t))))));
}
