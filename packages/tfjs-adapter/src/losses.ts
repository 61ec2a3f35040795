/**
 * Cross-entropy and its two parts for `model.compile` (apps/docs/theory.md#dual-processes;
 * J21, arXiv 2104.13277, names a KL process and an entropy process; reading the entropy as the
 * targets' H(p) is this project's interpretation): for a target row p and a predicted row q,
 *
 *     H(p, q) = H(p) + KL(p ‖ q)      H(p) = −Σ p log p      KL(p‖q) = Σ p log(p/q)
 *
 * Every function takes `(yTrue, yPred)` with probability rows in the last axis (yPred the
 * output of a softmax layer, as for tfjs-layers' `categoricalCrossentropy`) and returns one
 * value per row in nats; tfjs-layers averages over the batch. Predictions are normalised to
 * sum to 1 and clipped to [ε, 1 − ε] (ε = the backend's epsilon, 1e-7 on cpu and wasm) exactly
 * as tfjs-layers does, so `crossEntropy` equals its `categoricalCrossentropy` and the split
 * holds exactly: crossEntropy = targetEntropy + divergence. Targets follow 0·log 0 = 0.
 */
import * as tf from '@tensorflow/tfjs-core';

/** p·log p with 0·log 0 = 0 (no NaN where p = 0, neither forward nor backward). */
function xLogX(p: tf.Tensor): tf.Tensor {
  return tf.mul(p, tf.log(tf.where(tf.greater(p, 0), p, tf.onesLike(p))));
}

/** Predictions as the loss sees them: rows normalised to sum 1, clipped to [ε, 1 − ε]. */
function clippedPrediction(yPred: tf.Tensor): tf.Tensor {
  const epsilon = tf.backend().epsilon();
  const normalised = tf.div(yPred, tf.sum(yPred, -1, true));
  return tf.clipByValue(normalised, epsilon, 1 - epsilon);
}

/**
 * Shannon entropy H(p) = −Σ p log p of each probability row (last axis), in nats, with
 * 0·log 0 = 0. Passed as a `compile` metric it is called with `(yTrue, yPred)` and reports the
 * targets' entropy H(p), the `entropy` of `@dualphi/optimizer`'s loss split (the same values as
 * {@link targetEntropy}); {@link predictionEntropy} reports H(q).
 */
export function entropy(probabilities: tf.Tensor): tf.Tensor {
  // 0 − Σ rather than −Σ: a one-hot row has entropy +0, not −0.
  return tf.tidy(() => tf.sub(0, tf.sum(xLogX(tf.cast(probabilities, 'float32')), -1)));
}

/**
 * Cross-entropy H(p, q) = −Σ p log q per row (apps/docs/theory.md#dual-processes): the loss the dual process model
 * minimises, equal to tfjs-layers' `categoricalCrossentropy`. Use as `loss: crossEntropy`.
 */
export function crossEntropy(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  return tf.tidy(() =>
    tf.neg(tf.sum(tf.mul(tf.cast(yTrue, 'float32'), tf.log(clippedPrediction(yPred))), -1)),
  );
}

/**
 * Kullback–Leibler divergence KL(p ‖ q) = Σ p log(p/q) per row (apps/docs/theory.md#dual-processes), with
 * 0·log 0 = 0; the part of cross-entropy the prediction can reduce. Usable as a loss
 * (`loss: klDivergence`, same gradient as {@link crossEntropy} since H(p) does not depend on
 * the prediction) or as a metric. Unlike tfjs-layers' `kullbackLeiblerDivergence` it does not
 * clip the targets, so crossEntropy = targetEntropy + klDivergence holds exactly.
 */
export function klDivergence(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const p = tf.cast(yTrue, 'float32');
    return tf.sum(tf.sub(xLogX(p), tf.mul(p, tf.log(clippedPrediction(yPred)))), -1);
  });
}
