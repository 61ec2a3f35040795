/**
 * The wasm fused softmax cross-entropy and the entropy / cross-entropy / KL kernels against
 * the reference, over random shapes including the edge sizes in every dimension, and the
 * special cases of the issue: one-hot rows, zeros in p, logits of ±1e4, a single class,
 * soft labels, and the identity H(p, q) = H(p) + KL(p‖q) (apps/docs/theory.md#dual-processes).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  contents,
  cycle,
  dimension,
  distributions,
  edgePairs,
  expectClose,
  expectGuardIntact,
  expectIdentical,
  guarded,
  loadKernelSets,
  runOnBoth,
  u,
  uniform,
  withExamples,
} from './kernels.test-helpers.js';
import type { F32Buffer, Kernels, SoftmaxCrossEntropyResult } from './types.js';

const sets = await loadKernelSets();
const { wasm, reference } = sets;
const runs = { numRuns: 60 };

interface Case {
  rows: number;
  classes: number;
  logits: Float32Array;
  labels?: Int32Array;
  probabilities?: Float32Array;
  /** Write the gradient over the logits (the in-place form training uses). */
  inPlace: boolean;
  /** Which outputs to ask for (default both); an output not asked for must stay untouched. */
  outputs?: 'both' | 'gradient' | 'probabilities' | 'none';
}

const OUTPUTS = ['both', 'gradient', 'probabilities', 'none'] as const;

interface Outcome {
  result: SoftmaxCrossEntropyResult;
  gradient: Float32Array;
  q: Float32Array;
}

/** Runs one case on a kernel set with guarded buffers. */
function run(kernels: Kernels, c: Case): Outcome {
  const count = c.rows * c.classes;
  const logits = guarded(kernels, c.logits);
  const outputs = c.outputs ?? 'both';
  const wantGradient = outputs === 'both' || outputs === 'gradient';
  const wantQ = outputs === 'both' || outputs === 'probabilities';
  const inPlace = c.inPlace && wantGradient;
  const gradient = inPlace ? logits : guarded(kernels, new Float32Array(count));
  const q = guarded(kernels, new Float32Array(count));
  const p = c.probabilities === undefined ? undefined : guarded(kernels, c.probabilities);
  const targets = p === undefined ? { labels: c.labels as Int32Array } : { probabilities: p };
  const requested =
    outputs === 'none'
      ? undefined
      : { gradient: wantGradient ? gradient : undefined, probabilities: wantQ ? q : undefined };
  const result = kernels.softmaxCrossEntropy(logits, targets, c.rows, c.classes, requested);
  if (!inPlace) expectIdentical(contents(logits, count), c.logits, 'logits (not an output)');
  const zeros = new Float32Array(count);
  if (!wantGradient) expectIdentical(contents(gradient, count), zeros, 'gradient (not asked for)');
  if (!wantQ) expectIdentical(contents(q, count), zeros, 'probabilities (not asked for)');
  const buffers: [string, F32Buffer | undefined][] = [
    ['logits', logits],
    ['gradient', gradient],
    ['probabilities', q],
    ['targets', p],
  ];
  for (const [name, buffer] of buffers) {
    if (buffer !== undefined) expectGuardIntact(buffer, count, `${kernels.name} ${name}`);
  }
  const outcome = { result, gradient: contents(gradient, count), q: contents(q, count) };
  for (const [, buffer] of buffers) buffer?.free();
  return outcome;
}

/**
 * Tolerances of the wasm softmax cross-entropy against the reference (f64 throughout):
 * row sums are kept in four f32 lanes, a relative error of up to (classes/4)·2⁻²⁴ in
 * Σ e (the standard bound for a sum of positive terms), so the four means may differ by
 * (classes/4 + 16)·2⁻²⁴·(1 + mean logit spread). q and the gradient: t = z − max is
 * rounded to f32 (absolute error ≤ |t|·2⁻²⁴, a relative error of q of the same size), then
 * exp (≤ 1 ulp), the f32 row sum and one division: relative (|t| + classes/4 + 8)·2⁻²⁴,
 * plus 1e-30 absolute for underflowed q.
 */
function expectMatches(c: Case): void {
  const w = run(wasm, c);
  const r = run(reference, c);
  // q of the reference, for the tolerances, also when the case does not ask for it.
  const referenceQ = run(reference, { ...c, outputs: 'both', inPlace: false }).q;
  let spread = 0;
  const shift = new Float64Array(c.rows * c.classes);
  for (let row = 0; row < c.rows; row++) {
    const slice = c.logits.subarray(row * c.classes, (row + 1) * c.classes);
    const max = Math.max(...slice);
    spread += max - Math.min(...slice);
    slice.forEach((z, k) => {
      shift[row * c.classes + k] = max - z;
    });
  }
  const lanes = c.classes / 4;
  const scale = (lanes + 16) * u * (1 + spread / c.rows);
  for (const key of ['crossEntropy', 'entropy', 'divergence', 'predictionEntropy'] as const) {
    const error = Math.abs(w.result[key] - r.result[key]);
    expect(error, `${key}: wasm ${w.result[key]}, reference ${r.result[key]}`).toBeLessThanOrEqual(
      scale,
    );
  }
  const count = c.rows * c.classes;
  const qTolerance = (i: number) => (shift[i] + lanes + 8) * u * referenceQ[i] + 1e-30;
  expectClose(w.q, r.q, count, qTolerance, 'probabilities');
  const p = (i: number) =>
    c.probabilities !== undefined
      ? c.probabilities[i]
      : Number(c.labels?.[Math.floor(i / c.classes)] === i % c.classes);
  expectClose(
    w.gradient,
    r.gradient,
    count,
    (i) => (qTolerance(i) + 8 * u * p(i)) / c.rows,
    'gradient',
  );
}

type Output = (typeof OUTPUTS)[number];

/** Every pair of edge sizes as (rows, classes, seed, spread, inPlace, outputs), flags varied. */
function edgeExamples(): [number, number, number, number, boolean, Output][] {
  return edgePairs().map(([rows, classes], i) => [
    rows,
    classes,
    i,
    cycle([1, 5, 30], i),
    cycle([false, true], i),
    cycle(OUTPUTS, i),
  ]);
}

function labelsFor(rows: number, classes: number, seed: number): Int32Array {
  return Int32Array.from(uniform(rows, seed, 0, classes), (x) =>
    Math.min(classes - 1, Math.floor(x)),
  );
}

describe('softmaxCrossEntropy (wasm against reference)', () => {
  /** The property over random shapes, spreads, in-place or not and outputs, for some targets. */
  function matchesOverRandomCases(
    targetsFor: (
      rows: number,
      classes: number,
      seed: number,
    ) => Pick<Case, 'labels' | 'probabilities'>,
  ): void {
    fc.assert(
      fc.property(
        dimension(),
        dimension(1100),
        fc.integer(),
        fc.constantFrom(1, 5, 30),
        fc.boolean(),
        fc.constantFrom(...OUTPUTS),
        (rows, classes, seed, spread, inPlace, outputs) => {
          const logits = uniform(rows * classes, seed, -spread, spread);
          const targets = targetsFor(rows, classes, seed);
          expectMatches({ rows, classes, logits, ...targets, inPlace, outputs });
        },
      ),
      withExamples(edgeExamples(), runs.numRuns),
    );
  }

  it('matches with class-index labels over random shapes', () => {
    matchesOverRandomCases((rows, classes, seed) => ({ labels: labelsFor(rows, classes, seed) }));
  });

  it('matches with soft labels (probability rows with zeros)', () => {
    matchesOverRandomCases((rows, classes, seed) => ({
      probabilities: distributions(rows, classes, seed + 3),
    }));
  });

  it('gives the same as class labels when the probability rows are one-hot', () => {
    const rows = 33;
    const classes = 9;
    const logits = uniform(rows * classes, 5, -4, 4);
    const labels = labelsFor(rows, classes, 6);
    const oneHot = new Float32Array(rows * classes);
    labels.forEach((label, row) => {
      oneHot[row * classes + label] = 1;
    });
    const byLabels = run(wasm, { rows, classes, logits, labels, inPlace: false });
    const byRows = run(wasm, { rows, classes, logits, probabilities: oneHot, inPlace: false });
    expect(byRows.result.entropy).toBe(0);
    expect(byRows.result.crossEntropy).toBeCloseTo(byLabels.result.crossEntropy, 6);
    expect(byRows.result.divergence).toBeCloseTo(byLabels.result.crossEntropy, 6);
    expectClose(byRows.gradient, byLabels.gradient, rows * classes, () => 1e-8, 'gradient');
    expectMatches({ rows, classes, logits, probabilities: oneHot, inPlace: true });
  });

  it('stays finite and exact for logits of ±1e4', () => {
    const logits = Float32Array.of(1e4, -1e4, 0, 3, -1e4, 1e4, 1e4, 2, 7, 1e4, -1e4, 5);
    const c = { rows: 3, classes: 4, logits, labels: Int32Array.of(1, 0, 3), inPlace: false };
    const w = run(wasm, c);
    // Row 1 has two maxima of 1e4, so its loss carries log 2.
    expect(w.result.crossEntropy).toBeCloseTo((2e4 + (2e4 + Math.LN2) + (1e4 - 5)) / 3, 3);
    expect(Number.isFinite(w.result.predictionEntropy)).toBe(true);
    expect(w.gradient.every(Number.isFinite)).toBe(true);
    expectMatches(c);
    // Two equal maxima of 1e4: q = ½ each.
    expect(w.q[4 + 1]).toBeCloseTo(0.5, 6);
    expectMatches({ ...c, probabilities: distributions(3, 4, 9), labels: undefined });
    // Logits far beyond 2²⁴ with a row tail of 3 (classes = 7), in place.
    const huge = Float32Array.of(1e30, -1e30, 3, 0, -2e30, 1e30, 5, -1e30, 1e30, 1e30, 0, 0, 1, 2);
    expectMatches({
      rows: 2,
      classes: 7,
      logits: huge,
      labels: Int32Array.of(2, 1),
      inPlace: true,
    });
  });

  it('returns the right results after the wasm memory has grown', () => {
    const logits = wasm.allocFrom(uniform(5 * 7, 3, -2, 2));
    const labels = Int32Array.of(0, 1, 2, 3, 4);
    const before = wasm.softmaxCrossEntropy(logits, { labels }, 5, 7);
    const memory = wasm.memoryBytes();
    const big = wasm.alloc(4_000_000); // 16 MB: the memory must grow, detaching old views
    expect(wasm.memoryBytes()).toBeGreaterThan(memory);
    expect(wasm.softmaxCrossEntropy(logits, { labels }, 5, 7)).toEqual(before);
    const g = wasm.alloc(1_000_000);
    const w = wasm.alloc(1_000_000);
    const d = wasm.alloc(1_000_000);
    g.view.fill(1);
    const terms = wasm.heavyBall(w, d, g, 1_000_000, {
      learningRate: 0.5,
      momentum: 0.5,
      telemetry: true,
    });
    expect(terms?.gradientNormSquared).toBe(250_000);
    for (const buffer of [logits, big, g, w, d]) buffer.free();
  });

  it('writes predictions exactly as argmaxRows would, before an in-place gradient overwrites the logits', () => {
    fc.assert(
      fc.property(
        dimension(),
        dimension(40),
        fc.integer(),
        fc.boolean(),
        fc.boolean(),
        (rows, classes, seed, inPlace, special) => {
          // Few distinct values, so ties are common; NaN and ±∞ in some rows.
          const logits = Float32Array.from(uniform(rows * classes, seed, 0, 4), Math.floor);
          if (special) {
            const values = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
            for (let i = 0; i < logits.length; i += 5) logits[i] = cycle(values, i);
          }
          const labels = Int32Array.from({ length: rows }, (_, r) => r % classes);
          const expected = new Int32Array(rows);
          reference.argmaxRows(reference.allocFrom(logits), rows, classes, expected);
          for (const k of [wasm, reference]) {
            const z = k.allocFrom(logits);
            const gradient = inPlace ? z : k.alloc(rows * classes);
            const predictions = new Int32Array(rows + 3).fill(-7);
            k.softmaxCrossEntropy(z, { labels }, rows, classes, { gradient, predictions });
            expectIdentical(predictions.subarray(0, rows), expected, `${k.name} predictions`);
            expectIdentical(predictions.subarray(rows), [-7, -7, -7], `${k.name} guard`);
            if (!inPlace) gradient.free();
            z.free();
          }
        },
      ),
      withExamples(
        edgePairs().map(([rows, classes]): [number, number, number, boolean, boolean] => [
          rows,
          classes,
          rows + classes,
          true,
          false,
        ]),
        runs.numRuns,
      ),
    );
    const z = wasm.allocFrom(new Float32Array(6));
    expect(() =>
      wasm.softmaxCrossEntropy(z, { labels: [0, 1] }, 2, 3, { predictions: new Int32Array(1) }),
    ).toThrow(/"outputs.predictions" holds 1 values but rows = 2/);
    expect(() =>
      wasm.softmaxCrossEntropy(z, { labels: [0, 1] }, 2, 3, {
        predictions: [0, 0] as unknown as Int32Array,
      }),
    ).toThrow(/"outputs.predictions" must be an Int32Array/);
    z.free();
  });

  it('handles a single class: loss 0, gradient 0', () => {
    for (const rows of [1, 2, 3, 5, 7, 8, 9, 31, 33, 127]) {
      const logits = uniform(rows, rows, -50, 50);
      const c = { rows, classes: 1, logits, labels: new Int32Array(rows), inPlace: false };
      const w = run(wasm, c);
      expect(w.result).toEqual({
        crossEntropy: 0,
        entropy: 0,
        divergence: 0,
        predictionEntropy: 0,
      });
      expect(w.gradient.every((g) => g === 0)).toBe(true);
      expect(w.q.every((q) => q === 1)).toBe(true);
    }
  });

  it('splits its loss like the separate kernels: KL(p‖q) from klDivergence on its own q', () => {
    fc.assert(
      fc.property(dimension(64), dimension(300), fc.integer(), (rows, classes, seed) => {
        const logits = wasm.allocFrom(uniform(rows * classes, seed, -3, 3));
        const p = wasm.allocFrom(distributions(rows, classes, seed + 1));
        const q = wasm.alloc(rows * classes);
        const fused = wasm.softmaxCrossEntropy(logits, { probabilities: p }, rows, classes, {
          probabilities: q,
        });
        const divergence = wasm.klDivergence(p, q, rows, classes);
        const entropy = wasm.entropy(p, rows, classes);
        expect(fused.divergence).toBeCloseTo(divergence, 5);
        expect(fused.entropy).toBeCloseTo(entropy, 5);
        for (const buffer of [logits, p, q]) buffer.free();
      }),
      { numRuns: 30 },
    );
  });
});

describe('entropy, crossEntropy, klDivergence (wasm against reference)', () => {
  /**
   * Tolerance per row: each term costs ≤ 1 ulp in log plus roundings of the product and
   * difference, summed in f64: 4·2⁻²⁴·Σ p·(|log p| + |log q|); the mean gets the mean of
   * those; per-row outputs are rounded to f32 (one more ulp).
   */
  it('match over random shapes, with zeros in p, per-row outputs included', () => {
    fc.assert(
      fc.property(dimension(), dimension(1100), fc.integer(), (rows, cols, seed) => {
        const pData = distributions(rows, cols, seed, 0.3);
        const qData = distributions(rows, cols, seed + 1, 0);
        const magnitude = new Float64Array(rows);
        for (let i = 0; i < rows * cols; i++) {
          if (pData[i] > 0) {
            const row = Math.floor(i / cols);
            magnitude[row] +=
              pData[i] * (Math.abs(Math.log(pData[i])) + Math.abs(Math.log(qData[i])));
          }
        }
        const meanMagnitude = magnitude.reduce((a, b) => a + b, 0) / rows;
        for (const kernel of ['entropy', 'crossEntropy', 'klDivergence'] as const) {
          const { results: values, ...outputs } = runOnBoth(
            sets,
            [pData, qData, new Float32Array(rows)],
            (kernels, [p, q, out]) =>
              kernel === 'entropy'
                ? kernels.entropy(p, rows, cols, out)
                : kernels[kernel](p, q, rows, cols, out),
          );
          const perRow = [outputs.wasm[2], outputs.reference[2]];
          expect(Math.abs(values[0] - values[1]), kernel).toBeLessThanOrEqual(
            4 * u * meanMagnitude + 1e-300,
          );
          expectClose(
            perRow[0],
            perRow[1],
            rows,
            (r) => 4 * u * magnitude[r] + u * Math.abs(perRow[1][r]) + 1e-30,
            `${kernel} per row`,
          );
        }
      }),
      withExamples(
        edgePairs().map(([r, c], i): [number, number, number] => [r, c, i]),
        runs.numRuns,
      ),
    );
  });

  it('obey H(p, q) = H(p) + KL(p‖q) to 1e-6 relative, computed by separate kernels', () => {
    fc.assert(
      fc.property(dimension(), dimension(1100), fc.integer(), (rows, cols, seed) => {
        const p = wasm.allocFrom(distributions(rows, cols, seed, 0.3));
        const q = wasm.allocFrom(distributions(rows, cols, seed + 1, 0));
        const crossEntropy = wasm.crossEntropy(p, q, rows, cols);
        const split = wasm.entropy(p, rows, cols) + wasm.klDivergence(p, q, rows, cols);
        expect(Math.abs(crossEntropy - split)).toBeLessThanOrEqual(1e-6 * crossEntropy);
        p.free();
        q.free();
      }),
      withExamples(
        edgePairs().map(([r, c], i): [number, number, number] => [r, c, i]),
        runs.numRuns,
      ),
    );
  });

  it('follow the conventions: 0·log 0 = 0, +∞ where p > 0 = q, 0 for one-hot entropy', () => {
    for (const kernels of [wasm, reference] as Kernels[]) {
      // Nine columns: the zeros sit in the vector body and in the scalar tail.
      const p = kernels.allocFrom([0, 0.5, 0, 0, 0.25, 0, 0, 0, 0.25, 0, 0, 0, 1, 0, 0, 0, 0, 0]);
      const qSafe = kernels.allocFrom([
        0, 0.5, 0, 0, 0.25, 0, 0, 0, 0.25, 0, 0, 0, 1, 0, 0, 0, 0, 0,
      ]);
      const qZero = kernels.allocFrom([0.5, 0.5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0]);
      const out = kernels.alloc(2);
      expect(kernels.klDivergence(p, qSafe, 2, 9, out), kernels.name).toBe(0);
      expect(kernels.entropy(p, 2, 9, out)).toBeCloseTo((1.5 * Math.log(2)) / 2, 6);
      expect(out.view[1]).toBe(0);
      expect(kernels.klDivergence(p, qZero, 2, 9, out)).toBe(Number.POSITIVE_INFINITY);
      expect(out.view[0]).toBe(Number.POSITIVE_INFINITY);
      expect(out.view[1]).toBe(0);
      expect(kernels.crossEntropy(p, qZero, 2, 9)).toBe(Number.POSITIVE_INFINITY);
    }
  });
});
