/**
 * Reference fused softmax cross-entropy (apps/docs/theory.md#dual-processes), written for clarity rather than
 * speed: per row, the softmax q of the logits z, then the cross-entropy against the targets
 * p and its split H(p, q) = H(p) + KL(p‖q), the prediction entropy H(q) (telemetry, not
 * from the papers), and the gradient of the batch-mean cross-entropy, (q − p) / rows.
 *
 * Stability: log q_k = (z_k − max z) − log Σ_j exp(z_j − max z) is computed from the
 * logits, never as log(q_k), so it stays finite for any finite logits even where q_k
 * underflows to 0, and exp never sees a positive argument.
 */
import type { SoftmaxCrossEntropyResult } from '../types.js';

/** Targets of one batch: a class index per row, or a probability row per row. */
export type ReferenceTargets =
  | {
      /** One class index per row, each an integer in [0, classes). */
      labels: ArrayLike<number>;
    }
  | {
      /** A probability row per row (soft labels), rows × classes. */
      probabilities: Float32Array;
    };

/**
 * Mean cross-entropy, entropy, divergence and prediction entropy over `rows` rows of
 * `classes` logits; writes (q − p) / rows into `gradient` and q into `probabilities` when
 * given (either may be the logits array itself).
 */
export function softmaxCrossEntropy(
  logits: Float32Array,
  targets: ReferenceTargets,
  rows: number,
  classes: number,
  gradient?: Float32Array,
  probabilities?: Float32Array,
): SoftmaxCrossEntropyResult {
  const logQ = new Float64Array(classes);
  const p = new Float64Array(classes);
  let crossEntropySum = 0;
  let entropySum = 0;
  let divergenceSum = 0;
  let predictionEntropySum = 0;
  for (let r = 0; r < rows; r++) {
    const start = r * classes;
    let max = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < classes; c++) max = Math.max(max, logits[start + c]);
    let sumExp = 0;
    for (let c = 0; c < classes; c++) sumExp += Math.exp(logits[start + c] - max);
    const logSumExp = Math.log(sumExp);
    for (let c = 0; c < classes; c++) logQ[c] = logits[start + c] - max - logSumExp;

    if ('labels' in targets) {
      p.fill(0);
      p[targets.labels[r]] = 1;
    } else {
      for (let c = 0; c < classes; c++) p[c] = targets.probabilities[start + c];
    }

    for (let c = 0; c < classes; c++) {
      const q = Math.exp(logQ[c]);
      // 0 · log 0 = 0: a class with p = 0 adds nothing to H(p, q), H(p) or KL(p‖q).
      if (p[c] > 0) {
        const logP = Math.log(p[c]);
        crossEntropySum -= p[c] * logQ[c];
        entropySum -= p[c] * logP;
        divergenceSum += p[c] * (logP - logQ[c]);
      }
      if (q > 0) predictionEntropySum -= q * logQ[c];
      // Written after the row's logits were read, so gradient may alias logits.
      if (probabilities !== undefined) probabilities[start + c] = q;
      if (gradient !== undefined) gradient[start + c] = (q - p[c]) / rows;
    }
  }
  return {
    crossEntropy: crossEntropySum / rows,
    entropy: entropySum / rows,
    divergence: divergenceSum / rows,
    predictionEntropy: predictionEntropySum / rows,
  };
}
