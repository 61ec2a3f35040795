import { describe, expect, it } from 'vitest';
import { gemm } from './gemm.js';

/** Row-major transpose of a rows × cols matrix. */
function transpose(x: Float32Array, rows: number, cols: number): Float32Array {
  const t = new Float32Array(x.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) t[c * rows + r] = x[r * cols + c];
  return t;
}

describe('reference gemm', () => {
  // A = [[1, 2, 3], [4, 5, 6]] (2×3), B = [[7, 8], [9, 10], [11, 12]] (3×2): A·B by hand.
  const a = Float32Array.from([1, 2, 3, 4, 5, 6]);
  const b = Float32Array.from([7, 8, 9, 10, 11, 12]);
  const product = [58, 64, 139, 154];

  it('multiplies a hand-computed 2×3 · 3×2 example in all four transpose combinations', () => {
    for (const transA of [false, true]) {
      for (const transB of [false, true]) {
        const c = new Float32Array(4);
        const storedA = transA ? transpose(a, 2, 3) : a;
        const storedB = transB ? transpose(b, 3, 2) : b;
        gemm(storedA, storedB, c, 2, 2, 3, transA, transB, 1, 0);
        expect(Array.from(c)).toEqual(product);
      }
    }
  });

  it('applies alpha and beta, and ignores old C (even NaN) when beta = 0', () => {
    const c = Float32Array.from([1, 1, 1, 1]);
    gemm(a, b, c, 2, 2, 3, false, false, 0.5, 2);
    expect(Array.from(c)).toEqual(product.map((x) => 0.5 * x + 2));
    const poisoned = Float32Array.from([Number.NaN, Number.NaN, Number.NaN, Number.NaN]);
    gemm(a, b, poisoned, 2, 2, 3, false, false, 1, 0);
    expect(Array.from(poisoned)).toEqual(product);
  });
});
