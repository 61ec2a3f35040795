/**
 * Prodigy (Mishchenko & Defazio, arXiv 2306.06101, Algorithm 3 in its Adam form) in tfjs ops,
 * the same step as the optimizer package's module: with d the estimate of the previous step,
 *
 *     dlr = d·η,   r ← β₃·r + (d/d₀)·dlr·Σ⟨g, x₀ − x⟩,   s ← β₃·s + (d/d₀)·dlr·g
 *     m ← β₁·m + (1 − β₁)·d·g,   v ← β₂·v + (1 − β₂)·d²·g²
 *     d̂ = d_coef·r/Σ‖s‖₁,   d_max ← max(d_max, d̂),   d ← max(d, d_max)   (skipped when Σ‖s‖₁ = 0)
 *     x ← x − λ·dlr·x − dlr·m/(√v + d·ε)                                  (ε with the new d)
 *
 * The global sums r and Σ‖s‖₁ and the scalars d, d_max and r stay on the backend as scalar
 * tensors (no download in the step: the skip is a select, not a branch). Slots
 * `displacement` (x₀ − x, summed from the steps as the optimizer package keeps it),
 * `distance` (s), `firstMoment`, `secondMoment`.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { TfRule } from './types.js';

/** `prodigy`. */
export const prodigyTfRule: TfRule = {
  slotNames: ['displacement', 'distance', 'firstMoment', 'secondMoment'],
  deviceScalars: ['d', 'dMax', 'numerator'],
  update(tensors, h, { deviceScalars }) {
    const beta1 = h.beta1 as number;
    const beta2 = h.beta2 as number;
    const beta3 = h.beta3 as number;
    const lambda = h.weightDecay as number;
    const d = deviceScalars.d;
    const dlr = tf.mul(d, h.learningRate as number);
    const scale = tf.mul(tf.div(d, h.d0 as number), dlr);
    const dGradient = tf.mul(d, 1 - beta1);
    const d2Gradient = tf.mul(tf.square(d), 1 - beta2);
    const dots: tf.Tensor[] = [];
    const norms: tf.Tensor[] = [];
    for (const { gradient, slots } of tensors) {
      dots.push(tf.sum(tf.mul(gradient, slots.displacement)));
      slots.firstMoment.assign(
        tf.add(tf.mul(beta1, slots.firstMoment), tf.mul(dGradient, gradient)),
      );
      slots.secondMoment.assign(
        tf.add(tf.mul(beta2, slots.secondMoment), tf.mul(d2Gradient, tf.square(gradient))),
      );
      const s = tf.add(tf.mul(beta3, slots.distance), tf.mul(scale, gradient));
      slots.distance.assign(s);
      norms.push(tf.sum(tf.abs(s)));
    }
    const numerator = tf.add(tf.mul(beta3, deviceScalars.numerator), tf.mul(scale, tf.addN(dots)));
    const denominator = tf.addN(norms);
    deviceScalars.numerator.assign(numerator);
    // Σ‖s‖₁ = 0 leaves d, d_max and the parameters as they were (the reference returns early).
    const moves = tf.greater(denominator, 0);
    const estimate = tf.div(tf.mul(numerator, h.dCoefficient as number), denominator);
    const dMax = tf.where(moves, tf.maximum(deviceScalars.dMax, estimate), deviceScalars.dMax);
    const next = tf.where(moves, tf.maximum(d, dMax), d);
    const keep = tf.cast(moves, 'float32');
    const epsilon = tf.mul(next, h.epsilon as number);
    for (const { variable, slots } of tensors) {
      let step = tf.div(
        tf.mul(dlr, slots.firstMoment),
        tf.add(tf.sqrt(slots.secondMoment), epsilon),
      );
      if (lambda > 0) step = tf.add(tf.mul(tf.mul(dlr, lambda), variable), step);
      step = tf.mul(step, keep);
      variable.assign(tf.sub(variable, step));
      slots.displacement.assign(tf.add(slots.displacement, step));
    }
    deviceScalars.dMax.assign(dMax);
    deviceScalars.d.assign(next);
  },
};
