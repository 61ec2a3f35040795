/**
 * The logarithm whose base makes it return its argument (theory.md §2): for x > 0, x ≠ 1,
 * log_λ(x) = x with λ = x^(1/x). The successor paper ("Double-Bayesian Learning",
 * arXiv 2410.12984) treats λ as a parameter the learner adapts.
 */

/**
 * The base λ = x^(1/x) for which log_λ(x) = x (theory.md §2).
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
 * log_λ(x) = ln x / ln λ, the logarithm to base λ (theory.md §2–§3).
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
