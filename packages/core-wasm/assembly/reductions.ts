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
