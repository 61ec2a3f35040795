/**
 * Schedule-Free SGD and AdamW (Defazio et al., arXiv 2405.15682) in tfjs ops. The variables
 * hold y, the point the gradients are taken at; the slots `z` (the base iterate) and `x`
 * (the average, the point to evaluate and save) start as copies of the variables. With k the
 * 0-based step, η_k and the averaging weight c are computed on the host (they depend only on
 * the step and the options) and update the host scalars `weightSum` and `maxLearningRate`:
 *
 *     η_k = η·min(1, (k + 1)/warm-up),   η_max = max(η_max, η_k),   w_k = (k + 1)^r·η_max^p,   c = w_k/Σw
 *     SGD:   z ← z − η_k·(g + λ·y)
 *     AdamW: z ← z − η_k·λ·y;  v ← β₂v + (1 − β₂)g²;  z ← z − η_k·g/(√(v/(1 − β₂^(k+1))) + ε)
 *     x ← (1 − c)·x + c·z,   y ← β·x + (1 − β)·z
 */
import * as tf from '@tensorflow/tfjs-core';
import type { TfHyperParameters, TfRule, TfStepContext } from './types.js';

/** η_k and c of this step; updates Σw and η_max in the context's host scalars. */
function schedule(h: TfHyperParameters, context: TfStepContext): { rate: number; c: number } {
  const k = context.step - 1;
  const warmup = h.warmupSteps as number;
  const base = h.learningRate as number;
  const rate = warmup > 0 ? base * Math.min(1, (k + 1) / warmup) : base;
  const scalars = context.scalars;
  const maxRate = Math.max(scalars.maxLearningRate, rate);
  const weight =
    (k + 1) ** (h.averagingPower as number) * maxRate ** (h.learningRatePower as number);
  const weightSum = scalars.weightSum + weight;
  scalars.maxLearningRate = maxRate;
  scalars.weightSum = weightSum;
  return { rate, c: weightSum > 0 ? weight / weightSum : 0 };
}

/** x ← (1 − c)x + c·z, then y ← β·x + (1 − β)·z from the new x. */
function average(
  variable: tf.Variable,
  x: tf.Variable,
  z: tf.Tensor,
  c: number,
  beta: number,
): void {
  const average = tf.add(tf.mul(1 - c, x), tf.mul(c, z));
  x.assign(average);
  variable.assign(tf.add(tf.mul(beta, average), tf.mul(1 - beta, z)));
}

/** `scheduleFreeSgd`. */
export const scheduleFreeSgdTfRule: TfRule = {
  slotNames: ['z', 'x'],
  copiedSlots: ['z', 'x'],
  update(tensors, h, context) {
    const { rate, c } = schedule(h, context);
    const lambda = h.weightDecay as number;
    const eta = tf.scalar(rate);
    for (const { variable, gradient, slots } of tensors) {
      const direction = lambda > 0 ? tf.add(gradient, tf.mul(lambda, variable)) : gradient;
      const z = tf.sub(slots.z, tf.mul(eta, direction));
      slots.z.assign(z);
      average(variable, slots.x, z, c, h.momentum as number);
    }
  },
};

/** `scheduleFreeAdamW`. */
export const scheduleFreeAdamWTfRule: TfRule = {
  slotNames: ['z', 'x', 'secondMoment'],
  copiedSlots: ['z', 'x'],
  update(tensors, h, context) {
    const { rate, c } = schedule(h, context);
    const beta2 = h.beta2 as number;
    const lambda = h.weightDecay as number;
    const eta = tf.scalar(rate);
    const correction = tf.scalar(1 / (1 - beta2 ** context.step));
    const epsilon = tf.scalar(h.epsilon as number);
    for (const { variable, gradient, slots } of tensors) {
      const decayed = lambda > 0 ? tf.sub(slots.z, tf.mul(rate * lambda, variable)) : slots.z;
      const v = tf.add(tf.mul(beta2, slots.secondMoment), tf.mul(1 - beta2, tf.square(gradient)));
      slots.secondMoment.assign(v);
      const z = tf.sub(
        decayed,
        tf.div(tf.mul(eta, gradient), tf.add(tf.sqrt(tf.mul(v, correction)), epsilon)),
      );
      slots.z.assign(z);
      average(variable, slots.x, z, c, h.beta1 as number);
    }
  },
};
