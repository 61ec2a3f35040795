import { describe, expect, it } from 'vitest';
import { createReferenceKernels } from './index.js';

describe('createReferenceKernels: buffers', () => {
  it('allocates zero-filled buffers, counts bytes and frees idempotently', () => {
    const kernels = createReferenceKernels();
    expect(kernels.name).toBe('reference');
    const a = kernels.alloc(5);
    const b = kernels.allocFrom([1, 2, 3]);
    expect(Array.from(a.view)).toEqual([0, 0, 0, 0, 0]);
    expect(Array.from(b.view)).toEqual([1, 2, 3]);
    expect(kernels.allocatedBytes()).toBe(32);
    a.free();
    a.free();
    expect(a.freed).toBe(true);
    expect(kernels.allocatedBytes()).toBe(12);
    expect(() => a.view).toThrow(TypeError);
  });

  it('rejects bad sizes, freed, foreign and short buffers, naming the argument', () => {
    const kernels = createReferenceKernels();
    const other = createReferenceKernels();
    const x = kernels.alloc(6);
    const out = kernels.alloc(6);
    expect(() => kernels.alloc(0)).toThrow(RangeError);
    expect(() => kernels.alloc(1.5)).toThrow(/length/);
    expect(() => kernels.relu(x, out, 7)).toThrow(/"x" holds 6 values but n = 7/);
    expect(() => kernels.relu(x, other.alloc(6), 6)).toThrow(TypeError);
    expect(() => kernels.relu(x, out, Number.NaN)).toThrow(/"n"/);
    const freed = kernels.alloc(6);
    freed.free();
    expect(() => kernels.relu(freed, out, 6)).toThrow(/"x" has been freed/);
    expect(() => kernels.biasAdd(x, kernels.alloc(2), 2, 3)).toThrow(/"bias"/);
  });

  it('rejects out-of-range hyper-parameters and labels', () => {
    const kernels = createReferenceKernels();
    const [w, d, g] = [kernels.alloc(4), kernels.alloc(4), kernels.alloc(4)];
    expect(() =>
      kernels.heavyBall(w, d, g, 4, { learningRate: Number.NaN, momentum: 0.9 }),
    ).toThrow(/learningRate/);
    expect(() => kernels.heavyBall(w, d, g, 4, { learningRate: 0.1, momentum: 1 })).toThrow(
      /momentum/,
    );
    expect(() => kernels.heavyBall(w, w, g, 4, { learningRate: 0.1, momentum: 0.5 })).toThrow(
      /different buffers/,
    );
    const m = kernels.alloc(4);
    const v = kernels.alloc(4);
    const adam = { learningRate: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, step: 0 };
    expect(() => kernels.adam(w, m, v, g, 4, adam)).toThrow(/step/);
    expect(() => kernels.adam(w, m, v, g, 4, { ...adam, step: 1, epsilon: 0 })).toThrow(/epsilon/);
    const logits = kernels.alloc(6);
    expect(() => kernels.softmaxCrossEntropy(logits, { labels: [0, 3] }, 2, 3)).toThrow(
      /"labels"\[1\]/,
    );
    expect(() => kernels.softmaxCrossEntropy(logits, { labels: [0] }, 2, 3)).toThrow(RangeError);
    expect(() =>
      kernels.softmaxCrossEntropy(logits, { probabilities: logits }, 2, 3, { gradient: logits }),
    ).toThrow(/different buffers/);
    expect(() =>
      kernels.gemm(w, d, g, { m: 2, n: 2, k: 2, alpha: Number.POSITIVE_INFINITY }),
    ).toThrow(/alpha/);
    expect(() => kernels.argmaxRows(logits, 2, 3, new Int32Array(1))).toThrow(/"out"/);
  });
});

describe('createReferenceKernels: information measures (apps/docs/theory.md#dual-processes)', () => {
  const kernels = createReferenceKernels();

  it('gives log k for a uniform row, 0 for one-hot, ∞ divergence where p > 0 = q', () => {
    const p = kernels.allocFrom([0.25, 0.25, 0.25, 0.25, 0, 1, 0, 0]);
    const q = kernels.allocFrom([0.25, 0.25, 0.25, 0.25, 0.5, 0, 0.5, 0]);
    const perRow = kernels.alloc(2);
    expect(kernels.entropy(p, 2, 4, perRow)).toBeCloseTo(Math.log(4) / 2, 12);
    expect(Array.from(perRow.view)).toEqual([Math.fround(Math.log(4)), 0]);
    expect(kernels.klDivergence(p, q, 2, 4, perRow)).toBe(Number.POSITIVE_INFINITY);
    expect(perRow.view[0]).toBeCloseTo(0, 12);
    expect(kernels.crossEntropy(p, q, 2, 4)).toBe(Number.POSITIVE_INFINITY);
    // p = 0 where q = 0 contributes nothing (0 · log 0 = 0).
    const pZero = kernels.allocFrom([0.5, 0.5, 0]);
    const qZero = kernels.allocFrom([0.25, 0.75, 0]);
    const kl = 0.5 * Math.log(0.5 / 0.25) + 0.5 * Math.log(0.5 / 0.75);
    expect(kernels.klDivergence(pZero, qZero, 1, 3)).toBeCloseTo(kl, 7);
    expect(kernels.crossEntropy(pZero, qZero, 1, 3)).toBeCloseTo(
      kernels.entropy(pZero, 1, 3) + kl,
      7,
    );
  });

  it('reduces in f64 and finds the first largest value of each row', () => {
    const a = kernels.allocFrom([1, 2, 3, 4]);
    const b = kernels.allocFrom([0.5, -1, 2, 0.25]);
    expect(kernels.dot(a, b, 4)).toBe(0.5 - 2 + 6 + 1);
    expect(kernels.sumOfSquares(a, 3)).toBe(14);
    const x = kernels.allocFrom([1, 3, 3, -1, -5, -2]);
    const out = new Int32Array(2);
    kernels.argmaxRows(x, 2, 3, out);
    expect(Array.from(out)).toEqual([1, 0]);
  });

  it('computes bias add and column sums, with accumulate', () => {
    const x = kernels.allocFrom([1, 2, 3, 4, 5, 6]);
    const bias = kernels.allocFrom([10, 20, 30]);
    kernels.biasAdd(x, bias, 2, 3);
    expect(Array.from(x.view)).toEqual([11, 22, 33, 14, 25, 36]);
    const sums = kernels.allocFrom([1, 1, 1]);
    kernels.columnSums(x, sums, 2, 3, { accumulate: true });
    expect(Array.from(sums.view)).toEqual([26, 48, 70]);
    kernels.columnSums(x, sums, 2, 3);
    expect(Array.from(sums.view)).toEqual([25, 47, 69]);
  });
});
