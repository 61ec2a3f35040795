/**
 * The logarithm whose base makes it return its argument (apps/docs/theory.md#golden-ratio):
 * for x > 0, x ≠ 1, log_λ(x) = x with λ = x^(1/x). "Double-Bayesian Learning"
 * (arXiv 2410.12984) assumes such a base, shows that it exists, and treats λ as unknown and
 * adapted by the learner; the closed form λ = x^(1/x) is this project's arithmetic, and
 * dualphi never adapts λ.
 */

/**
 * The base λ = x^(1/x) for which log_λ(x) = x (this project's closed form of the base whose
 * existence arXiv 2410.12984 assumes; apps/docs/theory.md#golden-ratio).
 *
 * @param x - A positive, finite number other than 1 (for x = 1 every base maps 1 to 0, not 1).
 * @throws RangeError when x is not positive and finite, or equals 1.
 */
export function fixedPointBase(x: number): number {
  if (!Number.isFinite(x) || x <= 0 || x === 1) {
    throw new RangeError(
      `fixedPointBase: "x" must be a finite number > 0 and ≠ 1, got ${String(x)}`,
    );
  }
  return x ** (1 / x);
}

/**
 * log_λ(x) = ln x / ln λ, the logarithm to base λ (apps/docs/theory.md#golden-ratio to #unit-circle).
 *
 * @throws RangeError when the base is not positive and finite, or equals 1.
 */
export function logBase(base: number, x: number): number {
  if (!Number.isFinite(base) || base <= 0 || base === 1) {
    throw new RangeError(
      `logBase: "base" must be a finite number > 0 and ≠ 1, got ${String(base)}`,
    );
  }
  return Math.log(x) / Math.log(base);
}
