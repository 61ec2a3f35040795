/**
 * Label smoothing: targets p' = (1 − ε)·p + ε/K over K classes (Szegedy et al. 2016). With
 * smoothed targets H(p') > 0, so cross-entropy exceeds the divergence (theory.md §1).
 */
import { LossInputError } from './validate.js';

/** @throws LossInputError unless 0 ≤ ε < 1. */
export function checkLabelSmoothing(context: string, epsilon: unknown): number {
  if (epsilon === undefined) return 0;
  if (typeof epsilon !== 'number' || !(epsilon >= 0 && epsilon < 1)) {
    throw new LossInputError(
      'labelSmoothing',
      `${context}: "labelSmoothing" must be in [0, 1), got ${String(epsilon)}`,
    );
  }
  return epsilon;
}

/**
 * Class indices to smoothed probability rows: (1 − ε) on the label plus ε/K everywhere.
 * Labels are assumed validated (integers in [0, classes)).
 */
export function smoothLabels(
  labels: Int32Array | readonly number[],
  classes: number,
  epsilon: number,
): Float32Array {
  const rows = new Float32Array(labels.length * classes).fill(epsilon / classes);
  for (let row = 0; row < labels.length; row++) {
    rows[row * classes + labels[row]] += 1 - epsilon;
  }
  return rows;
}

/** Probability rows to smoothed rows: (1 − ε)·p + ε/K. */
export function smoothProbabilities(
  probabilities: ArrayLike<number>,
  classes: number,
  epsilon: number,
): Float32Array {
  const rows = new Float32Array(probabilities.length);
  for (let i = 0; i < rows.length; i++) {
    rows[i] = (1 - epsilon) * probabilities[i] + epsilon / classes;
  }
  return rows;
}
