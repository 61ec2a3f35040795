/**
 * The fused Prodigy passes (assembly/prodigy.ts) against the reference (src/reference/
 * prodigy.ts): one call from the same random state, over random sizes and the edge sizes
 * (the 16-element blocks of pass 1 and the 4-element vectors of pass 2, with their scalar
 * tails), with guard tails. The wasm kernels compute in f32 (hyper-parameters rounded to f32
 * once), the reference in f64 rounded once when stored; tolerances count roundings.
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
import type { ProdigySums } from './types.js';

const sets = await loadKernelSets();
const runs = { numRuns: 80 };
/** The edge sizes, and those around pass 1's blocks of 16. */
const SIZES = [...EDGE_SIZES, 15, 16, 17, 47, 48, 49];

const sum = (n: number, term: (i: number) => number) => {
  let total = 0;
  for (let i = 0; i < n; i++) total += term(i);
  return total;
};

describe('prodigySums (wasm against reference)', () => {
  it('updates s and returns ⟨g, x₀ − x⟩ and ‖s‖₁ within a few f32 roundings', () => {
    fc.assert(
      fc.property(
        dimension(3000),
        fc.integer(),
        fc.constantFrom(1e-12, 1e-6, 1, 3),
        fc.constantFrom(Math.sqrt(0.999), 0, 0.9),
        (n, seed, scale, beta3) => {
          const g0 = uniform(n, seed, -1, 1);
          const x0 = uniform(n, seed + 1, -0.01, 0.01);
          const s0 = uniform(n, seed + 2, -1, 1).map((s) => s * scale);
          const out = runOnBoth(sets, [g0, x0, s0], (k, [g, x, s]) =>
            k.prodigySums(g, x, s, n, { scale, beta3 }),
          );
          // s: β₃ and scale rounded to f32, two products and a sum: 4 roundings.
          const size = (i: number) => beta3 * Math.abs(s0[i]) + scale * Math.abs(g0[i]);
          expectClose(out.wasm[2], out.reference[2], n, (i) => 4 * u * size(i), 'distance');
          expectIdentical(out.wasm[0], g0, 'gradient (read only)');
          expectIdentical(out.wasm[1], x0, 'displacement (read only)');
          const [wasm, reference] = out.results as [ProdigySums, ProdigySums];
          // The product rounded once, the 4 products of a lane added as a tree (2 more).
          const dotSize = sum(n, (i) => Math.abs(g0[i] * x0[i]));
          expect(Math.abs(wasm.dot - reference.dot)).toBeLessThanOrEqual(4 * u * dotSize + 1e-300);
          // Each |s| off by its own error, then 2 roundings of the tree.
          const l1Error = sum(n, (i) => 4 * u * size(i)) + 3 * u * reference.distanceL1;
          expect(Math.abs(wasm.distanceL1 - reference.distanceL1)).toBeLessThanOrEqual(
            l1Error + 1e-300,
          );
        },
      ),
      withExamples(
        SIZES.map((n, i): [number, number, number, number] => [
          n,
          n,
          [1e-6, 1, 3][i % 3],
          Math.sqrt(0.999),
        ]),
        runs.numRuns,
      ),
    );
  });

  it('sums a single element exactly as the reference does', () => {
    const out = runOnBoth(
      sets,
      [Float32Array.of(0.5), Float32Array.of(-0.25), Float32Array.of(2)],
      (k, [g, x, s]) => k.prodigySums(g, x, s, 1, { scale: 2, beta3: 0.5 }),
    );
    // s = 0.5·2 + 2·0.5 = 2; ⟨g, x₀ − x⟩ = −0.125; all exact in f32.
    expect(out.results[0]).toEqual({ dot: -0.125, distanceL1: 2 });
    expect(out.results[1]).toEqual({ dot: -0.125, distanceL1: 2 });
  });
});

describe('prodigyUpdate (wasm against reference)', () => {
  it('updates m, v, x and x₀ − x within a few f32 roundings (and only m, v without nextD)', () => {
    fc.assert(
      fc.property(
        dimension(3000),
        fc.integer(),
        fc.constantFrom(1e-6, 1e-3, 1, 2.5),
        fc.constantFrom(1, 0.5),
        fc.constantFrom(1, 1.7),
        fc.constantFrom(0, 0.01),
        fc.boolean(),
        (n, seed, d, learningRate, growth, weightDecay, move) => {
          const options = {
            d,
            learningRate,
            beta1: 0.9,
            beta2: 0.999,
            epsilon: 1e-8,
            weightDecay,
            ...(move ? { nextD: d * growth } : {}),
          };
          const w0 = uniform(n, seed, -2, 2);
          const x0 = uniform(n, seed + 1, -0.01, 0.01);
          const m0 = uniform(n, seed + 2, -0.1, 0.1).map((m) => m * d);
          const v0 = uniform(n, seed + 3, 0, 0.01).map((v) => v * d * d);
          const g0 = uniform(n, seed + 4, -1, 1);
          const out = runOnBoth(sets, [w0, x0, m0, v0, g0], (k, [w, x, m, v, g]) =>
            k.prodigyUpdate(w, x, m, v, g, n, options),
          );
          const mSize = (i: number) => 0.9 * Math.abs(m0[i]) + 0.1 * d * Math.abs(g0[i]);
          expectClose(out.wasm[2], out.reference[2], n, (i) => 4 * u * mSize(i), 'firstMoment');
          const vR = out.reference[3];
          expectClose(
            out.wasm[3],
            vR,
            n,
            (i) => 5 * u * (0.999 * v0[i] + 0.001 * d * d * g0[i] * g0[i]),
            'secondMoment',
          );
          expectIdentical(out.wasm[4], g0, 'gradient (read only)');
          if (!move) {
            expectIdentical(out.wasm[0], w0, 'weights (no move)');
            expectIdentical(out.wasm[1], x0, 'displacement (no move)');
            return;
          }
          // The step dlr·m / (√v + d'·ε) with |m| bounded by its terms (m may cancel), plus
          // the decay λ·dlr·x: ~10 roundings of the quotient, 3 of the decay.
          const dlr = d * learningRate;
          const eps = d * growth * 1e-8;
          const stepError = (i: number) =>
            16 * u * dlr * (mSize(i) / (Math.sqrt(vR[i]) + eps)) +
            4 * u * weightDecay * dlr * Math.abs(w0[i]);
          expectClose(
            out.wasm[0],
            out.reference[0],
            n,
            (i) => stepError(i) + 2 * u * Math.abs(out.reference[0][i]),
            'weights',
          );
          expectClose(
            out.wasm[1],
            out.reference[1],
            n,
            (i) => stepError(i) + 2 * u * Math.abs(out.reference[1][i]),
            'displacement',
          );
        },
      ),
      withExamples(
        SIZES.map((n, i): [number, number, number, number, number, number, boolean] => [
          n,
          n,
          [1e-6, 1e-3, 1][i % 3],
          1,
          [1, 1.7][i % 2],
          [0, 0.01][i % 2],
          i % 4 !== 3,
        ]),
        runs.numRuns,
      ),
    );
  });

  it('without weight decay leaves an infinite weight infinite, as the reference does', () => {
    const n = 9;
    const w0 = uniform(n, 5, -1, 1);
    w0[2] = Number.POSITIVE_INFINITY;
    w0[8] = Number.NEGATIVE_INFINITY;
    const out = runOnBoth(
      sets,
      [w0, new Float32Array(n), new Float32Array(n), new Float32Array(n), uniform(n, 6, -1, 1)],
      (k, [w, x, m, v, g]) =>
        k.prodigyUpdate(w, x, m, v, g, n, {
          d: 1e-3,
          learningRate: 1,
          beta1: 0.9,
          beta2: 0.999,
          epsilon: 1e-8,
          nextD: 1e-3,
        }),
    );
    expect(out.reference[0][2]).toBe(Number.POSITIVE_INFINITY);
    expect(out.wasm[0][2]).toBe(Number.POSITIVE_INFINITY);
    expect(out.wasm[0][8]).toBe(Number.NEGATIVE_INFINITY);
  });

  it('takes the first step of the reference by hand: x moves by d·η·(1 − β₁)/√(1 − β₂)', () => {
    const d = 1e-6;
    for (const kernels of [sets.wasm, sets.reference]) {
      const w = kernels.allocFrom([1, -2, 3, 0.5, 7]);
      const x = kernels.alloc(5);
      const m = kernels.alloc(5);
      const v = kernels.alloc(5);
      const g = kernels.allocFrom([1, -2, 3, 0.25, -4]);
      kernels.prodigyUpdate(w, x, m, v, g, 5, {
        d,
        learningRate: 1,
        beta1: 0.9,
        beta2: 0.999,
        epsilon: 1e-8,
        nextD: d,
      });
      // m = 0.1·d·g, √v = √0.001·d·|g|: the step is d·0.1/√0.001·sign(g) up to ε.
      const move = (d * 0.1) / Math.sqrt(0.001);
      [1, -2, 3, 0.5, 7].forEach((w0, i) => {
        const sign = Math.sign(g.view[i]);
        expect(Math.abs(w.view[i] - (w0 - sign * move))).toBeLessThan(3e-7 * Math.abs(w0) + 1e-12);
        expect(x.view[i] / (sign * move)).toBeCloseTo(1, 5);
      });
      for (const buffer of [w, x, m, v, g]) buffer.free();
    }
  });
});
