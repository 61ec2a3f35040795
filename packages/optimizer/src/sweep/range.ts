/**
 * The values of a sweep axis, written as a list, ranges or both: `0.001..0.512x2` (geometric:
 * from 0.001, times 2, up to 0.512), `0.1..0.9+0.2` (arithmetic), `0,0.5,golden,0.9`, and
 * the word `golden` for the papers' η* = (1 − α*)² on the learning-rate axis and α* = √2/φ on
 * the momentum axis (arXiv 2410.12984, Eq. 33–34; apps/docs/theory.md).
 */
import { golden } from '../theory/golden.js';

/** Which hyper-parameter an axis sweeps: they differ in range and in what `golden` means. */
export type SweepAxis = 'learningRate' | 'momentum';

/** What each axis allows, for messages. */
const allowed: Record<SweepAxis, string> = {
  learningRate: 'learning rates > 0',
  momentum: 'momenta in [0, 1)',
};

/** The golden value of an axis. */
export function goldenValue(axis: SweepAxis): number {
  return axis === 'learningRate' ? golden.learningRate : golden.momentum;
}

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function number(text: string, item: string): number {
  if (!DECIMAL.test(text)) {
    throw new RangeError(
      `"${item}" is not a number, a range (a..bxF or a..b+S) or the word golden`,
    );
  }
  return Number(text);
}

/** 12 significant digits: 0.001·2³ is 0.008, not 0.008000000000000002. */
const tidy = (value: number): number => Number(value.toPrecision(12));

/** The most values one axis may hold (a typo such as `x1.0001` would otherwise hang). */
export const MAX_AXIS_VALUES = 1000;

function expandRange(item: string): number[] {
  const match = /^(.+?)\.\.(.+?)(x|\+)(.+)$/.exec(item);
  if (!match) {
    throw new RangeError(
      `"${item}" is not a range: write from..toxFACTOR (geometric, e.g. 0.001..0.512x2) or from..to+STEP (arithmetic, e.g. 0.5..0.9+0.1)`,
    );
  }
  const [, fromText, toText, kind, byText] = match;
  const from = number(fromText, item);
  const to = number(toText, item);
  const by = number(byText, item);
  if (!(to > from)) {
    throw new RangeError(`the range "${item}" is not increasing (${to} ≤ ${from})`);
  }
  if (kind === 'x' && !(by > 1)) {
    throw new RangeError(`the range "${item}" needs a factor > 1 after x, got ${by}`);
  }
  if (kind === 'x' && !(from > 0)) {
    throw new RangeError(`the geometric range "${item}" must start above 0, got ${from}`);
  }
  if (kind === '+' && !(by > 0)) {
    throw new RangeError(`the range "${item}" needs a step > 0 after +, got ${by}`);
  }
  const values: number[] = [];
  // Each value from its index (no accumulated rounding); the end counts within 1e-9.
  for (let k = 0; ; k++) {
    const value = tidy(kind === 'x' ? from * by ** k : from + by * k);
    if (value > to * (1 + 1e-9) + (kind === '+' ? by * 1e-9 : 0)) break;
    values.push(value);
    if (values.length > MAX_AXIS_VALUES) {
      throw new RangeError(`the range "${item}" has more than ${MAX_AXIS_VALUES} values`);
    }
  }
  return values;
}

/** One value of an axis, and whether it is the golden one. */
export interface AxisValue {
  /** The value. */
  value: number;
  /** True for the word `golden` (η* or α*). */
  golden: boolean;
}

/**
 * Parses one axis: comma-separated numbers, ranges and `golden`, sorted ascending. Duplicates
 * (also a number equal to the golden value) are an error, so no cell is trained twice.
 *
 * @throws RangeError naming the item and what the axis allows (empty list, non-increasing
 *   range, a value outside the axis's range).
 */
export function parseAxis(text: string, axis: SweepAxis): AxisValue[] {
  const items = text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
  if (items.length === 0) {
    throw new RangeError(
      `the list is empty (allowed: comma-separated ${allowed[axis]}, ranges, golden)`,
    );
  }
  const values: AxisValue[] = [];
  for (const item of items) {
    if (item.toLowerCase() === 'golden') {
      values.push({ value: goldenValue(axis), golden: true });
    } else if (item.includes('..')) {
      for (const value of expandRange(item)) values.push({ value, golden: false });
    } else {
      values.push({ value: number(item, item), golden: false });
    }
  }
  return checkAxis(values, axis);
}

/**
 * Checks and sorts axis values given as data (the library's numbers or `'golden'`).
 *
 * @throws RangeError as {@link parseAxis}.
 */
export function axisValues(values: readonly (number | 'golden')[], axis: SweepAxis): AxisValue[] {
  if (!Array.isArray(values) || values.length === 0) {
    throw new RangeError(`the ${axis} axis is empty (allowed: ${allowed[axis]} or 'golden')`);
  }
  return checkAxis(
    values.map((value) =>
      value === 'golden' ? { value: goldenValue(axis), golden: true } : { value, golden: false },
    ),
    axis,
  );
}

function checkAxis(values: AxisValue[], axis: SweepAxis): AxisValue[] {
  for (const { value } of values) {
    const ok =
      typeof value === 'number' &&
      Number.isFinite(value) &&
      (axis === 'learningRate' ? value > 0 : value >= 0 && value < 1);
    if (!ok) {
      throw new RangeError(`${String(value)} is not allowed (allowed: ${allowed[axis]})`);
    }
  }
  const sorted = [...values].sort((a, b) => a.value - b.value);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i].value === sorted[i - 1].value) {
      throw new RangeError(
        `${sorted[i].value}${sorted[i].golden || sorted[i - 1].golden ? ' (golden)' : ''} is listed twice`,
      );
    }
  }
  if (sorted.length > MAX_AXIS_VALUES) {
    throw new RangeError(`the axis has more than ${MAX_AXIS_VALUES} values`);
  }
  return sorted;
}
