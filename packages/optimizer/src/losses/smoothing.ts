/**
 * Label smoothing: targets p' = (1 − ε)·p + ε/K over K classes (Szegedy et al. 2016). With
 * smoothed targets H(p') > 0, so cross-entropy exceeds the divergence (apps/docs/theory.md#dual-processes).
 */
import { checkLabels, LossInputError, type NumericRows, rowsOf } from './validate.js';

/** @throws LossInputError unless `classes` is an integer ≥ 1. */
function checkClasses(context: string, classes: unknown): void {
  if (!Number.isSafeInteger(classes) || (classes as number) < 1) {
    throw new LossInputError(
      'classes',
      `${context}: "classes" must be an integer ≥ 1, got ${String(classes)}`,
    );
  }
}

/** @throws TypeError unless ε is a number; LossInputError unless 0 ≤ ε < 1. */
export function checkLabelSmoothing(context: string, epsilon: unknown): number {
  if (epsilon === undefined) return 0;
  if (typeof epsilon !== 'number') {
    throw new TypeError(
      `${context}: "labelSmoothing" must be a number in [0, 1), got ${JSON.stringify(epsilon) ?? String(epsilon)}`,
    );
  }
  if (!(epsilon >= 0 && epsilon < 1)) {
    throw new LossInputError(
      'labelSmoothing',
      `${context}: "labelSmoothing" must be in [0, 1), got ${String(epsilon)}`,
    );
  }
  return epsilon;
}

/**
 * Class indices to smoothed probability rows: (1 − ε) on the label plus ε/K everywhere.
 *
 * @throws LossInputError for labels that are not integers in [0, classes) (a label of
 *   `classes` would land in the next row), a class count that is not an integer ≥ 1, or ε
 *   outside [0, 1).
 */
export function smoothLabels(
  labels: Int32Array | readonly number[],
  classes: number,
  epsilon: number,
): Float32Array {
  const context = 'smoothLabels';
  checkClasses(context, classes);
  checkLabels(context, labels, labels?.length, classes);
  checkLabelSmoothing(context, epsilon ?? Number.NaN);
  const rows = new Float32Array(labels.length * classes).fill(epsilon / classes);
  for (let row = 0; row < labels.length; row++) {
    rows[row * classes + labels[row]] += 1 - epsilon;
  }
  return rows;
}

/**
 * Probability rows to smoothed rows: (1 − ε)·p + ε/K.
 *
 * @throws LossInputError when `probabilities` is not rows × classes numbers or ε is outside
 *   [0, 1) (the rows themselves are not checked to be distributions).
 */
export function smoothProbabilities(
  probabilities: ArrayLike<number>,
  classes: number,
  epsilon: number,
): Float32Array {
  const context = 'smoothProbabilities';
  rowsOf(context, 'probabilities', probabilities as NumericRows, classes);
  checkLabelSmoothing(context, epsilon ?? Number.NaN);
  const rows = new Float32Array(probabilities.length);
  for (let i = 0; i < rows.length; i++) {
    rows[i] = (1 - epsilon) * probabilities[i] + epsilon / classes;
  }
  return rows;
}
