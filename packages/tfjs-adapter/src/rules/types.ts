/**
 * The shape of a tf-ops rule: one registry optimizer's update written in TensorFlow.js ops,
 * an optional speed-up beside the optimizer package's rule (the f64 reference, which the
 * tests hold every tf-ops rule to). The engine (registry-ops.ts) calls a rule inside
 * `tf.tidy`, with the gradients already clipped and the learning rate already scheduled;
 * the rule assigns the new values to the variables and slots and never reads data back
 * from the backend.
 */
import type * as tf from '@tensorflow/tfjs-core';

/** Hyper-parameters as the optimizer package's `hyperParameters` holds them. */
export type TfHyperParameters = Readonly<Record<string, number | boolean>>;

/** One variable as a rule sees it in an update. */
export interface TfTensorUpdate {
  /** The variable's name. */
  readonly name: string;
  /** The variable (the parameters), assigned in place. */
  readonly variable: tf.Variable;
  /** Its gradient (read only). */
  readonly gradient: tf.Tensor;
  /** Its slots by slot name (the registry rule's `slotNames`), each of the variable's shape. */
  readonly slots: Readonly<Record<string, tf.Variable>>;
}

/** What an update knows beyond the tensors. */
export interface TfStepContext {
  /** The step being taken, 1-based (as the optimizer package's `UpdateContext.step`). */
  readonly step: number;
  /**
   * Global scalars that depend only on the step and the hyper-parameters (e.g.
   * Schedule-Free's weight sum), on the host in f64, changed in place by the rule.
   */
  readonly scalars: Record<string, number>;
  /**
   * Global scalars that depend on the data (e.g. Prodigy's d), kept on the backend as scalar
   * variables so that a step never waits for a download; the rule assigns them.
   */
  readonly deviceScalars: Readonly<Record<string, tf.Variable>>;
}

/**
 * A registry optimizer's update in tfjs ops. Its slots and scalars are the registry rule's,
 * by the same names (so `getWeights` / `setWeights` and saved models are the same for both
 * paths); a test checks them against the optimizer package's `initArrays`.
 */
export interface TfRule {
  /** The per-variable slots, in the registry rule's order. */
  readonly slotNames: readonly string[];
  /** Slots that start as a copy of the variable; the others start at 0. */
  readonly copiedSlots?: readonly string[];
  /** The scalars kept on the backend ({@link TfStepContext.deviceScalars}); the rest stay on the host. */
  readonly deviceScalars?: readonly string[];
  /**
   * One update of every variable, in place. Anything that can throw (a missing option) is
   * checked before the first assignment, so a throwing step changes nothing.
   */
  update(
    tensors: readonly TfTensorUpdate[],
    hyperParameters: TfHyperParameters,
    context: TfStepContext,
  ): void;
}
