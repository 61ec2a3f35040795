/**
 * The delta-form heavy ball in tfjs ops (Jaeger, arXiv 2410.12984, Eq. 32;
 * apps/docs/theory.md#constants): Δw ← α·Δw − η·g, w ← w + Δw, one slot `delta`. It serves
 * the golden pair (`dualProcess`), plain SGD (α = 0) and this project's golden extensions,
 * whose η and α are computed per step on the host from the options (the same formulas as
 * their modules in `@dualphi/optimizer`, held to them by the tests).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { TfHyperParameters, TfRule, TfStepContext, TfTensorUpdate } from './types.js';

/** η and α of one step. */
interface Constants {
  readonly learningRate: number;
  readonly momentum: number;
}

/** One delta-form step of every variable with the given constants. */
function heavyBallStep(tensors: readonly TfTensorUpdate[], { learningRate, momentum }: Constants) {
  const eta = tf.scalar(learningRate);
  const alpha = tf.scalar(momentum);
  for (const { variable, gradient, slots } of tensors) {
    const delta = slots.delta;
    // With α = 0 (SGD) the momentum term is skipped, not multiplied by zero.
    const step =
      momentum === 0
        ? tf.neg(tf.mul(eta, gradient))
        : tf.sub(tf.mul(alpha, delta), tf.mul(eta, gradient));
    delta.assign(step);
    variable.assign(tf.add(variable, step));
  }
}

/** A heavy-ball rule whose η and α come from the options and the step. */
function heavyBall(constants: (h: TfHyperParameters, context: TfStepContext) => Constants): TfRule {
  return {
    slotNames: ['delta'],
    update(tensors, h, context) {
      // Computed (and checked) before anything is assigned.
      heavyBallStep(tensors, constants(h, context));
    },
  };
}

/** The golden pair and any fixed (η, α): `dualProcess`. */
export const dualProcessRule: TfRule = heavyBall((h) => ({
  learningRate: h.learningRate as number,
  momentum: h.momentum as number,
}));

/** Plain SGD: the delta form with α = 0 (its slot `delta` holds −η·g). */
export const sgdRule: TfRule = heavyBall((h) => ({
  learningRate: h.learningRate as number,
  momentum: 0,
}));

/** The batch size B of the batch-aware rules: their `batchSize` option (tfjs gives no run). */
function batchSizeOf(optimizer: string, h: TfHyperParameters): number {
  const configured = h.batchSize as number;
  if (configured > 0) return configured;
  throw new RangeError(
    `${optimizer}: "batchSize" is 0 (the training run's) but tfjs gives an optimizer no training run; pass batchSize`,
  );
}

/** `goldenCosine` (this project's extension): η_t = η*·(f + (1 − f)·½(1 + cos(π·min(t, T)/T))). */
export const goldenCosineRule: TfRule = heavyBall((h, context) => {
  const steps = h.decaySteps as number;
  if (steps === 0) {
    throw new RangeError(
      'goldenCosine: "decaySteps" is 0 (the training run\'s total steps) but tfjs gives an optimizer no training run; pass decaySteps',
    );
  }
  const t = Math.min(context.step - 1, steps);
  const cosine = 0.5 * (1 + Math.cos((Math.PI * t) / steps));
  const floor = h.finalFraction as number;
  return {
    learningRate: (h.learningRate as number) * (floor + (1 - floor) * cosine),
    momentum: h.momentum as number,
  };
});

/** `goldenBatchLinear` (this project's extension): η = η*·B/B₀, α = α*. */
export const goldenBatchLinearRule: TfRule = heavyBall((h) => ({
  learningRate:
    ((h.learningRate as number) * batchSizeOf('goldenBatchLinear', h)) /
    (h.referenceBatchSize as number),
  momentum: h.momentum as number,
}));

/** `goldenBatchHalfLife` (this project's extension): α = α*^(B/B₀), η = (1 − α)². */
export const goldenBatchHalfLifeRule: TfRule = heavyBall((h) => {
  const momentum =
    (h.momentum as number) **
    (batchSizeOf('goldenBatchHalfLife', h) / (h.referenceBatchSize as number));
  return { learningRate: (1 - momentum) ** 2, momentum };
});
