/**
 * The wasm activations, bias kernels and reductions against the reference, over random
 * shapes including the edge sizes of the issue in every dimension. Every output buffer has
 * a guard tail the kernel must not touch. Tolerances are stated per kernel.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  cycle,
  dimension,
  edgePairs,
  expectClose,
  expectIdentical,
  loadKernelSets,
  runOnBoth,
  u,
  ulpDistance,
  uniform,
  withExamples,
} from './kernels.test-helpers.js';
import { EDGE_SIZES } from './memory.test-helpers.js';

/** Stated bound of tanhVector against Math.tanh rounded to f32 (assembly/math.ts). */
const TANH_MAX_ULP = 1;

const sets = await loadKernelSets();
const { wasm, reference } = sets;
const runs = { numRuns: 60 };

describe('activations (wasm against reference)', () => {
  it('relu and reluBackward match exactly, in place too', () => {
    fc.assert(
      fc.property(dimension(2000), fc.integer(), (n, seed) => {
        const x = uniform(n, seed, -3, 3);
        if (n > 2) x[1] = 0;
        const gradOut = uniform(n, seed + 1);
        const { wasm: w, reference: r } = runOnBoth(
          sets,
          [x, gradOut, new Float32Array(n)],
          (k, [xb, gb, out]) => {
            k.relu(xb, out, n);
            k.reluBackward(xb, gb, gb, n); // gradIn may be gradOut
          },
        );
        expectIdentical(w[2], r[2], 'relu');
        expectIdentical(w[1], r[1], 'reluBackward');
      }),
      withExamples(
        EDGE_SIZES.map((n): [number, number] => [n, n]),
        runs.numRuns,
      ),
    );
  });

  it(`tanh is within ${TANH_MAX_ULP} ulp of Math.tanh; tanhBackward within 3·2⁻²⁴·|gradOut|`, () => {
    fc.assert(
      fc.property(dimension(2000), fc.integer(), fc.constantFrom(0.1, 1, 4, 12), (n, seed, s) => {
        const x = uniform(n, seed, -s, s);
        const gradOut = uniform(n, seed + 1);
        const { wasm: w, reference: r } = runOnBoth(
          sets,
          [x, new Float32Array(n), gradOut],
          (k, [xb, y, gb]) => {
            k.tanh(xb, y, n);
            k.tanhBackward(y, gb, gb, n);
          },
        );
        for (let i = 0; i < n; i++) {
          const distance = ulpDistance(w[1][i], Math.fround(Math.tanh(x[i])));
          expect(distance, `tanh(${x[i]})`).toBeLessThanOrEqual(TANH_MAX_ULP);
        }
        // The backward kernels run on each set's own y, which differ by ≤ 2 ulp: compare
        // through the reference formula on the wasm y.
        const expected = Float32Array.from(gradOut, (g, i) => g * (1 - w[1][i] * w[1][i]));
        expectClose(w[2], expected, n, (i) => 3 * u * Math.abs(gradOut[i]), 'tanhBackward');
        expectClose(
          r[2],
          expected,
          n,
          (i) => 3 * u * Math.abs(gradOut[i]),
          'reference tanhBackward',
        );
      }),
      withExamples(
        EDGE_SIZES.map((n): [number, number, number] => [n, n, 4]),
        runs.numRuns,
      ),
    );
  });

  it(`tanh stays within ${TANH_MAX_ULP} ulp over every 2000th f32 in ±[1e-30, 20]`, () => {
    const f = new Float32Array(1);
    const bits = new Int32Array(f.buffer);
    const values: number[] = [];
    f[0] = 1e-30;
    const start = bits[0];
    f[0] = 20;
    for (let b = start; b <= bits[0]; b += 2000) {
      const value = new Float32Array(new Int32Array([b]).buffer)[0];
      values.push(value, -value);
    }
    const x = Float32Array.from(values);
    const xb = wasm.allocFrom(x);
    wasm.tanh(xb, xb, x.length);
    let worst = 0;
    for (let i = 0; i < x.length; i++) {
      worst = Math.max(worst, ulpDistance(xb.view[i], Math.fround(Math.tanh(x[i]))));
    }
    xb.free();
    expect(worst).toBeLessThanOrEqual(TANH_MAX_ULP);
  });
});

describe('bias kernels (wasm against reference)', () => {
  it('biasAdd matches exactly; columnSums within 2·rows·2⁻²⁴·Σ|x|', () => {
    fc.assert(
      fc.property(dimension(), dimension(), fc.integer(), fc.boolean(), (rows, cols, seed, acc) => {
        const x = uniform(rows * cols, seed);
        const bias = uniform(cols, seed + 1);
        const sums = uniform(cols, seed + 2);
        const { wasm: w, reference: r } = runOnBoth(sets, [x, bias, sums], (k, [xb, bb, sb]) => {
          k.biasAdd(xb, bb, rows, cols);
          k.columnSums(xb, sb, rows, cols, { accumulate: acc });
        });
        expectIdentical(w[0], r[0], 'biasAdd');
        const magnitude = new Float64Array(cols);
        for (let i = 0; i < rows * cols; i++) magnitude[i % cols] += Math.abs(r[0][i]);
        for (let c = 0; c < cols; c++) if (acc) magnitude[c] += Math.abs(sums[c]);
        expectClose(w[2], r[2], cols, (c) => 2 * (rows + 1) * u * magnitude[c], 'columnSums');
      }),
      withExamples(
        edgePairs().map(([r, c], i): [number, number, number, boolean] => [
          r,
          c,
          i,
          cycle([false, true], i),
        ]),
        runs.numRuns,
      ),
    );
  });
});

describe('reductions (wasm against reference)', () => {
  it('dot and sumOfSquares agree to 1e-12 relative across several 4096-element chunks (summed chunk by chunk)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 4097, max: 60_000 }), fc.integer(), (n, seed) => {
        const a = wasm.allocFrom(uniform(n, seed, -10, 10));
        const b = wasm.allocFrom(uniform(n, seed + 1, -10, 10));
        const ra = reference.allocFrom(a.view);
        const rb = reference.allocFrom(b.view);
        const squares = reference.sumOfSquares(ra, n);
        const scale = squares + reference.sumOfSquares(rb, n);
        expect(Math.abs(wasm.dot(a, b, n) - reference.dot(ra, rb, n))).toBeLessThanOrEqual(
          1e-12 * scale,
        );
        expect(Math.abs(wasm.sumOfSquares(a, n) - squares)).toBeLessThanOrEqual(1e-12 * squares);
        for (const buffer of [a, b, ra, rb]) buffer.free();
      }),
      { numRuns: 30 },
    );
  });

  it('dot and sumOfSquares agree to 1e-12 relative (both exact products summed in f64)', () => {
    fc.assert(
      fc.property(dimension(5000), fc.integer(), (n, seed) => {
        const a = wasm.allocFrom(uniform(n, seed, -10, 10));
        const b = wasm.allocFrom(uniform(n, seed + 1, -10, 10));
        const ra = reference.allocFrom(a.view);
        const rb = reference.allocFrom(b.view);
        const scale = reference.sumOfSquares(ra, n) + reference.sumOfSquares(rb, n);
        expect(Math.abs(wasm.dot(a, b, n) - reference.dot(ra, rb, n))).toBeLessThanOrEqual(
          1e-12 * scale,
        );
        expect(wasm.sumOfSquares(a, n)).toBeCloseTo(reference.sumOfSquares(ra, n), 8);
        for (const buffer of [a, b, ra, rb]) buffer.free();
      }),
      withExamples(
        EDGE_SIZES.map((n): [number, number] => [n, n]),
        runs.numRuns,
      ),
    );
  });

  it('allFinite agrees with Number.isFinite over every value: NaN, ±∞ anywhere, extremes that are finite', () => {
    const F32_MAX = 3.4028234663852886e38;
    const special = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
    // Finite values whose exponent bits come close to all set, and the other extremes.
    const extremes = [F32_MAX, -F32_MAX, 1.1754943508222875e-38, 1.401298464324817e-45, -0, 0];
    fc.assert(
      fc.property(
        dimension(5000),
        fc.integer(),
        fc.array(fc.tuple(fc.nat(), fc.nat(2)), { maxLength: 3 }),
        fc.boolean(),
        (n, seed, bad, withExtremes) => {
          const values = uniform(n, seed, -10, 10);
          if (withExtremes) {
            for (let i = 0; i < n; i += 7) values[i] = cycle(extremes, i);
          }
          for (const [position, kind] of bad) values[position % n] = special[kind];
          const expected = values.every(Number.isFinite);
          // NaN just past n must not count.
          const padded = new Float32Array(n + 5).fill(Number.NaN);
          padded.set(values);
          const w = wasm.allocFrom(padded);
          const r = reference.allocFrom(padded);
          expect(wasm.allFinite(w, n)).toBe(expected);
          expect(reference.allFinite(r, n)).toBe(expected);
          w.free();
          r.free();
        },
      ),
      withExamples(
        [
          ...EDGE_SIZES.map((n): [number, number, [number, number][], boolean] => [n, n, [], true]),
          // The last value (in the scalar tail, or the last vector) is the only bad one.
          ...[1, 3, 4, 15, 16, 17, 63, 64, 65].flatMap((n) =>
            [0, 1, 2].map((kind): [number, number, [number, number][], boolean] => [
              n,
              n,
              [[n - 1, kind]],
              false,
            ]),
          ),
        ],
        runs.numRuns,
      ),
    );
  });

  it('argmaxRows picks the same first largest index, ties included', () => {
    fc.assert(
      fc.property(dimension(), dimension(), fc.integer(), (rows, cols, seed) => {
        // Few distinct values so that ties are common.
        const x = Float32Array.from(uniform(rows * cols, seed, 0, 4), Math.floor);
        const wOut = new Int32Array(rows + 3).fill(-7);
        const rOut = new Int32Array(rows + 3).fill(-7);
        const wx = wasm.allocFrom(x);
        const rx = reference.allocFrom(x);
        wasm.argmaxRows(wx, rows, cols, wOut);
        reference.argmaxRows(rx, rows, cols, rOut);
        expectIdentical(wOut, rOut, 'argmaxRows');
        expect(Array.from(wOut.subarray(rows))).toEqual([-7, -7, -7]);
        wx.free();
        rx.free();
      }),
      withExamples(
        edgePairs().map(([r, c], i): [number, number, number] => [r, c, i]),
        runs.numRuns,
      ),
    );
  });
});
