/**
 * Schedule-Free SGD and Schedule-Free AdamW (Defazio et al., "The Road Less Scheduled",
 * NeurIPS 2024, arXiv 2405.15682, Algorithm 1 and its AdamW form) as one fused pass each over
 * n f32 parameters, with η_k (`learningRate`), the averaging coefficient c and, for AdamW,
 * the bias correction 1 − β₂^(k+1) computed by the caller:
 *
 *     SGD:   z ← z − η_k·(g + λ·y)
 *     AdamW: z ← z − η_k·λ·y (when λ > 0);  v ← β₂v + (1 − β₂)g²;
 *            z ← z − η_k·g / (√(v / (1 − β₂^(k+1))) + ε)
 *     x ← (1 − c)·x + c·z,   y ← β·x + (1 − β)·z
 *
 * y is the parameter tensor. Like lion.ts these compute in f64 from the f32 values and round
 * once when they store, every operation in the order of the TypeScript loops they replace
 * (src/reference/schedule-free.ts), reading back the stored (rounded) v, z and x where those
 * loops do: the results are bit-identical to the loops. Four elements per iteration as two
 * f64x2 halves.
 */
import { demotePair, promoteHigh, roundToF32 } from './math';

/**
 * The averaging both variants end with, for four elements at `offset`: x ← (1 − c)·x + c·z
 * from the stored x and the new z (rounded, as two f64x2 halves), then y ← β·x + (1 − β)·z
 * from the rounded x; stores x and y. Inlined at both call sites (`inline.always`).
 */
function storeAverage(
  x: usize,
  y: usize,
  offset: usize,
  zLo: v128,
  zHi: v128,
  keepV: v128,
  cV: v128,
  betaV: v128,
  restV: v128,
): void {
  const x4 = v128.load(x + offset);
  const xLo = roundToF32(
    f64x2.add(f64x2.mul(keepV, f64x2.promote_low_f32x4(x4)), f64x2.mul(cV, zLo)),
  );
  const xHi = roundToF32(f64x2.add(f64x2.mul(keepV, promoteHigh(x4)), f64x2.mul(cV, zHi)));
  const yLo = f64x2.add(f64x2.mul(betaV, xLo), f64x2.mul(restV, zLo));
  const yHi = f64x2.add(f64x2.mul(betaV, xHi), f64x2.mul(restV, zHi));
  v128.store(x + offset, demotePair(xLo, xHi));
  v128.store(y + offset, demotePair(yLo, yHi));
}

/** {@link storeAverage} for one element (the scalar tails). */
function storeAverageScalar(
  x: usize,
  y: usize,
  offset: usize,
  zNew: f32,
  keep: f64,
  averaging: f64,
  beta: f64,
  rest: f64,
): void {
  const xNew = <f32>(keep * <f64>load<f32>(x + offset) + averaging * <f64>zNew);
  store<f32>(x + offset, xNew);
  store<f32>(y + offset, <f32>(beta * <f64>xNew + rest * <f64>zNew));
}

/**
 * Schedule-Free SGD over n elements: z ← z − η·(g + λ·y), then x ← (1 − c)·x + c·z and
 * y ← β·x + (1 − β)·z from the stored z and x.
 */
export function scheduleFreeSgdUpdate(
  weights: usize,
  z: usize,
  x: usize,
  gradient: usize,
  n: i32,
  learningRate: f64,
  weightDecay: f64,
  averaging: f64,
  momentum: f64,
): void {
  const keep = 1 - averaging;
  const rest = 1 - momentum;
  const etaV = f64x2.splat(learningRate);
  const decayV = f64x2.splat(weightDecay);
  const cV = f64x2.splat(averaging);
  const keepV = f64x2.splat(keep);
  const betaV = f64x2.splat(momentum);
  const restV = f64x2.splat(rest);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const offset = (<usize>i) << 2;
    const y4 = v128.load(weights + offset);
    const g4 = v128.load(gradient + offset);
    const z4 = v128.load(z + offset);
    const yLo = f64x2.promote_low_f32x4(y4);
    const yHi = promoteHigh(y4);
    const gLo = f64x2.promote_low_f32x4(g4);
    const gHi = promoteHigh(g4);
    const zLo = roundToF32(
      f64x2.sub(
        f64x2.promote_low_f32x4(z4),
        f64x2.mul(etaV, f64x2.add(gLo, f64x2.mul(decayV, yLo))),
      ),
    );
    const zHi = roundToF32(
      f64x2.sub(promoteHigh(z4), f64x2.mul(etaV, f64x2.add(gHi, f64x2.mul(decayV, yHi)))),
    );
    v128.store(z + offset, demotePair(zLo, zHi));
    inline.always(storeAverage(x, weights, offset, zLo, zHi, keepV, cV, betaV, restV));
  }
  for (; i < n; i++) {
    const offset = (<usize>i) << 2;
    const y = <f64>load<f32>(weights + offset);
    const g = <f64>load<f32>(gradient + offset);
    const zNew = <f32>(<f64>load<f32>(z + offset) - learningRate * (g + weightDecay * y));
    store<f32>(z + offset, zNew);
    inline.always(storeAverageScalar(x, weights, offset, zNew, keep, averaging, momentum, rest));
  }
}

/**
 * Schedule-Free AdamW over n elements, `correction` = 1 − β₂^(k+1): with λ > 0 the decayed
 * z − (η·λ)·y (unrounded, from the old y), else z; v ← β₂·v + (1 − β₂)·g·g; z ← decayed −
 * η·g / (√(v / correction) + ε) with the stored v; then x and y as Schedule-Free SGD.
 */
export function scheduleFreeAdamWUpdate(
  weights: usize,
  z: usize,
  x: usize,
  secondMoment: usize,
  gradient: usize,
  n: i32,
  learningRate: f64,
  weightDecay: f64,
  averaging: f64,
  beta1: f64,
  beta2: f64,
  epsilon: f64,
  correction: f64,
): void {
  const decay = weightDecay > 0;
  const rateDecay = learningRate * weightDecay;
  const c2 = 1 - beta2;
  const keep = 1 - averaging;
  const rest = 1 - beta1;
  const etaV = f64x2.splat(learningRate);
  const rateDecayV = f64x2.splat(rateDecay);
  const b2V = f64x2.splat(beta2);
  const c2V = f64x2.splat(c2);
  const epsV = f64x2.splat(epsilon);
  const correctionV = f64x2.splat(correction);
  const cV = f64x2.splat(averaging);
  const keepV = f64x2.splat(keep);
  const betaV = f64x2.splat(beta1);
  const restV = f64x2.splat(rest);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const offset = (<usize>i) << 2;
    const y4 = v128.load(weights + offset);
    const g4 = v128.load(gradient + offset);
    const z4 = v128.load(z + offset);
    const v4 = v128.load(secondMoment + offset);
    const gLo = f64x2.promote_low_f32x4(g4);
    const gHi = promoteHigh(g4);
    let dLo = f64x2.promote_low_f32x4(z4);
    let dHi = promoteHigh(z4);
    if (decay) {
      dLo = f64x2.sub(dLo, f64x2.mul(rateDecayV, f64x2.promote_low_f32x4(y4)));
      dHi = f64x2.sub(dHi, f64x2.mul(rateDecayV, promoteHigh(y4)));
    }
    const vLo = roundToF32(
      f64x2.add(f64x2.mul(b2V, f64x2.promote_low_f32x4(v4)), f64x2.mul(f64x2.mul(c2V, gLo), gLo)),
    );
    const vHi = roundToF32(
      f64x2.add(f64x2.mul(b2V, promoteHigh(v4)), f64x2.mul(f64x2.mul(c2V, gHi), gHi)),
    );
    const zLo = roundToF32(
      f64x2.sub(
        dLo,
        f64x2.div(f64x2.mul(etaV, gLo), f64x2.add(f64x2.sqrt(f64x2.div(vLo, correctionV)), epsV)),
      ),
    );
    const zHi = roundToF32(
      f64x2.sub(
        dHi,
        f64x2.div(f64x2.mul(etaV, gHi), f64x2.add(f64x2.sqrt(f64x2.div(vHi, correctionV)), epsV)),
      ),
    );
    v128.store(secondMoment + offset, demotePair(vLo, vHi));
    v128.store(z + offset, demotePair(zLo, zHi));
    inline.always(storeAverage(x, weights, offset, zLo, zHi, keepV, cV, betaV, restV));
  }
  for (; i < n; i++) {
    const offset = (<usize>i) << 2;
    const y = <f64>load<f32>(weights + offset);
    const g = <f64>load<f32>(gradient + offset);
    const zOld = <f64>load<f32>(z + offset);
    const decayed = decay ? zOld - rateDecay * y : zOld;
    const vNew = <f32>(beta2 * <f64>load<f32>(secondMoment + offset) + c2 * g * g);
    store<f32>(secondMoment + offset, vNew);
    const zNew = <f32>(
      (decayed - (learningRate * g) / (Math.sqrt(<f64>vNew / correction) + epsilon))
    );
    store<f32>(z + offset, zNew);
    inline.always(storeAverageScalar(x, weights, offset, zNew, keep, averaging, beta1, rest));
  }
}
