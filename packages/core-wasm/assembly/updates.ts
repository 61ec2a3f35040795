/**
 * Fused parameter updates over n f32 parameters: one pass reads and writes each array once
 * (the update is memory-bound, see BENCHMARKS.md). Hyper-parameters arrive as f64 and are
 * rounded to f32 once.
 */
import { promoteHigh, sumLanesF64 } from './math';
import { resultsPointer, setResult } from './results';

/**
 * Elements per telemetry chunk of the heavy ball: its three sums are taken over fixed chunks
 * of this many elements (a multiple of 16) and the chunks' sums added in chunk order, so an
 * update split across threads by whole chunks (`heavyBallChunks`) sums exactly as one call.
 */
const HEAVY_BALL_CHUNK: i32 = 4096;

/**
 * The delta-form step over n elements with its process terms: writes ‖G‖², ‖M‖² and G·M of
 * G = −η·g and M = α·Δw(t − 1) to out[0..2] (f64). Products and partial sums of 16 elements
 * in f32, flushed to f64: each f32 partial holds 4 products per lane (≤ 3 roundings).
 */
function heavyBallTerms(
  weights: usize,
  delta: usize,
  gradient: usize,
  n: i32,
  eta: f32,
  alpha: f32,
  out: usize,
): void {
  const etaV = f32x4.splat(eta);
  const alphaV = f32x4.splat(alpha);
  let gg = f64x2.splat(0);
  let mm = f64x2.splat(0);
  let gm = f64x2.splat(0);
  let i = 0;
  // Two blocks of 16 per iteration, each with its own f32 partials, flushed in order: the
  // same sums as one block at a time, with two independent chains of additions in flight.
  for (; i + 32 <= n; i += 32) {
    let ggA = f32x4.splat(0);
    let mmA = ggA;
    let gmA = ggA;
    let ggB = ggA;
    let mmB = ggA;
    let gmB = ggA;
    for (let j = 0; j < 4; j++) {
      const offsetA = (<usize>(i + 4 * j)) << 2;
      const offsetB = offsetA + 64;
      const gA = f32x4.mul(etaV, v128.load(gradient + offsetA));
      const mA = f32x4.mul(alphaV, v128.load(delta + offsetA));
      const gB = f32x4.mul(etaV, v128.load(gradient + offsetB));
      const mB = f32x4.mul(alphaV, v128.load(delta + offsetB));
      const stepA = f32x4.add(gA, mA);
      const stepB = f32x4.add(gB, mB);
      v128.store(delta + offsetA, stepA);
      v128.store(weights + offsetA, f32x4.add(v128.load(weights + offsetA), stepA));
      v128.store(delta + offsetB, stepB);
      v128.store(weights + offsetB, f32x4.add(v128.load(weights + offsetB), stepB));
      ggA = f32x4.add(ggA, f32x4.mul(gA, gA));
      mmA = f32x4.add(mmA, f32x4.mul(mA, mA));
      gmA = f32x4.add(gmA, f32x4.mul(gA, mA));
      ggB = f32x4.add(ggB, f32x4.mul(gB, gB));
      mmB = f32x4.add(mmB, f32x4.mul(mB, mB));
      gmB = f32x4.add(gmB, f32x4.mul(gB, mB));
    }
    gg = f64x2.add(gg, f64x2.add(f64x2.promote_low_f32x4(ggA), promoteHigh(ggA)));
    mm = f64x2.add(mm, f64x2.add(f64x2.promote_low_f32x4(mmA), promoteHigh(mmA)));
    gm = f64x2.add(gm, f64x2.add(f64x2.promote_low_f32x4(gmA), promoteHigh(gmA)));
    gg = f64x2.add(gg, f64x2.add(f64x2.promote_low_f32x4(ggB), promoteHigh(ggB)));
    mm = f64x2.add(mm, f64x2.add(f64x2.promote_low_f32x4(mmB), promoteHigh(mmB)));
    gm = f64x2.add(gm, f64x2.add(f64x2.promote_low_f32x4(gmB), promoteHigh(gmB)));
  }
  for (; i + 16 <= n; i += 16) {
    let gg4 = f32x4.splat(0);
    let mm4 = gg4;
    let gm4 = gg4;
    for (let j = 0; j < 4; j++) {
      const offset = (<usize>(i + 4 * j)) << 2;
      const g = f32x4.mul(etaV, v128.load(gradient + offset));
      const m = f32x4.mul(alphaV, v128.load(delta + offset));
      const step = f32x4.add(g, m);
      v128.store(delta + offset, step);
      v128.store(weights + offset, f32x4.add(v128.load(weights + offset), step));
      gg4 = f32x4.add(gg4, f32x4.mul(g, g));
      mm4 = f32x4.add(mm4, f32x4.mul(m, m));
      gm4 = f32x4.add(gm4, f32x4.mul(g, m));
    }
    gg = f64x2.add(gg, f64x2.add(f64x2.promote_low_f32x4(gg4), promoteHigh(gg4)));
    mm = f64x2.add(mm, f64x2.add(f64x2.promote_low_f32x4(mm4), promoteHigh(mm4)));
    gm = f64x2.add(gm, f64x2.add(f64x2.promote_low_f32x4(gm4), promoteHigh(gm4)));
  }
  let ggSum = sumLanesF64(gg);
  let mmSum = sumLanesF64(mm);
  let gmSum = sumLanesF64(gm);
  for (; i < n; i++) {
    const offset = (<usize>i) << 2;
    const g = eta * load<f32>(gradient + offset);
    const m = alpha * load<f32>(delta + offset);
    const step = g + m;
    store<f32>(delta + offset, step);
    store<f32>(weights + offset, load<f32>(weights + offset) + step);
    ggSum += <f64>g * <f64>g;
    mmSum += <f64>m * <f64>m;
    gmSum += <f64>g * <f64>m;
  }
  store<f64>(out, ggSum);
  store<f64>(out, mmSum, 8);
  store<f64>(out, gmSum, 16);
}

/**
 * The papers' delta-form heavy ball (apps/docs/theory.md#constants):
 *   Δw(t) = −η·g(t) + α·Δw(t − 1),   w(t + 1) = w(t) + Δw(t).
 * With `telemetry` ≠ 0 also writes ‖G‖², ‖M‖² and G·M of G = −η·g and M = α·Δw(t − 1)
 * (apps/docs/theory.md#process-balance, the project's interpretation) into result slots 0, 1, 2:
 * each sum is taken per chunk of HEAVY_BALL_CHUNK elements (see `heavyBallTerms`) and
 * the chunks' sums are added in f64 in chunk order.
 */
export function heavyBall(
  weights: usize,
  delta: usize,
  gradient: usize,
  n: i32,
  learningRate: f64,
  momentum: f64,
  telemetry: i32,
): void {
  const eta = <f32>-learningRate;
  const alpha = <f32>momentum;
  if (!telemetry) {
    const etaV = f32x4.splat(eta);
    const alphaV = f32x4.splat(alpha);
    let i = 0;
    for (; i + 4 <= n; i += 4) {
      const offset = (<usize>i) << 2;
      const step = f32x4.add(
        f32x4.mul(etaV, v128.load(gradient + offset)),
        f32x4.mul(alphaV, v128.load(delta + offset)),
      );
      v128.store(delta + offset, step);
      v128.store(weights + offset, f32x4.add(v128.load(weights + offset), step));
    }
    for (; i < n; i++) {
      const offset = (<usize>i) << 2;
      const step = eta * load<f32>(gradient + offset) + alpha * load<f32>(delta + offset);
      store<f32>(delta + offset, step);
      store<f32>(weights + offset, load<f32>(weights + offset) + step);
    }
    return;
  }
  // Result slots 3..5 hold each chunk's sums before they are added in.
  const chunk = resultsPointer() + 24;
  let gg: f64 = 0;
  let mm: f64 = 0;
  let gm: f64 = 0;
  for (let i = 0; i < n; i += HEAVY_BALL_CHUNK) {
    const offset = (<usize>i) << 2;
    const length = min(HEAVY_BALL_CHUNK, n - i);
    heavyBallTerms(weights + offset, delta + offset, gradient + offset, length, eta, alpha, chunk);
    gg += load<f64>(chunk);
    mm += load<f64>(chunk, 8);
    gm += load<f64>(chunk, 16);
  }
  setResult(0, gg);
  setResult(1, mm);
  setResult(2, gm);
}

/**
 * Chunks [c0, c1) of a heavy ball with telemetry over n elements (chunks of
 * HEAVY_BALL_CHUNK): updates their elements and writes chunk c's three sums to
 * out + 24·(c − c0) bytes, for the caller to add in chunk order. A thread's share of a split
 * update; it touches no module state, so worker threads run it on the shared memory.
 */
export function heavyBallChunks(
  weights: usize,
  delta: usize,
  gradient: usize,
  n: i32,
  learningRate: f64,
  momentum: f64,
  c0: i32,
  c1: i32,
  out: usize,
): void {
  const eta = <f32>-learningRate;
  const alpha = <f32>momentum;
  for (let c = c0; c < c1; c++) {
    const i = c * HEAVY_BALL_CHUNK;
    if (i >= n) return;
    const offset = (<usize>i) << 2;
    const length = min(HEAVY_BALL_CHUNK, n - i);
    const terms = out + <usize>(c - c0) * 24;
    heavyBallTerms(weights + offset, delta + offset, gradient + offset, length, eta, alpha, terms);
  }
}

/**
 * Momentum in the tfjs/PyTorch convention: v ← μ·v + g; w ← w − η·v, or with `nesterov`
 * ≠ 0, w ← w − η·(g + μ·v) with the new v.
 */
export function momentumUpdate(
  weights: usize,
  velocity: usize,
  gradient: usize,
  n: i32,
  learningRate: f64,
  momentum: f64,
  nesterov: i32,
): void {
  const eta = <f32>learningRate;
  const mu = <f32>momentum;
  const etaV = f32x4.splat(eta);
  const muV = f32x4.splat(mu);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const offset = (<usize>i) << 2;
    const g = v128.load(gradient + offset);
    const v = f32x4.add(f32x4.mul(muV, v128.load(velocity + offset)), g);
    v128.store(velocity + offset, v);
    const step = nesterov ? f32x4.add(g, f32x4.mul(muV, v)) : v;
    v128.store(weights + offset, f32x4.sub(v128.load(weights + offset), f32x4.mul(etaV, step)));
  }
  for (; i < n; i++) {
    const offset = (<usize>i) << 2;
    const g = load<f32>(gradient + offset);
    const v = mu * load<f32>(velocity + offset) + g;
    store<f32>(velocity + offset, v);
    const step = nesterov ? g + mu * v : v;
    store<f32>(weights + offset, load<f32>(weights + offset) - eta * step);
  }
}

/**
 * Adam with bias correction, and AdamW when weightDecay > 0 (decoupled decay from the old
 * w, the PyTorch order): m ← β₁m + (1 − β₁)g, v ← β₂v + (1 − β₂)g²,
 * w ← w − η·λ·w − (η / (1 − β₁ᵗ))·m / (√(v / (1 − β₂ᵗ)) + ε).
 */
export function adam(
  weights: usize,
  firstMoment: usize,
  secondMoment: usize,
  gradient: usize,
  n: i32,
  learningRate: f64,
  beta1: f64,
  beta2: f64,
  epsilon: f64,
  step: i32,
  weightDecay: f64,
): void {
  const stepSize = <f32>(learningRate / (1 - beta1 ** <f64>step));
  const secondScale = <f32>(1 / (1 - beta2 ** <f64>step));
  const keep = <f32>(1 - learningRate * weightDecay);
  const b1 = <f32>beta1;
  const b2 = <f32>beta2;
  const c1 = <f32>(1 - beta1);
  const c2 = <f32>(1 - beta2);
  const eps = <f32>epsilon;
  const b1V = f32x4.splat(b1);
  const b2V = f32x4.splat(b2);
  const c1V = f32x4.splat(c1);
  const c2V = f32x4.splat(c2);
  const epsV = f32x4.splat(eps);
  const stepV = f32x4.splat(stepSize);
  const scaleV = f32x4.splat(secondScale);
  const keepV = f32x4.splat(keep);
  let i = 0;
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
    const denominator = f32x4.add(f32x4.sqrt(f32x4.mul(v, scaleV)), epsV);
    const w = f32x4.mul(v128.load(weights + offset), keepV);
    v128.store(weights + offset, f32x4.sub(w, f32x4.div(f32x4.mul(stepV, m), denominator)));
  }
  for (; i < n; i++) {
    const offset = (<usize>i) << 2;
    const g = load<f32>(gradient + offset);
    const m = b1 * load<f32>(firstMoment + offset) + c1 * g;
    const v = b2 * load<f32>(secondMoment + offset) + c2 * (g * g);
    store<f32>(firstMoment + offset, m);
    store<f32>(secondMoment + offset, v);
    const denominator = Mathf.sqrt(v * secondScale) + eps;
    const w = load<f32>(weights + offset) * keep;
    store<f32>(weights + offset, w - (stepSize * m) / denominator);
  }
}
