/** Reductions over f32 arrays, accumulated in f64. */
import { promoteHigh, sumLanesF64 } from './math';

/**
 * Σ a·b over n elements: each f32 pair is promoted to f64 before multiplying, so every
 * product is exact and only the f64 additions round.
 */
export function dot(a: usize, b: usize, n: i32): f64 {
  let low = f64x2.splat(0);
  let high = f64x2.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const offset = (<usize>i) << 2;
    const av = v128.load(a + offset);
    const bv = v128.load(b + offset);
    low = f64x2.add(low, f64x2.mul(f64x2.promote_low_f32x4(av), f64x2.promote_low_f32x4(bv)));
    high = f64x2.add(high, f64x2.mul(promoteHigh(av), promoteHigh(bv)));
  }
  let sum = sumLanesF64(f64x2.add(low, high));
  for (; i < n; i++) {
    const offset = (<usize>i) << 2;
    sum += <f64>load<f32>(a + offset) * <f64>load<f32>(b + offset);
  }
  return sum;
}

/** Σ a² over n elements, promoted to f64 as in `dot`. */
export function sumOfSquares(a: usize, n: i32): f64 {
  let low = f64x2.splat(0);
  let high = f64x2.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const av = v128.load(a + ((<usize>i) << 2));
    const l = f64x2.promote_low_f32x4(av);
    const h = promoteHigh(av);
    low = f64x2.add(low, f64x2.mul(l, l));
    high = f64x2.add(high, f64x2.mul(h, h));
  }
  let sum = sumLanesF64(f64x2.add(low, high));
  for (; i < n; i++) {
    const value = <f64>load<f32>(a + ((<usize>i) << 2));
    sum += value * value;
  }
  return sum;
}

/**
 * out[r] = the index of the first largest value of row r (i32 output). Scalar on purpose:
 * a later value wins only when strictly greater, which fixes ties and NaN exactly as the
 * reference does; rows are short (one per example, one column per class).
 */
export function argmaxRows(x: usize, rows: i32, cols: i32, out: usize): void {
  for (let r = 0; r < rows; r++) {
    const row = x + ((<usize>r * <usize>cols) << 2);
    let best = 0;
    let bestValue = load<f32>(row);
    for (let c = 1; c < cols; c++) {
      const value = load<f32>(row + ((<usize>c) << 2));
      if (value > bestValue) {
        bestValue = value;
        best = c;
      }
    }
    store<i32>(out + ((<usize>r) << 2), best);
  }
}

/** The exponent bits of an f32: all set exactly for ±∞ and NaN. */
const EXPONENT_BITS: i32 = 0x7f800000;

/**
 * 1 when all n values are finite, else 0 (any NaN or ±∞). A value is non-finite exactly
 * when its exponent bits are all set, so this is a bit test per element: no arithmetic that
 * could overflow or round, and one read at memory speed (four independent accumulators of
 * 16 values per step, so no chain of dependent operations limits it).
 */
export function allFinite(a: usize, n: i32): i32 {
  const exponent = i32x4.splat(EXPONENT_BITS);
  let bad0 = i32x4.splat(0);
  let bad1 = bad0;
  let bad2 = bad0;
  let bad3 = bad0;
  let i = 0;
  for (; i + 16 <= n; i += 16) {
    const p = a + ((<usize>i) << 2);
    bad0 = v128.or(bad0, i32x4.eq(v128.and(v128.load(p), exponent), exponent));
    bad1 = v128.or(bad1, i32x4.eq(v128.and(v128.load(p, 16), exponent), exponent));
    bad2 = v128.or(bad2, i32x4.eq(v128.and(v128.load(p, 32), exponent), exponent));
    bad3 = v128.or(bad3, i32x4.eq(v128.and(v128.load(p, 48), exponent), exponent));
  }
  for (; i + 4 <= n; i += 4) {
    const p = a + ((<usize>i) << 2);
    bad0 = v128.or(bad0, i32x4.eq(v128.and(v128.load(p), exponent), exponent));
  }
  if (v128.any_true(v128.or(v128.or(bad0, bad1), v128.or(bad2, bad3)))) return 0;
  for (; i < n; i++) {
    if ((load<i32>(a + ((<usize>i) << 2)) & EXPONENT_BITS) === EXPONENT_BITS) return 0;
  }
  return 1;
}
