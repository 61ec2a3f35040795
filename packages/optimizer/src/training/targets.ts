/** Building the targets of the fused softmax cross-entropy for a mini-batch. */
import type { F32Buffer, SoftmaxTargets } from '@dualphi/core-wasm';

/**
 * Writes label-smoothed targets (1 − ε)·onehot(y) + ε/K for `rows` labels into `out`
 * (rows × classes). Smoothed targets have entropy H(p) > 0, so the loss's split into
 * H(p) + KL(p‖q) (apps/docs/theory.md#dual-processes) has two non-zero parts.
 */
export function smoothedTargets(
  labels: Int32Array,
  rows: number,
  classes: number,
  smoothing: number,
  out: F32Buffer,
): void {
  const view = out.view;
  const off = smoothing / classes;
  const on = 1 - smoothing + off;
  view.fill(off, 0, rows * classes);
  for (let r = 0; r < rows; r++) view[r * classes + labels[r]] = on;
}

/**
 * Targets for `rows` labels: class indices when there is no smoothing (exact one-hot, the
 * fast path), else smoothed probability rows written into `scratch`.
 */
export function batchTargets(
  labels: Int32Array,
  rows: number,
  classes: number,
  smoothing: number,
  scratch: F32Buffer | undefined,
): SoftmaxTargets {
  if (smoothing === 0 || scratch === undefined) return { labels: labels.subarray(0, rows) };
  smoothedTargets(labels, rows, classes, smoothing, scratch);
  return { probabilities: scratch };
}
