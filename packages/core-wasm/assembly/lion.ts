/**
 * Lion (Chen et al., "Symbolic Discovery of Optimization Algorithms", NeurIPS 2023, arXiv
 * 2302.06675, Algorithm 2) as one fused pass over n f32 parameters:
 *
 *     c = β₁·m + (1 − β₁)·g,   w ← w − η·(sign(c) + λ·w),   m ← β₂·m + (1 − β₂)·g
 *
 * Unlike the f32 kernels of updates.ts, this one computes in f64 from the f32 values and
 * rounds once when it stores, each operation in the order of the TypeScript loop it replaces
 * (src/reference/lion.ts): the results are bit-identical to that loop, so runs and
 * checkpoints made with it resume exactly. Four elements per iteration as two f64x2 halves.
 */
import { demotePair, promoteHigh } from './math';

/**
 * sign(c) as `Math.sign`: 1 where c > 0, −1 where c < 0, and c itself for ±0 and NaN
 * (so sign(0) = 0 and sign(−0) = −0).
 */
function signF64x2(c: v128, zero: v128, one: v128, minusOne: v128): v128 {
  const negative = v128.bitselect(minusOne, c, f64x2.lt(c, zero));
  return v128.bitselect(one, negative, f64x2.gt(c, zero));
}

/**
 * Lion over n elements: c = β₁m + (1 − β₁)g, w ← w − η·(sign(c) + λw) with the old w,
 * m ← β₂m + (1 − β₂)g with the old m; in f64, rounded to f32 when stored.
 */
export function lionUpdate(
  weights: usize,
  momentum: usize,
  gradient: usize,
  n: i32,
  learningRate: f64,
  beta1: f64,
  beta2: f64,
  weightDecay: f64,
): void {
  const c1 = 1 - beta1;
  const c2 = 1 - beta2;
  const b1V = f64x2.splat(beta1);
  const c1V = f64x2.splat(c1);
  const b2V = f64x2.splat(beta2);
  const c2V = f64x2.splat(c2);
  const etaV = f64x2.splat(learningRate);
  const decayV = f64x2.splat(weightDecay);
  const zero = f64x2.splat(0);
  const one = f64x2.splat(1);
  const minusOne = f64x2.splat(-1);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const offset = (<usize>i) << 2;
    const w = v128.load(weights + offset);
    const m = v128.load(momentum + offset);
    const g = v128.load(gradient + offset);
    const wLo = f64x2.promote_low_f32x4(w);
    const wHi = promoteHigh(w);
    const mLo = f64x2.promote_low_f32x4(m);
    const mHi = promoteHigh(m);
    const gLo = f64x2.promote_low_f32x4(g);
    const gHi = promoteHigh(g);
    const cLo = f64x2.add(f64x2.mul(b1V, mLo), f64x2.mul(c1V, gLo));
    const cHi = f64x2.add(f64x2.mul(b1V, mHi), f64x2.mul(c1V, gHi));
    const sLo = signF64x2(cLo, zero, one, minusOne);
    const sHi = signF64x2(cHi, zero, one, minusOne);
    const nwLo = f64x2.sub(wLo, f64x2.mul(etaV, f64x2.add(sLo, f64x2.mul(decayV, wLo))));
    const nwHi = f64x2.sub(wHi, f64x2.mul(etaV, f64x2.add(sHi, f64x2.mul(decayV, wHi))));
    const nmLo = f64x2.add(f64x2.mul(b2V, mLo), f64x2.mul(c2V, gLo));
    const nmHi = f64x2.add(f64x2.mul(b2V, mHi), f64x2.mul(c2V, gHi));
    v128.store(weights + offset, demotePair(nwLo, nwHi));
    v128.store(momentum + offset, demotePair(nmLo, nmHi));
  }
  for (; i < n; i++) {
    const offset = (<usize>i) << 2;
    const w = <f64>load<f32>(weights + offset);
    const m = <f64>load<f32>(momentum + offset);
    const g = <f64>load<f32>(gradient + offset);
    const c = beta1 * m + c1 * g;
    const sign: f64 = c > 0 ? 1 : c < 0 ? -1 : c;
    store<f32>(weights + offset, <f32>(w - learningRate * (sign + weightDecay * w)));
    store<f32>(momentum + offset, <f32>(beta2 * m + c2 * g));
  }
}
