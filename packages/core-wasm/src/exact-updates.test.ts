/**
 * The fused Lion and Schedule-Free kernels (assembly/lion.ts, assembly/schedule-free.ts)
 * against their reference loops (src/reference/lion.ts, src/reference/schedule-free.ts):
 * unlike the f32 kernels, these must be bit-identical, since the runs and checkpoints made
 * with the loops must resume exactly (the comparison: exact-updates.test-helpers.ts). Sizes
 * 1..70, around the 4-element vectors and their tails and around 4096, and 100 003; values
 * mixed from ordinary, tiny (subnormal), huge (overflowing f32 when scaled), zero and −0
 * ones, with NaN and ±∞ in their own test; several steps in a row.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  adamWRun,
  allocPair,
  expectSame,
  freePair,
  lionCases,
  lionRun,
  SIZES,
  sgdRun,
} from './exact-updates.test-helpers.js';
import { contents, expectIdentical, loadKernelSets } from './kernels.test-helpers.js';

const sets = await loadKernelSets();

describe('fused Lion and Schedule-Free kernels: bit-identical to the reference loops', () => {
  it('the wasm set has the fused kernels', () => {
    expect(typeof sets.wasm.lionUpdate).toBe('function');
    expect(typeof sets.wasm.scheduleFreeSgdUpdate).toBe('function');
    expect(typeof sets.wasm.scheduleFreeAdamWUpdate).toBe('function');
  });

  it('lion: every size 1..70, around 4096 and 100 003, with and without weight decay', () => {
    SIZES.forEach((n, i) => {
      lionRun(sets, n, 1000 + i, lionCases[i % lionCases.length]);
    });
  });

  it('schedule-free SGD: every size, weight decay 0 and > 0, averaging 1/step, 1, 0, 0.3', () => {
    SIZES.forEach((n, i) => {
      sgdRun(sets, n, 2000 + i, i);
    });
  });

  it('schedule-free AdamW: every size, weight decay 0 and > 0, early and late steps', () => {
    SIZES.forEach((n, i) => {
      adamWRun(sets, n, 3000 + i, i);
    });
  });

  it('all three with NaN and ±∞ among the values (where the loops give NaN, so do the kernels)', () => {
    for (const n of [1, 3, 4, 5, 17, 49, 4097]) {
      for (let index = 0; index < 4; index++) {
        lionRun(sets, n, 4000 + n + index, lionCases[index], true);
        sgdRun(sets, n, 5000 + n + index, index, true);
        adamWRun(sets, n, 6000 + n + index, index, true);
      }
    }
  });

  it('random sizes, seeds and options (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3000 }),
        fc.integer({ min: 0, max: 2 ** 30 }),
        fc.integer({ min: 0, max: 15 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 0.9999, noNaN: true }),
        (n, seed, index, learningRate, beta) => {
          lionRun(sets, n, seed, {
            learningRate,
            beta1: beta,
            beta2: 0.99,
            weightDecay: index / 8,
          });
          sgdRun(sets, n, seed + 1, index);
          adamWRun(sets, n, seed + 2, index);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('sign(c) is Math.sign: 0 and −0 stay, the weight moves by exactly ±η otherwise', () => {
    // m = g = 0 gives c = 0; m = g = −0 gives c = −0; w = 1 − η·(±1) otherwise.
    const w0 = Float32Array.of(1, 1, 1, 1, 1, 1);
    const m0 = Float32Array.of(0, -0, 1, -1, 0, 0);
    const g0 = Float32Array.of(0, -0, 0, 0, 2, -2);
    const pair = allocPair(sets, [w0, m0, g0]);
    for (const k of [sets.wasm, sets.reference]) {
      const [w, m, g] = k === sets.wasm ? pair.wasm : pair.reference;
      k.lionUpdate?.(w, m, g, 6, { learningRate: 0.25, beta1: 0.9, beta2: 0.99 });
      expectIdentical(contents(w, 6), Float32Array.of(1, 1, 0.75, 1.25, 0.75, 1.25), k.name);
    }
    expectSame(pair, 6, ['weights', 'momentum', 'gradient'], 'sign');
    freePair(pair);
  });
});

describe('fused Lion and Schedule-Free kernels: bad input', () => {
  const w = sets.wasm.alloc(8);
  const a = sets.wasm.alloc(8);
  const b = sets.wasm.alloc(8);
  const c = sets.wasm.alloc(8);
  const g = sets.wasm.alloc(8);
  const adamW = { learningRate: 1, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, step: 1, averaging: 1 };

  it('names the option out of range and the range allowed, on both sets alike', () => {
    for (const k of [sets.wasm, sets.reference]) {
      const [wk, ak, bk, ck, gk] = [0, 1, 2, 3, 4].map(() => k.alloc(8));
      expect(() => k.lionUpdate?.(wk, ak, gk, 8, { learningRate: 1, beta1: 1, beta2: 0 })).toThrow(
        /lionUpdate: "beta1" must be a finite number ≥ 0 and < 1, got 1/,
      );
      expect(() =>
        k.scheduleFreeSgdUpdate?.(wk, ak, bk, gk, 8, {
          learningRate: 1,
          momentum: 0.9,
          averaging: Number.NaN,
        }),
      ).toThrow(/scheduleFreeSgdUpdate: "averaging" must be a finite number ≥ 0 and ≤ 1, got NaN/);
      expect(() =>
        k.scheduleFreeAdamWUpdate?.(wk, ak, bk, ck, gk, 8, { ...adamW, step: 0 }),
      ).toThrow(/scheduleFreeAdamWUpdate: "step" must be/);
      expect(() =>
        k.scheduleFreeAdamWUpdate?.(wk, ak, bk, ck, gk, 8, { ...adamW, weightDecay: -1 }),
      ).toThrow(/scheduleFreeAdamWUpdate: "weightDecay" must be a finite number ≥ 0, got -1/);
      for (const buffer of [wk, ak, bk, ck, gk]) buffer.free();
    }
  });

  it('refuses the same buffer twice, too few elements and a foreign buffer', () => {
    expect(() =>
      sets.wasm.lionUpdate?.(w, w, g, 8, { learningRate: 1, beta1: 0, beta2: 0 }),
    ).toThrow(/different buffers/);
    expect(() =>
      sets.wasm.scheduleFreeSgdUpdate?.(w, a, b, g, 9, {
        learningRate: 1,
        momentum: 0.9,
        averaging: 1,
      }),
    ).toThrow(RangeError);
    const foreign = sets.reference.alloc(8);
    expect(() => sets.wasm.scheduleFreeAdamWUpdate?.(w, a, b, foreign, g, 8, adamW)).toThrow(
      TypeError,
    );
    foreign.free();
    void c;
  });
});
