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
