/**
 * The GEMM's check against the TypeScript reference, shared by the tests of both builds
 * (gemm.test.ts: SIMD128; gemm.relaxed.test.ts: relaxed SIMD). One tolerance serves both: the
 * bound below holds for any order of roundings of the k products and sums, so it covers
 * relaxed_madd whether the engine fuses it (one rounding per step) or not (two).
 */
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { EDGE_SIZES, randomValues } from './memory.test-helpers.js';
import { gemm as referenceGemm } from './reference/gemm.js';
import type { GemmOptions } from './types.js';
import type { WasmKernels } from './wasm-kernels.js';

/**
 * Tolerance per element of C: the standard bound for a sum of k products in f32
 * (|error| ≤ γ_k · Σ|a||b| with γ_k ≈ k·u, u = 2⁻²⁴; Higham, Accuracy and Stability of
 * Numerical Algorithms, §3.5), plus rounding of α, β (passed to wasm as f32), of β·C and of
 * the final sum, with a factor 2 of slack: 2·(k + 3)·2⁻²⁴·(|α|·Σ_p|a_ip||b_pj| + |β·c_ij|),
 * and (k + 3)·2⁻¹⁴⁹ absolute for the subnormal range (each of the k products, with α
 * folded into A, may round by up to half the smallest subnormal, 2⁻¹⁵⁰; fast-check does
 * generate subnormal α). The reference sums in f64, so it is the exact product up to one
 * final rounding. `magnitude` holds Σ_p|a_ip||b_pj|.
 */
function tolerance(magnitude: number, c0: number, s: Shape): number {
  const scale = Math.abs(s.alpha) * magnitude + Math.abs(s.beta * c0);
  return 2 * (s.k + 3) * 2 ** -24 * scale + (s.k + 3) * 2 ** -149;
}

/** One case: every gemm option given. */
export type Shape = Required<Omit<GemmOptions, 'bias' | 'activation'>>;

/** Runs the wasm gemm and the reference on the same inputs and compares every element. */
export function checkAgainstReference(kernels: WasmKernels, s: Shape, seed: number): void {
  const a = randomValues(s.m * s.k, seed);
  const b = randomValues(s.k * s.n, seed + 1);
  const c0 = randomValues(s.m * s.n, seed + 2);
  // A sentinel tail after C: the kernel must not write outside its m·n output.
  const guard = 37;
  const aBuf = kernels.allocFrom(a);
  const bBuf = kernels.allocFrom(b);
  const cBuf = kernels.alloc(s.m * s.n + guard);
  cBuf.view.set(c0);
  cBuf.view.fill(12345, s.m * s.n);
  kernels.gemm(aBuf, bBuf, cBuf, s);
  const expected = Float32Array.from(c0);
  referenceGemm(a, b, expected, s.m, s.n, s.k, s.transA, s.transB, s.alpha, s.beta);
  const magnitude = new Float32Array(s.m * s.n);
  referenceGemm(
    a.map(Math.abs),
    b.map(Math.abs),
    magnitude,
    s.m,
    s.n,
    s.k,
    s.transA,
    s.transB,
    1,
    0,
  );
  const got = cBuf.view;
  for (let i = 0; i < s.m; i++) {
    for (let j = 0; j < s.n; j++) {
      const index = i * s.n + j;
      const error = Math.abs(got[index] - expected[index]);
      if (!(error <= tolerance(magnitude[index], c0[index], s))) {
        throw new Error(
          `C[${i}, ${j}] = ${got[index]}, reference ${expected[index]} (error ${error}) for ${JSON.stringify(s)}`,
        );
      }
    }
  }
  for (let t = 0; t < guard; t++) expect(got[s.m * s.n + t]).toBe(12345);
  aBuf.free();
  bBuf.free();
  cBuf.free();
}

/** A dimension: an edge size or any size up to 140. */
export const size = fc.oneof(fc.constantFrom(...EDGE_SIZES), fc.integer({ min: 1, max: 140 }));
/** α or β: the special values and any in [-4, 4]. */
export const scalar = fc.oneof(
  fc.constantFrom(0, 1, -1, 0.5),
  fc.double({ min: -4, max: 4, noNaN: true, noDefaultInfinity: true }),
);

/**
 * The reference cases every build must pass, as vitest cases of the calling `describe`: a
 * hand-computed product, fast-check shapes, every edge size in every dimension, and products
 * past the cache blocks. `kernels()` gives the instances once `beforeAll` has loaded them:
 * the first runs every case, the others (e.g. the same build on two threads) the cache-block
 * products, the ones large enough to be split.
 */
export function referenceCases(kernels: () => readonly WasmKernels[]): void {
  it('matches a hand-computed 2×3 · 3×2 product exactly (small integers round nowhere)', () => {
    const [k] = kernels();
    const a = k.allocFrom([1, 2, 3, 4, 5, 6]);
    const b = k.allocFrom([7, 8, 9, 10, 11, 12]);
    const c = k.alloc(4);
    k.gemm(a, b, c, { m: 2, n: 2, k: 3 });
    expect(Array.from(c.view)).toEqual([58, 64, 139, 154]);
  });

  it('matches the reference over random shapes, transposes, alpha and beta (fast-check)', () => {
    const [k] = kernels();
    fc.assert(
      fc.property(
        fc.record({
          m: size,
          n: size,
          k: size,
          transA: fc.boolean(),
          transB: fc.boolean(),
          alpha: scalar,
          beta: scalar,
        }),
        fc.integer({ min: 1, max: 2 ** 30 }),
        (shape, seed) => checkAgainstReference(k, shape, seed),
      ),
      { numRuns: 150 },
    );
  });

  it('covers every edge size in every dimension with all four transpose combinations', () => {
    const [k] = kernels();
    let seed = 1;
    for (const transA of [false, true]) {
      for (const transB of [false, true]) {
        for (const edge of EDGE_SIZES) {
          // The edge size in one dimension at a time, odd sizes in the others.
          checkAgainstReference(
            k,
            { m: edge, n: 9, k: 7, transA, transB, alpha: 1, beta: 0 },
            seed++,
          );
          checkAgainstReference(
            k,
            { m: 5, n: edge, k: 3, transA, transB, alpha: -0.5, beta: 1 },
            seed++,
          );
          checkAgainstReference(
            k,
            { m: 3, n: 33, k: edge, transA, transB, alpha: 2, beta: 0.25 },
            seed++,
          );
        }
      }
    }
  });

  it('is correct across cache blocks (m > 128, n > 512, k > 512) in all four transpose combinations', () => {
    let seed = 100;
    for (const transA of [false, true]) {
      for (const transB of [false, true]) {
        const shape = { m: 131, n: 517, k: 519, transA, transB, alpha: 0.75, beta: -1.5 };
        for (const k of kernels()) checkAgainstReference(k, shape, seed);
        seed++;
      }
    }
  });
}
