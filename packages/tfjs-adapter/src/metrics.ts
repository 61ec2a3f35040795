/**
 * The split of cross-entropy as `compile` metrics (apps/docs/theory.md#dual-processes): `divergence` KL(p‖q) and
 * `targetEntropy` H(p) add up to the cross-entropy; `predictionEntropy` H(q) is telemetry this
 * project adds (not from the papers), falling as the network grows confident. tfjs-layers
 * names a metric after its function, so the logs read `divergence`, `val_divergence`, ….
 *
 * @example
 * ```ts
 * model.compile({
 *   optimizer: dualProcess(),
 *   loss: crossEntropy,
 *   metrics: ['accuracy', divergence, targetEntropy, predictionEntropy],
 * });
 * ```
 */
import * as tf from '@tensorflow/tfjs-core';
import { entropy, klDivergence } from './losses.js';

/** KL(p ‖ q) per row in nats: the part of the cross-entropy the network can still reduce. */
export function divergence(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  return klDivergence(yTrue, yPred);
}

/** H(p) per row in nats: the target's own entropy, 0 for one-hot targets (apps/docs/theory.md#dual-processes). */
export function targetEntropy(yTrue: tf.Tensor, _yPred: tf.Tensor): tf.Tensor {
  return entropy(yTrue);
}

/**
 * H(q) per row in nats: the entropy of the prediction (rows normalised to sum 1). Telemetry,
 * not part of the papers' split.
 */
export function predictionEntropy(_yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  return tf.tidy(() => entropy(tf.div(yPred, tf.sum(yPred, -1, true))));
}
