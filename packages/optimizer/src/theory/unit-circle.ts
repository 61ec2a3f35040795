/**
 * The unit circle of the two processes (arXiv 2410.12984, Eqs. 15–16, 22–23) and this
 * project's complex-number reading of it (apps/docs/theory.md#unit-circle, #constants).
 */
import { golden } from './golden.js';

/** Facts of apps/docs/theory.md#unit-circle to #constants about the unit circle, see {@link unitCircle}. */
export interface UnitCircleFacts {
  /** ϕ = π/4, where sin ϕ = cos ϕ: the two processes' "inner" equation (apps/docs/theory.md#unit-circle). */
  readonly balanceAngle: number;
  /** sin(π/4) = cos(π/4) = 1/√2, the value both summands take at equilibrium. */
  readonly balanceValue: number;
  /** e^{iπ/4} = (1 + i)/√2 as [real, imaginary] (this project's complex-number reading). */
  readonly balancePoint: readonly [number, number];
  /** |p₁ + i·p₁| = √2·p₁ = α: the golden ratio on both axes (apps/docs/theory.md#constants, interpretation). */
  readonly goldenPointModulus: number;
}

/**
 * The process at angle ϕ (arXiv 2410.12984, Eqs. 15–16, 22–23; apps/docs/theory.md#unit-circle):
 * with P = sin ϕ and √(1 − P²) = cos ϕ, one process reads 2·sin ϕ·log_λ(cos ϕ), its dual
 * 2·log_λ(sin ϕ)·cos ϕ. At ϕ = π/4 (the inner Bayes equation) they are equal.
 *
 * @param angle - ϕ in [0, π/2].
 * @param base - The logarithm base λ (> 0, ≠ 1); default e, which is this project's choice:
 *   the paper leaves λ open.
 * @returns `[process, dual]`.
 * @throws RangeError for ϕ outside [0, π/2] or an invalid base.
 */
export function dualProcessTerms(angle: number, base = Math.E): [number, number] {
  if (!Number.isFinite(angle) || angle < 0 || angle > Math.PI / 2) {
    throw new RangeError(`dualProcessTerms: "angle" must be in [0, π/2], got ${String(angle)}`);
  }
  if (!Number.isFinite(base) || base <= 0 || base === 1) {
    throw new RangeError(
      `dualProcessTerms: "base" must be a finite number > 0 and ≠ 1, got ${String(base)}`,
    );
  }
  const lnBase = Math.log(base);
  const s = Math.sin(angle);
  const c = Math.cos(angle);
  return [(2 * s * Math.log(c)) / lnBase, (2 * Math.log(s) * c) / lnBase];
}

/**
 * Unit-circle facts: ϕ = π/4 (arXiv 2410.12984, Eqs. 22–23), and this project's readings in
 * complex numbers e^{iπ/4} = (1 + i)/√2 and α = |p₁ + i·p₁| (apps/docs/theory.md#unit-circle,
 * #constants).
 */
export const unitCircle: UnitCircleFacts = Object.freeze({
  balanceAngle: Math.PI / 4,
  balanceValue: Math.SQRT1_2,
  balancePoint: Object.freeze([Math.SQRT1_2, Math.SQRT1_2] as const),
  goldenPointModulus: Math.hypot(golden.goldenRoots.p1, golden.goldenRoots.p1),
});
