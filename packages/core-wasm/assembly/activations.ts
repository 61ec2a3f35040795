/**
 * Element-wise activations and their derivatives over n f32 values (pointer-and-length
 * ABI). Four lanes at a time, then a scalar tail that uses the same formulas, so no value
 * outside [0, n) is read or written. Outputs may alias their inputs: each element is read
 * before it is written.
 */
import { tanhScalar, tanhVector } from './math';

/** out = max(0, x); pmax(0, x) maps NaN to 0, like the reference's x > 0 ? x : 0. */
export function relu(x: usize, out: usize, n: i32): void {
  const zero = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const offset = (<usize>i) << 2;
    v128.store(out + offset, f32x4.pmax(zero, v128.load(x + offset)));
  }
  for (; i < n; i++) {
    const offset = (<usize>i) << 2;
    const value = load<f32>(x + offset);
    // biome-ignore lint/complexity/useMathMinMax: NaN must map to 0, as pmax does above
    store<f32>(out + offset, value > 0 ? value : 0);
  }
}

/** gradIn = gradOut where x > 0, else 0: the comparison mask ANDed with the gradient. */
export function reluBackward(x: usize, gradOut: usize, gradIn: usize, n: i32): void {
  const zero = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const offset = (<usize>i) << 2;
    const active = f32x4.gt(v128.load(x + offset), zero);
    v128.store(gradIn + offset, v128.and(v128.load(gradOut + offset), active));
  }
  for (; i < n; i++) {
    const offset = (<usize>i) << 2;
    store<f32>(gradIn + offset, load<f32>(x + offset) > 0 ? load<f32>(gradOut + offset) : 0);
  }
}

/** out = tanh(x) (see math.ts for the accuracy). */
export function tanh(x: usize, out: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const offset = (<usize>i) << 2;
    v128.store(out + offset, inline.always(tanhVector(v128.load(x + offset))));
  }
  for (; i < n; i++) {
    const offset = (<usize>i) << 2;
    store<f32>(out + offset, inline.always(tanhScalar(load<f32>(x + offset))));
  }
}

/** gradIn = gradOut · (1 − y²), y = tanh(x) from the forward pass. */
export function tanhBackward(y: usize, gradOut: usize, gradIn: usize, n: i32): void {
  const one = f32x4.splat(1);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const offset = (<usize>i) << 2;
    const yv = v128.load(y + offset);
    const slope = f32x4.sub(one, f32x4.mul(yv, yv));
    v128.store(gradIn + offset, f32x4.mul(v128.load(gradOut + offset), slope));
  }
  for (; i < n; i++) {
    const offset = (<usize>i) << 2;
    const yi = load<f32>(y + offset);
    store<f32>(gradIn + offset, load<f32>(gradOut + offset) * (1 - yi * yi));
  }
}
