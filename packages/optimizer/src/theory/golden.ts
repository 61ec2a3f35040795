/**
 * The golden-ratio constants of the dual process model, computed from their closed forms
 * (Jaeger, "Double-Bayesian Learning", arXiv 2410.12984: golden equation and roots
 * Eqs. 24–31, α Eq. 33, η Eq. 34; apps/docs/theory.md#golden-ratio and #constants). Nothing
 * here is tuned.
 */

const SQRT2 = Math.SQRT2;
const SQRT5 = Math.sqrt(5);

/** The two roots of p² + p − 1 = 0, i.e. of p = (1 − p)/p (apps/docs/theory.md#golden-ratio). */
export interface GoldenRoots {
  /** p₁ = (√5 − 1)/2 = 1/φ ≈ 0.618033988750, the root that is a probability. */
  readonly p1: number;
  /** p₂ = −(√5 + 1)/2 = −φ ≈ −1.61803398875. */
  readonly p2: number;
}

/** The constants of apps/docs/theory.md#golden-ratio and #constants, see {@link golden}. */
export interface GoldenConstants {
  /** φ = (1 + √5)/2 ≈ 1.61803398875. */
  readonly phi: number;
  /** The roots of p² + p − 1 = 0 (apps/docs/theory.md#golden-ratio). */
  readonly goldenRoots: GoldenRoots;
  /** α = √2 · p₁ = √2/φ = (√10 − √2)/2 ≈ 0.874032048898 (apps/docs/theory.md#constants). */
  readonly momentum: number;
  /** η = (1 − α)² = 4 − √10 + √2 − √5 ≈ 0.0158679247049 (apps/docs/theory.md#constants). */
  readonly learningRate: number;
  /** The papers' rounded momentum, 0.874. */
  readonly roundedMomentum: number;
  /** The papers' rounded learning rate, 0.016. */
  readonly roundedLearningRate: number;
}

const p1 = (SQRT5 - 1) / 2;
const p2 = -(SQRT5 + 1) / 2;
// Equilibrium asks both summands of the delta-form update to equal sin(π/4) = 1/√2 and the
// golden ratio at once, so α/√2 = p₁ (arXiv 2410.12984, Eq. 33).
const momentum = SQRT2 * p1;
// η takes the complement of α twice, following 1 − p = p² (arXiv 2410.12984, Eq. 34).
const learningRate = (1 - momentum) ** 2;

/**
 * The golden-ratio constants: φ, the roots of p² + p − 1 = 0, the momentum α = √2·p₁ and
 * the learning rate η = (1 − α)² (arXiv 2410.12984, Eqs. 24–31, 33, 34;
 * apps/docs/theory.md#constants), plus J24's rounded values 0.874 and 0.016.
 *
 * @example
 * ```ts
 * golden.momentum;      // 0.8740320488976423
 * golden.learningRate;  // 0.01586792470492598
 * ```
 */
export const golden: GoldenConstants = Object.freeze({
  phi: (1 + SQRT5) / 2,
  goldenRoots: Object.freeze({ p1, p2 }),
  momentum,
  learningRate,
  roundedMomentum: 0.874,
  roundedLearningRate: 0.016,
});

/**
 * Roots of the mirrored equation p² − p − 1 = 0: −p₁ = −1/φ and −p₂ = φ, the negatives of
 * the {@link golden} roots; for them 1 − p = −1/p holds (apps/docs/theory.md#golden-ratio).
 */
export const mirroredGoldenRoots: GoldenRoots = Object.freeze({ p1: -p1, p2: -p2 });
