/**
 * Momentum in the tfjs / PyTorch convention in tfjs ops (Polyak 1964; Sutskever et al.,
 * ICML 2013): v ← μ·v + g, w ← w − η·v, with Nesterov w ← w − η·(g + μ·v) using the new v.
 * One slot `velocity`.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { TfRule } from './types.js';

/** `momentum` (and the `nesterov` preset). */
export const momentumRule: TfRule = {
  slotNames: ['velocity'],
  update(tensors, h) {
    const eta = tf.scalar(h.learningRate as number);
    const mu = tf.scalar(h.momentum as number);
    for (const { variable, gradient, slots } of tensors) {
      const velocity = tf.add(tf.mul(mu, slots.velocity), gradient);
      slots.velocity.assign(velocity);
      const step = h.nesterov === true ? tf.add(gradient, tf.mul(mu, velocity)) : velocity;
      variable.assign(tf.sub(variable, tf.mul(eta, step)));
    }
  },
};
