/**
 * Reference parameter updates, one element at a time. Each works on Float32Array (the
 * buffers of a kernel set) or Float64Array (to check the theory page's test vector in double
 * precision, and the f64 path `updateArrays` of `@dualphi/optimizer`); arithmetic is done in
 * f64 and rounded once when stored. Gradients are only read, so any array of numbers serves.
 * The options are those of the matching `Kernels` method (not validated here: the
 * reference kernel set validates them first).
 */
import type { AdamOptions, HeavyBallOptions, MomentumOptions, ProcessTerms } from '../types.js';
import type { FloatArray, Numbers } from './arrays.js';

/**
 * The papers' delta-form heavy ball (apps/docs/theory.md#constants):
 *   Δw(t) = −η · g(t) + α · Δw(t − 1),   w(t + 1) = w(t) + Δw(t).
 * Returns the process terms of this step (apps/docs/theory.md#process-balance, the project's interpretation):
 * ‖G‖², ‖M‖² and G · M for G = −η·g and M = α·Δw(t − 1), accumulated in f64.
 */
export function heavyBall(
  weights: FloatArray,
  delta: FloatArray,
  gradient: Numbers,
  n: number,
  options: HeavyBallOptions,
): ProcessTerms {
  const { learningRate, momentum } = options;
  let gradientNormSquared = 0;
  let momentumNormSquared = 0;
  let dot = 0;
  for (let i = 0; i < n; i++) {
    const g = -learningRate * gradient[i];
    const m = momentum * delta[i];
    gradientNormSquared += g * g;
    momentumNormSquared += m * m;
    dot += g * m;
    delta[i] = g + m;
    weights[i] += delta[i];
  }
  return { gradientNormSquared, momentumNormSquared, dot };
}

/**
 * Momentum in the tfjs `tf.train.momentum` / PyTorch `SGD` convention: v ← μ·v + g, then
 * w ← w − η·v, or with Nesterov w ← w − η·(g + μ·v) using the new v. With a constant η it
 * follows the same trajectory as {@link heavyBall} (Δw = −η·v, apps/docs/theory.md#constants).
 */
export function momentumUpdate(
  weights: FloatArray,
  velocity: FloatArray,
  gradient: Numbers,
  n: number,
  options: MomentumOptions,
): void {
  const { learningRate, momentum } = options;
  const nesterov = options.nesterov === true;
  for (let i = 0; i < n; i++) {
    const v = momentum * velocity[i] + gradient[i];
    velocity[i] = v;
    const step = nesterov ? gradient[i] + momentum * v : v;
    weights[i] -= learningRate * step;
  }
}

/**
 * Adam (Kingma & Ba) with bias correction, and AdamW (Loshchilov & Hutter) when
 * weightDecay > 0: m ← β₁m + (1 − β₁)g, v ← β₂v + (1 − β₂)g², m̂ = m / (1 − β₁ᵗ),
 * v̂ = v / (1 − β₂ᵗ), w ← w − η·λ·w − η·m̂ / (√v̂ + ε) with the decay taken from the old w
 * (the PyTorch `AdamW` order).
 */
export function adam(
  weights: FloatArray,
  firstMoment: FloatArray,
  secondMoment: FloatArray,
  gradient: Numbers,
  n: number,
  options: AdamOptions,
): void {
  const { learningRate, beta1, beta2, epsilon, step } = options;
  const weightDecay = options.weightDecay ?? 0;
  const firstCorrection = 1 - beta1 ** step;
  const secondCorrection = 1 - beta2 ** step;
  for (let i = 0; i < n; i++) {
    const g = gradient[i];
    const m = beta1 * firstMoment[i] + (1 - beta1) * g;
    const v = beta2 * secondMoment[i] + (1 - beta2) * g * g;
    firstMoment[i] = m;
    secondMoment[i] = v;
    const w = weights[i];
    const adaptive = m / firstCorrection / (Math.sqrt(v / secondCorrection) + epsilon);
    weights[i] = w - learningRate * weightDecay * w - learningRate * adaptive;
  }
}
