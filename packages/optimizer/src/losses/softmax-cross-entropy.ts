/**
 * Softmax cross-entropy reported with its split (apps/docs/theory.md#dual-processes):
 * H(p, q) = H(p) + KL(p‖q), q = softmax(logits), plus the prediction's own entropy H(q).
 * J21 (arXiv 2104.13277) names a KL process and an entropy process; reading that entropy as
 * the targets' H(p) is this project's interpretation, H(q) the other candidate.
 */
import type { F32Buffer, Kernels, SoftmaxTargets } from '@dualphi/core-wasm';
import { resolveKernels } from '../kernels.js';
import { checkLabelSmoothing, smoothLabels, smoothProbabilities } from './smoothing.js';
import { checkUnit, fromNats, type InformationUnit } from './units.js';
import {
  checkDistributions,
  checkFinite,
  checkLabels,
  checkLossOptions,
  DISTRIBUTION_TOLERANCE,
  LossInputError,
  type NumericRows,
  rowsOf,
} from './validate.js';

/** Targets: a class index per row, or a probability row per row (soft labels). */
export type LossTargets = LabelTargets | ProbabilityTargets;

/** One class index per row, each an integer in [0, classes). */
export interface LabelTargets {
  /** The class indices. */
  labels: Int32Array | readonly number[];
}

/** One probability row per row of logits (soft labels), rows × classes, row-major. */
export interface ProbabilityTargets {
  /** The target distributions; each row must sum to 1 within the tolerance. */
  probabilities: NumericRows;
}

/** Options of {@link softmaxCrossEntropy}. */
export interface SoftmaxCrossEntropyOptions {
  /** Number of classes K (columns of the logits). */
  classes: number;
  /** Label smoothing ε ∈ [0, 1): targets become (1 − ε)·p + ε/K. Default 0. */
  labelSmoothing?: number;
  /** `'nats'` (default) or `'bits'`. */
  unit?: InformationUnit;
  /** How far a target row's sum may be from 1; default {@link DISTRIBUTION_TOLERANCE} (1e-4). */
  tolerance?: number;
  /** Kernels to compute on; default the shared wasm instance (`getDefaultKernels()`). */
  kernels?: Kernels;
}

/** Batch means of the loss and its split (apps/docs/theory.md#dual-processes). crossEntropy = entropy + divergence. */
export interface CrossEntropySplit {
  /** Mean H(p, q) = −Σ p log q. */
  crossEntropy: number;
  /** Mean target entropy H(p) = −Σ p log p (0 for unsmoothed class-index labels). */
  entropy: number;
  /** Mean KL(p‖q) = Σ p log(p/q). */
  divergence: number;
  /** Mean prediction entropy H(q) (telemetry, not from the papers). */
  predictionEntropy: number;
  /** The unit of the four values. */
  unit: InformationUnit;
}

/**
 * Softmax cross-entropy of `logits` (rows × classes, row-major) against class indices or
 * probability rows, with its split into target entropy and divergence (apps/docs/theory.md#dual-processes):
 * H(p, q) = H(p) + KL(p‖q) with q = softmax(logits). Computed in one fused kernel pass
 * (f64 accumulation).
 *
 * @example
 * ```ts
 * const split = await softmaxCrossEntropy([2, 0, -1, 0, 1, 0], { labels: [0, 1] }, { classes: 3 });
 * split.crossEntropy === split.entropy + split.divergence; // up to rounding; entropy = 0 here
 * ```
 * @throws LossInputError for non-finite logits, a length that is not rows × classes, labels
 *   out of range or of the wrong count, target rows that are not distributions (naming the
 *   row), or ε outside [0, 1).
 * @throws TypeError when `options` or `targets` is not an object or an option has the wrong type.
 */
export async function softmaxCrossEntropy(
  logits: NumericRows,
  targets: LossTargets,
  options: SoftmaxCrossEntropyOptions,
): Promise<CrossEntropySplit> {
  const context = 'softmaxCrossEntropy';
  checkLossOptions(context, options, ['classes', 'labelSmoothing', 'unit', 'tolerance', 'kernels']);
  if (targets === null || typeof targets !== 'object') {
    throw new TypeError(
      `${context}: "targets" must be { labels } or { probabilities }, got ${targets === null ? 'null' : typeof targets}`,
    );
  }
  const { classes } = options;
  const rows = rowsOf(context, 'logits', logits, classes);
  checkFinite(context, 'logits', logits, classes);
  const unit = checkUnit(context, options.unit);
  const epsilon = checkLabelSmoothing(context, options.labelSmoothing);

  let targetRows: Float32Array | undefined;
  let labels: Int32Array | readonly number[] | undefined;
  const given = (key: 'labels' | 'probabilities') =>
    targets != null &&
    key in targets &&
    (targets as unknown as Record<string, unknown>)[key] !== undefined;
  if (given('labels') && given('probabilities')) {
    // Which one was meant is unknowable; using either would silently ignore the other.
    throw new LossInputError(
      'targets',
      `${context}: "targets" must be { labels } or { probabilities }, not both`,
    );
  }
  if (targets && 'labels' in targets && targets.labels !== undefined) {
    checkLabels(context, targets.labels, rows, classes);
    if (epsilon > 0) targetRows = smoothLabels(targets.labels, classes, epsilon);
    else labels = targets.labels;
  } else if (targets && 'probabilities' in targets && targets.probabilities !== undefined) {
    const p = targets.probabilities;
    if (p.length !== logits.length) {
      throw new LossInputError(
        'targets',
        `${context}: "targets.probabilities" has ${p.length} values but the logits have ${logits.length}`,
      );
    }
    checkDistributions(context, 'targets.probabilities', p, classes, options.tolerance);
    targetRows = epsilon > 0 ? smoothProbabilities(p, classes, epsilon) : Float32Array.from(p);
  } else {
    throw new LossInputError(
      'targets',
      `${context}: "targets" must be { labels } or { probabilities }`,
    );
  }

  const kernels = await resolveKernels(options.kernels);
  const buffers: F32Buffer[] = [];
  try {
    const logitsBuffer = kernels.allocFrom(logits);
    buffers.push(logitsBuffer);
    let kernelTargets: SoftmaxTargets;
    if (targetRows) {
      const probabilities = kernels.allocFrom(targetRows);
      buffers.push(probabilities);
      kernelTargets = { probabilities };
    } else {
      kernelTargets = { labels: labels as Int32Array | readonly number[] };
    }
    const result = kernels.softmaxCrossEntropy(logitsBuffer, kernelTargets, rows, classes);
    return {
      crossEntropy: fromNats(result.crossEntropy, unit),
      entropy: fromNats(result.entropy, unit),
      divergence: fromNats(result.divergence, unit),
      predictionEntropy: fromNats(result.predictionEntropy, unit),
      unit,
    };
  } finally {
    for (const buffer of buffers) buffer.free();
  }
}
