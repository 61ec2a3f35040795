/**
 * Input checks for the losses: shapes, finite logits, class indices in range, and rows that
 * are probability distributions (apps/docs/theory.md#dual-processes measures are defined only for those).
 */
import { checkKnownOptions, checkOptionType, optionsObject } from '../validate.js';

/** Bad loss input: the message names the argument, the row (and column) and the rule broken. */
export class LossInputError extends RangeError {
  /** The argument, e.g. `'targets'`. */
  readonly argument: string;
  /** The 0-based row, when the problem is in one row. */
  readonly row?: number;

  constructor(argument: string, message: string, row?: number) {
    super(message);
    this.name = 'LossInputError';
    this.argument = argument;
    this.row = row;
  }
}

/**
 * How far a row's sum may be from 1 and still count as a distribution, by default: 1e-4,
 * loose enough for f32 rows of thousands of classes, tight enough to catch unnormalised ones.
 */
export const DISTRIBUTION_TOLERANCE = 1e-4;

/** Values as numbers: typed arrays or plain arrays. */
export type NumericRows = Float32Array | Float64Array | readonly number[];

/**
 * The row count of a rows × classes matrix given flat.
 *
 * @throws LossInputError when classes is not a positive integer or the length is not a
 *   positive multiple of it.
 */
export function rowsOf(
  context: string,
  argument: string,
  values: NumericRows,
  classes: number,
): number {
  if (!Number.isSafeInteger(classes) || classes < 1) {
    throw new LossInputError(
      'classes',
      `${context}: "classes" must be an integer ≥ 1, got ${String(classes)}`,
    );
  }
  if (values == null || typeof values.length !== 'number') {
    throw new LossInputError(argument, `${context}: "${argument}" must be an array of numbers`);
  }
  // Rows given as nested arrays would be read as one value per row: name the layout instead.
  if (Array.isArray(values) && values.length > 0 && Array.isArray(values[0])) {
    throw new LossInputError(
      argument,
      `${context}: "${argument}" must be flat, rows × classes row-major (e.g. rows.flat()), got an array of arrays`,
    );
  }
  if (values.length === 0 || values.length % classes !== 0) {
    throw new LossInputError(
      argument,
      `${context}: "${argument}" has ${values.length} values, not a positive multiple of classes = ${classes}`,
    );
  }
  return values.length / classes;
}

/** @throws LossInputError naming the row and column of the first value that is not finite. */
export function checkFinite(
  context: string,
  argument: string,
  values: NumericRows,
  classes: number,
): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) {
      const row = Math.floor(i / classes);
      throw new LossInputError(
        argument,
        `${context}: "${argument}" row ${row}, column ${i % classes} is ${values[i]}; values must be finite`,
        row,
      );
    }
  }
}

/**
 * Checks that every row is a probability distribution: entries finite and in [0, 1], sum
 * within `tolerance` of 1.
 *
 * @throws LossInputError naming the first offending row and why.
 */
export function checkDistributions(
  context: string,
  argument: string,
  values: NumericRows,
  classes: number,
  tolerance = DISTRIBUTION_TOLERANCE,
): void {
  const rows = rowsOf(context, argument, values, classes);
  for (let row = 0; row < rows; row++) {
    let sum = 0;
    for (let column = 0; column < classes; column++) {
      const value = values[row * classes + column];
      if (!(value >= 0 && value <= 1)) {
        const why = Number.isNaN(value)
          ? 'is NaN'
          : value < 0
            ? `is negative (${value})`
            : `exceeds 1 (${value})`;
        throw new LossInputError(
          argument,
          `${context}: "${argument}" row ${row} is not a probability distribution: column ${column} ${why}`,
          row,
        );
      }
      sum += value;
    }
    if (Math.abs(sum - 1) > tolerance) {
      throw new LossInputError(
        argument,
        `${context}: "${argument}" row ${row} is not a probability distribution: it sums to ${sum}, not 1 (tolerance ${tolerance})`,
        row,
      );
    }
  }
}

/** @throws LossInputError naming the first label that is not an integer in [0, classes). */
export function checkLabels(
  context: string,
  labels: Int32Array | readonly number[],
  rows: number,
  classes: number,
): void {
  if (labels == null || typeof labels.length !== 'number') {
    throw new LossInputError('labels', `${context}: "labels" must be an array of class indices`);
  }
  if (labels.length !== rows) {
    throw new LossInputError(
      'labels',
      `${context}: got ${labels.length} labels for ${rows} rows of logits`,
    );
  }
  for (let row = 0; row < rows; row++) {
    const label = labels[row];
    if (!Number.isInteger(label) || label < 0 || label >= classes) {
      throw new LossInputError(
        'labels',
        `${context}: label of row ${row} is ${label}; labels must be integers in [0, ${classes})`,
        row,
      );
    }
  }
}

/** The options every loss takes (see `InformationOptions`, `SoftmaxCrossEntropyOptions`). */
interface CommonLossOptions {
  classes: number;
  unit?: unknown;
  tolerance?: unknown;
  kernels?: unknown;
  labelSmoothing?: unknown;
}

/**
 * Checks the types of a loss's options object: an object (it carries the required
 * `classes`), `classes`, `tolerance` and `labelSmoothing` numbers (a `tolerance` of `'x'` used
 * to accept every row), `unit` a string, `kernels` a kernel set. Ranges are checked by the
 * loss itself. Only the names in `allowed` may appear.
 *
 * @throws TypeError naming the option; RangeError for an unknown option; LossInputError for
 *   a negative tolerance.
 */
export function checkLossOptions<T extends CommonLossOptions>(
  context: string,
  options: T,
  allowed: readonly string[],
): T {
  if (options === undefined) {
    throw new TypeError(`${context}: the options { classes, … } are required`);
  }
  const given = optionsObject(context, options);
  checkKnownOptions(context, given, allowed);
  checkOptionType(context, 'classes', given.classes, 'number', 'an integer ≥ 1');
  checkOptionType(context, 'tolerance', given.tolerance, 'number', 'a number ≥ 0');
  checkOptionType(context, 'labelSmoothing', given.labelSmoothing, 'number', 'a number in [0, 1)');
  checkOptionType(context, 'unit', given.unit, 'string', "'nats' or 'bits'");
  const kernels = given.kernels as { allocFrom?: unknown } | null | undefined;
  if (kernels !== undefined && (kernels === null || typeof kernels.allocFrom !== 'function')) {
    throw new TypeError(
      `${context}: "kernels" must be a kernel set from loadKernels() or createReferenceKernels()`,
    );
  }
  if (typeof given.tolerance === 'number' && !(given.tolerance >= 0)) {
    throw new LossInputError(
      'tolerance',
      `${context}: "tolerance" must be a number ≥ 0, got ${given.tolerance}`,
    );
  }
  return given;
}
