/**
 * The statistics a sweep reports: means, sample standard deviations, Student-t confidence
 * intervals of the mean, and the paired t-test across seeds (Student 1908; any statistics
 * text, e.g. Wasserman, "All of Statistics", §10). The t distribution comes from the
 * regularized incomplete beta function: P(|T| > t) = I_{ν/(ν+t²)}(ν/2, 1/2).
 */
import type { Interval } from './types.js';

/** ln Γ(x) for x > 0 (Lanczos approximation, g = 7, nine coefficients; ~15 digits). */
export function logGamma(x: number): number {
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
    -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
    1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const z = x - 1;
  let sum = c[0];
  for (let i = 1; i < 9; i++) sum += c[i] / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** The continued fraction of the incomplete beta function (modified Lentz). */
function betaFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let step = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + step * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + step / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    step = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + step * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + step / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-15) break;
  }
  return h;
}

/** The regularized incomplete beta function I_x(a, b), x in [0, 1]. */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(
    logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x),
  );
  // The fraction converges fast for x < (a + 1)/(a + b + 2); use the symmetry otherwise.
  return x < (a + 1) / (a + b + 2)
    ? (front * betaFraction(a, b, x)) / a
    : 1 - (front * betaFraction(b, a, 1 - x)) / b;
}

/** P(T ≤ t) for Student's t with `df` degrees of freedom. */
export function studentTCdf(t: number, df: number): number {
  if (Number.isNaN(t) || !(df > 0)) return Number.NaN;
  if (t === Number.POSITIVE_INFINITY) return 1;
  if (t === Number.NEGATIVE_INFINITY) return 0;
  const tail = 0.5 * incompleteBeta(df / (df + t * t), df / 2, 0.5);
  return t > 0 ? 1 - tail : tail;
}

/** The p-quantile of Student's t with `df` degrees of freedom (bisection on the CDF). */
export function studentTQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1) || !(df > 0)) return Number.NaN;
  if (p === 0.5) return 0;
  if (p < 0.5) return -studentTQuantile(1 - p, df);
  let low = 0;
  let high = 1;
  while (studentTCdf(high, df) < p) high *= 2;
  for (let i = 0; i < 200 && high - low > 1e-13 * high; i++) {
    const mid = (low + high) / 2;
    if (studentTCdf(mid, df) < p) low = mid;
    else high = mid;
  }
  return (low + high) / 2;
}

/** The arithmetic mean (NaN for no values). */
export function mean(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  let sum = 0;
  for (const value of values) sum += value;
  return sum / values.length;
}

/** The sample standard deviation with n − 1 in the denominator (NaN for fewer than 2). */
export function sampleSd(values: readonly number[]): number {
  if (values.length < 2) return Number.NaN;
  const m = mean(values);
  let squares = 0;
  for (const value of values) squares += (value - m) * (value - m);
  return Math.sqrt(squares / (values.length - 1));
}

/** The confidence level of every interval a sweep reports. */
export const CONFIDENCE = 0.95;

/**
 * Mean, sd and the 95 % Student-t interval mean ± t₀.₉₇₅,ₙ₋₁ · sd/√n of the finite values
 * (a run that diverged has none and is left out; `n` says how many counted).
 */
export function meanInterval(values: readonly number[]): Interval {
  const finite = values.filter((value) => Number.isFinite(value));
  const n = finite.length;
  const m = mean(finite);
  const sd = sampleSd(finite);
  const half =
    n >= 2 ? studentTQuantile(1 - (1 - CONFIDENCE) / 2, n - 1) * (sd / Math.sqrt(n)) : Number.NaN;
  return { n, mean: m, sd, low: m - half, high: m + half };
}

/** The outcome of {@link pairedTTest}. */
export interface PairedTest {
  /** Pairs. */
  n: number;
  /** Mean of the differences a − b. */
  mean: number;
  /** 95 % interval of the mean difference (NaN when n < 2). */
  low: number;
  /** Upper end. */
  high: number;
  /** t statistic (±∞ when the differences are all equal and not 0). */
  t: number;
  /** Two-sided p-value (1 when every difference is 0; NaN when n < 2). */
  pValue: number;
}

/**
 * The paired t-test of H₀: mean(a − b) = 0, over pairs a[i], b[i] (e.g. two cells' accuracy
 * with the same seed). Two-sided, n − 1 degrees of freedom.
 */
export function pairedTTest(a: readonly number[], b: readonly number[]): PairedTest {
  if (a.length !== b.length) throw new RangeError('pairedTTest: a and b must have equal lengths');
  const d = a.map((value, i) => value - b[i]);
  const interval = meanInterval(d);
  const n = d.length;
  if (n < 2) {
    return {
      n,
      mean: mean(d),
      low: Number.NaN,
      high: Number.NaN,
      t: Number.NaN,
      pValue: Number.NaN,
    };
  }
  // Differences that are equal in exact arithmetic (k/n − (k − 6)/n on every seed) can differ
  // in their last bits once computed in floating point; a spread at that level is rounding, not
  // seed-to-seed variation, and must not make t astronomically large (p ≈ 1e-29).
  const scale = Math.max(...a.map(Math.abs), ...b.map(Math.abs));
  const rounding = 64 * Number.EPSILON * scale;
  const se = interval.sd / Math.sqrt(n);
  if (interval.sd <= rounding) {
    // Every pair differs by the same amount (common with accuracies on a small validation set,
    // which move in steps of one sample). No gap: p = 1. A gap with no spread leaves t
    // undefined (x/0): it is reported as untested rather than as p = 0, which would call a
    // 3-seed tie in the discrete steps "significant".
    const same = Math.abs(interval.mean) <= rounding;
    return {
      n,
      mean: interval.mean,
      low: interval.mean,
      high: interval.mean,
      t: same ? 0 : Number.NaN,
      pValue: same ? 1 : Number.NaN,
    };
  }
  const t = interval.mean / se;
  // P(|T| > |t|) straight from the incomplete beta (1 − CDF would lose small p-values).
  const df = n - 1;
  const pValue = Math.min(1, incompleteBeta(df / (df + t * t), df / 2, 0.5));
  return { n, mean: interval.mean, low: interval.low, high: interval.high, t, pValue };
}
