/**
 * The reference Schedule-Free updates (Defazio et al., "The Road Less Scheduled", NeurIPS
 * 2024, arXiv 2405.15682), one element at a time: the oracle of the fused kernels of
 * assembly/schedule-free.ts, the kernel path of `@dualphi/optimizer`'s `scheduleFreeSgd` and
 * `scheduleFreeAdamW` on a kernel set without those kernels, and their f64 path. The
 * parameters hold y. On Float32Arrays each element is computed in f64 and rounded once when
 * stored, and the stored (rounded) v, z and x are read back where the loops read them; the
 * fused kernels do the same operations in the same order, so the two are bit-identical.
 * Options are not validated here (the reference kernel set validates them first).
 */
import type { ScheduleFreeAdamWUpdateOptions, ScheduleFreeSgdUpdateOptions } from '../types.js';
import type { FloatArray, Numbers } from './arrays.js';

/**
 * The averaging and interpolation after z moved: x ← (1 − c)x + c·z, y ← β·x + (1 − β)·z,
 * with y computed from the stored (rounded) x and z.
 */
function average(
  x: FloatArray,
  z: FloatArray,
  y: FloatArray,
  i: number,
  c: number,
  beta: number,
): void {
  x[i] = (1 - c) * x[i] + c * z[i];
  y[i] = beta * x[i] + (1 - beta) * z[i];
}

/**
 * Schedule-Free SGD: z ← z − η·(g + λ·y), then x ← (1 − c)·x + c·z and y ← β·x + (1 − β)·z
 * from the stored x and z.
 */
export function scheduleFreeSgdUpdate(
  weights: FloatArray,
  z: FloatArray,
  x: FloatArray,
  gradient: Numbers,
  n: number,
  options: ScheduleFreeSgdUpdateOptions,
): void {
  const { learningRate: rate, momentum, averaging: c } = options;
  const weightDecay = options.weightDecay ?? 0;
  const y = weights;
  const g = gradient;
  for (let i = 0; i < n; i++) {
    z[i] = z[i] - rate * (g[i] + weightDecay * y[i]);
    average(x, z, y, i, c, momentum);
  }
}

/**
 * Schedule-Free AdamW: with λ > 0 the decayed z − η·λ·y (from the old y, not rounded), else
 * z; v ← β₂v + (1 − β₂)g²; z ← decayed − η·g / (√(v / (1 − β₂^step)) + ε) with the stored v;
 * then x ← (1 − c)·x + c·z and y ← β₁·x + (1 − β₁)·z from the stored x and z.
 */
export function scheduleFreeAdamWUpdate(
  weights: FloatArray,
  z: FloatArray,
  x: FloatArray,
  secondMoment: FloatArray,
  gradient: Numbers,
  n: number,
  options: ScheduleFreeAdamWUpdateOptions,
): void {
  const { learningRate: rate, beta1, beta2, epsilon, averaging: c } = options;
  const weightDecay = options.weightDecay ?? 0;
  const correction = 1 - beta2 ** options.step;
  const y = weights;
  const g = gradient;
  const v = secondMoment;
  for (let i = 0; i < n; i++) {
    const gi = g[i];
    const decayed = weightDecay > 0 ? z[i] - rate * weightDecay * y[i] : z[i];
    v[i] = beta2 * v[i] + (1 - beta2) * gi * gi;
    z[i] = decayed - (rate * gi) / (Math.sqrt(v[i] / correction) + epsilon);
    average(x, z, y, i, c, beta1);
  }
}
