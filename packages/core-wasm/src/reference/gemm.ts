/**
 * Reference general matrix product, written for clarity: a triple loop with the sum over k
 * accumulated in f64 and rounded to f32 once.
 */

/**
 * C = alpha · op(A) · op(B) + beta · C for row-major f32 matrices, where op(A) is m × k
 * (A stored k × m when `transA`) and op(B) is k × n (B stored n × k when `transB`). With
 * beta = 0 the old contents of C are ignored, so NaN in C does not leak into the result.
 */
export function gemm(
  a: Float32Array,
  b: Float32Array,
  c: Float32Array,
  m: number,
  n: number,
  k: number,
  transA: boolean,
  transB: boolean,
  alpha: number,
  beta: number,
): void {
  // op(A)[i, p] = a[i·aRow + p·aCol] and op(B)[p, j] = b[p·bRow + j·bCol]: a transpose
  // only swaps the strides.
  const [aRow, aCol] = transA ? [1, m] : [k, 1];
  const [bRow, bCol] = transB ? [1, k] : [n, 1];
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let p = 0; p < k; p++) sum += a[i * aRow + p * aCol] * b[p * bRow + j * bCol];
      const old = beta === 0 ? 0 : beta * c[i * n + j];
      c[i * n + j] = alpha * sum + old;
    }
  }
}
