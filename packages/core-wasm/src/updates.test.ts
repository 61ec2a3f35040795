/**
 * The wasm parameter updates against the reference: one step from the same random state,
 * over sizes including the edge sizes (tails of 1–3 elements after the f32x4 body), with
 * guard tails. The wasm kernels compute in f32 (hyper-parameters rounded to f32 once), the
 * reference in f64 rounded once when stored; tolerances follow from counting roundings.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  dimension,
  expectClose,
  expectIdentical,
  loadKernelSets,
  runOnBoth,
  u,
  uniform,
  withExamples,
} from './kernels.test-helpers.js';
import { EDGE_SIZES } from './memory.test-helpers.js';

const sets = await loadKernelSets();
const { wasm } = sets;
const runs = { numRuns: 80 };

/** The golden constants of apps/docs/theory.md#constants. */
const golden = {
  momentum: (Math.sqrt(10) - Math.sqrt(2)) / 2,
  learningRate: (1 - (Math.sqrt(10) - Math.sqrt(2)) / 2) ** 2,
};

const hyper = {
  // Rates below ~1e-38 would round to 0 in f32; training uses nothing near that.
  learningRate: fc.oneof(
    fc.constant(golden.learningRate),
    fc.constant(0),
    fc.double({ min: 1e-6, max: 1, noNaN: true }),
  ),
  momentum: fc.oneof(
    fc.constant(golden.momentum),
    fc.constant(0),
    fc.double({ min: 1e-6, max: 0.999, noNaN: true }),
  ),
};

describe('heavyBall (wasm against reference, apps/docs/theory.md#constants to #process-balance)', () => {
  it('takes the same step: Δw within 4·2⁻²⁴·(|ηg| + |αΔw|), w within that plus 2·2⁻²⁴·|w|', () => {
    fc.assert(
      fc.property(
        // Sizes past the 4096-element chunks the process terms are summed over (by chunk,
        // then the chunks' sums in order) as well as within one chunk.
        fc.oneof(dimension(3000), fc.integer({ min: 4097, max: 40_000 })),
        fc.integer(),
        hyper.learningRate,
        hyper.momentum,
        fc.boolean(),
        (n, seed, learningRate, momentum, telemetry) => {
          const w0 = uniform(n, seed, -2, 2);
          const d0 = uniform(n, seed + 1, -0.1, 0.1);
          const g0 = uniform(n, seed + 2, -3, 3);
          const out = runOnBoth(sets, [w0, d0, g0], (k, [w, d, g]) =>
            k.heavyBall(w, d, g, n, { learningRate, momentum, telemetry }),
          );
          const size = (i: number) => learningRate * Math.abs(g0[i]) + momentum * Math.abs(d0[i]);
          expectClose(out.wasm[1], out.reference[1], n, (i) => 4 * u * size(i), 'delta');
          expectClose(
            out.wasm[0],
            out.reference[0],
            n,
            (i) => 4 * u * size(i) + 2 * u * Math.abs(out.reference[0][i]),
            'weights',
          );
          expectIdentical(out.wasm[2], g0, 'gradient (read only)');
          const [wasmTerms, referenceTerms] = out.results;
          if (!telemetry) {
            expect(wasmTerms).toBeUndefined();
            expect(referenceTerms).toBeUndefined();
            return;
          }
          if (wasmTerms === undefined || referenceTerms === undefined) {
            expect.fail('telemetry requested but no process terms returned');
          }
          const gg = referenceTerms.gradientNormSquared;
          const mm = referenceTerms.momentumNormSquared;
          // G and M carry ≤ 2 roundings (η or α to f32, the product), the f32 product one
          // more, the 16-element f32 partial sums ≤ 3: 12·2⁻²⁴ relative to the magnitudes.
          const tiny = 1e-300;
          expect(Math.abs(wasmTerms.gradientNormSquared - gg)).toBeLessThanOrEqual(
            8 * u * gg + tiny,
          );
          expect(Math.abs(wasmTerms.momentumNormSquared - mm)).toBeLessThanOrEqual(
            8 * u * mm + tiny,
          );
          expect(Math.abs(wasmTerms.dot - referenceTerms.dot)).toBeLessThanOrEqual(
            12 * u * Math.sqrt(gg * mm) + tiny,
          );
        },
      ),
      withExamples(
        EDGE_SIZES.map((n): [number, number, number, number, boolean] => [
          n,
          n,
          golden.learningRate,
          golden.momentum,
          n % 2 === 1,
        ]),
        runs.numRuns,
      ),
    );
  });

  it('sums the process terms in its stated order, bit for bit (checkpoints record them)', () => {
    // assembly/updates.ts: G = −η·g and M = α·Δw in f32, their products and per-lane partial
    // sums over blocks of 16 elements in f32, lanes 0 + 2 and 1 + 3 added to two f64 sums
    // block after block, those two added, then the tail in f64. Training histories and
    // checkpoints hold these sums, so a faster kernel must keep this order exactly.
    const f = Math.fround;
    const expectedTerms = (
      d: Float32Array,
      g: Float32Array,
      n: number,
      eta: number,
      alpha: number,
    ) => {
      const sums = [0, 1, 2].map(() => [0, 0]);
      let i = 0;
      for (; i + 16 <= n; i += 16) {
        const partials = [0, 1, 2].map(() => [0, 0, 0, 0]);
        for (let j = 0; j < 16; j++) {
          const G = f(eta * g[i + j]);
          const M = f(alpha * d[i + j]);
          [G * G, M * M, G * M].forEach((product, t) => {
            partials[t][j % 4] = f(partials[t][j % 4] + f(product));
          });
        }
        partials.forEach((p, t) => {
          sums[t][0] += p[0] + p[2];
          sums[t][1] += p[1] + p[3];
        });
      }
      const total = sums.map(([low, high]) => low + high);
      for (; i < n; i++) {
        const G = f(eta * g[i]);
        const M = f(alpha * d[i]);
        total[0] += G * G;
        total[1] += M * M;
        total[2] += G * M;
      }
      return { gradientNormSquared: total[0], momentumNormSquared: total[1], dot: total[2] };
    };
    fc.assert(
      fc.property(
        fc.oneof(dimension(3000), fc.constantFrom(16, 31, 32, 33, 47, 48, 64, 65)),
        fc.integer(),
        hyper.learningRate,
        hyper.momentum,
        (n, seed, learningRate, momentum) => {
          const d0 = uniform(n, seed + 1, -0.1, 0.1);
          const g0 = uniform(n, seed + 2, -3, 3);
          const w = wasm.allocFrom(uniform(n, seed, -2, 2));
          const d = wasm.allocFrom(d0);
          const g = wasm.allocFrom(g0);
          const terms = wasm.heavyBall(w, d, g, n, { learningRate, momentum, telemetry: true });
          expect(terms).toStrictEqual(expectedTerms(d0, g0, n, f(-learningRate), f(momentum)));
          for (const buffer of [w, d, g]) buffer.free();
        },
      ),
      withExamples(
        EDGE_SIZES.map((n): [number, number, number, number] => [
          n,
          n,
          golden.learningRate,
          golden.momentum,
        ]),
        runs.numRuns,
      ),
    );
  });

  it('reproduces the test vector of apps/docs/theory.md#a-test-vector to f32 precision', () => {
    const expected = [
      [-0.0158679247, -0.0158679247],
      [-0.0297369994, -0.0456049242],
      [-0.0418590153, -0.0874639394],
      [-0.0524540456, -0.139917985],
      [-0.0617144416, -0.2016324266],
    ];
    const n = 7;
    const weights = wasm.alloc(n);
    const delta = wasm.alloc(n);
    const gradient = wasm.allocFrom(new Float32Array(n).fill(1));
    for (const [deltaT, weightT] of expected) {
      wasm.heavyBall(weights, delta, gradient, n, golden);
      for (let i = 0; i < n; i++) {
        expect(Math.abs(delta.view[i] - deltaT)).toBeLessThan(3e-8);
        expect(Math.abs(weights.view[i] - weightT)).toBeLessThan(1e-7);
      }
    }
    for (const buffer of [weights, delta, gradient]) buffer.free();
  });
});

describe('momentumUpdate (wasm against reference)', () => {
  it('takes the same step, with and without Nesterov', () => {
    fc.assert(
      fc.property(
        dimension(3000),
        fc.integer(),
        hyper.learningRate,
        hyper.momentum,
        fc.boolean(),
        (n, seed, learningRate, momentum, nesterov) => {
          const w0 = uniform(n, seed, -2, 2);
          const v0 = uniform(n, seed + 1, -5, 5);
          const g0 = uniform(n, seed + 2, -3, 3);
          const out = runOnBoth(sets, [w0, v0, g0], (k, [w, v, g]) =>
            k.momentumUpdate(w, v, g, n, { learningRate, momentum, nesterov }),
          );
          const size = (i: number) => Math.abs(g0[i]) + momentum * Math.abs(v0[i]);
          expectClose(out.wasm[1], out.reference[1], n, (i) => 3 * u * size(i), 'velocity');
          expectClose(
            out.wasm[0],
            out.reference[0],
            n,
            (i) => 8 * u * learningRate * size(i) * (1 + momentum) + 2 * u * Math.abs(w0[i]),
            'weights',
          );
        },
      ),
      withExamples(
        EDGE_SIZES.map((n): [number, number, number, number, boolean] => [
          n,
          n,
          0.01,
          0.9,
          n % 2 === 0,
        ]),
        runs.numRuns,
      ),
    );
  });
});

describe('adam (wasm against reference)', () => {
  it('takes the same step as Adam and AdamW, early and late in training', () => {
    fc.assert(
      fc.property(
        dimension(3000),
        fc.integer(),
        fc.constantFrom(1, 2, 10, 1000),
        fc.constantFrom(0, 0.01, 0.1),
        fc.constantFrom(1e-3, 3e-4, 0.1),
        (n, seed, step, weightDecay, learningRate) => {
          const options = {
            learningRate,
            beta1: 0.9,
            beta2: 0.999,
            epsilon: 1e-8,
            step,
            weightDecay,
          };
          const w0 = uniform(n, seed, -2, 2);
          const m0 = step === 1 ? new Float32Array(n) : uniform(n, seed + 1, -0.1, 0.1);
          const v0 = step === 1 ? new Float32Array(n) : uniform(n, seed + 2, 0, 0.01);
          const g0 = uniform(n, seed + 3, -1, 1);
          const out = runOnBoth(sets, [w0, m0, v0, g0], (k, [w, m, v, g]) =>
            k.adam(w, m, v, g, n, options),
          );
          const [mR, vR] = [out.reference[1], out.reference[2]];
          expectClose(
            out.wasm[1],
            mR,
            n,
            (i) => 3 * u * (0.9 * Math.abs(m0[i]) + 0.1 * Math.abs(g0[i])),
            'firstMoment',
          );
          expectClose(
            out.wasm[2],
            vR,
            n,
            (i) => 4 * u * (0.999 * v0[i] + 0.001 * g0[i] * g0[i]),
            'secondMoment',
          );
          // The size of the adaptive step m̂ / (√v̂ + ε), with |m| bounded by the sizes of its
          // two terms (m may cancel to near 0 while its rounding error does not); its ~10 f32
          // roundings dominate the error of w.
          const c1 = 1 - 0.9 ** step;
          const c2 = 1 - 0.999 ** step;
          const adaptive = (i: number) =>
            (0.9 * Math.abs(m0[i]) + 0.1 * Math.abs(g0[i])) / c1 / (Math.sqrt(vR[i] / c2) + 1e-8);
          expectClose(
            out.wasm[0],
            out.reference[0],
            n,
            (i) => 16 * u * learningRate * adaptive(i) + 3 * u * Math.abs(w0[i]),
            'weights',
          );
        },
      ),
      withExamples(
        EDGE_SIZES.map((n, i): [number, number, number, number, number] => [
          n,
          n,
          [1, 2, 10, 1000][i % 4],
          [0, 0.01, 0.1][i % 3],
          1e-3,
        ]),
        runs.numRuns,
      ),
    );
  });
});
