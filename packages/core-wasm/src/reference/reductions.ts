/** Reference reductions, accumulated in f64 (plain JavaScript numbers). */
import type { Numbers } from './arrays.js';

/** Σ a[i] · b[i] over n elements. */
export function dot(a: Numbers, b: Numbers, n: number): number {
  let sum = 0;
  for (let i = 0; i < n; i++) sum += a[i] * b[i];
  return sum;
}

/** Σ a[i]² over n elements. */
export function sumOfSquares(a: Numbers, n: number): number {
  let sum = 0;
  for (let i = 0; i < n; i++) sum += a[i] * a[i];
  return sum;
}

/** True when none of the first n values is NaN or ±∞. */
export function allFinite(a: Numbers, n: number): boolean {
  for (let i = 0; i < n; i++) if (!Number.isFinite(a[i])) return false;
  return true;
}

/**
 * out[r] = the index of the first largest value of row r: a later value wins only when it
 * is strictly greater, so ties go to the lowest index and NaN is never chosen after the
 * first column.
 */
export function argmaxRows(x: Float32Array, rows: number, cols: number, out: Int32Array): void {
  for (let r = 0; r < rows; r++) {
    const row = r * cols;
    let best = 0;
    let bestValue = x[row];
    for (let c = 1; c < cols; c++) {
      if (x[row + c] > bestValue) {
        bestValue = x[row + c];
        best = c;
      }
    }
    out[r] = best;
  }
}
