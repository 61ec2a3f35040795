/**
 * Optimizer state as plain data and back, e.g. for checkpoints.
 */
import type { F32Buffer, Kernels } from '@dualphi/core-wasm';
import type { OptimizerState, SerializedOptimizerState } from './types.js';

/** @throws TypeError unless `state` is an {@link OptimizerState} (from `optimizer.init`). */
function checkState(context: string, state: unknown): void {
  const slots = (state as { slots?: unknown } | null)?.slots;
  if (state === null || typeof state !== 'object' || !(slots instanceof Map)) {
    throw new TypeError(
      `${context}: "state" must be an optimizer state from optimizer.init() or restoreOptimizerState()`,
    );
  }
}

/**
 * Copies the state out of the kernels' memory: `step` and a `Float32Array` per slot.
 *
 * @throws TypeError unless `state` is an optimizer state.
 */
export function serializeOptimizerState(state: OptimizerState): SerializedOptimizerState {
  checkState('serializeOptimizerState', state);
  const slots: Record<string, Float32Array> = {};
  for (const [key, buffer] of state.slots) slots[key] = buffer.view.slice(0, buffer.length);
  return state.scalars === undefined
    ? { step: state.step, slots }
    : { step: state.step, slots, scalars: { ...state.scalars } };
}

/**
 * Allocates the slots of a serialized state in `kernels` (copies); its scalars are copied.
 *
 * @throws TypeError when `kernels` is not a kernel set.
 * @throws RangeError when `step` is not a non-negative integer, a slot is not a non-empty
 *   `Float32Array` or a scalar is not a finite number, and whatever `kernels.allocFrom`
 *   throws; nothing stays allocated then.
 */
export function restoreOptimizerState(
  kernels: Kernels,
  serialized: SerializedOptimizerState,
): OptimizerState {
  if (kernels === null || typeof kernels !== 'object' || typeof kernels.allocFrom !== 'function') {
    throw new TypeError(
      'restoreOptimizerState: "kernels" must be a kernel set from loadKernels() or createReferenceKernels()',
    );
  }
  if (!Number.isSafeInteger(serialized?.step) || serialized.step < 0) {
    throw new RangeError(
      `restoreOptimizerState: "step" must be an integer ≥ 0, got ${String(serialized?.step)}`,
    );
  }
  if (serialized.slots === null || typeof serialized.slots !== 'object') {
    throw new RangeError('restoreOptimizerState: "slots" must be an object of Float32Arrays');
  }
  for (const [key, values] of Object.entries(serialized.slots)) {
    if (!(values instanceof Float32Array) || values.length === 0) {
      throw new RangeError(`restoreOptimizerState: slot "${key}" must be a non-empty Float32Array`);
    }
  }
  const scalars = serialized.scalars;
  if (scalars !== undefined) {
    if (scalars === null || typeof scalars !== 'object') {
      throw new RangeError('restoreOptimizerState: "scalars" must be an object of numbers');
    }
    for (const [key, value] of Object.entries(scalars)) {
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        throw new RangeError(
          `restoreOptimizerState: scalar "${key}" must be a finite number, got ${String(value)}`,
        );
      }
    }
  }
  const slots = new Map<string, F32Buffer>();
  try {
    for (const [key, values] of Object.entries(serialized.slots)) {
      slots.set(key, kernels.allocFrom(values));
    }
  } catch (error) {
    // An allocation failed (kernel memory full): free the slots already made.
    for (const buffer of slots.values()) buffer.free();
    throw error;
  }
  return scalars === undefined
    ? { step: serialized.step, slots }
    : { step: serialized.step, slots, scalars: { ...scalars } };
}

/**
 * Frees every slot buffer and empties the state (idempotent).
 *
 * @throws TypeError unless `state` is an optimizer state.
 */
export function disposeOptimizerState(state: OptimizerState): void {
  checkState('disposeOptimizerState', state);
  for (const buffer of state.slots.values()) buffer.free();
  state.slots.clear();
}
