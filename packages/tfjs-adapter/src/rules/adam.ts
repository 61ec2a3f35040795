/**
 * Adam (Kingma & Ba, arXiv 1412.6980) and AdamW (Loshchilov & Hutter, arXiv 1711.05101) in
 * tfjs ops: m ← β₁m + (1 − β₁)g, v ← β₂v + (1 − β₂)g², w ← w − η·λ·w − η·m̂/(√v̂ + ε) with
 * the bias corrections m̂ = m/(1 − β₁ᵗ), v̂ = v/(1 − β₂ᵗ) computed on the host and the decay
 * taken from the old w (the PyTorch order, as the optimizer package). Slots `firstMoment`
 * and `secondMoment`.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { TfHyperParameters, TfRule } from './types.js';

function adamRule(weightDecay: (h: TfHyperParameters) => number): TfRule {
  return {
    slotNames: ['firstMoment', 'secondMoment'],
    update(tensors, h, { step }) {
      const eta = h.learningRate as number;
      const beta1 = h.beta1 as number;
      const beta2 = h.beta2 as number;
      const lambda = weightDecay(h);
      const b1 = tf.scalar(beta1);
      const oneMinusB1 = tf.scalar(1 - beta1);
      const b2 = tf.scalar(beta2);
      const oneMinusB2 = tf.scalar(1 - beta2);
      // η·m̂ = (η/(1 − β₁ᵗ))·m and v̂ = v·(1/(1 − β₂ᵗ)), the corrections folded into scalars.
      const stepSize = tf.scalar(eta / (1 - beta1 ** step));
      const secondCorrection = tf.scalar(1 / (1 - beta2 ** step));
      const epsilon = tf.scalar(h.epsilon as number);
      const decay = tf.scalar(eta * lambda);
      for (const { variable, gradient, slots } of tensors) {
        const m = tf.add(tf.mul(b1, slots.firstMoment), tf.mul(oneMinusB1, gradient));
        const v = tf.add(tf.mul(b2, slots.secondMoment), tf.mul(oneMinusB2, tf.square(gradient)));
        slots.firstMoment.assign(m);
        slots.secondMoment.assign(v);
        const adaptive = tf.div(
          tf.mul(stepSize, m),
          tf.add(tf.sqrt(tf.mul(v, secondCorrection)), epsilon),
        );
        const decayed = lambda > 0 ? tf.sub(variable, tf.mul(decay, variable)) : variable;
        variable.assign(tf.sub(decayed, adaptive));
      }
    },
  };
}

/** `adam`. */
export const adamTfRule: TfRule = adamRule(() => 0);

/** `adamw`: Adam with its decoupled weight decay λ. */
export const adamwTfRule: TfRule = adamRule((h) => h.weightDecay as number);
