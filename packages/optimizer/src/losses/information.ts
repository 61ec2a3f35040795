/**
 * The information measures of apps/docs/theory.md#dual-processes over rows of probability distributions:
 * entropy H(p), cross-entropy H(p, q) and KL divergence KL(p‖q), with 0·log 0 = 0 and
 * KL = +∞ where p > 0 = q.
 */
import type { F32Buffer, Kernels } from '@dualphi/core-wasm';
import { resolveKernels } from '../kernels.js';
import { checkUnit, fromNats, type InformationUnit } from './units.js';
import {
  checkDistributions,
  checkLossOptions,
  DISTRIBUTION_TOLERANCE,
  LossInputError,
  type NumericRows,
  rowsOf,
} from './validate.js';

/** Options of {@link entropy}, {@link crossEntropy} and {@link klDivergence}. */
export interface InformationOptions {
  /** Columns per row (the number of outcomes K). */
  classes: number;
  /** `'nats'` (default) or `'bits'`. */
  unit?: InformationUnit;
  /** How far a row's sum may be from 1; default {@link DISTRIBUTION_TOLERANCE} (1e-4). */
  tolerance?: number;
  /** Kernels to compute on; default the shared wasm instance (`getDefaultKernels()`). */
  kernels?: Kernels;
}

/** A measure over rows: the mean and each row's value. */
export interface RowMeasure {
  /** Mean over the rows. */
  mean: number;
  /** One value per row. */
  perRow: Float64Array;
  /** The unit of the values. */
  unit: InformationUnit;
}

type Measure = 'entropy' | 'crossEntropy' | 'klDivergence';

async function measure(
  name: Measure,
  p: NumericRows,
  q: NumericRows | undefined,
  options: InformationOptions,
): Promise<RowMeasure> {
  checkLossOptions(name, options, ['classes', 'unit', 'tolerance', 'kernels']);
  const classes = options.classes;
  const rows = rowsOf(name, 'p', p, classes);
  checkDistributions(name, 'p', p, classes, options.tolerance);
  if (name !== 'entropy') {
    if (q == null || typeof q.length !== 'number') {
      throw new TypeError(
        `${name}: "q" must be an array of numbers, got ${q === null ? 'null' : typeof q}`,
      );
    }
    if ((q as NumericRows).length !== p.length) {
      throw new LossInputError(
        'q',
        `${name}: "q" has ${(q as NumericRows).length} values but "p" has ${p.length}`,
      );
    }
    checkDistributions(name, 'q', q as NumericRows, classes, options.tolerance);
  }
  const unit = checkUnit(name, options.unit);
  const kernels = await resolveKernels(options.kernels);
  const buffers: F32Buffer[] = [];
  try {
    const pBuffer = kernels.allocFrom(p);
    buffers.push(pBuffer);
    const out = kernels.alloc(rows);
    buffers.push(out);
    let mean: number;
    if (name === 'entropy') {
      mean = kernels.entropy(pBuffer, rows, classes, out);
    } else {
      const qBuffer = kernels.allocFrom(q as NumericRows);
      buffers.push(qBuffer);
      mean =
        name === 'crossEntropy'
          ? kernels.crossEntropy(pBuffer, qBuffer, rows, classes, out)
          : kernels.klDivergence(pBuffer, qBuffer, rows, classes, out);
    }
    const perRow = Float64Array.from(out.view.subarray(0, rows), (x) => fromNats(x, unit));
    return { mean: fromNats(mean, unit), perRow, unit };
  } finally {
    for (const buffer of buffers) buffer.free();
  }
}

/**
 * Shannon entropy H(p) = −Σ_k p_k log p_k of each row (apps/docs/theory.md#dual-processes), 0·log 0 = 0.
 *
 * @param p - rows × classes probabilities, row-major.
 * @throws LossInputError naming a row that is not a distribution.
 * @throws TypeError when `options` is not an object or an option has the wrong type.
 */
export function entropy(p: NumericRows, options: InformationOptions): Promise<RowMeasure> {
  return measure('entropy', p, undefined, options);
}

/**
 * Cross-entropy H(p, q) = −Σ_k p_k log q_k = H(p) + KL(p‖q) of each row (apps/docs/theory.md#dual-processes);
 * +∞ where p_k > 0 = q_k.
 *
 * @throws LossInputError naming a row of p or q that is not a distribution.
 * @throws TypeError when `options` is not an object or an option has the wrong type.
 */
export function crossEntropy(
  p: NumericRows,
  q: NumericRows,
  options: InformationOptions,
): Promise<RowMeasure> {
  return measure('crossEntropy', p, q, options);
}

/**
 * Kullback–Leibler divergence KL(p‖q) = Σ_k p_k log(p_k/q_k) of each row (apps/docs/theory.md#dual-processes);
 * 0·log 0 = 0, +∞ where p_k > 0 = q_k.
 *
 * @throws LossInputError naming a row of p or q that is not a distribution.
 * @throws TypeError when `options` is not an object or an option has the wrong type.
 */
export function klDivergence(
  p: NumericRows,
  q: NumericRows,
  options: InformationOptions,
): Promise<RowMeasure> {
  return measure('klDivergence', p, q, options);
}
