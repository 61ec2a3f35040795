/**
 * Plain f64 update rules over `Float64Array`s: the readable reference every optimizer's
 * kernel path is tested against (in f32 tolerance), and the path that checks the papers'
 * numbers exactly (theory.md §4's test vector, to 1e-9). Written independently of
 * `@dualphi/core-wasm/reference` so that it checks the kernels rather than repeating them.
 */
import type { ProcessTerms } from '@dualphi/core-wasm';

/** Read-only numbers: a `Float64Array`, `Float32Array` or `number[]`. */
export type Numbers = ArrayLike<number>;

/**
 * The papers' delta form (theory.md §4): Δw(t) = −η·g(t) + α·Δw(t − 1), w ← w + Δw, with the
 * process terms G = −η·g and M = α·Δw(t − 1) of theory.md §5.
 */
export function heavyBallReference(
  weights: Float64Array,
  delta: Float64Array,
  gradient: Numbers,
  learningRate: number,
  momentum: number,
): ProcessTerms {
  let gradientNormSquared = 0;
  let momentumNormSquared = 0;
  let dot = 0;
  for (let i = 0; i < weights.length; i++) {
    const gradientTerm = -learningRate * gradient[i];
    const momentumTerm = momentum * delta[i];
    gradientNormSquared += gradientTerm * gradientTerm;
    momentumNormSquared += momentumTerm * momentumTerm;
    dot += gradientTerm * momentumTerm;
    delta[i] = gradientTerm + momentumTerm;
    weights[i] += delta[i];
  }
  return { gradientNormSquared, momentumNormSquared, dot };
}

/**
 * tfjs / PyTorch momentum: v ← μ·v + g; w ← w − η·v, or with Nesterov w ← w − η·(g + μ·v).
 */
export function momentumReference(
  weights: Float64Array,
  velocity: Float64Array,
  gradient: Numbers,
  learningRate: number,
  momentum: number,
  nesterov: boolean,
): void {
  for (let i = 0; i < weights.length; i++) {
    velocity[i] = momentum * velocity[i] + gradient[i];
    weights[i] -= learningRate * (nesterov ? gradient[i] + momentum * velocity[i] : velocity[i]);
  }
}

/**
 * Adam (Kingma & Ba 2015) with bias correction at the 1-based `step`; with weightDecay > 0
 * AdamW (Loshchilov & Hutter 2019), decay taken from the old w: w ← w − η·λ·w − η·m̂/(√v̂ + ε).
 */
export function adamReference(
  weights: Float64Array,
  firstMoment: Float64Array,
  secondMoment: Float64Array,
  gradient: Numbers,
  options: {
    learningRate: number;
    beta1: number;
    beta2: number;
    epsilon: number;
    step: number;
    weightDecay: number;
  },
): void {
  const { learningRate, beta1, beta2, epsilon, step, weightDecay } = options;
  const firstCorrection = 1 - beta1 ** step;
  const secondCorrection = 1 - beta2 ** step;
  for (let i = 0; i < weights.length; i++) {
    const g = gradient[i];
    firstMoment[i] = beta1 * firstMoment[i] + (1 - beta1) * g;
    secondMoment[i] = beta2 * secondMoment[i] + (1 - beta2) * g * g;
    const corrected = firstMoment[i] / firstCorrection;
    const scale = Math.sqrt(secondMoment[i] / secondCorrection) + epsilon;
    weights[i] -= learningRate * weightDecay * weights[i] + (learningRate * corrected) / scale;
  }
}
