/**
 * Prodigy (Mishchenko & Defazio, ICML 2024, arXiv 2306.06101, Algorithm 3 in its Adam form)
 * as two fused passes per tensor. The step size d of a step is decided by sums over *all*
 * tensors, so one pass cannot do it all:
 *
 *   1. `prodigySums` (before d is known): s ← β₃·s + scale·g, and the sums ⟨g, x₀ − x⟩ and
 *      ‖s‖₁ of this tensor (reads g, x₀ − x and s, writes s).
 *   2. `prodigyUpdate` (with the new d): m ← β₁m + (1 − β₁)·d·g, v ← β₂v + (1 − β₂)·d²·g²,
 *      step = λ·d·η·x + d·η·m / (√v + d'·ε), x ← x − step, (x₀ − x) ← (x₀ − x) + step
 *      (reads g, x, x₀ − x, m, v, writes all but g).
 *
 * The moments wait for pass 2 so that pass 1 streams only three arrays: 13 array streams per
 * step in all, against Adam's 7. At the MLP sizes (≤ 1 MB per array, in cache) both are
 * bound by arithmetic rather than memory: pass 2 costs a little less than Adam's one pass
 * (the same square root and division per element), pass 1 about 0.4 of it (measured). When
 * the arrays must come from memory, the streams decide: about 1.8× Adam. Element-wise work
 * is in f32.
 */
import { promoteHigh, sumLanesF64 } from './math';
import { setResult } from './results';

/**
 * Pass 1 over n elements: s ← β₃·s + scale·g; writes ⟨g, x₀ − x⟩ (with the stored
 * displacement x₀ − x before this step) to result slot 0 and ‖s‖₁ of the new s to slot 1.
 * Products and partial sums of 16 elements in f32 (each lane adds 4 products as a tree: one
 * rounding for the product, two for the partial sum), flushed to f64: with exact f64
 * products the pass cost twice as much (measured), for a difference far below what moves d.
 */
export function prodigySums(
  gradient: usize,
  displacement: usize,
  distance: usize,
  n: i32,
  scale: f64,
  beta3: f64,
): void {
  const c = <f32>scale;
  const b3 = <f32>beta3;
  const cV = f32x4.splat(c);
  const b3V = f32x4.splat(b3);
  let dotLanes = f64x2.splat(0);
  let l1Lanes = dotLanes;
  let i = 0;
  for (; i + 16 <= n; i += 16) {
    const o0 = (<usize>i) << 2;
    const g0 = v128.load(gradient + o0);
    const g1 = v128.load(gradient + o0, 16);
    const g2 = v128.load(gradient + o0, 32);
    const g3 = v128.load(gradient + o0, 48);
    const s0 = f32x4.add(f32x4.mul(b3V, v128.load(distance + o0)), f32x4.mul(cV, g0));
    const s1 = f32x4.add(f32x4.mul(b3V, v128.load(distance + o0, 16)), f32x4.mul(cV, g1));
    const s2 = f32x4.add(f32x4.mul(b3V, v128.load(distance + o0, 32)), f32x4.mul(cV, g2));
    const s3 = f32x4.add(f32x4.mul(b3V, v128.load(distance + o0, 48)), f32x4.mul(cV, g3));
    v128.store(distance + o0, s0);
    v128.store(distance + o0, s1, 16);
    v128.store(distance + o0, s2, 32);
    v128.store(distance + o0, s3, 48);
    const p = f32x4.add(
      f32x4.add(
        f32x4.mul(g0, v128.load(displacement + o0)),
        f32x4.mul(g1, v128.load(displacement + o0, 16)),
      ),
      f32x4.add(
        f32x4.mul(g2, v128.load(displacement + o0, 32)),
        f32x4.mul(g3, v128.load(displacement + o0, 48)),
      ),
    );
    const a = f32x4.add(
      f32x4.add(f32x4.abs(s0), f32x4.abs(s1)),
      f32x4.add(f32x4.abs(s2), f32x4.abs(s3)),
    );
    dotLanes = f64x2.add(dotLanes, f64x2.add(f64x2.promote_low_f32x4(p), promoteHigh(p)));
    l1Lanes = f64x2.add(l1Lanes, f64x2.add(f64x2.promote_low_f32x4(a), promoteHigh(a)));
  }
  let dot = sumLanesF64(dotLanes);
  let l1 = sumLanesF64(l1Lanes);
  for (; i < n; i++) {
    const offset = (<usize>i) << 2;
    const g = load<f32>(gradient + offset);
    const s = b3 * load<f32>(distance + offset) + c * g;
    store<f32>(distance + offset, s);
    dot += <f64>g * <f64>load<f32>(displacement + offset);
    l1 += <f64>Mathf.abs(s);
  }
  setResult(0, dot);
  setResult(1, l1);
}

/**
 * Pass 2 over n elements, with `d` the estimate the step started with and `nextD` the one
 * pass 1's sums gave: m ← β₁m + (1 − β₁)·d·g, v ← β₂v + (1 − β₂)·d²·g²; then, when `move`
 * ≠ 0, step = λ·d·η·x + d·η·m / (√v + nextD·ε), x ← x − step, displacement ← displacement
 * + step. With `move` = 0 (the step where ‖s‖₁ = 0) only the moments change.
 */
export function prodigyUpdate(
  weights: usize,
  displacement: usize,
  firstMoment: usize,
  secondMoment: usize,
  gradient: usize,
  n: i32,
  d: f64,
  learningRate: f64,
  beta1: f64,
  beta2: f64,
  epsilon: f64,
  nextD: f64,
  weightDecay: f64,
  move: i32,
): void {
  const dlr = d * learningRate;
  const b1 = <f32>beta1;
  const b2 = <f32>beta2;
  const c1 = <f32>((1 - beta1) * d);
  const c2 = <f32>((1 - beta2) * d * d);
  const stepSize = <f32>dlr;
  const decay = <f32>(weightDecay * dlr);
  const eps = <f32>(nextD * epsilon);
  const b1V = f32x4.splat(b1);
  const b2V = f32x4.splat(b2);
  const c1V = f32x4.splat(c1);
  const c2V = f32x4.splat(c2);
  const stepV = f32x4.splat(stepSize);
  const decayV = f32x4.splat(decay);
  const epsV = f32x4.splat(eps);
  let i = 0;
  if (!move) {
    for (; i + 4 <= n; i += 4) {
      const offset = (<usize>i) << 2;
      const g = v128.load(gradient + offset);
      const m = f32x4.add(f32x4.mul(b1V, v128.load(firstMoment + offset)), f32x4.mul(c1V, g));
      const v = f32x4.add(
        f32x4.mul(b2V, v128.load(secondMoment + offset)),
        f32x4.mul(c2V, f32x4.mul(g, g)),
      );
      v128.store(firstMoment + offset, m);
      v128.store(secondMoment + offset, v);
    }
    for (; i < n; i++) {
      const offset = (<usize>i) << 2;
      const g = load<f32>(gradient + offset);
      store<f32>(firstMoment + offset, b1 * load<f32>(firstMoment + offset) + c1 * g);
      store<f32>(secondMoment + offset, b2 * load<f32>(secondMoment + offset) + c2 * (g * g));
    }
    return;
  }
  // Without weight decay (the default) the loop leaves out λ·d·η·x: a product and a sum less
  // per vector, and an infinite weight stays infinite (0·∞ would be NaN) as in the reference.
  if (decay === 0) {
    for (; i + 4 <= n; i += 4) {
      const offset = (<usize>i) << 2;
      const g = v128.load(gradient + offset);
      const m = f32x4.add(f32x4.mul(b1V, v128.load(firstMoment + offset)), f32x4.mul(c1V, g));
      const v = f32x4.add(
        f32x4.mul(b2V, v128.load(secondMoment + offset)),
        f32x4.mul(c2V, f32x4.mul(g, g)),
      );
      v128.store(firstMoment + offset, m);
      v128.store(secondMoment + offset, v);
      const step = f32x4.div(f32x4.mul(stepV, m), f32x4.add(f32x4.sqrt(v), epsV));
      v128.store(weights + offset, f32x4.sub(v128.load(weights + offset), step));
      v128.store(displacement + offset, f32x4.add(v128.load(displacement + offset), step));
    }
  }
  for (; i + 4 <= n; i += 4) {
    const offset = (<usize>i) << 2;
    const g = v128.load(gradient + offset);
    const m = f32x4.add(f32x4.mul(b1V, v128.load(firstMoment + offset)), f32x4.mul(c1V, g));
    const v = f32x4.add(
      f32x4.mul(b2V, v128.load(secondMoment + offset)),
      f32x4.mul(c2V, f32x4.mul(g, g)),
    );
    v128.store(firstMoment + offset, m);
    v128.store(secondMoment + offset, v);
    const x = v128.load(weights + offset);
    const step = f32x4.add(
      f32x4.mul(decayV, x),
      f32x4.div(f32x4.mul(stepV, m), f32x4.add(f32x4.sqrt(v), epsV)),
    );
    v128.store(weights + offset, f32x4.sub(x, step));
    v128.store(displacement + offset, f32x4.add(v128.load(displacement + offset), step));
  }
  for (; i < n; i++) {
    const offset = (<usize>i) << 2;
    const g = load<f32>(gradient + offset);
    const m = b1 * load<f32>(firstMoment + offset) + c1 * g;
    const v = b2 * load<f32>(secondMoment + offset) + c2 * (g * g);
    store<f32>(firstMoment + offset, m);
    store<f32>(secondMoment + offset, v);
    const x = load<f32>(weights + offset);
    const decayed: f32 = decay === 0 ? 0 : decay * x;
    const step = decayed + (stepSize * m) / (Mathf.sqrt(v) + eps);
    store<f32>(weights + offset, x - step);
    store<f32>(displacement + offset, load<f32>(displacement + offset) + step);
  }
}
