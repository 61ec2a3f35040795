/**
 * Reference information measures over rows of probability distributions (apps/docs/theory.md#dual-processes),
 * in nats, accumulated in f64. Conventions: 0 · log 0 = 0 (a term with p = 0 contributes
 * nothing, whatever q is); KL(p‖q) and H(p, q) are +∞ where p > 0 and q = 0.
 */

/** One row's H(p, q) = −Σ p log q; with q = p, the entropy H(p) = −Σ p log p. */
function rowCrossEntropy(p: Float32Array, q: Float32Array, start: number, cols: number): number {
  let sum = 0;
  for (let c = 0; c < cols; c++) {
    const pc = p[start + c];
    if (pc > 0) sum -= pc * Math.log(q[start + c]);
  }
  return sum;
}

/** One row's KL(p‖q) = Σ p log(p / q). */
function rowDivergence(p: Float32Array, q: Float32Array, start: number, cols: number): number {
  let sum = 0;
  for (let c = 0; c < cols; c++) {
    const pc = p[start + c];
    if (pc > 0) sum += pc * (Math.log(pc) - Math.log(q[start + c]));
  }
  return sum;
}

/** Mean over rows of `measure`, writing each row's value into `out` when given. */
function meanOverRows(
  rows: number,
  cols: number,
  out: Float32Array | undefined,
  measure: (start: number) => number,
): number {
  let total = 0;
  for (let r = 0; r < rows; r++) {
    const value = measure(r * cols);
    if (out !== undefined) out[r] = value;
    total += value;
  }
  return total / rows;
}

/** A measure of two distributions per row: the mean over rows, each row's value into `out`. */
export type RowPairMeasure = (
  p: Float32Array,
  q: Float32Array,
  rows: number,
  cols: number,
  out?: Float32Array,
) => number;

function overRows(
  row: (p: Float32Array, q: Float32Array, start: number, cols: number) => number,
): RowPairMeasure {
  return (p, q, rows, cols, out) =>
    meanOverRows(rows, cols, out, (start) => row(p, q, start, cols));
}

/** Mean over rows of the Shannon entropy H(p) = −Σ p log p. */
export function entropy(p: Float32Array, rows: number, cols: number, out?: Float32Array): number {
  return meanOverRows(rows, cols, out, (start) => rowCrossEntropy(p, p, start, cols));
}

/** Mean over rows of the cross-entropy H(p, q) = −Σ p log q = H(p) + KL(p‖q). */
export const crossEntropy: RowPairMeasure = overRows(rowCrossEntropy);

/** Mean over rows of the Kullback–Leibler divergence KL(p‖q) = Σ p log(p / q). */
export const klDivergence: RowPairMeasure = overRows(rowDivergence);
