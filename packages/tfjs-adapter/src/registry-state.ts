/**
 * What the two update paths of `RegistryOptimizer` share: the variables of one step, the
 * saved state in the form `getWeights` / `setWeights` exchange, and the interface each path
 * implements (registry-ops.ts: the rule in tfjs ops; registry-download.ts: the optimizer
 * package's f64 rule on downloaded values).
 */
import type * as tf from '@tensorflow/tfjs-core';

/** One variable with its gradient, checked (registered, same shape). */
export interface VariableGradient {
  /** The variable's name. */
  readonly name: string;
  /** The variable. */
  readonly variable: tf.Variable;
  /** Its gradient. */
  readonly gradient: tf.Tensor;
}

/** A state as `setWeights` received it, checked against the optimizer's slots and scalars. */
export interface SavedState {
  /** Updates taken. */
  readonly step: number;
  /** The variables the slots belong to, in the order of the slots. */
  readonly names: readonly string[];
  /** Slot values keyed `<variable>/<slot>` (flat, float32 as tfjs saves weights). */
  readonly slots: ReadonlyMap<string, Float32Array>;
  /** Global scalars by name (those of the optimizer, in its order). */
  readonly scalars: Readonly<Record<string, number>>;
}

/** One way of running a registry optimizer's update in tfjs. */
export interface UpdatePath {
  /** `'ops'` (the rule in tfjs ops) or `'download'` (the f64 rule on downloaded values). */
  readonly kind: 'ops' | 'download';
  /** The variables the state is for, in order; undefined before the first step or restore. */
  readonly names: readonly string[] | undefined;
  /** One update of these variables (the caller checked them and their order). */
  step(pairs: readonly VariableGradient[]): void;
  /**
   * The state as new named tensors, `<variable>/<slot>` (flat float32) then
   * `optimizer/scalars/<name>` (shape [1]); the caller disposes them.
   */
  weights(): { name: string; tensor: tf.Tensor }[];
  /** Replaces the state (copies the values). */
  restore(saved: SavedState): void;
  /** Releases every tensor of the state; the state restarts. */
  dispose(): void;
}

/** The prefix of a global scalar's name in `getWeights()`. */
export const SCALARS = 'optimizer/scalars/';
