/**
 * Information measures over rows of probability distributions (apps/docs/theory.md#dual-processes), in nats.
 * Each term p·log p or p·log q is computed in f32 with the vector log of math.ts and
 * accumulated in f64 (f32 sums over millions of terms drift by about 1 % when measured).
 * Conventions: a term with p ≤ 0 contributes 0 (0·log 0 = 0, whatever q is); a term with
 * p > 0 and q = 0 makes H(p, q) and KL(p‖q) +∞.
 */
import { loadPartial, logVector, promoteHigh, sumLanesF64 } from './math';

const ENTROPY: i32 = 0;
const CROSS_ENTROPY: i32 = 1;
const DIVERGENCE: i32 = 2;

/** The term of one class, for four lanes: p log p, −p log q or p (log p − log q), 0 where p ≤ 0. */
function termVector(measure: i32, p: v128, q: v128): v128 {
  let term: v128;
  if (measure === ENTROPY) {
    term = f32x4.neg(f32x4.mul(p, inline.always(logVector(p))));
  } else if (measure === CROSS_ENTROPY) {
    term = f32x4.neg(f32x4.mul(p, inline.always(logVector(q))));
  } else {
    term = f32x4.mul(p, f32x4.sub(inline.always(logVector(p)), inline.always(logVector(q))));
  }
  return v128.and(term, f32x4.gt(p, f32x4.splat(0)));
}

/** Mean over rows of the measure; per-row values into `out` (f32) when it is not 0. */
function meanOverRows(measure: i32, p: usize, q: usize, rows: i32, cols: i32, out: usize): f64 {
  let total: f64 = 0;
  for (let r = 0; r < rows; r++) {
    const start = (<usize>r * <usize>cols) << 2;
    let low = f64x2.splat(0);
    let high = f64x2.splat(0);
    let c = 0;
    for (; c + 4 <= cols; c += 4) {
      const offset = start + ((<usize>c) << 2);
      const qv = measure === ENTROPY ? f32x4.splat(0) : v128.load(q + offset);
      const term = inline.always(termVector(measure, v128.load(p + offset), qv));
      low = f64x2.add(low, f64x2.promote_low_f32x4(term));
      high = f64x2.add(high, promoteHigh(term));
    }
    // The last 1–3 columns as one vector: absent lanes get p = 0 (their term is masked to 0)
    // and q = 1.
    const rest = cols - c;
    if (rest > 0) {
      const offset = start + ((<usize>c) << 2);
      const qv = measure === ENTROPY ? f32x4.splat(1) : loadPartial(q + offset, rest, 1);
      const term = inline.always(termVector(measure, loadPartial(p + offset, rest, 0), qv));
      low = f64x2.add(low, f64x2.promote_low_f32x4(term));
      high = f64x2.add(high, promoteHigh(term));
    }
    const sum = sumLanesF64(f64x2.add(low, high));
    if (out !== 0) store<f32>(out + ((<usize>r) << 2), <f32>sum);
    total += sum;
  }
  return total / <f64>rows;
}

/** Mean over rows of H(p) = −Σ p log p. */
export function entropy(p: usize, rows: i32, cols: i32, out: usize): f64 {
  return inline.always(meanOverRows(ENTROPY, p, 0, rows, cols, out));
}

/** Mean over rows of H(p, q) = −Σ p log q. */
export function crossEntropy(p: usize, q: usize, rows: i32, cols: i32, out: usize): f64 {
  return inline.always(meanOverRows(CROSS_ENTROPY, p, q, rows, cols, out));
}

/** Mean over rows of KL(p‖q) = Σ p (log p − log q). */
export function klDivergence(p: usize, q: usize, rows: i32, cols: i32, out: usize): f64 {
  return inline.always(meanOverRows(DIVERGENCE, p, q, rows, cols, out));
}
