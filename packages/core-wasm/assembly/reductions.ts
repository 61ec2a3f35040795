/** Reductions over f32 arrays, accumulated in f64. */
import { promoteHigh, sumLanesF64 } from './math';

/**
 * Elements per chunk of the f64 reductions: `dot` and `sumOfSquares` sum each chunk of this
 * many elements on its own and add the chunks' sums in chunk order, so a reduction split
 * across threads by whole chunks (`dotChunks`, `sumOfSquaresChunks`) sums exactly as one call.
 */
const REDUCTION_CHUNK: i32 = 4096;

/**
 * Σ a·b over n elements (one chunk): each f32 pair is promoted to f64 before multiplying,
 * so every product is exact and only the f64 additions round.
 */
function dotRun(a: usize, b: usize, n: i32): f64 {
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

/** Σ a² over n elements (one chunk), promoted to f64 as in `dotRun`. */
function sumOfSquaresRun(a: usize, n: i32): f64 {
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

/** Σ a·b over n elements: exact products summed in f64, chunk by chunk (REDUCTION_CHUNK). */
export function dot(a: usize, b: usize, n: i32): f64 {
  let sum: f64 = 0;
  for (let i = 0; i < n; i += REDUCTION_CHUNK) {
    const offset = (<usize>i) << 2;
    sum += dotRun(a + offset, b + offset, min(REDUCTION_CHUNK, n - i));
  }
  return sum;
}

/** Σ a² over n elements, promoted to f64 and summed chunk by chunk as in `dot`. */
export function sumOfSquares(a: usize, n: i32): f64 {
  let sum: f64 = 0;
  for (let i = 0; i < n; i += REDUCTION_CHUNK) {
    sum += sumOfSquaresRun(a + ((<usize>i) << 2), min(REDUCTION_CHUNK, n - i));
  }
  return sum;
}

/**
 * Chunks [c0, c1) of `dot` over n elements: chunk c's sum (f64) to out + 8·(c − c0) bytes,
 * for the caller to add in chunk order (a thread's share of a split reduction).
 */
export function dotChunks(a: usize, b: usize, n: i32, c0: i32, c1: i32, out: usize): void {
  for (let c = c0; c < c1; c++) {
    const i = c * REDUCTION_CHUNK;
    if (i >= n) return;
    const offset = (<usize>i) << 2;
    const length = min(REDUCTION_CHUNK, n - i);
    store<f64>(out + ((<usize>(c - c0)) << 3), dotRun(a + offset, b + offset, length));
  }
}

/** Chunks [c0, c1) of `sumOfSquares` over n elements, as `dotChunks`. */
export function sumOfSquaresChunks(a: usize, n: i32, c0: i32, c1: i32, out: usize): void {
  for (let c = c0; c < c1; c++) {
    const i = c * REDUCTION_CHUNK;
    if (i >= n) return;
    const length = min(REDUCTION_CHUNK, n - i);
    store<f64>(out + ((<usize>(c - c0)) << 3), sumOfSquaresRun(a + ((<usize>i) << 2), length));
  }
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
