import { type Kernels, loadKernels } from '@dualphi/core-wasm';
import { createReferenceKernels } from '@dualphi/core-wasm/reference';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  crossEntropy,
  entropy,
  klDivergence,
  LossInputError,
  smoothLabels,
  softmaxCrossEntropy,
} from './index.js';

/** The TypeScript reference kernels and the wasm SIMD kernels. */
const kernelSets: [string, Kernels][] = [
  ['reference', createReferenceKernels()],
  ['wasm-simd', await loadKernels()],
];

/** f64 softmax of one row, for an independent check. */
function softmax(row: number[]): number[] {
  const max = Math.max(...row);
  const exps = row.map((x) => Math.exp(x - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}

/** f64 H(p), H(p, q), KL(p‖q) of one row. */
function measures(p: number[], q: number[]) {
  let h = 0;
  let ce = 0;
  for (let k = 0; k < p.length; k++) {
    if (p[k] > 0) {
      h -= p[k] * Math.log(p[k]);
      ce -= p[k] * Math.log(q[k]);
    }
  }
  return { h, ce, kl: ce - h };
}

const relative = (a: number, b: number) => Math.abs(a - b) / Math.max(1e-12, Math.abs(b));

/** Random probability rows (f32-representable, normalised in f32). */
const probabilityRows = (rows: number, classes: number) =>
  fc
    .array(fc.float({ min: 0, max: 1, noNaN: true }), {
      minLength: rows * classes,
      maxLength: rows * classes,
    })
    .map((values) => {
      const out = new Float32Array(values.length);
      for (let r = 0; r < rows; r++) {
        let sum = 0;
        for (let c = 0; c < classes; c++) sum += values[r * classes + c] + 1e-3;
        for (let c = 0; c < classes; c++)
          out[r * classes + c] = (values[r * classes + c] + 1e-3) / sum;
      }
      return out;
    });

const shapes = fc.tuple(fc.constantFrom(1, 2, 3, 5, 8, 9, 33), fc.constantFrom(1, 2, 3, 7, 10, 31));

describe.each(kernelSets)(
  'softmaxCrossEntropy on %s kernels (apps/docs/theory.md#dual-processes)',
  (_, kernels) => {
    it('CE = H + KL to 1e-6 relative on random logits and soft targets', async () => {
      await fc.assert(
        fc.asyncProperty(
          shapes.chain(([rows, classes]) =>
            fc.tuple(
              fc.constant(classes),
              fc.array(fc.float({ min: -20, max: 20, noNaN: true }), {
                minLength: rows * classes,
                maxLength: rows * classes,
              }),
              probabilityRows(rows, classes),
            ),
          ),
          async ([classes, logits, p]) => {
            const split = await softmaxCrossEntropy(
              logits,
              { probabilities: p },
              { classes, kernels },
            );
            expect(relative(split.entropy + split.divergence, split.crossEntropy)).toBeLessThan(
              1e-6,
            );
            // …and against an independent f64 computation, in f32 tolerance.
            let expected = 0;
            let expectedEntropy = 0;
            const rows = logits.length / classes;
            for (let r = 0; r < rows; r++) {
              const q = softmax(logits.slice(r * classes, (r + 1) * classes));
              const m = measures(Array.from(p.subarray(r * classes, (r + 1) * classes)), q);
              expected += m.ce / rows;
              expectedEntropy += m.h / rows;
            }
            expect(Math.abs(split.crossEntropy - expected)).toBeLessThan(
              1e-4 * Math.max(1, expected),
            );
            expect(Math.abs(split.entropy - expectedEntropy)).toBeLessThan(
              1e-5 * Math.max(1, expectedEntropy),
            );
            expect(split.divergence).toBeGreaterThanOrEqual(-1e-6);
          },
        ),
        { numRuns: 60 },
      );
    });

    it('class-index labels: H(p) = 0, CE = KL, equal to one-hot probability rows', async () => {
      const logits = [2, 0, -1, 0.5, 1, 0, -3, 3, 0.25];
      const labels = [0, 1, 2];
      const byLabel = await softmaxCrossEntropy(logits, { labels }, { classes: 3, kernels });
      const oneHot = smoothLabels(labels, 3, 0);
      const byRows = await softmaxCrossEntropy(
        logits,
        { probabilities: oneHot },
        { classes: 3, kernels },
      );
      expect(byLabel.entropy).toBe(0);
      expect(byLabel.crossEntropy).toBeCloseTo(byLabel.divergence, 12);
      expect(byRows.crossEntropy).toBeCloseTo(byLabel.crossEntropy, 6);
      const expected =
        labels.reduce(
          (sum, label, r) => sum - Math.log(softmax(logits.slice(r * 3, r * 3 + 3))[label]),
          0,
        ) / 3;
      expect(byLabel.crossEntropy).toBeCloseTo(expected, 6);
      const q = [0, 1, 2].map((r) => softmax(logits.slice(r * 3, r * 3 + 3)));
      const predictionEntropy = q.reduce((s, row) => s + measures(row, row).h, 0) / 3;
      expect(byLabel.predictionEntropy).toBeCloseTo(predictionEntropy, 6);
    });

    it('label smoothing: targets (1 − ε)·onehot + ε/K give the analytic H(p) > 0', async () => {
      const epsilon = 0.1;
      const classes = 4;
      const split = await softmaxCrossEntropy(
        [1, 2, 3, 4, 0, 0, 0, 0],
        { labels: [3, 0] },
        {
          classes,
          labelSmoothing: epsilon,
          kernels,
        },
      );
      const on = 1 - epsilon + epsilon / classes;
      const off = epsilon / classes;
      expect(split.entropy).toBeCloseTo(
        -on * Math.log(on) - (classes - 1) * off * Math.log(off),
        6,
      );
      expect(split.crossEntropy).toBeCloseTo(split.entropy + split.divergence, 10);
      const soft = await softmaxCrossEntropy(
        [1, 2],
        { probabilities: [0.5, 0.5] },
        {
          classes: 2,
          labelSmoothing: 0.5,
          kernels,
        },
      );
      expect(soft.entropy).toBeCloseTo(Math.LN2, 6);
    });

    it('stays finite and split for extreme logits (±1e4)', async () => {
      const split = await softmaxCrossEntropy(
        [1e4, -1e4],
        { probabilities: [0.5, 0.5] },
        {
          classes: 2,
          kernels,
        },
      );
      // log q = (−2e4, 0) stably, so H(p, q) = 0.5 · 2e4 = 1e4 and H(p) = ln 2.
      expect(split.crossEntropy).toBeCloseTo(1e4, 0);
      expect(split.entropy).toBeCloseTo(Math.LN2, 5);
      expect(relative(split.entropy + split.divergence, split.crossEntropy)).toBeLessThan(1e-6);
    });

    it('bits = nats / ln 2', async () => {
      const args = [[0.3, -0.2, 1.7], { probabilities: [0.2, 0.3, 0.5] }] as const;
      const nats = await softmaxCrossEntropy(...args, { classes: 3, kernels });
      const bits = await softmaxCrossEntropy(...args, { classes: 3, unit: 'bits', kernels });
      expect(bits.unit).toBe('bits');
      for (const key of ['crossEntropy', 'entropy', 'divergence', 'predictionEntropy'] as const) {
        expect(bits[key]).toBeCloseTo(nats[key] / Math.LN2, 10);
      }
    });

    it.each([
      [
        [1, 2, 3],
        { labels: [0] },
        { classes: 2 },
        '"logits" has 3 values, not a positive multiple of classes = 2',
      ],
      [
        [1, Number.NaN],
        { labels: [0] },
        { classes: 2 },
        '"logits" row 0, column 1 is NaN; values must be finite',
      ],
      [
        [1, 2, 3, Number.POSITIVE_INFINITY],
        { labels: [0, 0] },
        { classes: 2 },
        '"logits" row 1, column 1 is Infinity',
      ],
      [
        [1, 2, 3, 4],
        { labels: [0, 2] },
        { classes: 2 },
        'label of row 1 is 2; labels must be integers in [0, 2)',
      ],
      [[1, 2, 3, 4], { labels: [0.5, 1] }, { classes: 2 }, 'label of row 0 is 0.5'],
      [[1, 2, 3, 4], { labels: [0] }, { classes: 2 }, 'got 1 labels for 2 rows of logits'],
      [
        [1, 2, 3, 4],
        { probabilities: [0.5, 0.5, 0.7, 0.7] },
        { classes: 2 },
        '"targets.probabilities" row 1 is not a probability distribution: it sums to 1.4, not 1 (tolerance 0.0001)',
      ],
      [
        [1, 2, 3, 4],
        { probabilities: [1.5, -0.5, 0.5, 0.5] },
        { classes: 2 },
        'row 0 is not a probability distribution: column 0 exceeds 1 (1.5)',
      ],
      [
        [1, 2, 3, 4],
        { probabilities: [0.5, 0.5, 0.5, -0.5] },
        { classes: 2 },
        'row 1 is not a probability distribution: column 1 is negative (-0.5)',
      ],
      [
        [1, 2, 3, 4],
        { probabilities: [0.5, 0.5, Number.NaN, 1] },
        { classes: 2 },
        'row 1 is not a probability distribution: column 0 is NaN',
      ],
      [
        [1, 2],
        { probabilities: [1] },
        { classes: 2 },
        '"targets.probabilities" has 1 values but the logits have 2',
      ],
      [
        [1, 2],
        { labels: [0] },
        { classes: 2, labelSmoothing: 1 },
        '"labelSmoothing" must be in [0, 1), got 1',
      ],
      [[1, 2], { labels: [0] }, { classes: 0 }, '"classes" must be an integer ≥ 1, got 0'],
      [[1, 2], {}, { classes: 2 }, '"targets" must be { labels } or { probabilities }'],
      [
        [1, 2],
        { labels: [0], probabilities: [0, 1] },
        { classes: 2 },
        '"targets" must be { labels } or { probabilities }, not both',
      ],
      [
        [
          [1, 2],
          [3, 4],
        ],
        { labels: [0, 1] },
        { classes: 2 },
        '"logits" must be flat, rows × classes row-major (e.g. rows.flat()), got an array of arrays',
      ],
    ])('%#: rejects bad input naming the row: %s', async (logits, targets, options, message) => {
      const call = softmaxCrossEntropy(logits as never, targets as never, { ...options, kernels });
      await expect(call).rejects.toThrow(LossInputError);
      await expect(
        softmaxCrossEntropy(logits as never, targets as never, { ...options, kernels }),
      ).rejects.toThrow(message);
    });

    it('accepts rows summing to 1 within the stated tolerance and allows widening it', async () => {
      await expect(
        softmaxCrossEntropy([0, 0], { probabilities: [0.50004, 0.5] }, { classes: 2, kernels }),
      ).resolves.toBeDefined();
      await expect(
        softmaxCrossEntropy(
          [0, 0],
          { probabilities: [0.502, 0.5] },
          { classes: 2, kernels, tolerance: 1e-2 },
        ),
      ).resolves.toBeDefined();
      await expect(
        softmaxCrossEntropy([0, 0], { probabilities: [0.502, 0.5] }, { classes: 2, kernels }),
      ).rejects.toThrow(/sums to 1.002/);
    });

    it('frees every buffer it allocates', async () => {
      const before = kernels.allocatedBytes();
      await softmaxCrossEntropy(
        [1, 2, 3, 4],
        { probabilities: [0.1, 0.9, 0.5, 0.5] },
        { classes: 2, kernels },
      );
      await crossEntropy([0.1, 0.9], [0.5, 0.5], { classes: 2, kernels });
      await klDivergence([0.1, 0.9], [0.5, 0.5], { classes: 2, kernels });
      expect(kernels.allocatedBytes()).toBe(before);
    });
  },
);

describe.each(kernelSets)(
  'entropy, crossEntropy, klDivergence on %s kernels (apps/docs/theory.md#dual-processes)',
  (_, kernels) => {
    it('H(p, q) = H(p) + KL(p‖q) to 1e-6 relative, per row and in the mean', async () => {
      await fc.assert(
        fc.asyncProperty(
          shapes.chain(([rows, classes]) =>
            fc.tuple(
              fc.constant(classes),
              probabilityRows(rows, classes),
              probabilityRows(rows, classes),
            ),
          ),
          async ([classes, p, q]) => {
            const h = await entropy(p, { classes, kernels });
            const ce = await crossEntropy(p, q, { classes, kernels });
            const kl = await klDivergence(p, q, { classes, kernels });
            expect(relative(h.mean + kl.mean, ce.mean)).toBeLessThan(1e-6);
            for (let r = 0; r < h.perRow.length; r++) {
              // Per-row values are stored in f32 by the kernels: f32 tolerance.
              expect(Math.abs(h.perRow[r] + kl.perRow[r] - ce.perRow[r])).toBeLessThan(
                1e-6 * Math.max(1, ce.perRow[r]),
              );
            }
            expect(kl.mean).toBeGreaterThanOrEqual(-1e-7);
          },
        ),
        { numRuns: 60 },
      );
    });

    it('known values: uniform rows, one-hot rows, bits, and KL = ∞ where p > 0 = q', async () => {
      const uniform = await entropy([0.25, 0.25, 0.25, 0.25], {
        classes: 4,
        unit: 'bits',
        kernels,
      });
      expect(uniform.mean).toBeCloseTo(2, 6);
      const oneHot = await entropy([0, 1, 0, 1, 0, 0], { classes: 3, kernels });
      expect(oneHot.mean).toBe(0);
      expect(Array.from(oneHot.perRow)).toEqual([0, 0]);
      const same = await klDivergence([0.2, 0.8], [0.2, 0.8], { classes: 2, kernels });
      expect(same.mean).toBeCloseTo(0, 7);
      const infinite = await klDivergence([0.5, 0.5], [1, 0], { classes: 2, kernels });
      expect(infinite.mean).toBe(Number.POSITIVE_INFINITY);
      const zeroP = await klDivergence([1, 0], [0.5, 0.5], { classes: 2, kernels });
      expect(zeroP.mean).toBeCloseTo(Math.LN2, 6);
    });

    it('names the row of p or q that is not a distribution', async () => {
      await expect(entropy([0.5, 0.5, 0.2, 0.2], { classes: 2, kernels })).rejects.toThrow(
        'entropy: "p" row 1 is not a probability distribution: it sums to 0.4',
      );
      await expect(klDivergence([0.5, 0.5], [0.5, -0.5], { classes: 2, kernels })).rejects.toThrow(
        'klDivergence: "q" row 0 is not a probability distribution: column 1 is negative (-0.5)',
      );
      await expect(crossEntropy([0.5, 0.5], [1], { classes: 2, kernels })).rejects.toThrow(
        'crossEntropy: "q" has 1 values but "p" has 2',
      );
      await expect(
        entropy([1], { classes: 1, unit: 'hartleys' as never, kernels }),
      ).rejects.toThrow(`"unit" must be 'nats' or 'bits'`);
    });
  },
);

describe('without a kernels option', () => {
  it('computes on the shared wasm kernels (getDefaultKernels)', async () => {
    const split = await softmaxCrossEntropy([0, 0], { labels: [1] }, { classes: 2 });
    expect(split.crossEntropy).toBeCloseTo(Math.LN2, 6);
    const h = await entropy([0.5, 0.5], { classes: 2, unit: 'bits' });
    expect(h.mean).toBeCloseTo(1, 6);
  });
});
