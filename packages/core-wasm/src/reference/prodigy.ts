/**
 * Reference Prodigy passes (Mishchenko & Defazio, ICML 2024, arXiv 2306.06101, Algorithm 3
 * in its Adam form), one element at a time: the oracle of the fused kernels of
 * assembly/prodigy.ts, and the f64 path of `@dualphi/optimizer`'s `prodigy` (its doc comment
 * has the whole step). Like the other reference updates they work on Float32Array or
 * Float64Array, computing in f64 and rounding once when stored; the sums are f64. Options are
 * not validated here (the reference kernel set validates them first).
 */
import type { ProdigySums, ProdigySumsOptions, ProdigyUpdateOptions } from '../types.js';
import type { FloatArray, Numbers } from './arrays.js';

/**
 * Pass 1, before the step size is known: s ← β₃·s + scale·g; returns ⟨g, x₀ − x⟩ (from the
 * stored displacement x₀ − x) and ‖s‖₁ of the new s (as stored).
 */
export function prodigySums(
  gradient: Numbers,
  displacement: Numbers,
  distance: FloatArray,
  n: number,
  options: ProdigySumsOptions,
): ProdigySums {
  const { scale, beta3 } = options;
  let dot = 0;
  let distanceL1 = 0;
  for (let i = 0; i < n; i++) {
    const g = gradient[i];
    dot += g * displacement[i];
    distance[i] = beta3 * distance[i] + scale * g;
    distanceL1 += Math.abs(distance[i]);
  }
  return { dot, distanceL1 };
}

/**
 * Pass 2, with d the estimate the step started with: m ← β₁m + (1 − β₁)·d·g,
 * v ← β₂v + (1 − β₂)·d²·g²; with `nextD` given, step = λ·d·η·x + d·η·m / (√v + nextD·ε),
 * x ← x − step, displacement ← displacement + step (the displacement x₀ − x summed from the
 * steps keeps its own precision in f32, where x₀ − x from two nearby weights would not).
 */
export function prodigyUpdate(
  weights: FloatArray,
  displacement: FloatArray,
  firstMoment: FloatArray,
  secondMoment: FloatArray,
  gradient: Numbers,
  n: number,
  options: ProdigyUpdateOptions,
): void {
  const { d, learningRate, beta1, beta2, epsilon, nextD } = options;
  const weightDecay = options.weightDecay ?? 0;
  for (let i = 0; i < n; i++) {
    const g = gradient[i];
    firstMoment[i] = beta1 * firstMoment[i] + (1 - beta1) * d * g;
    secondMoment[i] = beta2 * secondMoment[i] + (1 - beta2) * d * d * g * g;
  }
  if (nextD === undefined) return;
  const dlr = d * learningRate;
  for (let i = 0; i < n; i++) {
    const decay = weightDecay > 0 ? weightDecay * dlr * weights[i] : 0;
    const step = decay + (dlr * firstMoment[i]) / (Math.sqrt(secondMoment[i]) + nextD * epsilon);
    weights[i] = weights[i] - step;
    displacement[i] += step;
  }
}
