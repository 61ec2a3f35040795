/**
 * The reference Lion update (Chen et al., NeurIPS 2023, arXiv 2302.06675, Algorithm 2), one
 * element at a time: the oracle of the fused kernel of assembly/lion.ts, the kernel path of
 * `@dualphi/optimizer`'s `lion` on a kernel set without that kernel, and its f64 path. On
 * Float32Arrays it computes each element in f64 and rounds once when it stores; the fused
 * kernel does the same operations in the same order, so the two are bit-identical. Options
 * are not validated here (the reference kernel set validates them first).
 */
import type { LionUpdateOptions } from '../types.js';
import type { FloatArray, Numbers } from './arrays.js';

/**
 * c = β₁·m + (1 − β₁)·g, w ← w − η·(sign(c) + λ·w) with the old w, m ← β₂·m + (1 − β₂)·g
 * with the old m; sign as `Math.sign` (sign(0) = 0).
 */
export function lionUpdate(
  weights: FloatArray,
  momentum: FloatArray,
  gradient: Numbers,
  n: number,
  options: LionUpdateOptions,
): void {
  const { learningRate, beta1, beta2 } = options;
  const weightDecay = options.weightDecay ?? 0;
  const w = weights;
  const m = momentum;
  const g = gradient;
  for (let i = 0; i < n; i++) {
    const c = beta1 * m[i] + (1 - beta1) * g[i];
    w[i] = w[i] - learningRate * (Math.sign(c) + weightDecay * w[i]);
    m[i] = beta2 * m[i] + (1 - beta2) * g[i];
  }
}
