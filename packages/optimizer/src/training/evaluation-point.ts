/**
 * The point a model is evaluated and saved at. For most optimizers it is the parameters
 * themselves; an optimizer whose parameters hold the point the gradients are taken at
 * names the slot that holds the point to evaluate (`Optimizer.evaluationSlot`, e.g.
 * Schedule-Free's x, arXiv 2405.15682: evaluating y instead gives worse numbers).
 */
import type { Checkpoint } from '../checkpoints/types.js';
import { optimizerFromConfig } from '../optimizers/config.js';
import { slotKey } from '../optimizers/engine.js';
import type { Optimizer, OptimizerState, ParameterTensor } from '../optimizers/types.js';

/** The evaluation slot of every parameter, or undefined when the parameters are the model. */
function evaluationSlots(
  optimizer: Optimizer,
  parameters: readonly ParameterTensor[],
  state: OptimizerState,
) {
  const slot = optimizer.evaluationSlot;
  if (slot === undefined) return undefined;
  return parameters.map((parameter) => {
    const buffer = state.slots.get(slotKey(parameter.name, slot));
    if (!buffer || buffer.length !== parameter.value.length) {
      throw new RangeError(
        `train: the optimizer state has no evaluation slot "${slotKey(parameter.name, slot)}"`,
      );
    }
    return buffer;
  });
}

/**
 * Runs `fn` with the parameters at the evaluation point, then puts the training point back
 * exactly (a copy of its values is kept meanwhile).
 */
export function atEvaluationPoint<T>(
  optimizer: Optimizer,
  parameters: readonly ParameterTensor[],
  state: OptimizerState,
  fn: () => T,
): T {
  const slots = evaluationSlots(optimizer, parameters, state);
  if (!slots) return fn();
  const training = parameters.map((p) => p.value.view.slice(0, p.value.length));
  parameters.forEach((p, i) => {
    p.value.view.set(slots[i].view.subarray(0, p.value.length));
  });
  try {
    return fn();
  } finally {
    parameters.forEach((p, i) => {
      p.value.view.set(training[i]);
    });
  }
}

/** Leaves the parameters at the evaluation point (for the model a finished run returns). */
export function moveToEvaluationPoint(
  optimizer: Optimizer,
  parameters: readonly ParameterTensor[],
  state: OptimizerState,
): void {
  const slots = evaluationSlots(optimizer, parameters, state);
  if (!slots) return;
  parameters.forEach((p, i) => {
    p.value.view.set(slots[i].view.subarray(0, p.value.length));
  });
}

/**
 * The weights of a checkpoint's model at its optimizer's evaluation point: `weights` itself
 * for most optimizers; for one with an evaluation slot (Schedule-Free's x) that slot's values,
 * since the checkpoint's `weights` hold the training point y (what a resume needs). Use this,
 * not `checkpoint.weights`, to evaluate or ship a checkpoint's model.
 *
 * @throws RangeError for an unknown optimizer in the checkpoint's config, or a missing slot.
 */
export function checkpointModelWeights(checkpoint: Checkpoint): Record<string, Float32Array> {
  const slot = optimizerFromConfig(checkpoint.config.optimizer).evaluationSlot;
  if (slot === undefined) return checkpoint.weights;
  const weights: Record<string, Float32Array> = {};
  for (const name of Object.keys(checkpoint.weights)) {
    const values = checkpoint.optimizerState.slots[slotKey(name, slot)];
    if (values === undefined) {
      throw new RangeError(
        `checkpointModelWeights: the checkpoint has no evaluation slot "${slotKey(name, slot)}"`,
      );
    }
    weights[name] = values;
  }
  return weights;
}
