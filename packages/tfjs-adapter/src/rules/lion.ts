/**
 * Lion (Chen et al., arXiv 2302.06675, Algorithm 2) in tfjs ops:
 * c = β₁m + (1 − β₁)g, w ← w − η·(sign(c) + λ·w), m ← β₂m + (1 − β₂)g, with sign(0) = 0 (as
 * `tf.sign`) and the decay taken from the old w. One slot `momentum`.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { TfRule } from './types.js';

/** `lion`. */
export const lionTfRule: TfRule = {
  slotNames: ['momentum'],
  update(tensors, h) {
    const beta1 = h.beta1 as number;
    const beta2 = h.beta2 as number;
    const lambda = h.weightDecay as number;
    const eta = tf.scalar(h.learningRate as number);
    const decay = tf.scalar(lambda);
    for (const { variable, gradient, slots } of tensors) {
      const m = slots.momentum;
      const c = tf.add(tf.mul(beta1, m), tf.mul(1 - beta1, gradient));
      const direction = lambda > 0 ? tf.add(tf.sign(c), tf.mul(decay, variable)) : tf.sign(c);
      variable.assign(tf.sub(variable, tf.mul(eta, direction)));
      m.assign(tf.add(tf.mul(beta2, m), tf.mul(1 - beta2, gradient)));
    }
  },
};
